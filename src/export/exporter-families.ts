// The exporter's own families (its health, its view of the API) and the at-a-glance verdict families
// every issue shares. Issue-specific families live in their issue module (src/issues/*/families.ts).
import { ISSUES } from '../issues/registry.js';
import type { Signals } from '../issues/derive.js';
import type { AgentReport, ClusterState, ProbeResults, ScrapeResult } from '../model.js';
import { bool, family } from './family.js';

/** What one finished round hands to the export layer. */
export interface RoundResult {
  /**
   * false while the Kubernetes API has never been listed, or while the view of it is older than
   * --max-state-age (watches down): then only the exporter's own series are served, neither "nothing
   * is wrong" nor findings the cluster may have left behind (ambient_issue_affected and the rest stay
   * absent).
   */
  stateKnown: boolean;
  /**
   * Seconds since the cluster state was last known current: 0 while every watch is established,
   * else since the first of the watches now down went down. Undefined before the first list and
   * without the API (--no-kube).
   */
  stateAgeSeconds: number | undefined;
  state: ClusterState;
  /** the exporter's own scrapes and the agents' local ones (source 'agent') */
  scrapes: ScrapeResult[];
  /** the node agents' summaries (none without agents) */
  agents?: readonly AgentReport[];
  probes: ProbeResults;
  signals: Signals;
  durationSeconds: number;
  /** ms since epoch */
  finishedAtMs: number;
}

/** The exporter's families read the round plus what the exporter itself accumulates. */
export interface ExporterView {
  round: RoundResult;
  version: string;
  mode: string;
  /** cluster mode: the API is watched and probed */
  kube: boolean;
  /** the node the exporter runs on (--node-name), when known */
  ownNode?: string | undefined;
  /** failed scrapes since start, by component and reason (every combination present, from 0) */
  scrapeErrors: readonly { component: string; reason: string; value: number }[];
}

type V = ExporterView;

