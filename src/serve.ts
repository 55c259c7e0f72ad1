// Cluster mode: watch, then every refresh interval collect (scrape + probe), derive, export.
// Rounds never overlap; /metrics always serves the last finished round.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Config } from './config.js';
import { ConfigError, listenError } from './config.js';
import { PORTS } from './istio.js';
import { KubeApiTransport } from './kube/api-transport.js';
import { loadKubeConfig } from './kube/client.js';
import { startClusterWatch, type ClusterWatch } from './kube/cluster-watch.js';
import { silentLogger, type Logger } from './logger.js';
import { ExporterMetrics } from './metrics.js';
import { emptyClusterState, type ProbeResults, type ScrapeResult, type Target } from './model.js';
import { runProbes } from './probes/index.js';
import { createScrapeAgents, destroyScrapeAgents } from './scrape/fetch.js';
import { scrapeAll } from './scrape/scraper.js';
import { discoverTargets, parseStaticTarget } from './scrape/targets.js';
import { createApp } from './server.js';
import { deriveSignals, type Signals } from './signals/index.js';
import { VERSION } from './version.js';

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

/** Static targets (already validated by the config schema). */
function staticTargets(config: Config): Target[] {
  return config.targets.map(parseStaticTarget);
}

function splitListenAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(addr.slice(i + 1)) };
}

export interface ServeOptions {
  logger?: Logger;
  /** how long the first round waits for the API's first list (default 10 s) */
  firstSyncWaitMs?: number;
}

export async function startServe(config: Config, opts: ServeOptions = {}): Promise<Exporter> {
  const log = opts.logger ?? silentLogger();
  const statics = staticTargets(config);
  const mode = config.kube ? 'cluster' : 'static';
  const metrics = new ExporterMetrics({ version: VERSION, mode, kube: config.kube });

  let watch: ClusterWatch | undefined;
  let api: KubeApiTransport | undefined; // one connection pool to the API server: watches, lists, /readyz
  if (config.kube) {
    let kubeConfig: ReturnType<typeof loadKubeConfig>['kubeConfig'];
    try {
      const loaded = loadKubeConfig({ kubeconfig: config.kubeconfig });
      kubeConfig = loaded.kubeConfig;
      log.info({ kube: loaded.describe() }, 'using Kubernetes API');
    } catch (err) {
      throw new ConfigError(`config: kubeconfig: ${(err as Error).message}`);
    }
    api = new KubeApiTransport(kubeConfig);
    watch = startClusterWatch(kubeConfig, {
      api,
      istioNamespace: config.istioNamespace,
      istiodService: config.istiodService,
      enrollment: config.enrollment,
      logger: log,
    });
  }

  const agents = createScrapeAgents(); // keep-alive pools owned by this exporter
  let ready = false;
  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  let lastRefresh: Date | undefined;
  let lastSignals: Signals | undefined;
  let lastScrapes: ScrapeResult[] = [];
  let closed = false;
  let stopWaiting: (() => void) | undefined;

  async function firstSync(): Promise<void> {
    if (!watch) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, opts.firstSyncWaitMs ?? FIRST_SYNC_WAIT_MS);
      stopWaiting = resolve;
    });
    await Promise.race([watch.synced().catch(() => undefined), timeout]);
    clearTimeout(timer);
    if (!closed && !watch.snapshot().synced) log.warn('Kubernetes API not listed yet; first round goes ahead without it');
  }

  /** One round; resolves true when it could judge the cluster (the API was listed at least once). */
  async function round(): Promise<boolean> {
    if (closed) return false;
    const started = performance.now();
    const state = watch ? watch.snapshot() : emptyClusterState();
    const targets = discoverTargets(state, statics);
    const [scrapes, probes] = await Promise.all([
      scrapeAll(targets, {
        concurrency: config.scrapeConcurrency,
        timeoutMs: config.scrapeTimeout,
        connectTimeoutMs: config.scrapeConnectTimeout,
        maxBytes: config.scrapeMaxBytes,
        limits: config.scrapeLimits,
        agents,
      }),
      watch
        ? runProbes(state, {
            timeoutMs: config.scrapeTimeout,
            connectTimeoutMs: config.scrapeConnectTimeout,
            concurrency: config.scrapeConcurrency,
            api,
            istioNamespace: config.istioNamespace,
            xdsPort: PORTS.istiodXds,
          })
        : Promise.resolve<ProbeResults>({ istiodDials: [], ztunnelReadiness: [], api: { ready: false, durationSeconds: 0 } }),
    ]);
    const signals = deriveSignals({
      state,
      scrapes,
      probes,
      ownNode: config.nodeName,
      xdsPort: PORTS.istiodXds,
      enrollment: config.enrollment,
      previousXdsErrors: lastSignals?.ztunnelIstiod.xdsErrors,
      nowMs: Date.now(),
    });
    const durationSeconds = (performance.now() - started) / 1000;
    const stateKnown = !watch || state.synced;
    metrics.update({ stateKnown, state, scrapes, probes, signals, durationSeconds });
    lastSignals = signals;
    lastScrapes = scrapes;
    lastRefresh = new Date();
    return stateKnown;
    const failed = scrapes.filter((s) => !s.up);
    log.debug({ targets: targets.length, failed: failed.length, durationSeconds }, 'round done');
    for (const f of failed) log.debug({ target: f.target.url, reason: f.error }, 'scrape failed');
  }

  // One chain of rounds: the timer and refreshNow() both append to it, so rounds never overlap.
  let chain: Promise<void> = firstSync();
  const enqueue = (): Promise<void> => {
    // /readyz turns 200 after the first round that succeeded and saw the cluster: an exporter that
    // cannot list the API must not look ready (and serve "no issue") to its readiness probe.
    chain = chain.then(round).then(
      (judged) => {
        if (judged && !ready) {
          ready = true;
          markReady();
        }
      },
      (err: unknown) => log.error({ err }, 'round failed'),
    );
    return chain;
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => void enqueue().then(schedule), config.refreshInterval);
    timer.unref?.();
  };
  void enqueue().then(schedule);

  const app = createApp({
    metrics,
    onError: (err) => log.error({ err }, 'request failed'),
    isReady: () => ready,
    status: () => ({
      version: VERSION,
      mode,
      ready,
      lastRefresh,
      signals: lastSignals,
      targets: lastScrapes.map((s) => ({ component: s.target.component, node: s.target.node, pod: s.target.pod, up: s.up, error: s.error })),
    }),
  });
  const { host, port } = splitListenAddress(config.listenAddress);
  // http.createServer rather than app.listen: Express 5 calls app.listen's callback on errors too.
  const server: Server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Nothing was served yet: stop what started (watches, the round timer) and say why in one line.
    closed = true;
    clearTimeout(timer);
    stopWaiting?.();
    await watch?.stop();
    await chain;
    destroyScrapeAgents(agents);
    api?.close();
    throw listenError(err, config.listenAddress);
  }
  server.keepAliveTimeout = 65_000; // longer than Prometheus' idle connection reuse
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  log.info({ url, mode, refreshIntervalMs: config.refreshInterval }, 'serving');

  return {
    url,
    ready: () => readyPromise,
    refreshNow: () => enqueue(),
    async close() {
      closed = true;
      clearTimeout(timer);
      stopWaiting?.();
      await watch?.stop(); // first: a round waiting on the API must not hold shutdown up
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await chain;
      destroyScrapeAgents(agents);
      api?.close();
    },
  };
}
