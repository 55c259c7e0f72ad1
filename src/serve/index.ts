// Cluster mode, composed: the API watch, the round (collect -> derive -> export) on a schedule, and
// the HTTP server. /metrics always serves the last finished round.
import type { Config } from '../config.js';
import { buildReport } from '../diagnosis/report.js';
import type { Report } from '../diagnosis/types.js';
import type { RoundResult } from '../export/exporter-families.js';
import { ExporterMetrics } from '../export/metrics.js';
import type { ClusterWatch } from '../kube/cluster-watch.js';
import { silentLogger, type Logger } from '../logger.js';
import { createScrapeAgents, destroyScrapeAgents } from '../scrape/fetch.js';
import { loadRunbooks } from '../runbooks/library.js';
import { createApp } from '../server.js';
import { VERSION } from '../version.js';
import { CLOSE_GRACE_MS, listen } from './http-listener.js';
import { settledWithin } from './settle.js';
import { PlanCache } from '../peers/plan.js';
import { roundDeps, runRound } from './round.js';
import { startScheduler } from './scheduler.js';
import { watchCluster } from './watch-cluster.js';

export interface Exporter {
  url: string;
  /** resolves when the first round that saw the cluster is on /metrics (as /readyz turns 200) */
  ready(): Promise<void>;
  /** run one full round now (after any round in progress) and resolve when /metrics shows it */
  refreshNow(): Promise<void>;
  close(): Promise<void>;
}

/** How long the first round waits for the informers' first list before going ahead without it. */
const FIRST_SYNC_WAIT_MS = 10_000;

export interface ServeOptions {
  logger?: Logger;
  /** how long the first round waits for the API's first list (default 10 s) */
  firstSyncWaitMs?: number;
  /** the clock of the rounds' time windows (default Date.now; tests run the lab and the exporter on one clock) */
  now?: () => number;
}

/** Resolves once the API was listed, or after `waitMs`, or when `cancel` is called. */
function firstSync(watch: ClusterWatch | undefined, waitMs: number, log: Logger): { done: Promise<void>; cancel: () => void } {
  if (!watch) return { done: Promise.resolve(), cancel: () => undefined };
  let cancel: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
    cancel = resolve;
  });
  const done = Promise.race([watch.synced().catch(() => undefined), timeout]).then(() => {
    clearTimeout(timer);
    if (!watch.snapshot().synced) log.warn('Kubernetes API not listed yet; first round goes ahead without it');
  });
  return { done, cancel: () => cancel() };
}

export async function startServe(config: Config, opts: ServeOptions = {}): Promise<Exporter> {
  const log = opts.logger ?? silentLogger();
  const mode = config.kube ? 'cluster' : 'static';
  const metrics = new ExporterMetrics({ version: VERSION, mode, kube: config.kube, ownNode: config.nodeName });
  const cluster = watchCluster(config, log);
  const agents = createScrapeAgents(); // keep-alive pools owned by this exporter
  const deps = { ...roundDeps(config, cluster, agents, log, opts.now ?? Date.now), plans: new PlanCache() };

  let last: RoundResult | undefined;
  let ready = false;
  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  const sync = firstSync(cluster?.watch, opts.firstSyncWaitMs ?? FIRST_SYNC_WAIT_MS, log);

  const scheduler = startScheduler({
    intervalMs: config.refreshInterval,
    before: sync.done,
    round: async () => {
      const round = await runRound(deps, last);
      metrics.update(round);
      last = round;
      // /readyz turns 200 after the first round that saw the cluster: an exporter that cannot list
      // the API must not look ready (and serve "no issue") to its readiness probe.
      if (round.stateKnown && !ready) {
        ready = true;
        markReady();
      }
    },
    onError: (err) => log.error({ err }, 'round failed'),
  });

  // The status page's report, built once per round (on the first request after it).
  let reported: { round: RoundResult; report: Report } | undefined;
  const reportOf = (round: RoundResult | undefined): Report | undefined => {
    if (!round) return undefined;
    if (reported?.round !== round) {
      const options = { kube: config.kube, maxStateAgeMs: config.maxStateAge, istioNamespace: config.istioNamespace, ownNode: config.nodeName };
      reported = { round, report: buildReport(round, options) };
    }
    return reported.report;
  };

  const app = createApp({
    metrics,
    onError: (err) => log.error({ err }, 'request failed'),
    isReady: () => ready,
    status: () => ({
      version: VERSION,
      mode,
      refreshIntervalSeconds: config.refreshInterval / 1000,
      report: reportOf(last),
      lastRoundAtMs: last?.finishedAtMs,
      nowMs: Date.now(),
    }),
    runbooks: loadRunbooks(),
  });
  let listener;
  try {
    listener = await listen(app, config.listenAddress);
  } catch (err) {
    // Nothing was served yet: stop what started (watches, the round timer) and say why in one line.
    sync.cancel();
    const stopping = scheduler.stop();
    await cluster?.watch.stop();
    await stopping;
    destroyScrapeAgents(agents);
    cluster?.api.close();
    throw err;
  }
  log.info({ url: listener.url, mode, refreshIntervalMs: config.refreshInterval }, 'serving');

  return {
    url: listener.url,
    ready: () => readyPromise,
    refreshNow: () => scheduler.runNow(),
    async close() {
      sync.cancel();
      const stopping = scheduler.stop();
      await cluster?.watch.stop(); // first: a round waiting on the API must not hold shutdown up
      // The listener's grace and the round's run side by side; a round on hanging targets is
      // abandoned after the same grace (its sockets destroyed below), its result unused.
      await Promise.all([listener.close(), settledWithin(stopping, CLOSE_GRACE_MS)]);
      destroyScrapeAgents(agents);
      cluster?.api.close();
    },
  };
}
