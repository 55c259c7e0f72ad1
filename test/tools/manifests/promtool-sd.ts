// Runs scrape jobs' relabeling through Prometheus itself (`promtool check service-discovery`),
// feeding it, through file_sd, the targets Kubernetes pod discovery would produce. Only the
// discovery mechanism is swapped: relabel_configs, metrics_path and honor_labels are the job's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { requireTool, run } from '../../support/tools.js';

/** A pod as the tests describe it; one discovered target is made per container port. */
export interface FixturePod {
  namespace: string;
  name: string;
  node: string;
  ip: string;
  phase?: string;
  labels: Record<string, string>;
  ports: { name: string; port: number }[];
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** The pod's own meta labels, which both the `pod` and the `endpoints` roles attach. */
function podMetaLabels(pod: FixturePod): Record<string, string> {
  return {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_node_name: pod.node,
    __meta_kubernetes_pod_ip: pod.ip,
    __meta_kubernetes_pod_phase: pod.phase ?? 'Running',
    __meta_kubernetes_pod_ready: 'true',
    ...Object.fromEntries(Object.entries(pod.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${sanitize(k)}`, v])),
    ...Object.fromEntries(Object.keys(pod.labels).map((k) => [`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`, 'true'])),
  };
}

/** The labels Prometheus's `kubernetes_sd_configs` role `pod` attaches to each container port. */
export function podTargets(pod: FixturePod): { targets: string[]; labels: Record<string, string> }[] {
  return pod.ports.map((p) => ({
    targets: [`${pod.ip}:${p.port}`],
    labels: {
      ...podMetaLabels(pod),
      __meta_kubernetes_pod_container_port_name: p.name,
      __meta_kubernetes_pod_container_port_number: String(p.port),
      __meta_kubernetes_pod_container_port_protocol: 'TCP',
    },
  }));
}

/** A Service selecting a pod, as the tests describe it (for role `endpoints` discovery). */
export interface FixtureService {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Service port name -> container port name */
  ports: { name: string; targetPort: string }[];
}

/**
 * The labels Prometheus's `kubernetes_sd_configs` role `endpoints` attaches to each port of a ready
 * pod behind a Service (what a ServiceMonitor's scrape job starts from).
 */
export function endpointTargets(svc: FixtureService, pod: FixturePod): { targets: string[]; labels: Record<string, string> }[] {
  return svc.ports.flatMap((sp) => {
    const cp = pod.ports.find((p) => p.name === sp.targetPort);
    if (!cp) return [];
    return [
      {
        targets: [`${pod.ip}:${cp.port}`],
        labels: {
          ...podMetaLabels(pod),
          __meta_kubernetes_namespace: svc.namespace,
          __meta_kubernetes_service_name: svc.name,
          ...Object.fromEntries(Object.entries(svc.labels).map(([k, v]) => [`__meta_kubernetes_service_label_${sanitize(k)}`, v])),
          ...Object.fromEntries(Object.keys(svc.labels).map((k) => [`__meta_kubernetes_service_labelpresent_${sanitize(k)}`, 'true'])),
          __meta_kubernetes_endpoints_name: svc.name,
          __meta_kubernetes_endpoint_port_name: sp.name,
          __meta_kubernetes_endpoint_port_protocol: 'TCP',
          __meta_kubernetes_endpoint_ready: 'true',
          __meta_kubernetes_endpoint_address_target_kind: 'Pod',
          __meta_kubernetes_endpoint_address_target_name: pod.name,
          __meta_kubernetes_endpoint_node_name: pod.node,
          __meta_kubernetes_pod_container_name: 'ambient-exporter',
          __meta_kubernetes_pod_container_port_name: cp.name,
          __meta_kubernetes_pod_container_port_number: String(cp.port),
          __meta_kubernetes_pod_container_port_protocol: 'TCP',
        },
      },
    ];
  });
}

export type ScrapeJob = Record<string, unknown> & { job_name: string };
export type DiscoveredTarget = { targets: string[]; labels: Record<string, string> };

/** The job with its Kubernetes discovery swapped for a file of already discovered targets. */
export function withFileSd(job: ScrapeJob, targetsFile: string): ScrapeJob {
  const { kubernetes_sd_configs: _sd, ...rest } = job;
  return { ...rest, file_sd_configs: [{ files: [targetsFile] }] };
}

/** Labels of every target the job keeps after relabeling (dropped targets are left out). */
export async function relabelTargets(job: ScrapeJob, pods: FixturePod[], discovered: DiscoveredTarget[] = pods.flatMap(podTargets)): Promise<Record<string, string>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-sd-'));
  try {
    const targetsFile = join(dir, 'targets.json');
    writeFileSync(targetsFile, JSON.stringify(discovered));
    const config = { scrape_configs: [withFileSd(job, targetsFile)] };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    // The timeout is how long promtool collects discovery results; file_sd answers at once.
    const { stdout } = await run(requireTool('promtool'), ['check', 'service-discovery', '--timeout=1s', join(dir, 'prometheus.yml'), job.job_name]);
    const results = JSON.parse(stdout) as { labels: Record<string, string> | null }[];
    return results.map((r) => r.labels ?? {}).filter((l) => Object.keys(l).length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check config` on a file holding these scrape configs; returns promtool's output. */
export async function checkConfig(scrapeConfigs: unknown[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-config-'));
  try {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, stringify({ scrape_configs: scrapeConfigs }));
    const { stdout } = await run(requireTool('promtool'), ['check', 'config', file]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
