// The kube-prometheus-stack overlay: with the chart's default selectors its Prometheus picks up
// only monitoring objects labelled `release: <Helm release name>` (chart 88.5.3,
// templates/prometheus/prometheus.yaml). Rendered, every ServiceMonitor, PodMonitor and
// PrometheusRule carries `release: kube-prometheus-stack`, nothing else changes, and the example in
// docs/deploy.md for another release name renders with that name instead. render.test.ts checks
// that this renderer and `kubectl kustomize` agree on the overlay.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { objectId, renderKustomization, type KubeObject } from '../../support/manifests/kustomize-lite.js';
import { PROJECT_ROOT, render } from '../../support/manifests/paths.js';

const MONITORING_KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];
const isMonitoring = (o: KubeObject): boolean => MONITORING_KINDS.includes(o.kind);
const withoutRelease = (o: KubeObject): KubeObject => {
  const copy = structuredClone(o);
  delete copy.metadata.labels?.['release'];
  return copy;
};

/** The two YAML blocks of docs/deploy.md's release-name example: the kustomization, then the transformer. */
function docsExample(): { kustomization: string; transformer: string } {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
  const section = /<!-- release-name example[^>]*-->([\s\S]*?)<!-- end release-name example -->/.exec(doc)?.[1] ?? '';
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  expect(blocks, 'two YAML blocks in the example').to.have.length(2);
  return { kustomization: blocks[0]!, transformer: blocks[1]! };
}

function kubectlKustomize(dir: string): KubeObject[] | undefined {
  try {
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(out)
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

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
    let dir: string;
    before(() => {
      // the layout the example assumes: the checkout next to the user's own overlay
      dir = mkdtempSync(join(tmpdir(), 'kps-release-'));
      cpSync(join(PROJECT_ROOT, 'manifests'), join(dir, 'ambient-exporter/manifests'), { recursive: true });
      const { kustomization, transformer } = docsExample();
      mkdirSync(join(dir, 'my-ambient-exporter'));
      writeFileSync(join(dir, 'my-ambient-exporter/kustomization.yaml'), kustomization);
      writeFileSync(join(dir, 'my-ambient-exporter/release-label.yaml'), transformer);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('labels every monitoring object with the release name given there, and nothing else', () => {
      const mine = renderKustomization(join(dir, 'my-ambient-exporter'));
      expect(mine.filter(isMonitoring)).to.have.length(6);
      for (const o of mine.filter(isMonitoring)) expect(o.metadata.labels?.['release'], objectId(o)).to.equal('monitoring');
      for (const o of mine.filter((x) => !isMonitoring(x))) expect(o.metadata.labels?.['release'], objectId(o)).to.equal(undefined);
    });

    it('renders the same with `kubectl kustomize`, where kubectl is installed', function () {
      const real = kubectlKustomize(join(dir, 'my-ambient-exporter'));
      if (real === undefined) this.skip();
      const byId = (list: KubeObject[]) => Object.fromEntries(list.map((o) => [objectId(o), o]));
      expect(byId(renderKustomization(join(dir, 'my-ambient-exporter')))).to.deep.equal(byId(real));
    });
  });
});
