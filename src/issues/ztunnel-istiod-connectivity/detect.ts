// Known issue 1: ztunnel cannot reach istiod on the xDS port. A ztunnel whose first xDS response
// never came stays unready with the `state manager` task pending; one that synced once stays Ready
// (the task is one-shot) but its xDS stream keeps failing. The cluster-wide reason is found on
// istiod's side: the Service lacks the port, nothing is behind it, or the port does not answer;
// such a reason affects every ztunnel, Ready or not.
import { XDS_ERROR_REASONS, XDS_TERMINATION_REASONS, ZTUNNEL_TASK_STATE_MANAGER } from '../../istio.js';
import { ISTIOD_SAMPLES, ZTUNNEL_SAMPLES } from '../../scrape/families.js';
import type { DeriveContext, NodeFinding, SignalInput } from '../types.js';
import { gaugeOf, sumBy, sumOf, upScrapes } from '../samples.js';
import {
  caCertificateExpiry,
  connectionsFailed,
  istiodVersionOf,
  versionSkew,
  ztunnelVersionOf,
  type CaCertificateExpiry,
  type ConnectionsFailed,
  type VersionSkew,
} from './lifecycle.js';

export const ISSUE = 'ztunnel_istiod_connectivity';
export const CAUSES = ['service_port_missing', 'no_ready_endpoints', 'xds_dial_failed', 'xds_not_synced', 'xds_connection_errors'] as const;
export type IstiodCause = (typeof CAUSES)[number];
type Finding = NodeFinding<typeof ISSUE, IstiodCause>;

/**
 * ztunnel's xDS counters on a node and when they last grew (0: not seen growing): `errors` is
 * ConnectionError + Error terminations, `messages` the configuration messages received.
 */
export interface XdsErrorHistory {
  errors: number;
  messages: number;
  lastErrorGrowthMs: number;
  lastMessageGrowthMs: number;
  /** the counts were compared with an earlier round's: without that, growth cannot be told */
  compared: boolean;
}

export interface ZtunnelIstiodSignals {
  ztunnelPodReady: { node: string; pod: string; ready: boolean }[];
  readinessPending: { node: string; pod: string; task: string }[];
  xdsTerminations: { node: string; reason: string; value: number }[];
  workloads: { node: string; state: 'active' | 'pending'; value: number }[];
  ztunnelInfo: { node: string; pod: string; version: string }[];
  /** empty while the API was never listed (nothing is known of the Service) */
  istiodServicePortPresent: { port: string; present: boolean }[];
  /** undefined while the API was never listed */
  istiodReadyEndpoints: number | undefined;
  /** the Service and port checked: the ones the ztunnels dial (XDS_ADDRESS), or the configured ones; undefined while never listed */
  xdsTarget: { service: string; port: number; source: string } | undefined;
  istiodDials: { address: string; success: boolean; durationSeconds: number }[];
  istiodPodReady: { pod: string; node: string; ready: boolean }[];
  istiodXdsClients: { pod: string; value: number }[];
  istiodInfo: { pod: string; version: string }[];
  /** istiod's CA certificates (root, signing chain) and when they expire, per istiod pod */
  caCertificates: CaCertificateExpiry[];
  /** each ztunnel and istio-cni pod against the istiod serving the ztunnels: minor versions behind, and whether Istio supports it */
  versionSkew: VersionSkew[];
  /** connections each node's ztunnel failed to establish, by response flag (ztunnel 1.29+) */
  connectionsFailed: ConnectionsFailed[];
  /** nodes whose ztunnel waits for its first xDS response (`state manager` pending) */
  neverSynced: string[];
  /** per node, ConnectionError + Error terminations now and when they last grew: read again next round */
  xdsErrors: Map<string, XdsErrorHistory>;
  nodeFindings: Finding[];
  namespaceFindings: [];
}

/** ztunnel's own reason label, kept to its known values so a target cannot mint label values. */
function knownReason(reason: string): string {
  return (XDS_TERMINATION_REASONS as readonly string[]).includes(reason) ? reason : 'other';
}

/** Ports of Service istiod reported by ambient_istiod_service_port_present. */
export const ISTIOD_SERVICE_PORTS = [15012, 15014, 15010];

/**
 * How long a ztunnel counts as failing after its ConnectionError/Error terminations last grew, unless
 * a configuration message arrives later (istiod answers every new stream with its current state, so
 * a recovered stream shows at once). ztunnel retries with back-off, so the error count need not grow
 * every round; the window keeps the finding steady in between.
 */
export const XDS_ERROR_WINDOW_MS = 5 * 60_000;

