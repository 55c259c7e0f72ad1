// What signals/ derives each round: plain rows that metrics.ts turns into gauges one-to-one.
import type { Redirection } from '../istio.js';
import type { ClusterState, ProbeResults, ScrapeResult } from '../model.js';

export const ISSUES = [
  'ztunnel_istiod_connectivity',
  'cross_node_network',
  'cni_pod_creation_blocked',
  'namespace_not_enrolled',
] as const;
export type Issue = (typeof ISSUES)[number];
export type NodeIssue = Exclude<Issue, 'namespace_not_enrolled'>;

/** Fixed causes per issue: the "why" next to each affected node or namespace. */
export const CAUSES = {
  ztunnel_istiod_connectivity: ['service_port_missing', 'no_ready_endpoints', 'xds_dial_failed', 'xds_not_synced', 'xds_connection_errors'],
  cross_node_network: ['flannel_not_ready', 'overlay_not_configured', 'pod_network_unreachable'],
  cni_pod_creation_blocked: ['ztunnel_not_connected', 'sandbox_failures'],
  namespace_not_enrolled: ['label_missing', 'pods_not_captured'],
} as const satisfies Record<Issue, readonly string[]>;
export type Cause<I extends Issue> = (typeof CAUSES)[I][number];

export interface NodeFinding<I extends NodeIssue = NodeIssue> {
  node: string;
  issue: I;
  cause: Cause<I>;
}

export interface NamespaceFinding {
  namespace: string;
  issue: 'namespace_not_enrolled';
  cause: Cause<'namespace_not_enrolled'>;
}

/**
 * ztunnel's xDS counters on a node and when they last grew (0: not seen growing): `errors` is
 * ConnectionError + Error terminations, `messages` the configuration messages received.
 */
export interface XdsErrorHistory {
  errors: number;
  messages: number;
  lastErrorGrowthMs: number;
  lastMessageGrowthMs: number;
}

export interface SignalInput {
  state: ClusterState;
  scrapes: ScrapeResult[];
  probes: ProbeResults;
  /** the node the exporter runs on, when known */
  ownNode?: string;
  /** istiod's xDS port (15012) */
  xdsPort: number;
  enrollment: { namespaces: string[]; selector?: string | undefined; exclude: string[] };
  /** the previous round's xdsErrors (see ZtunnelIstiodSignals.xdsErrors) */
  previousXdsErrors?: ReadonlyMap<string, XdsErrorHistory>;
  /** time of this round, ms since epoch */
  nowMs?: number;
}

export interface ZtunnelIstiodSignals {
  ztunnelPodReady: { node: string; pod: string; ready: boolean }[];
  readinessPending: { node: string; pod: string; task: string }[];
  xdsTerminations: { node: string; reason: string; value: number }[];
  workloads: { node: string; state: 'active' | 'pending'; value: number }[];
  ztunnelInfo: { node: string; pod: string; version: string }[];
  istiodServicePortPresent: { port: string; present: boolean }[];
  istiodReadyEndpoints: number;
  istiodDials: { address: string; success: boolean; durationSeconds: number }[];
  istiodPodReady: { pod: string; node: string; ready: boolean }[];
  istiodXdsClients: { pod: string; value: number }[];
  istiodInfo: { pod: string; version: string }[];
  /** per node, ConnectionError + Error terminations now and when they last grew: the next round's previousXdsErrors */
  xdsErrors: Map<string, XdsErrorHistory>;
  findings: NodeFinding<'ztunnel_istiod_connectivity'>[];
}

export interface CrossNodeSignals {
  podNetworkReachable: { node: string; reachable: boolean }[];
  flannelPodReady: { node: string; ready: boolean }[];
  overlayConfigured: { node: string; backend: string; configured: boolean }[];
  findings: NodeFinding<'cross_node_network'>[];
}

export interface CniSignals {
  cniPodReady: { node: string; ready: boolean }[];
  ztunnelConnected: { node: string; value: number }[];
  installReady: { node: string; value: number }[];
  podsBlocked: { node: string; namespace: string; count: number }[];
  redirectionPending: { node: string; namespace: string; count: number }[];
  findings: NodeFinding<'cni_pod_creation_blocked'>[];
}

export interface EnrollmentSignals {
  namespaces: { namespace: string; enrolled: boolean; expected: boolean }[];
  pods: { namespace: string; redirection: Redirection; count: number }[];
  findings: NamespaceFinding[];
}

export interface Signals {
  ztunnelIstiod: ZtunnelIstiodSignals;
  crossNode: CrossNodeSignals;
  cni: CniSignals;
  enrollment: EnrollmentSignals;
  /** one root cause per affected node (precedence applied) */
  nodeIssues: NodeFinding[];
  namespaceIssues: NamespaceFinding[];
  issueAffected: Record<Issue, number>;
}
