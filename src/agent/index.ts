// Agent mode (`ambient-exporter agent`), composed: the node's slice of the API (its Node and its
// peers', its own pods), a round of node checks and local scrapes on a schedule, and the HTTP
// server. The summary of the last round is what the central exporter reads.
import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../config.js';
import { loadKubeConfig } from '../kube/client.js';
import { silentLogger, type Logger } from '../logger.js';
import { createScrapeAgents, destroyScrapeAgents } from '../scrape/fetch.js';
import { CLOSE_GRACE_MS, listen } from '../serve/http-listener.js';
import { settledWithin } from '../serve/settle.js';
import { startScheduler } from '../serve/scheduler.js';
import { VERSION } from '../version.js';
import { buildSummary } from './build-summary.js';
import type { AgentConfig } from './config.js';
import { startAgentWatch } from './kube/watch.js';
import { AgentMetrics } from './metrics.js';
import { parsePlan } from './plan.js';
import { runAgentRound, type AgentRound, type HeldPlan } from './round.js';
import { createAgentApp } from './server.js';

export interface Agent {
  url: string;
  /** resolves once the first round after the API's first list is served */
  ready(): Promise<void>;
  /** run one round now (after any in progress); resolves when /summary shows it */
  refreshNow(): Promise<void>;
  close(): Promise<void>;
}

export interface AgentOptions {
  logger?: Logger;
  /** prom-client's process_* and nodejs_* metrics (default true) */
  defaultMetrics?: boolean;
}

/** A summary older than this many refresh intervals is stale: /summary answers 503 rather than old news. */
export const STALE_AFTER_INTERVALS = 3;

function kubeConfigOf(config: AgentConfig, log: Logger): KubeConfig {
  try {
    const loaded = loadKubeConfig({ kubeconfig: config.kubeconfig });
    log.info({ kube: loaded.describe() }, 'using Kubernetes API');
    return loaded.kubeConfig;
  } catch (err) {
    throw new ConfigError(`config: kubeconfig: ${(err as Error).message}`);
  }
}

export async function startAgent(config: AgentConfig, opts: AgentOptions = {}): Promise<Agent> {
  const log = opts.logger ?? silentLogger();
  const kubeConfig = kubeConfigOf(config, log);
  // Agents started together (a DaemonSet rollout, a cluster restart) spread their first LIST.
  if (config.startJitter > 0) await new Promise((r) => setTimeout(r, Math.random() * config.startJitter));
  const watch = startAgentWatch(kubeConfig, { nodeName: config.nodeName, istioNamespace: config.istioNamespace, logger: log });
  const metrics = new AgentMetrics(VERSION, opts.defaultMetrics !== false);
  const agents = createScrapeAgents();
  let last: { round: AgentRound; body: string } | undefined;
  let rounds = 0;
  let plan: HeldPlan | undefined;
  let ready = false;
  let markReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));

  // The first round waits for the API's first list (or 10 s), so it judges the node against its leases.
  const firstList = Promise.race([watch.synced().catch(() => undefined), new Promise<void>((r) => setTimeout(r, 10_000).unref())]);
  const scheduler = startScheduler({
    intervalMs: config.refreshInterval,
    before: firstList,
    round: async () => {
      const round = await runAgentRound({ config, kube: () => watch.snapshot(), plan: () => plan, agents }, ++rounds);
      metrics.update(round);
      last = { round, body: JSON.stringify(buildSummary(round, config.nodeName, VERSION)) };
      const problems = round.checks.filter((c) => c.status === 'problem').map((c) => `${c.family ?? ''}${c.family ? '/' : ''}${c.check}=${c.reason}`);
      log.debug({ round: round.number, durationSeconds: round.durationSeconds, problems }, 'round done');
      if (round.kube.synced && !ready) {
        ready = true;
        markReady();
      }
    },
    onError: (err) => log.error({ err }, 'round failed'),
  });

  const app = createAgentApp({
    metrics,
    isReady: () => ready,
    summary: () => {
      if (!last) return { unavailable: 'no round finished yet' };
      const ageMs = Date.now() - last.round.finishedAtMs;
      if (ageMs > STALE_AFTER_INTERVALS * config.refreshInterval) return { unavailable: `last round finished ${Math.round(ageMs / 1000)} s ago` };
      return { body: last.body };
    },
    acceptPlan: (body) => {
      const parsed = parsePlan(body, config.nodeName);
      if (!parsed.ok) {
        log.warn({ why: parsed.why }, 'probe plan refused');
        return parsed.why;
      }
      if (plan?.plan.version !== parsed.plan.version) log.info({ version: parsed.plan.version, targets: parsed.plan.targets.length }, 'probe plan received');
      plan = { plan: parsed.plan, receivedAtMs: Date.now() };
      return undefined;
    },
    onError: (err) => log.error({ err }, 'request failed'),
  });
  let listener;
  try {
    listener = await listen(app, config.listenAddress);
  } catch (err) {
    await scheduler.stop();
    await watch.stop();
    destroyScrapeAgents(agents);
    throw err;
  }
  log.info({ url: listener.url, node: config.nodeName, refreshIntervalMs: config.refreshInterval }, 'agent serving');
  return {
    url: listener.url,
    ready: () => readyPromise,
    refreshNow: () => scheduler.runNow(),
    async close() {
      const stopping = scheduler.stop();
      await watch.stop();
      // as the exporter: a round on hanging targets or a stuck node command is abandoned after the grace
      await Promise.all([listener.close(), settledWithin(stopping, CLOSE_GRACE_MS)]);
      destroyScrapeAgents(agents);
    },
  };
}
