// The Prometheus Operator overlay: the exporter is scraped as job "ambient-exporter" with its own
// labels kept and none of its pod's target labels added, and the PodMonitors turn ztunnel, istiod
// and istio-cni pods into targets labelled node and pod. The monitors' relabelings run through
// Prometheus itself (promtool), after the steps the operator puts in front of them.
import { expect } from 'chai';
import {
  CNI_METRICS_PATH,
  CNI_POD_LABELS,
  ISTIOD_METRICS_PATH,
  ISTIOD_POD_LABELS,
  PORTS,
  ZTUNNEL_METRICS_PATH,
  ZTUNNEL_POD_LABELS,
} from '../../../src/istio.js';
import { resolvePodConfig } from '../../unit/manifests/exporter-pod.js';
import { CNI_POD, EXPORTER_POD, ISTIOD_POD, OTHER_PODS, ZTUNNEL_POD } from './fixture-pods.js';
import { findObject, render } from '../../support/manifests/paths.js';
import { exporterService, podMonitorJob, serviceMonitorJob, type PodMonitorSpec } from './operator-jobs.js';
import { endpointTargets, relabelTargets, type FixturePod } from './promtool-sd.js';

describe('manifests: Prometheus Operator overlay', () => {
  const objects = render('manifests/overlays/prometheus-operator');
  const config = resolvePodConfig(objects);

  describe('ServiceMonitor for the exporter', () => {
    const sm = findObject(objects, 'ServiceMonitor', 'ambient-exporter');
    const spec = sm.spec as {
      jobLabel: string;
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string; honorLabels: boolean }[];
    };
    const svc = findObject(objects, 'Service', 'ambient-exporter', sm.metadata.namespace);

    it('selects the exporter Service and scrapes its http-metrics port at /metrics', () => {
      expect(svc.metadata.labels).to.include(spec.selector.matchLabels);
      const ports = (svc.spec as { ports: { name: string }[] }).ports.map((p) => p.name);
      expect(spec.endpoints.map((e) => [e.port, e.path])).to.deep.equal([['http-metrics', '/metrics']]);
      expect(ports).to.include('http-metrics');
    });

    it('names the job ambient-exporter (from the Service label jobLabel points at)', () => {
      expect(svc.metadata.labels?.[spec.jobLabel]).to.equal('ambient-exporter');
    });

    it("keeps the exporter's own node, pod and namespace labels (honorLabels)", () => {
      expect(spec.endpoints.every((e) => e.honorLabels)).to.be.true;
    });

    it('gives the target job and instance only: none of the exporter pod\'s node, pod, namespace, service, endpoint or container labels', async () => {
      const discovered = endpointTargets(exporterService(objects), EXPORTER_POD);
      const [[target], [before]] = await Promise.all([
        relabelTargets(serviceMonitorJob(sm), [], discovered),
        relabelTargets(serviceMonitorJob(sm, { ownRelabelings: false }), [], discovered),
      ]);
      // without the endpoint's relabelings the operator would attach the exporter's own pod labels ...
      expect(before).to.include({ namespace: 'ambient-exporter', pod: EXPORTER_POD.name, service: 'ambient-exporter', endpoint: 'http-metrics', container: 'ambient-exporter' });
      // ... which honorLabels would then put on every series lacking them; the shipped monitor drops them
      const visible = Object.keys(target ?? {}).filter((k) => !k.startsWith('__'));
      expect(visible.sort()).to.deep.equal(['instance', 'job']);
      expect(target).to.include({ job: 'ambient-exporter', instance: `${EXPORTER_POD.ip}:9479` });
    });
  });

  describe('PodMonitors for the Istio components', () => {
    const cases = [
      // ztunnel and istio-cni also in kube-system, where GKE runs them (istiod stays in istio-system)
      { name: 'ztunnel', pod: ZTUNNEL_POD, labels: ZTUNNEL_POD_LABELS, path: ZTUNNEL_METRICS_PATH, address: `${ZTUNNEL_POD.ip}:${PORTS.ztunnelStats}`, namespaces: [config.istioNamespace, 'kube-system'] },
      { name: 'istiod', pod: ISTIOD_POD, labels: ISTIOD_POD_LABELS, path: ISTIOD_METRICS_PATH, address: `${ISTIOD_POD.ip}:${PORTS.istiodMonitoring}`, namespaces: [config.istioNamespace] },
      { name: 'istio-cni', pod: CNI_POD, labels: CNI_POD_LABELS, path: CNI_METRICS_PATH, address: `${CNI_POD.ip}:${PORTS.cniMonitoring}`, namespaces: [config.istioNamespace, 'kube-system'] },
    ];
    const targetsOf = new Map<string, Record<string, string>[]>();

    before(async () => {
      const pods: FixturePod[] = [ZTUNNEL_POD, ISTIOD_POD, CNI_POD, EXPORTER_POD, ...OTHER_PODS];
      await Promise.all(
        cases.map(async (c) => {
          const pm = findObject(objects, 'PodMonitor', c.name);
          const names = (pm.spec as PodMonitorSpec).namespaceSelector.matchNames;
          targetsOf.set(c.name, await relabelTargets(podMonitorJob(pm), pods.filter((p) => names.includes(p.namespace))));
        }),
      );
    });

    for (const c of cases) {
      it(`${c.name}: selects the pods the exporter itself discovers, in ${c.namespaces.join(' and ')}`, () => {
        const spec = findObject(objects, 'PodMonitor', c.name).spec as PodMonitorSpec;
        expect(spec.selector.matchLabels).to.deep.equal(c.labels);
        expect(spec.namespaceSelector.matchNames).to.deep.equal(c.namespaces);
      });

      it(`${c.name}: one target per pod at ${c.address}${c.path}, job ${c.name}, labelled node and pod`, () => {
        const targets = targetsOf.get(c.name);
        expect(targets).to.have.length(1);
        expect(targets![0]).to.include({
          job: c.name,
          node: c.pod.node,
          pod: c.pod.name,
          namespace: c.pod.namespace,
          __address__: c.address,
          __metrics_path__: c.path,
        });
      });
    }
  });
});