export const EXPORTER_FAMILIES = [
  family<V>({
    name: 'ambient_exporter_build_info',
    type: 'gauge',
    help: 'Version and mode of the running exporter (value 1).',
    labels: ['version', 'mode'],
    doc: '1; `mode` is `cluster` or `static` (`--no-kube`).',
    rows: (v) => [{ labels: { version: v.version, mode: v.mode }, value: 1 }],
  }),
  family<V>({
    name: 'ambient_exporter_node_info',
    type: 'gauge',
    help: 'The node the exporter runs on (value 1; absent without --node-name).',
    labels: ['node'],
    doc:
      "1 for the node the exporter runs on (`--node-name`): its vantage point. The alert rules mark a cross-node failure of that " +
      'node `exporter_node="true"`, whatever its cause: from there the exporter reaches no other node either.',
    rows: (v) => (v.ownNode ? [{ labels: { node: v.ownNode }, value: 1 }] : []),
  }),
  family<V>({
    name: 'ambient_exporter_scrape_up',
    type: 'gauge',
    help: 'Whether the last scrape of the target succeeded (1) or not (0).',
    labels: ['component', 'node', 'pod'],
    doc:
      '1 if the last scrape of that target succeeded. `component="agent"`: the summary of that node\'s agent; on a node with an agent, ' +
      'the ztunnel and istio-cni rows are the agent\'s own scrapes of them (the exporter does not scrape them there).',
    rows: (v) => [...v.round.scrapes.map((s) => ({ labels: targetLabels(s), value: bool(s.up) })), ...(v.round.agents ?? []).map((a) => ({ labels: agentLabels(a), value: bool(a.up) }))],
  }),
  family<V>({
    name: 'ambient_exporter_scrape_duration_seconds',
    type: 'gauge',
    help: 'Duration of the last scrape of the target.',
    labels: ['component', 'node', 'pod'],
    rows: (v) => [
      ...v.round.scrapes.map((s) => ({ labels: targetLabels(s), value: s.durationSeconds })),
      ...(v.round.agents ?? []).map((a) => ({ labels: agentLabels(a), value: a.durationSeconds })),
    ],
  }),
  family<V>({
    name: 'ambient_exporter_scrape_errors_total',
    type: 'counter',
    help: 'Failed scrapes by component and reason.',
    labels: ['component', 'reason'],
    doc:
      'Failed scrapes; `reason` is `timeout`, `connect`, `http_status`, `parse` or `too_large`; `component` one of `ztunnel`, `istiod`, ' +
      '`istio-cni`, `agent` (a node agent\'s summary; `parse` also for one that is not a valid summary for its node). Every combination starts at 0.',
    rows: (v) => v.scrapeErrors.map((e) => ({ labels: { component: e.component, reason: e.reason }, value: e.value })),
  }),
  family<V>({
    name: 'ambient_exporter_kube_watch_up',
    type: 'gauge',
    help: 'Whether the watch of the Kubernetes resource is established.',
    labels: ['resource'],
    doc: '1 while the watch of that resource (`nodes`, `namespaces`, `pods`, `events`, `services`, `endpointslices`) is established.',
    rows: (v) => Object.entries(v.round.state.watchUp).map(([resource, up]) => ({ labels: { resource }, value: bool(up) })),
  }),
  family<V>({
    name: 'ambient_exporter_kube_watch_last_event_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time the state of the Kubernetes resource was last confirmed by the API server: a list, a watch event or a bookmark.',
    labels: ['resource'],
    doc:
      'Unix time the API server last confirmed the state of that resource: its last list, watch event or bookmark (the API server ' +
      'sends a bookmark every minute). A watch silent for two bookmark periods is replaced and the resource listed again.',
    rows: (v) => Object.entries(v.round.state.watchLastEvent ?? {}).map(([resource, ms]) => ({ labels: { resource }, value: ms / 1000 })),
  }),
  family<V>({
    name: 'ambient_exporter_refresh_duration_seconds',
    type: 'gauge',
    help: 'Duration of the last discovery, scrape, probe and derive round.',
    labels: [],
    rows: (v) => [{ labels: {}, value: v.round.durationSeconds }],
  }),
  family<V>({
    name: 'ambient_exporter_last_refresh_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time the last round finished.',
    labels: [],
    rows: (v) => [{ labels: {}, value: v.round.finishedAtMs / 1000 }],
  }),
  family<V>({
    name: 'ambient_exporter_cluster_state_age_seconds',
    type: 'gauge',
    help: 'Seconds since the view of the Kubernetes API the verdicts rest on was last known current (0 while every watch is established).',
    labels: [],
    doc:
      "How old the exporter's view of the cluster is: 0 while every watch is established, else the seconds since the first of the " +
      'watches now down went down (the API unreachable, a watch failing). Past `--max-state-age` (default 60s) the verdict series ' +
      '(`ambient_issue_affected`, `ambient_node_issue`, `ambient_namespace_issue` and every issue family) are withdrawn, as before the ' +
      'first list, and come back with the first round after the watches are re-established: a fault fixed during an API outage is ' +
      'not reported on, and a new one is not reported as absent. `AmbientExporterBlind` fires. Absent before the first list and ' +
      'with `--no-kube`.',
    rows: (v) => (v.kube && v.round.stateAgeSeconds !== undefined ? [{ labels: {}, value: v.round.stateAgeSeconds }] : []),
  }),
  family<V>({
    name: 'ambient_kube_api_ready',
    type: 'gauge',
    help: "Whether the API server's /readyz answered 200.",
    labels: [],
    doc: "1 if the API server's `/readyz` answered 200 (cluster mode only).",
    rows: (v) => (v.kube ? [{ labels: {}, value: bool(v.round.probes.api.ready) }] : []),
  }),
  family<V>({
    name: 'ambient_kube_api_ready_duration_seconds',
    type: 'gauge',
    help: 'Latency of the last /readyz call to the API server.',
    labels: [],
    doc: 'Latency of the last `/readyz` call.',
    rows: (v) => (v.kube ? [{ labels: {}, value: v.round.probes.api.durationSeconds }] : []),
  }),
  family<V>({
    name: 'ambient_node_ready',
    type: 'gauge',
    help: "Kubernetes Ready condition of the node, as the exporter's watch of the Nodes last saw it.",
    labels: ['node'],
    // The node controller marks every pod of a NotReady node not Ready within about 40 s
    // (node-monitor-grace-period), istio-cni's and ztunnel's included: the per-node component alerts
    // leave such a node to the cluster's own node alert (kube-prometheus-stack's KubeNodeNotReady)
    // instead of paging an Istio cause for it.
    doc:
      "1 if the node's Ready condition is True. The per-node component alerts (ztunnel, istio-cni, scrape targets) leave out nodes " +
      "at 0: a node that is down is the node's alert (kube-prometheus-stack's `KubeNodeNotReady`), not Istio's. Served with the " +
      'verdicts: absent before the first list and while the view of the API is older than `--max-state-age`.',
    rows: (v) => (v.kube && v.round.stateKnown ? v.round.state.nodes.map((n) => ({ labels: { node: n.name }, value: bool(n.ready) })) : []),
  }),
];

