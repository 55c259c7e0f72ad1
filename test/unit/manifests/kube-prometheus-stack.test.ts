// The kube-prometheus-stack overlay: with the chart's default selectors its Prometheus picks up
// only monitoring objects labelled `release: <Helm release name>` (chart 88.5.3,
// templates/prometheus/prometheus.yaml). Rendered, every ServiceMonitor, PodMonitor and
// PrometheusRule carries `release: kube-prometheus-stack`, nothing else changes, and the example in
// docs/deploy.md for another release name renders with that name instead. The tools tier checks
// that this renderer and `kubectl kustomize` agree on both (test/tools/manifests/render.test.ts).
import { expect } from 'chai';
import { objectId, renderKustomization, type KubeObject } from '../../support/manifests/kustomize-lite.js';
import { render } from '../../support/manifests/paths.js';
import { layOutReleaseExample, type ReleaseExample } from '../../support/manifests/release-example.js';

const MONITORING_KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];
const isMonitoring = (o: KubeObject): boolean => MONITORING_KINDS.includes(o.kind);
const withoutRelease = (o: KubeObject): KubeObject => {
  const copy = structuredClone(o);
  delete copy.metadata.labels?.['release'];
  return copy;
};

describe('manifests: kube-prometheus-stack overlay', () => {
  const objects = render('manifests/overlays/kube-prometheus-stack');
  const operator = render('manifests/overlays/prometheus-operator');

  it("holds the ServiceMonitor, the four PodMonitors (ztunnel, istiod, istio-cni, the node agents' own metrics) and the PrometheusRule", () => {
    const count = (kind: string) => objects.filter((o) => o.kind === kind).length;
    expect([count('ServiceMonitor'), count('PodMonitor'), count('PrometheusRule')]).to.deep.equal([1, 4, 1]);
  });

  it('labels every ServiceMonitor, PodMonitor and PrometheusRule release: kube-prometheus-stack', () => {
    for (const o of objects.filter(isMonitoring)) expect(o.metadata.labels?.['release'], objectId(o)).to.equal('kube-prometheus-stack');
  });

  it('leaves every other object, and every other label, as the Prometheus Operator overlay has them', () => {
    for (const o of objects.filter((x) => !isMonitoring(x))) expect(o.metadata.labels?.['release'], objectId(o)).to.equal(undefined);
    const byId = (list: KubeObject[]) => Object.fromEntries(list.map((o) => [objectId(o), withoutRelease(o)]));
    expect(byId(objects)).to.deep.equal(byId(operator));
  });

  describe('another Helm release name, as docs/deploy.md shows it', () => {
    let example: ReleaseExample | undefined;
    before(() => (example = layOutReleaseExample()));
    after(() => example?.remove());

    it('labels every monitoring object with the release name given there, and nothing else', () => {
      const mine = renderKustomization(example!.overlay);
      expect(mine.filter(isMonitoring)).to.have.length(6);
      for (const o of mine.filter(isMonitoring)) expect(o.metadata.labels?.['release'], objectId(o)).to.equal('monitoring');
      for (const o of mine.filter((x) => !isMonitoring(x))) expect(o.metadata.labels?.['release'], objectId(o)).to.equal(undefined);
    });
  });
});
