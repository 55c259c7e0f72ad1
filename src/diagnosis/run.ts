// `ambient-exporter diagnose`: one round of the same collectors and signals as `serve` (runRound),
// after the informers' first list, told to a person or a script. It never judges a cluster it could
// not list: that is one line and exit 2 (CouldNotCheck), not a report that looks healthy.
import type { Config } from '../config.js';
import type { RoundResult } from '../export/exporter-families.js';
import type { ClusterWatch, KubeLogger } from '../kube/cluster-watch.js';
import { silentLogger } from '../logger.js';
import { createScrapeAgents, destroyScrapeAgents } from '../scrape/fetch.js';
import { deriveRound, roundDeps, runRound } from '../serve/round.js';
import { watchCluster } from '../serve/watch-cluster.js';
import { exitCodeOf } from './exit-code.js';
import { renderJson } from './json.js';
import { preInstallReport } from './pre-install.js';
import { buildReport } from './report.js';
import { nodesNeedingSecondLook } from './second-look.js';
import { renderText } from './text.js';
import type { Report } from './types.js';
import { answersOnly, offPodNetwork } from './vantage.js';

export interface DiagnoseOptions {
  output: 'text' | 'json';
  /** the checks to make before installing ambient instead of the four issues */
  preInstall: boolean;
  /** ANSI colours in the text output */
  color: boolean;
  /** how long to wait for the informers' first list, ms */
  listTimeoutMs: number;
  /**
   * When ztunnels have counted xDS connection errors, wait this long and run a second round that
   * compares the counts (second-look.ts); 0: one round, such ztunnels reported as not judged.
   */
  secondLookMs: number;
  /** told why diagnose waits, before it does (the CLI writes it to stderr) */
  onWait?: (message: string) => void;
}

export interface Diagnosis {
  report: Report;
  /** what to print on stdout */
  output: string;
  exitCode: number;
}

/** The cluster could not be checked at all (the API never listed): one line for stderr, exit 2. */
export class CouldNotCheck extends Error {
  override name = 'CouldNotCheck';
}

/** A KubeLogger that keeps only the last error a watch reported, for the one line of CouldNotCheck. */
function lastErrorLogger(): KubeLogger & { lastError(): string | undefined } {
  let last: string | undefined;
  const keep = (obj: object): void => {
    const err = (obj as { err?: unknown }).err;
    if (typeof err === 'string' && err) last = err;
  };
  return { debug: keep, info: () => undefined, warn: keep, error: keep, lastError: () => last };
}

/** Wait for every informer's first list, or fail naming the API and why after `ms`. */
async function firstList(watch: ClusterWatch, ms: number, server: string, lastError: () => string | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const outcome = await Promise.race([watch.synced().then(() => 'listed' as const), timeout]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout') {
    const why = lastError();
    throw new CouldNotCheck(`diagnose: could not list the Kubernetes API at ${server} within ${ms / 1000}s${why ? `: ${why}` : ''}`);
  }
}

export async function runDiagnose(config: Config, opts: DiagnoseOptions): Promise<Diagnosis> {
  const logger = lastErrorLogger();
  const cluster = watchCluster(config, logger);
  const agents = createScrapeAgents();
  try {
    if (cluster) await firstList(cluster.watch, opts.listTimeoutMs, cluster.kubeConfig.getCurrentCluster()?.server ?? 'the API server', () => logger.lastError());
    const deps = roundDeps(config, cluster, agents, silentLogger());
    let round: RoundResult = await runRound(deps, undefined);
    const recheck = opts.preInstall || opts.secondLookMs <= 0 ? [] : nodesNeedingSecondLook(round);
    if (recheck.length > 0) {
      opts.onWait?.(
        `diagnose: ztunnel on ${recheck.length === 1 ? '1 node' : `${recheck.length} nodes`} counted xDS connection errors; ` +
          `looking again in ${Math.round(opts.secondLookMs / 1000)}s to see whether they still grow`,
      );
      await new Promise((resolve) => setTimeout(resolve, opts.secondLookMs));
      round = await runRound(deps, round);
    }
    const off = offPodNetwork(round, config.nodeName);
    // From outside the pod network only the answers are evidence; the same detection reads them.
    if (off) round = { ...round, signals: deriveRound(config, answersOnly(round), undefined, round.finishedAtMs) };
    const reportOptions = { kube: config.kube, maxStateAgeMs: config.maxStateAge, offPodNetwork: off, istioNamespace: config.istioNamespace, ownNode: config.nodeName };
    const report = opts.preInstall
      ? await preInstallReport(round, reportOptions, { watch: cluster?.watch, api: cluster?.api, config })
      : buildReport(round, reportOptions);
    const title = `ambient-exporter diagnose${opts.preInstall ? ' --pre-install' : ''}`;
    const output = opts.output === 'json' ? renderJson(report) : renderText(report, { color: opts.color, title });
    return { report, output, exitCode: exitCodeOf(report) };
  } finally {
    await cluster?.watch.stop();
    destroyScrapeAgents(agents);
    cluster?.api.close();
  }
}