/** The verdict families: served only while the view of the API is current (RoundResult.stateKnown). */
export const VERDICT_FAMILIES = [
  family<Signals>({
    name: 'ambient_issue_affected',
    type: 'gauge',
    help: 'Nodes or namespaces affected by the known issue now (root cause only).',
    labels: ['issue'],
    doc:
      'Nodes (or namespaces, for `namespace_not_enrolled`) whose root cause is this known issue now. All issues are always present, ' +
      '0 when healthy, once the exporter has listed the Kubernetes API; before that (API unreachable since start) no verdict series ' +
      'is served and `/readyz` answers 503. Withdrawn too while the view of the API is older than `--max-state-age` ' +
      '(`ambient_exporter_cluster_state_age_seconds`).',
    rows: (s) => ISSUES.map((issue) => ({ labels: { issue }, value: s.issueAffected[issue] })),
  }),
  family<Signals>({
    name: 'ambient_node_issue',
    type: 'gauge',
    help: 'Root cause of the known issue affecting the node (1 while affected).',
    labels: ['node', 'issue', 'cause'],
    doc:
      '1 for each node whose root cause is `issue`, with the reason in `cause`; absent when healthy. Each node appears under one ' +
      'issue at most.',
    rows: (s) => s.nodeIssues.map((f) => ({ labels: { node: f.node, issue: f.issue, cause: f.cause }, value: 1 })),
  }),
  family<Signals>({
    name: 'ambient_namespace_issue',
    type: 'gauge',
    help: 'Cause of the enrollment issue affecting the namespace (1 while affected).',
    labels: ['namespace', 'issue', 'cause'],
    doc: '1 for each namespace affected by `namespace_not_enrolled`; absent when healthy.',
    rows: (s) => s.namespaceIssues.map((f) => ({ labels: { namespace: f.namespace, issue: f.issue, cause: f.cause }, value: 1 })),
  }),
];

function targetLabels(s: ScrapeResult): Record<string, string> {
  return { component: s.target.component, node: s.target.node, pod: s.target.pod };
}

function agentLabels(a: AgentReport): Record<string, string> {
  return { component: 'agent', node: a.node, pod: a.pod };
}

/**
 * What the node agents report, per node: their problems (sparse), and how many checks they could not
 * judge. About one series per node with an agent, plus one per problem.
 */
export const AGENT_REPORT_FAMILIES = [
  family<V>({
    name: 'ambient_node_check_problem',
    type: 'gauge',
    help: "A node check that its node agent reports failing (1), with the check's reason.",
    labels: ['node', 'check', 'family', 'reason'],
    doc:
      "1 for each check a node's agent reports as a problem (docs/node-checks.md: `check`, `reason`; `family` `ipv4`/`ipv6` for the " +
      'network checks, empty for the CNI ones); absent when the check passes. Several can hold at once; `ambient_node_issue` ' +
      'names the one root cause.',
    rows: (v) =>
      (v.round.agents ?? []).flatMap((a) =>
        (a.summary?.checks ?? [])
          .filter((c) => c.status === 'problem')
          .map((c) => ({ labels: { node: a.node, check: c.check, family: c.family ?? '', reason: c.reason }, value: 1 })),
      ),
  }),
  family<V>({
    name: 'ambient_node_checks_unknown',
    type: 'gauge',
    help: 'Checks the node agent could not judge in its last round.',
    labels: ['node'],
    doc:
      "Checks the node's agent answered `unknown` (no host network, iproute2 missing, no CNI directory mounted, its Node not listed ...): " +
      'what it cannot see, it cannot report. Present for every node whose agent summary was read.',
    rows: (v) =>
      (v.round.agents ?? []).flatMap((a) => (a.summary ? [{ labels: { node: a.node }, value: a.summary.checks.filter((c) => c.status === 'unknown').length }] : [])),
  }),
];
