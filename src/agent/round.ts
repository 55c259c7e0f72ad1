// One agent round: collect (I/O) the node checks and the local scrapes of this node's ztunnel and
// istio-cni, concurrently. Never throws: the checks and the scraper report failures as data.
import { keptSamplesOf } from '../issues/registry.js';
import type { ScrapeResult } from '../model.js';
import { emptyClusterState } from '../model.js';
import type { ScrapeAgents } from '../scrape/fetch.js';
import { scrapeAll } from '../scrape/scraper.js';
import { discoverTargets } from '../scrape/targets.js';
import { runNodeChecks, type CheckResult } from './checks/index.js';
import type { AgentConfig } from './config.js';
import type { AgentKubeState } from './kube/watch.js';

export interface AgentRound {
  /** 1 for the first round since start */
  number: number;
  startedAtMs: number;
  finishedAtMs: number;
  durationSeconds: number;
  kube: Pick<AgentKubeState, 'synced' | 'watchUp'>;
  checks: CheckResult[];
  /** this node's ztunnel and istio-cni, scraped from the node itself: no overlay crossed */
  scrapes: ScrapeResult[];
}

export interface AgentRoundDeps {
  config: AgentConfig;
  kube: () => AgentKubeState;
  /** keep-alive pools reused round after round */
  agents: ScrapeAgents;
}

/** The node's own ztunnel and istio-cni pods, found and addressed as the exporter finds every node's. */
export function localTargets(kube: AgentKubeState) {
  return discoverTargets({ ...emptyClusterState(), ztunnelPods: kube.ztunnelPods, cniPods: kube.cniPods }, []);
}

export async function runAgentRound(deps: AgentRoundDeps, number: number): Promise<AgentRound> {
  const { config } = deps;
  const startedAtMs = Date.now();
  const started = performance.now();
  const kube = deps.kube();
  const [checks, scrapes] = await Promise.all([
    runNodeChecks({
      nodeName: config.nodeName,
      nodes: kube.nodes,
      cniConfDir: config.cniConfDir,
      ...(config.vxlanPort === undefined ? {} : { expectedVxlanPort: config.vxlanPort }),
    }),
    scrapeAll(localTargets(kube), {
      concurrency: 4,
      timeoutMs: config.scrapeTimeout,
      connectTimeoutMs: config.scrapeConnectTimeout,
      maxBytes: config.scrapeMaxBytes,
      // what the exporter keeps of a ztunnel or istio-cni scrape, within the same per-target limits
      limits: config.scrapeLimits,
      keep: keptSamplesOf,
      agents: deps.agents,
    }),
  ]);
  return {
    number,
    startedAtMs,
    finishedAtMs: Date.now(),
    durationSeconds: (performance.now() - started) / 1000,
    kube: { synced: kube.synced, watchUp: kube.watchUp },
    checks: checks.results,
    scrapes,
  };
}
