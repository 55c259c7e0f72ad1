// Reading /metrics in tests through the exporter's own parser (src/scrape/parser.ts), never with
// regular expressions on the text: a test reads series by name and labels, in any label order, and
// a body the parser refuses fails the test with the line it stumbled on.
import type { Sample } from '../../src/model.js';
import { keepAllSamples, parseExpositionText } from '../../src/scrape/parser.js';

export type Labels = Record<string, string>;

const matches = (s: Sample, name: string, labels: Labels): boolean => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);

/** `name{a="1",b="2"}`, labels sorted: a sample as one comparable string. */
export function seriesKey(name: string, labels: Labels): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
}

/** A parsed exposition body: its samples, and the text for failure messages. */
export class Exposition {
  private constructor(
    readonly text: string,
    readonly samples: readonly Sample[],
  ) {}

  /** Parses Prometheus text or OpenMetrics; throws the parser's error on a malformed body. */
  static parse(text: string): Exposition {
    return new Exposition(text, parseExpositionText(text, keepAllSamples).samples);
  }

  /** The samples of `name` whose labels include every pair of `labels`. */
  select(name: string, labels: Labels = {}): Sample[] {
    return this.samples.filter((s) => matches(s, name, labels));
  }

  /** Whether a sample of `name` with these labels (and maybe others) is there. */
  has(name: string, labels: Labels = {}): boolean {
    return this.samples.some((s) => matches(s, name, labels));
  }

  /** The value of the one sample of `name` with these labels, undefined when there is none; throws when several match. */
  value(name: string, labels: Labels = {}): number | undefined {
    const found = this.select(name, labels);
    if (found.length > 1) throw new Error(`${seriesKey(name, labels)} matches ${found.length} samples: ${found.map((s) => seriesKey(s.name, s.labels)).join(', ')}`);
    return found[0]?.value;
  }

  /** The sum of the values of the samples of `name` with these labels (0 when none). */
  sum(name: string, labels: Labels = {}): number {
    return this.select(name, labels).reduce((a, s) => a + s.value, 0);
  }

  /** `seriesKey value` per sample of `name` with these labels, sorted: for deep-equal assertions. */
  lines(name: string, labels: Labels = {}): string[] {
    return this.select(name, labels)
      .map((s) => `${seriesKey(s.name, s.labels)} ${s.value}`)
      .sort();
  }

  /**
   * The exporter's root causes, sorted: "node issue cause" for each `ambient_node_issue` and
   * "namespace cause" for each `ambient_namespace_issue` at 1.
   */
  rootCauses(): string[] {
    const nodes = this.select('ambient_node_issue')
      .filter((s) => s.value === 1)
      .map((s) => `${s.labels.node} ${s.labels.issue} ${s.labels.cause}`);
    const namespaces = this.select('ambient_namespace_issue')
      .filter((s) => s.value === 1)
      .map((s) => `${s.labels.namespace} ${s.labels.cause}`);
    return [...nodes, ...namespaces].sort();
  }
}

/** GETs `url` (a /metrics endpoint) and parses the body; throws on a status other than 200. */
export async function scrapeExposition(url: string, headers: Record<string, string> = {}): Promise<Exposition> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 200)}`);
  return Exposition.parse(body);
}