/** Per node: the xDS counters now and when they last grew (a drop means ztunnel restarted: not growth). */
export function xdsErrorHistory(
  xdsByNode: ReadonlyMap<string, ReadonlyMap<string, number>>,
  messagesByNode: ReadonlyMap<string, number>,
  previous: ReadonlyMap<string, XdsErrorHistory> | undefined,
  nowMs: number,
): Map<string, XdsErrorHistory> {
  const out = new Map<string, XdsErrorHistory>();
  for (const [node, byReason] of xdsByNode) {
    const errors = XDS_ERROR_REASONS.reduce((acc, r) => acc + (byReason.get(r) ?? 0), 0);
    const messages = messagesByNode.get(node) ?? 0;
    const before = previous?.get(node);
    out.set(node, {
      errors,
      messages,
      lastErrorGrowthMs: before && errors > before.errors ? nowMs : (before?.lastErrorGrowthMs ?? 0),
      lastMessageGrowthMs: before && messages > before.messages ? nowMs : (before?.lastMessageGrowthMs ?? 0),
      compared: before !== undefined,
    });
  }
  return out;
}

/**
 * Nodes whose ztunnel has counted xDS connection errors (ConnectionError/Error) that no earlier
 * round's count was compared with, and that no finding judges: from one reading of a cumulative
 * count, a stream failing now and one that failed long ago look alike. Sorted.
 */
export function xdsErrorsNotJudged(s: Pick<ZtunnelIstiodSignals, 'xdsErrors' | 'nodeFindings'>): string[] {
  const judged = new Set(s.nodeFindings.map((f) => f.node));
  return [...s.xdsErrors]
    .filter(([node, h]) => h.errors > 0 && !h.compared && !judged.has(node))
    .map(([node]) => node)
    .sort();
}

/** The stream failed recently and no configuration has arrived since. */
export function xdsStreamFailing(h: XdsErrorHistory, nowMs: number): boolean {
  return h.lastErrorGrowthMs > 0 && nowMs - h.lastErrorGrowthMs < XDS_ERROR_WINDOW_MS && h.lastMessageGrowthMs < h.lastErrorGrowthMs;
}

/**
 * The cluster-wide reason no ztunnel can sync, or undefined when istiod's side looks fine.
 * `cutOffNodes` are nodes with a cross-node network finding: when the exporter's own node is one of
 * them, or every ready istiod endpoint sits on one, failed dials are the network's doing, not istiod's.
 */
export function istiodSideCause(input: SignalInput, readyEndpoints: number, cutOffNodes: ReadonlySet<string> = new Set()): IstiodCause | undefined {
  const { state, probes, xdsPort, ownNode } = input;
  if (!state.synced) return undefined; // without the API we know nothing of istiod's Service
  const svc = state.istiodService;
  if (!svc || !svc.ports.some((p) => p.port === xdsPort)) return 'service_port_missing';
  if (readyEndpoints === 0) return 'no_ready_endpoints';
  const dials = probes.istiodDials;
  if (dials.length > 0 && dials.every((d) => !d.success)) {
    const endpointNodes = state.istiodEndpoints.filter((e) => e.ready && e.node).map((e) => e.node);
    const networkExplains =
      (!!ownNode && cutOffNodes.has(ownNode)) || (endpointNodes.length > 0 && endpointNodes.every((n) => cutOffNodes.has(n)));
    return networkExplains ? undefined : 'xds_dial_failed';
  }
  return undefined;
}

/** Causes that hold for the whole cluster (istiod's side), as opposed to one node's ztunnel. */
export const CLUSTER_WIDE_CAUSES: ReadonlySet<string> = new Set<IstiodCause>(['service_port_missing', 'no_ready_endpoints', 'xds_dial_failed']);

