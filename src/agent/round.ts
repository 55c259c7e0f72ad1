// One agent round: collect (I/O) the node checks and the local scrapes of this node's ztunnel and
// istio-cni concurrently, then the probes to the plan's targets, once the checks have said the
// agent runs in its node's network namespace (what it reaches from elsewhere says nothing of the
// node). Never throws: the checks, the scraper and the probes report failures as data.
import { keptSamplesOf } from '../issues/registry.js';
import type { ScrapeResult } from '../model.js';
import { emptyClusterState } from '../model.js';
import type { ScrapeAgents } from '../scrape/fetch.js';
import { scrapeAll } from '../scrape/scraper.js';
import { discoverTargets } from '../scrape/targets.js';
import { runNodeChecks, type CheckResult, type NodeObject } from './checks/index.js';
import type { AgentConfig } from './config.js';
import type { AgentKubeState } from './kube/watch.js';
import { probePeers } from './peers/run.js';
import { probeTargets } from './peers/targets.js';
import { nodeObjectOf, type PeerPlan } from './plan.js';
import type { NOT_PROBED_REASONS, PeerResult } from './summary.js';

/** The plan the agent holds, as the exporter last sent it. */
export interface HeldPlan {
  plan: PeerPlan;
  receivedAtMs: number;
}

export interface AgentPeersRound {
  plan: HeldPlan | undefined;
  notProbed?: (typeof NOT_PROBED_REASONS)[number];
  results: PeerResult[];
}

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
  /** the probes to the plan's targets; absent where a round is built without them (benches, older callers) */
  peers?: AgentPeersRound | undefined;
}

export interface AgentRoundDeps {
  config: AgentConfig;
  kube: () => AgentKubeState;
  /** the plan held now (undefined before the exporter sent one) */
  plan: () => HeldPlan | undefined;
  /** keep-alive pools reused round after round */
  agents: ScrapeAgents;
}

/** The node's own ztunnel and istio-cni pods, found and addressed as the exporter finds every node's. */
export function localTargets(kube: Pick<AgentKubeState, 'ztunnelPods' | 'cniPods'>) {
  return discoverTargets({ ...emptyClusterState(), ztunnelPods: kube.ztunnelPods, cniPods: kube.cniPods }, []);
}

/** Not in the node's network namespace: every network check says so (checks/evaluate/network.ts). */
const outsideHostNetwork = (checks: readonly CheckResult[]): boolean => checks.some((c) => c.check === 'flannel_vxlan_device' && c.reason === 'no_host_network');

async function checkAndProbe(config: AgentConfig, self: NodeObject | undefined, held: HeldPlan | undefined): Promise<{ checks: CheckResult[]; peers: AgentPeersRound }> {
  const checks = await runNodeChecks({
    nodeName: config.nodeName,
    // its own Node from its watch, the peers from the plan
    nodes: [...(self ? [self] : []), ...(held?.plan.peers ?? []).map(nodeObjectOf)],
    cniConfDir: config.cniConfDir,
    peersKnown: held !== undefined,
    ...(config.vxlanPort === undefined ? {} : { expectedVxlanPort: config.vxlanPort }),
  });
  if (outsideHostNetwork(checks.results)) return { checks: checks.results, peers: { plan: held, notProbed: 'no_host_network', results: [] } };
  const targets = probeTargets(self, held?.plan);
  if (typeof targets === 'string') return { checks: checks.results, peers: { plan: held, notProbed: targets, results: [] } };
  const results = await probePeers(targets, {
    timeoutMs: config.probeTimeout,
    concurrency: config.probeConcurrency,
    // leave the rest of the interval to the next round: a round never runs into the next
    budgetMs: Math.max(0, config.refreshInterval / 2 - 3 * config.probeTimeout),
  });
  return { checks: checks.results, peers: { plan: held, results } };
}

export async function runAgentRound(deps: AgentRoundDeps, number: number): Promise<AgentRound> {
  const { config } = deps;
  const startedAtMs = Date.now();
  const started = performance.now();
  const kube = deps.kube();
  const [{ checks, peers }, scrapes] = await Promise.all([
    checkAndProbe(config, kube.self, deps.plan()),
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
    checks,
    scrapes,
    peers,
  };
}
