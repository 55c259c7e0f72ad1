// One round: collect (discover, scrape and probe concurrently), derive (pure), and hand the result to
// the export layer. `serve` runs it on a schedule; `diagnose` runs it once.
import type { Config } from '../config.js';
import type { RoundResult } from '../export/exporter-families.js';
import { deriveSignals, type Signals } from '../issues/derive.js';
import { keptSamplesOf } from '../issues/registry.js';
import type { NamespaceFinding, NodeFinding } from '../issues/types.js';
import type { KubeApiTransport } from '../kube/api-transport.js';
import type { ClusterWatch } from '../kube/cluster-watch.js';
import type { Logger } from '../logger.js';
import { COMPONENTS, emptyClusterState, type ProbeResults, type ScrapeResult, type Target } from '../model.js';
import { runProbes } from '../probes/index.js';
import type { PlanCache } from '../peers/plan.js';
import { sendPlans } from '../scrape/agent-plan.js';
import { agentNodes, agentTargets, fetchAgentReports, localScrapes } from '../scrape/agent-summary.js';
import type { ScrapeAgents } from '../scrape/fetch.js';
import { scrapeAll } from '../scrape/scraper.js';
import { discoverTargets, parseStaticTarget } from '../scrape/targets.js';

export interface RoundDeps {
  config: Config;
  /** absent with --no-kube */
  watch: ClusterWatch | undefined;
  /** the exporter's connection pool to the API server (absent with --no-kube) */
  api: KubeApiTransport | undefined;
  /** keep-alive pools reused round after round */
  agents: ScrapeAgents;
  staticTargets: readonly Target[];
  log: Logger;
  /** the clock of the issue modules' time windows (Date.now in production) */
  now: () => number;
  /** the agents' probe plans (serve only: a one-off diagnose hands out none) */
  plans?: PlanCache;
}

/** What a round needs, from the configuration and the cluster watch (absent with --no-kube). */
export function roundDeps(
  config: Config,
  cluster: { watch: ClusterWatch; api: KubeApiTransport } | undefined,
  agents: ScrapeAgents,
  log: Logger,
  now: () => number = Date.now,
): RoundDeps {
  return { config, watch: cluster?.watch, api: cluster?.api, agents, staticTargets: config.targets.map(parseStaticTarget), log, now };
}

const NO_PROBES: ProbeResults = { istiodDials: [], ztunnelReadiness: [], api: { ready: false, durationSeconds: 0 } };

/** What a round collects: the evidence every module's detection reads. */
export type Evidence = Pick<RoundResult, 'state' | 'scrapes' | 'probes' | 'agents'>;

/** The pure part of a round: every module's signals from the evidence (previous: the last round, for modules with history). */
export function deriveRound(config: Config, evidence: Evidence, previous: RoundResult | undefined, nowMs: number): Signals {
  return deriveSignals({
    ...evidence,
    ownNode: config.nodeName,
    xdsPort: evidence.state.istiodXds.port,
    enrollment: config.enrollment,
    previous: previous?.signals.issues,
    nowMs,
  });
}

/** Collect and derive once; `previous` is the last round (issue modules read their own history from it). */
export async function runRound(deps: RoundDeps, previous: RoundResult | undefined): Promise<RoundResult> {
  const { config, watch, log } = deps;
  const started = performance.now();
  const state = watch ? watch.snapshot() : emptyClusterState();
  // Nodes with a serving agent: it scrapes their ztunnel and istio-cni; the exporter reads its summary.
  const agentsToRead = agentTargets(state, config.agentPort);
  const targets = discoverTargets(state, deps.staticTargets, agentNodes(agentsToRead));
  const budget = {
    concurrency: config.scrapeConcurrency,
    timeoutMs: config.scrapeTimeout,
    connectTimeoutMs: config.scrapeConnectTimeout,
    maxBytes: config.scrapeMaxBytes,
    limits: config.scrapeLimits,
    keep: keptSamplesOf,
    agents: deps.agents,
  };
  const [centralScrapes, agents, probes] = await Promise.all([
    scrapeAll(targets, budget),
    fetchAgentReports(agentsToRead, budget),
    watch
      ? runProbes(state, {
          timeoutMs: config.scrapeTimeout,
          connectTimeoutMs: config.scrapeConnectTimeout,
          concurrency: config.scrapeConcurrency,
          api: deps.api,
          istioNamespace: config.istioNamespace,
          xdsPort: state.istiodXds.port,
        })
      : Promise.resolve(NO_PROBES),
  ]);
  if (deps.plans && watch) {
    // every agent read this round probes and is probed; plans go only where the version differs.
    // With --peer-probers 0 the plans still carry the peers the node checks compare, and no target.
    const plans = deps.plans.get({ nodes: state.nodes, withAgent: agentNodes(agentsToRead), k: config.peerProbers, port: config.agentPort });
    const sent = await sendPlans(agents, plans.byNode, { timeoutMs: config.scrapeTimeout, concurrency: config.scrapeConcurrency });
    for (const s of sent) {
      if (s.error) log.warn({ node: s.node, version: s.version, reason: s.error }, 'probe plan not delivered to the agent');
      else log.debug({ node: s.node, version: s.version }, 'probe plan delivered');
    }
  }
  const scrapes = withLocalScrapes(centralScrapes, localScrapes(agents));
  const signals = deriveRound(config, { state, scrapes, probes, agents }, previous, deps.now());
  const durationSeconds = (performance.now() - started) / 1000;
  // wall-clock: the watches stamp what they saw with Date.now, whatever clock the modules' windows run on
  const stateAgeSeconds = stateAge(watch, Date.now());
  const round: RoundResult = {
    // Verdicts rest on the cluster state: none before the first list, none once it is too old.
    stateKnown: !watch || (state.synced && stateAgeSeconds !== undefined && stateAgeSeconds * 1000 <= config.maxStateAge),
    stateAgeSeconds,
    state,
    scrapes,
    agents,
    probes,
    signals,
    durationSeconds,
    finishedAtMs: Date.now(),
  };
  logRound(log, round, previous);
  return round;
}

