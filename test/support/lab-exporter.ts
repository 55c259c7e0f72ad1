// The exporter against the lab, as the tests run it: the lab's kubeconfig and enrollment policy, the
// exporter on istiod's node (the lab judges reachability from there), short scrape timeouts, rounds
// driven by the test; optionally on a clock the test moves, shared with the lab, so back-offs and the
// exporter's time windows pass without waiting.
import { expect } from 'chai';
import type { Lab } from 'ambient-lab';
import { loadConfig } from '../../src/cli-flags.js';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { scrapeExposition, type Exposition } from './exposition.js';
import { waitFor } from './wait.js';

/** The exporter's command line against the lab; `extra` adds or overrides flags. */
export function labExporterArgv(lab: Lab, extra: string[] = []): string[] {
  return [
    '--kubeconfig', lab.kubeconfigPath,
    '--scrape-timeout', '400ms',
    '--node-name', lab.istiodNode,
    ...lab.enrollment.namespaces.flatMap((ns) => ['--enroll-namespace', ns]),
    ...extra,
  ];
}

/** A clock the test moves: pass `now` to the lab and the exporter, then `advance` it. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(startMs: number): TestClock {
  let t = startMs;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface LabExporter {
  exporter: Exporter;
  /** runs one round, then reads /metrics */
  metrics(): Promise<Exposition>;
  /** runs rounds until `ok` holds (the watch delivers changes asynchronously) and returns that /metrics */
  metricsWhen(what: string, ok: (m: Exposition) => boolean, timeoutMs?: number): Promise<Exposition>;
  /**
   * Runs rounds until the root causes (Exposition.rootCauses) are exactly `want` and `also` holds;
   * fails showing the last root causes against `want`.
   */
  expectRootCauses(want: string[], also?: (m: Exposition) => boolean): Promise<Exposition>;
  close(): Promise<void>;
}

export interface LabExporterOptions {
  /** flags after the harness' own (listen on an ephemeral port, rounds only when the test asks) */
  args?: string[];
  /** the clock of the exporter's time windows (the lab's, when the test moves one) */
  now?: () => number;
  /** runs before every round the helpers drive (e.g. the node agents' own rounds) */
  beforeRound?: () => Promise<void>;
}

export async function startLabExporter(lab: Lab, opts: LabExporterOptions = {}): Promise<LabExporter> {
  const argv = labExporterArgv(lab, ['--listen-address', '127.0.0.1:0', '--refresh-interval', '1h', ...(opts.args ?? [])]);
  const exporter = await startServe(loadConfig({ argv, env: {} }), opts.now ? { now: opts.now } : {});
  try {
    await exporter.ready();
  } catch (err) {
    await exporter.close();
    throw err;
  }
  const metrics = async (): Promise<Exposition> => {
    await opts.beforeRound?.();
    await exporter.refreshNow();
    return scrapeExposition(`${exporter.url}/metrics`);
  };
  const metricsWhen = (what: string, ok: (m: Exposition) => boolean, timeoutMs = 20_000): Promise<Exposition> =>
    waitFor(
      async () => {
        const m = await metrics();
        return ok(m) ? m : undefined;
      },
      { what, timeoutMs, intervalMs: 0 },
    );
  return {
    exporter,
    metrics,
    metricsWhen,
    async expectRootCauses(want, also = () => true) {
      const sorted = [...want].sort();
      let last: string[] = [];
      try {
        return await metricsWhen(`root causes ${JSON.stringify(sorted)}`, (m) => {
          last = m.rootCauses();
          return JSON.stringify(last) === JSON.stringify(sorted) && also(m);
        });
      } catch (err) {
        expect(last, 'root causes on /metrics').to.deep.equal(sorted);
        throw err;
      }
    },
    close: () => exporter.close(),
  };
}
