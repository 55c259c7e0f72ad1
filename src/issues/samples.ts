// Small pure helpers to read scraped samples by component and node.
import type { Component, Sample, ScrapeResult } from '../model.js';

/** Successful scrapes of one component. */
export function upScrapes(scrapes: ScrapeResult[], component: Component): ScrapeResult[] {
  return scrapes.filter((s) => s.up && s.target.component === component);
}

export function samplesNamed(result: ScrapeResult, name: string): Sample[] {
  return result.samples.filter((s) => s.name === name);
}

/** Sum of a sample family in one scrape, or undefined when the family is absent. */
export function sumOf(result: ScrapeResult, name: string): number | undefined {
  const found = samplesNamed(result, name);
  if (found.length === 0) return undefined;
  return found.reduce((acc, s) => acc + s.value, 0);
}

/** Sum of a family grouped by one label. */
export function sumBy(result: ScrapeResult, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samplesNamed(result, name)) {
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** Value of a label on the first sample of a family, e.g. istio_build's tag. */
export function labelOf(result: ScrapeResult, name: string, label: string): string | undefined {
  return samplesNamed(result, name)[0]?.labels[label];
}