/**
 * The exporter's scrapes and the agents' local ones in one list, in discovery order (component,
 * node, pod; static targets last): the detections read a node's newest ztunnel first either way.
 */
export function withLocalScrapes(central: readonly ScrapeResult[], local: readonly ScrapeResult[]): ScrapeResult[] {
  const order = (s: ScrapeResult): [number, number, string, string] => [s.target.static ? 1 : 0, COMPONENTS.indexOf(s.target.component), s.target.node, s.target.pod];
  const cmp = (a: ScrapeResult, b: ScrapeResult): number => {
    const [x, y] = [order(a), order(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  };
  return local.length === 0 ? [...central] : [...central, ...local].sort(cmp);
}

/** Seconds since the watch's view was last known current; undefined before the first list or without one. */
function stateAge(watch: ClusterWatch | undefined, nowMs: number): number | undefined {
  const asOf = watch?.currentAsOf();
  return asOf === undefined ? undefined : Math.max(0, nowMs - asOf) / 1000;
}

const key = (f: NodeFinding | NamespaceFinding): string => ('node' in f ? `node ${f.node}` : `namespace ${f.namespace}`);

/** Failed targets at debug; a root cause that appears, changes or clears at info. */
function logRound(log: Logger, round: RoundResult, previous: RoundResult | undefined): void {
  const failed = round.scrapes.filter((s) => !s.up);
  const agentsFailed = (round.agents ?? []).filter((a) => !a.up);
  log.debug({ targets: round.scrapes.length, failed: failed.length, agents: round.agents?.length ?? 0, agentsFailed: agentsFailed.length, durationSeconds: round.durationSeconds }, 'round done');
  for (const f of failed) log.debug({ component: f.target.component, node: f.target.node, pod: f.target.pod, reason: f.error, source: f.source }, 'scrape failed');
  for (const a of agentsFailed) log.debug({ component: 'agent', node: a.node, pod: a.pod, reason: a.error }, 'agent summary failed');
  // Verdicts withdrawn or back: the one line that explains series vanishing and returning.
  if (previous?.stateKnown && !round.stateKnown) {
    log.warn({ stateAgeSeconds: round.stateAgeSeconds }, 'view of the Kubernetes API too old: verdicts withdrawn until the watches are back');
  } else if (previous && !previous.stateKnown && round.stateKnown && previous.state.synced) {
    log.info({}, 'watches re-established: verdicts served again');
  }
  if (!round.stateKnown) return;
  const findings = (r: RoundResult | undefined) =>
    new Map(r?.stateKnown ? [...r.signals.nodeIssues, ...r.signals.namespaceIssues].map((f) => [key(f), f] as const) : []);
  const before = findings(previous);
  const now = findings(round);
  for (const [where, f] of now) {
    const was = before.get(where);
    if (!was) log.info({ where, issue: f.issue, cause: f.cause }, 'finding appeared');
    else if (was.issue !== f.issue || was.cause !== f.cause) {
      log.info({ where, issue: f.issue, cause: f.cause, previousIssue: was.issue, previousCause: was.cause }, 'finding changed');
    }
  }
  for (const [where, f] of before) if (!now.has(where)) log.info({ where, issue: f.issue, cause: f.cause }, 'finding cleared');
}
