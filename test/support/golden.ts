// Golden /metrics files (as node_exporter's collector/fixtures/e2e-output.txt): the exporter's
// output for a lab scenario, normalised so that only what the scenario decides remains, compared
// with test/golden/<scenario>.prom. UPDATE_GOLDEN=1 rewrites the files instead; a mismatch names
// each series added, removed or changed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sample } from '../../src/model.js';
import { seriesKey, type Exposition } from './exposition.js';

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '../golden');

/** Node's and the process' own families (prom-client's defaults): the runtime's, not the scenario's. */
const RUNTIME = /^(process_|nodejs_)/;
/** Values that are wall-clock instants or measured times: kept as a series, their value replaced. */
const TIMED = /(_timestamp_seconds|_duration_seconds|_age_seconds|_seconds_(bucket|sum|count))$|_duration_seconds_|_latency_/;

/** A label value with its port replaced (the lab's servers listen on ports the kernel picks). */
const withoutPort = (v: string): string => v.replace(/^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d+$/, '$1:PORT');

/**
 * A label value with the lab's loopback addresses moved to its address block 0: a lab takes the first
 * free block (lab/src/cluster/addresses.ts: second octets from 10 + 40*block), which depends on
 * what else runs on the machine, not on the scenario.
 */
const inBlockZero = (v: string, block: number): string =>
  block === 0 ? v : v.replace(/\b127\.(\d{1,3})\.(?=\d)/g, (_match: string, octet: string) => `127.${Number(octet) - 40 * block}.`);

/**
 * The exposition as sorted `series value` lines: runtime families dropped, times and ports masked,
 * the lab's addresses as in its block 0,
 * and a counter that grew since `before` (the previous round) shown as its growth per round, e.g.
 * `+2/round` for two targets timing out each round, so the text does not depend on how many rounds ran.
 */
export function normalise(m: Exposition, before?: Exposition, addressBlock = 0): string {
  const previous = new Map((before?.samples ?? []).map((s) => [seriesKey(s.name, s.labels), s.value]));
  const line = (s: Sample): string => {
    const labels = Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, withoutPort(inBlockZero(v, addressBlock))]));
    const was = previous.get(seriesKey(s.name, s.labels));
    const value = TIMED.test(s.name) ? 'TIMED' : s.name.endsWith('_total') && was !== undefined && was !== s.value ? `+${s.value - was}/round` : String(s.value);
    return `${seriesKey(s.name, labels)} ${value}`;
  };
  const lines = m.samples.filter((s) => !RUNTIME.test(s.name)).map(line);
  return `${[...new Set(lines)].sort().join('\n')}\n`;
}

const seriesOf = (text: string): Map<string, string> =>
  new Map(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const cut = l.lastIndexOf(' ');
        return [l.slice(0, cut), l.slice(cut + 1)];
      }),
  );

/** What changed from `want` to `got`, one line per series: "+ added", "- removed", "~ key: old -> new". */
export function seriesDiff(want: string, got: string): string[] {
  const w = seriesOf(want);
  const g = seriesOf(got);
  const out: string[] = [];
  for (const [k, v] of w) {
    if (!g.has(k)) out.push(`- ${k} ${v}`);
    else if (g.get(k) !== v) out.push(`~ ${k}: ${v} -> ${g.get(k)}`);
  }
  for (const [k, v] of g) if (!w.has(k)) out.push(`+ ${k} ${v}`);
  return out;
}

/** Compares `got` (normalised) with test/golden/<name>.prom, or writes it there under UPDATE_GOLDEN=1. */
export function expectGolden(name: string, got: string): void {
  const file = join(GOLDEN_DIR, `${name}.prom`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, got);
    return;
  }
  if (!existsSync(file)) throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 to write it`);
  const diff = seriesDiff(readFileSync(file, 'utf8'), got);
  if (diff.length > 0) {
    throw new Error(`/metrics differs from test/golden/${name}.prom in ${diff.length} series (UPDATE_GOLDEN=1 rewrites it if the change is intended):\n${diff.join('\n')}`);
  }
}
