// The scrape jobs the Prometheus Operator makes of the overlay's ServiceMonitor and PodMonitors,
// reduced to what decides the targets and their labels, so tests can run them through Prometheus
// (promtool check service-discovery, or a real scrape).
import type { KubeObject } from '../../support/manifests/kustomize-lite.js';
import { findObject } from '../../support/manifests/paths.js';
import type { FixtureService, ScrapeJob } from './promtool-sd.js';

interface RelabelConfig {
  sourceLabels?: string[];
  targetLabel?: string;
  regex?: string;
  replacement?: string;
  action?: string;
  separator?: string;
}
export interface PodMonitorSpec {
  namespaceSelector: { matchNames: string[] };
  selector: { matchLabels: Record<string, string> };
  podMetricsEndpoints: { port: string; path: string; relabelings?: RelabelConfig[]; honorLabels?: boolean }[];
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

function ownRelabelings(rs: RelabelConfig[] | undefined): Record<string, unknown>[] {
  return (rs ?? []).map((r) => ({
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.targetLabel ? { target_label: r.targetLabel } : {}),
    ...(r.regex ? { regex: r.regex } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action ? { action: r.action.toLowerCase() } : {}),
    ...(r.separator ? { separator: r.separator } : {}),
  }));
}

interface ServiceMonitorSpec {
  jobLabel: string;
  selector: { matchLabels: Record<string, string> };
  endpoints: { port: string; path: string; honorLabels?: boolean; relabelings?: RelabelConfig[] }[];
}

/**
 * The scrape job the operator makes of one ServiceMonitor endpoint (role endpoints), reduced to what
 * decides the targets and their labels: selection by Service labels and port name, the node/pod/
 * namespace/service/container target labels it adds, the job from jobLabel, the endpoint label, then
 * the endpoint's relabelings.
 */
export function serviceMonitorJob(sm: KubeObject, opts: { ownRelabelings?: boolean } = {}): ScrapeJob {
  const spec = sm.spec as ServiceMonitorSpec;
  const ep = spec.endpoints[0]!;
  const selection = Object.entries(spec.selector.matchLabels).map(([k, v]) => ({
    source_labels: [`__meta_kubernetes_service_label_${sanitize(k)}`, `__meta_kubernetes_service_labelpresent_${sanitize(k)}`],
    regex: `(${v});true`,
    action: 'keep',
  }));
  const targetKind = (kind: string, label: string) => ({
    source_labels: ['__meta_kubernetes_endpoint_address_target_kind', '__meta_kubernetes_endpoint_address_target_name'],
    separator: ';',
    regex: `${kind};(.*)`,
    replacement: '${1}',
    target_label: label,
  });
  return {
    job_name: `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/0`,
    honor_labels: ep.honorLabels ?? false,
    metrics_path: ep.path,
    relabel_configs: [
      { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
      ...selection,
      { source_labels: ['__meta_kubernetes_endpoint_port_name'], regex: ep.port, action: 'keep' },
      targetKind('Node', 'node'),
      targetKind('Pod', 'pod'),
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)', action: 'drop' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' },
      { source_labels: [`__meta_kubernetes_service_label_${sanitize(spec.jobLabel)}`], target_label: 'job', regex: '(.+)', replacement: '${1}' },
      { target_label: 'endpoint', replacement: ep.port },
      ...(opts.ownRelabelings === false ? [] : ownRelabelings(ep.relabelings)),
    ],
  };
}

/** The exporter's Service as the overlay renders it, for role endpoints discovery. */
export function exporterService(objects: KubeObject[]): FixtureService {
  const svc = findObject(objects, 'Service', 'ambient-exporter');
  const spec = svc.spec as { ports: { name: string; targetPort: string }[] };
  return { namespace: svc.metadata.namespace!, name: svc.metadata.name, labels: svc.metadata.labels ?? {}, ports: spec.ports };
}

/**
 * The scrape job the operator makes of one PodMonitor endpoint, reduced to what decides the
 * targets and their labels: its default job label, selection by pod labels and port name, its
 * namespace/container/pod target labels, skipping finished pods, then the endpoint's relabelings.
 */
export function podMonitorJob(pm: KubeObject): ScrapeJob {
  const spec = pm.spec as PodMonitorSpec;
  const ep = spec.podMetricsEndpoints[0]!;
  const selection = Object.entries(spec.selector.matchLabels).map(([k, v]) => ({
    source_labels: [`__meta_kubernetes_pod_label_${sanitize(k)}`, `__meta_kubernetes_pod_labelpresent_${sanitize(k)}`],
    regex: `(${v});true`,
    action: 'keep',
  }));
  const own = ownRelabelings(ep.relabelings);
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
