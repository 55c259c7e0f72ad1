// Shared by the dashboard tests: where the project lives, the generated dashboards, and the metric
// names a dashboard may query (documented exporter metrics, the Istio components' metric fixture, recording rules).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const DASHBOARDS_DIR = join(ROOT, 'dashboards');
/** The Istio components' own metric names, kept in the repository (test/fixtures/istio-metrics.md). */
export const ISTIO_METRICS_FILE = join(ROOT, 'test/fixtures/istio-metrics.md');
export const METRICS_DOC = join(ROOT, 'docs/metrics.md');
export const RULES_DIR = join(ROOT, 'rules');

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Backticked metric names in the first cell of every Markdown table row of `text`. */
export function tableMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([^`]+)`/g)) {
      const name = m[1] ?? '';
      if (METRIC_NAME.test(name) && name.includes('_')) names.add(name);
    }
  }
  return names;
}

/** Sections 1 (ztunnel), 3 (istiod) and 5 (istio-cni) of the Istio metrics fixture: the components' real metrics. */
export function factsMetricNames(text: string): Set<string> {
  const sections = text.split(/^## /m).filter((s) => /^(1|3|5)\. /.test(s));
  const names = new Set<string>();
  for (const s of sections) for (const n of tableMetricNames(s)) names.add(n);
  return names;
}

export function recordingRuleNames(dir = RULES_DIR): Set<string> {
  const names = new Set<string>();
  if (!existsSync(dir)) return names;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.rules.yaml'))) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups?: { rules?: { record?: string }[] }[] };
    for (const g of doc.groups ?? []) for (const r of g.rules ?? []) if (r.record) names.add(r.record);
  }
  return names;
}

/** Series Prometheus itself writes. */
export const PROMETHEUS_BUILTINS = new Set(['ALERTS', 'ALERTS_FOR_STATE', 'up']);

/**
 * Resource series the components do not define themselves, as Istio's dashboards 21306 and 7645
 * read them: cAdvisor's per-container series, served by the kubelet on /metrics/cadvisor
 * (google/cadvisor metrics/prometheus.go), and client_golang's process and Go collectors, which
 * istiod registers with its own metrics (prometheus/client_golang prometheus/process_collector.go,
 * go_collector.go).
 */
export const RESOURCE_METRICS = new Set([
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'go_memstats_heap_inuse_bytes',
]);

export interface KnownMetrics {
  exporter: Set<string>;
  istio: Set<string>;
  recording: Set<string>;
}

export function knownMetrics(): KnownMetrics {
  const documented = tableMetricNames(readFileSync(METRICS_DOC, 'utf8'));
  return {
    // the exporter's prefix; other backticked names in the first column are label values (issue names)
    exporter: new Set([...documented].filter((n) => n.startsWith('ambient_'))),
    istio: factsMetricNames(readFileSync(ISTIO_METRICS_FILE, 'utf8')),
    recording: recordingRuleNames(),
  };
}

/** Where a queried name is defined, or undefined when nowhere; histogram series count as their family. */
export function definedIn(name: string, known: KnownMetrics): string | undefined {
  const candidates = [name, name.replace(/_(bucket|sum|count)$/, '')];
  for (const c of candidates) {
    if (known.exporter.has(c)) return 'docs/metrics.md';
    if (known.istio.has(c)) return 'test/fixtures/istio-metrics.md';
    if (known.recording.has(c)) return 'recording rule';
    if (PROMETHEUS_BUILTINS.has(c)) return 'Prometheus';
    if (RESOURCE_METRICS.has(c)) return 'cAdvisor or client_golang';
  }
  return undefined;
}