export function deriveZtunnelIstiod(input: SignalInput, ctx: DeriveContext<ZtunnelIstiodSignals>): ZtunnelIstiodSignals {
  const { state, scrapes, probes } = input;
  const cutOffNodes = new Set(ctx.earlierNodeFindings.filter((f) => f.issue === 'cross_node_network').map((f) => f.node));
  const ztunnelScrapes = upScrapes(scrapes, 'ztunnel');
  const istiodScrapes = upScrapes(scrapes, 'istiod');

  const readinessPending = probes.ztunnelReadiness.flatMap((r) =>
    r.pendingTasks.map((task) => ({ node: r.node, pod: r.pod, task })),
  );

  const xdsByNode = new Map<string, Map<string, number>>();
  const messagesByNode = new Map<string, number>();
  const workloads: ZtunnelIstiodSignals['workloads'] = [];
  const ztunnelInfo: ZtunnelIstiodSignals['ztunnelInfo'] = [];
  for (const s of ztunnelScrapes) {
    const { node, pod } = s.target;
    const perReason = xdsByNode.get(node) ?? new Map<string, number>();
    for (const [reason, v] of sumBy(s, ZTUNNEL_SAMPLES.xdsConnectionTerminations, 'reason')) {
      if (!Number.isFinite(v) || v < 0) continue; // a counter cannot be negative or infinite
      const key = knownReason(reason);
      perReason.set(key, (perReason.get(key) ?? 0) + v);
    }
    xdsByNode.set(node, perReason);
    const messages = sumOf(s, ZTUNNEL_SAMPLES.xdsMessages);
    if (messages !== undefined && Number.isFinite(messages)) messagesByNode.set(node, (messagesByNode.get(node) ?? 0) + messages);
    const active = gaugeOf(s, ZTUNNEL_SAMPLES.activeProxies, true);
    const pending = gaugeOf(s, ZTUNNEL_SAMPLES.pendingProxies, false);
    if (active !== undefined) workloads.push({ node, state: 'active', value: active });
    if (pending !== undefined) workloads.push({ node, state: 'pending', value: pending });
    const version = ztunnelVersionOf(s);
    if (version) ztunnelInfo.push({ node, pod, version });
  }
  const xdsTerminations = [...xdsByNode].flatMap(([node, m]) => [...m].map(([reason, value]) => ({ node, reason, value })));
  const xdsErrors = xdsErrorHistory(xdsByNode, messagesByNode, ctx.previous?.xdsErrors, input.nowMs ?? 0);

  const svc = state.istiodService;
  const ports = [...new Set([input.xdsPort, ...ISTIOD_SERVICE_PORTS])];
  const istiodServicePortPresent = state.synced ? ports.map((port) => ({ port: String(port), present: !!svc?.ports.some((p) => p.port === port) })) : [];
  const readyIps = new Set(state.istiodEndpoints.filter((e) => e.ready).map((e) => e.ip));
  const istiodReadyEndpoints = readyIps.size;

  const istiodXdsClients = istiodScrapes.map((s) => ({ pod: s.target.pod, value: sumOf(s, ISTIOD_SAMPLES.xdsClients) ?? 0 }));
  const istiodInfo = istiodScrapes.flatMap((s) => {
    const version = istiodVersionOf(s);
    return version ? [{ pod: s.target.pod, version }] : [];
  });

  // Which nodes' ztunnels cannot get configuration from istiod, and why.
  const pendingStateManager = new Set(readinessPending.filter((p) => p.task === ZTUNNEL_TASK_STATE_MANAGER).map((p) => p.node));
  const ztunnelNodes = new Set(
    [...state.ztunnelPods.map((p) => p.node), ...probes.ztunnelReadiness.map((r) => r.node), ...xdsByNode.keys()].filter(Boolean),
  );
  const failingStream = new Set([...xdsErrors].filter(([, h]) => xdsStreamFailing(h, input.nowMs ?? 0)).map(([node]) => node));
  // The Service's own faults are facts of the API. Failed dials are the exporter's vantage point only:
  // a NetworkPolicy in the Istio namespace that admits the ztunnels but not the exporter, or a
  // firewall on the exporter's node, fails them while every ztunnel is configured. They make a
  // cluster-wide cause (which pages and holds every node's ztunnel alerts back) only when a ztunnel
  // agrees: one waiting for its first configuration, or one whose stream keeps failing.
  const sideCause = istiodSideCause(input, istiodReadyEndpoints, cutOffNodes);
  const ztunnelsAgree = pendingStateManager.size > 0 || failingStream.size > 0;
  const clusterCause = sideCause === 'xds_dial_failed' && !ztunnelsAgree ? undefined : sideCause;
  const nodeFindings: Finding[] = [];
  for (const node of [...ztunnelNodes].sort()) {
    const cause: IstiodCause | undefined =
      clusterCause ?? (pendingStateManager.has(node) ? 'xds_not_synced' : failingStream.has(node) ? 'xds_connection_errors' : undefined);
    if (cause) nodeFindings.push({ node, issue: ISSUE, cause });
  }

  return {
    ztunnelPodReady: state.ztunnelPods.filter((p) => p.node).map((p) => ({ node: p.node, pod: p.name, ready: p.ready })),
    readinessPending,
    xdsTerminations,
    workloads,
    ztunnelInfo,
    istiodServicePortPresent,
    istiodReadyEndpoints: state.synced ? istiodReadyEndpoints : undefined,
    xdsTarget: state.synced ? { ...state.istiodXds } : undefined,
    istiodDials: probes.istiodDials.map((d) => ({ address: d.address, success: d.success, durationSeconds: d.durationSeconds })),
    istiodPodReady: state.istiodPods.map((p) => ({ pod: p.name, node: p.node, ready: p.ready })),
    istiodXdsClients,
    istiodInfo,
    caCertificates: caCertificateExpiry(istiodScrapes),
    versionSkew: versionSkew(state, ztunnelScrapes, istiodScrapes),
    connectionsFailed: connectionsFailed(ztunnelScrapes),
    neverSynced: [...pendingStateManager].sort(),
    xdsErrors,
    nodeFindings,
    namespaceFindings: [],
  };
}
