// The Prometheus Operator overlay: the exporter is scraped as job "ambient-exporter" with its own
// labels kept, and the PodMonitors turn ztunnel, istiod and istio-cni pods into targets labelled
// node and pod. The PodMonitors' relabelings run through Prometheus itself (promtool), after the
// selection steps the operator puts in front of them.
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
import { resolvePodConfig } from './exporter-pod.js';
import { CNI_POD, EXPORTER_POD, ISTIOD_POD, OTHER_PODS, ZTUNNEL_POD } from './fixture-pods.js';
import type { KubeObject } from './kustomize-lite.js';
import { findObject, render } from './paths.js';
import { promtoolAvailable, relabelTargets, type FixturePod, type ScrapeJob } from './promtool-sd.js';

interface RelabelConfig {
  sourceLabels?: string[];
  targetLabel?: string;
  regex?: string;
  replacement?: string;
  action?: string;
  separator?: string;
}
interface PodMonitorSpec {
  namespaceSelector: { matchNames: string[] };
  selector: { matchLabels: Record<string, string> };
  podMetricsEndpoints: { port: string; path: string; relabelings?: RelabelConfig[]; honorLabels?: boolean }[];
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * The scrape job the operator makes of one PodMonitor endpoint, reduced to what decides the
 * targets and their labels: its default job label, selection by pod labels and port name, its
 * namespace/container/pod target labels, skipping finished pods, then the endpoint's relabelings.
 */
function podMonitorJob(pm: KubeObject): ScrapeJob {
  const spec = pm.spec as PodMonitorSpec;
  const ep = spec.podMetricsEndpoints[0]!;
  const selection = Object.entries(spec.selector.matchLabels).map(([k, v]) => ({
    source_labels: [`__meta_kubernetes_pod_label_${sanitize(k)}`, `__meta_kubernetes_pod_labelpresent_${sanitize(k)}`],
    regex: `(${v});true`,
    action: 'keep',
  }));
  const own = (ep.relabelings ?? []).map((r) => ({
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.targetLabel ? { target_label: r.targetLabel } : {}),
    ...(r.regex ? { regex: r.regex } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action ? { action: r.action.toLowerCase() } : {}),
    ...(r.separator ? { separator: r.separator } : {}),
  }));
  return {
    job_name: `podMonitor/${pm.metadata.namespace}/${pm.metadata.name}/0`,
    metrics_path: ep.path,
    relabel_configs: [
      { target_label: 'job', replacement: `${pm.metadata.namespace}/${pm.metadata.name}` },
      ...selection,
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.port, action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)', action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      ...own,
    ],
  };
}

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
  });

  describe('PodMonitors for the Istio components', () => {
    const cases = [
      { name: 'ztunnel', pod: ZTUNNEL_POD, labels: ZTUNNEL_POD_LABELS, path: ZTUNNEL_METRICS_PATH, address: `${ZTUNNEL_POD.ip}:${PORTS.ztunnelStats}` },
      { name: 'istiod', pod: ISTIOD_POD, labels: ISTIOD_POD_LABELS, path: ISTIOD_METRICS_PATH, address: `${ISTIOD_POD.ip}:${PORTS.istiodMonitoring}` },
      { name: 'istio-cni', pod: CNI_POD, labels: CNI_POD_LABELS, path: CNI_METRICS_PATH, address: `${CNI_POD.ip}:${PORTS.cniMonitoring}` },
    ];
    const targetsOf = new Map<string, Record<string, string>[]>();

    before(async function () {
      if (!promtoolAvailable()) {
        if (process.env.CI) throw new Error('promtool is missing: .ci/run installs the Debian prometheus package');
        this.skip();
      }
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
      it(`${c.name}: selects the pods the exporter itself discovers, in the Istio namespace`, () => {
        const spec = findObject(objects, 'PodMonitor', c.name).spec as PodMonitorSpec;
        expect(spec.selector.matchLabels).to.deep.equal(c.labels);
        expect(spec.namespaceSelector.matchNames).to.deep.equal([config.istioNamespace]);
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
