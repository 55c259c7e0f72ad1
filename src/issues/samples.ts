// Small pure helpers to read scraped samples by component and node.
import type { Component, Sample, ScrapeResult } from '../model.js';

/** Successful scrapes of one component. */
export function upScrapes(scrapes: ScrapeResult[], component: Component): ScrapeResult[] {
  return scrapes.filter((s) => s.up && s.target.component === component);
}

export function samplesNamed(result: ScrapeResult, name: string): Sample[] {
  return result.samples.filter((s) => s.name === name);
}

/** Sum of a labelled sample family in one scrape (NaN and infinite values left out), or undefined when it has none. */
export function sumOf(result: ScrapeResult, name: string): number | undefined {
  const found = samplesNamed(result, name).filter((s) => Number.isFinite(s.value));
  if (found.length === 0) return undefined;
  return found.reduce((acc, s) => acc + s.value, 0);
}

/**
 * The value of a gauge that holds one series (no labels), read so that a target that lies can never
 * hide a finding: NaN and infinite values are dropped, and a series given more than once (invalid
 * exposition) counts with its worst value, the lowest for `lowIsBad` gauges (ztunnel_connected,
 * istio_cni_install_ready, workload_manager_active_proxy_count) and the highest otherwise.
 */
export function gaugeOf(result: ScrapeResult, name: string, lowIsBad: boolean): number | undefined {
  const values = samplesNamed(result, name)
    .map((s) => s.value)
    .filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  return lowIsBad ? Math.min(...values) : Math.max(...values);
}

/** Sum of a family grouped by one label (NaN and infinite values left out). */
export function sumBy(result: ScrapeResult, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samplesNamed(result, name)) {
    if (!Number.isFinite(s.value)) continue;
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** Value of a label on the first sample of a family, e.g. istio_build's tag. */
export function labelOf(result: ScrapeResult, name: string, label: string): string | undefined {
  return samplesNamed(result, name)[0]?.labels[label];
}

/**
 * A counter family summed per node (the scrape's target node) by one label kept to its known values:
 * any other value counts as `other`, so a target cannot mint label values. NaN, infinite and
 * negative samples are dropped (a counter is none of them). Nodes without a sample are left out.
 */
export function counterByNodeAnd(
  scrapes: readonly ScrapeResult[],
  name: string,
  label: string,
  known: ReadonlySet<string>,
): { node: string; key: string; value: number }[] {
  const byNode = new Map<string, Map<string, number>>();
  for (const s of scrapes) {
    const perKey = byNode.get(s.target.node) ?? new Map<string, number>();
    for (const { labels, value } of samplesNamed(s, name)) {
      if (!Number.isFinite(value) || value < 0) continue;
      const raw = labels[label] ?? '';
      const key = known.has(raw) ? raw : 'other';
      perKey.set(key, (perKey.get(key) ?? 0) + value);
    }
    if (perKey.size > 0) byNode.set(s.target.node, perKey);
  }
  return [...byNode].flatMap(([node, m]) => [...m].map(([key, value]) => ({ node, key, value })));
}
