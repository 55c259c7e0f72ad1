// Runs scrape jobs' relabeling through Prometheus itself (`promtool check service-discovery`),
// feeding it, through file_sd, the targets Kubernetes pod discovery would produce. Only the
// discovery mechanism is swapped: relabel_configs, metrics_path and honor_labels are the job's own.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const execFileP = promisify(execFile);
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

export function promtoolAvailable(): boolean {
  return existsSync(PROMTOOL);
}

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

/** The labels Prometheus's `kubernetes_sd_configs` role `pod` attaches to each container port. */
export function podTargets(pod: FixturePod): { targets: string[]; labels: Record<string, string> }[] {
  return pod.ports.map((p) => ({
    targets: [`${pod.ip}:${p.port}`],
    labels: {
      __meta_kubernetes_namespace: pod.namespace,
      __meta_kubernetes_pod_name: pod.name,
      __meta_kubernetes_pod_node_name: pod.node,
      __meta_kubernetes_pod_ip: pod.ip,
      __meta_kubernetes_pod_phase: pod.phase ?? 'Running',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_container_port_name: p.name,
      __meta_kubernetes_pod_container_port_number: String(p.port),
      __meta_kubernetes_pod_container_port_protocol: 'TCP',
      ...Object.fromEntries(Object.entries(pod.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${sanitize(k)}`, v])),
      ...Object.fromEntries(Object.keys(pod.labels).map((k) => [`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`, 'true'])),
    },
  }));
}

export type ScrapeJob = Record<string, unknown> & { job_name: string };

/** Labels of every target the job keeps after relabeling (dropped targets are left out). */
export async function relabelTargets(job: ScrapeJob, pods: FixturePod[]): Promise<Record<string, string>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-sd-'));
  try {
    const targetsFile = join(dir, 'targets.json');
    writeFileSync(targetsFile, JSON.stringify(pods.flatMap(podTargets)));
    const { kubernetes_sd_configs: _sd, ...rest } = job;
    const config = { scrape_configs: [{ ...rest, file_sd_configs: [{ files: [targetsFile] }] }] };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    // The timeout is how long promtool collects discovery results; file_sd answers at once.
    const { stdout } = await execFileP(PROMTOOL, ['check', 'service-discovery', '--timeout=1s', join(dir, 'prometheus.yml'), job.job_name]);
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
    const { stdout } = await execFileP(PROMTOOL, ['check', 'config', file]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
