// Known issue 2: the overlay (Flannel VXLAN) is down, so pods on other nodes cannot be reached.
// Evidence per node: the Flannel pod's readiness, the node's Flannel backend annotations, whether
// the exporter's own connections to pod-network addresses on that node got any answer, and, where
// a node agent runs, what the node itself shows (its VXLAN device, port, MTU, peer entries) and
// whether the agent answered over the host network.
import type { CheckName, ProblemReason } from '../../agent/checks/types.js';
import { FLANNEL_BACKEND_DATA, FLANNEL_BACKEND_TYPE, FLANNEL_BACKEND_V6_DATA } from '../../istio.js';
import type { NodeInfo } from '../../model.js';
import { agentFacts, reports, type NodeAgentFacts } from '../agent-facts.js';
import { observationsOf, peerConsensus, type PeerVerdict } from './consensus.js';
import type { NodeFinding, SignalInput } from '../types.js';

export const ISSUE = 'cross_node_network';
/** Causes a node's agent reports from the node itself, most fundamental first (one per check family). */
export const LOCAL_CAUSES = [
  'underlay_down',
  'vxlan_device_missing',
  'vxlan_device_down',
  'vxlan_device_misconfigured',
  'vxlan_port_not_bound',
  'overlay_mtu_mismatch',
  'fdb_incomplete',
] as const;
/** Causes the node agents' probes of each other agree on (consensus.ts), each from many vantage points. */
export const PEER_CAUSES = ['network_partition', 'peer_underlay_down', 'peer_overlay_down', 'peer_mtu_blackhole'] as const;
export const CAUSES = [
  'flannel_not_ready',
  'overlay_not_configured',
  'pod_network_unreachable',
  'exporter_node_cut_off',
  ...LOCAL_CAUSES,
  'node_unreachable',
  ...PEER_CAUSES,
] as const;
export type PeerCause = (typeof PEER_CAUSES)[number];
export type LocalCause = (typeof LOCAL_CAUSES)[number];
export type CrossNodeCause = (typeof CAUSES)[number];
type Finding = NodeFinding<typeof ISSUE, CrossNodeCause>;

export interface CrossNodeSignals {
  podNetworkReachable: { node: string; reachable: boolean }[];
  /** the agents' pod-network probes of each other this round (only those with an answer either way) */
  peerReachable: { source: string; target: string; reachable: boolean }[];
  flannelPodReady: { node: string; ready: boolean }[];
  overlayConfigured: { node: string; backend: string; configured: boolean }[];
  /** nodes whose Flannel pod is not Ready while their pods still answer: the kernel datapath forwards */
  flannelNotReadyDatapathUp: string[];
  nodeFindings: Finding[];
  namespaceFindings: [];
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

/** The backend type as a label value: Flannel's own names are short lowercase words; anything else is not one. */
function backendLabel(value: string): string {
  return /^[a-z0-9][a-z0-9-]{0,31}$/.test(value) ? value : 'invalid';
}

/** VXLAN lease data as Flannel writes it (pkg/backend/vxlan/vxlan_network.go): {"VNI":n,"VtepMAC":"aa:bb:..."}. */
function vxlanLease(text: string | undefined): boolean {
  if (text === undefined) return false;
  try {
    const data = JSON.parse(text) as { VNI?: unknown; VtepMAC?: unknown } | null;
    return typeof data?.VNI === 'number' && typeof data.VtepMAC === 'string' && MAC.test(data.VtepMAC);
  } catch {
    return false;
  }
}

/**
 * A node's Flannel backend is usable: a type is set, and for VXLAN the lease data is well-formed for
 * IPv4 (`backend-data`) or IPv6 (`backend-v6-data`; an IPv6-only cluster writes only that one:
 * pkg/subnet/kube/kube.go).
 */
export function overlayOf(node: NodeInfo): { backend: string; configured: boolean } {
  const type = node.annotations[FLANNEL_BACKEND_TYPE] ?? '';
  if (!type) return { backend: 'none', configured: false };
  const backend = backendLabel(type);
  if (backend === 'invalid') return { backend, configured: false };
  if (backend !== 'vxlan') return { backend, configured: true };
  return { backend, configured: vxlanLease(node.annotations[FLANNEL_BACKEND_DATA]) || vxlanLease(node.annotations[FLANNEL_BACKEND_V6_DATA]) };
}

/** Which agent report makes which cause, in LOCAL_CAUSES order; the first that holds is the node's. */
const LOCAL_CAUSE_RULES: readonly { cause: LocalCause; checks: readonly CheckName[]; reasons?: readonly ProblemReason[] }[] = [
  { cause: 'underlay_down', checks: ['underlay_link'] },
  { cause: 'vxlan_device_missing', checks: ['flannel_vxlan_device'], reasons: ['vxlan_device_missing'] },
  { cause: 'vxlan_device_down', checks: ['flannel_vxlan_device'], reasons: ['vxlan_device_down'] },
  { cause: 'vxlan_device_misconfigured', checks: ['flannel_vxlan_device'], reasons: ['not_vxlan', 'vni_mismatch', 'vtep_mac_mismatch', 'vxlan_port_unexpected'] },
  { cause: 'vxlan_port_not_bound', checks: ['flannel_vxlan_port'] },
  { cause: 'overlay_mtu_mismatch', checks: ['flannel_vxlan_mtu'] },
  { cause: 'fdb_incomplete', checks: ['flannel_fdb', 'flannel_neighbours', 'flannel_routes'] },
];

/** What the node's agent sees broken on the node itself, or undefined (no agent, or nothing wrong). */
export function localCause(facts: NodeAgentFacts | undefined): LocalCause | undefined {
  return LOCAL_CAUSE_RULES.find((r) => r.checks.some((c) => reports(facts, c, r.reasons)))?.cause;
}

const PEER_CAUSE_OF: Partial<Record<PeerVerdict, PeerCause>> = {
  partitioned: 'network_partition',
  underlay_down: 'peer_underlay_down',
  overlay_down: 'peer_overlay_down',
  mtu_blackhole: 'peer_mtu_blackhole',
};

/** Per node: did any pod-network address on it answer this round? Nodes never tried are left out. */
export function podNetworkReachability(input: SignalInput): Map<string, boolean> {
  const { state, scrapes, probes } = input;
  const hostNetworkPods = new Set(
    [...state.ztunnelPods, ...state.istiodPods, ...state.cniPods].filter((p) => p.hostNetwork).map((p) => p.name),
  );
  const out = new Map<string, boolean>();
  const record = (node: string, reachable: boolean) => out.set(node, (out.get(node) ?? false) || reachable);
  for (const s of scrapes) {
    const t = s.target;
    // Static targets come through port-forwards, istio-cni runs on the host network, and a node
    // agent scrapes from the node itself: none crosses the overlay.
    if (t.static || s.source === 'agent' || t.component === 'istio-cni' || hostNetworkPods.has(t.pod) || !t.node) continue;
    record(t.node, s.reachable);
  }
  for (const r of probes.ztunnelReadiness) if (r.node && !hostNetworkPods.has(r.pod)) record(r.node, r.reachable);
  return out;
}

/**
 * The exporter's own node is cut off from the pod network: most other nodes it tried (two at least)
 * are unreachable. From one vantage point that is indistinguishable from the overlay being down
 * everywhere, and both are one fault to page for; calling each other node cut off would page N-1
 * healthy nodes (a running ztunnel and a Flannel pod stay Ready on either side: istio-ambient-facts
 * §10). With only one other node to try, the exporter cannot tell which side is cut off.
 */
export function exporterCutOff(reachability: ReadonlyMap<string, boolean>, ownNode: string | undefined, skip: ReadonlySet<string>): boolean {
  if (!ownNode) return false;
  const others = [...reachability].filter(([node]) => node !== ownNode && !skip.has(node));
  const unreachable = others.filter(([, reachable]) => !reachable).length;
  return others.length >= 2 && unreachable * 2 > others.length;
}

export function deriveCrossNode(input: SignalInput): CrossNodeSignals {
  const { state, ownNode } = input;
  const flannelInUse = state.flannelPods.length > 0 || state.nodes.some((n) => n.annotations[FLANNEL_BACKEND_TYPE]);
  const reachability = podNetworkReachability(input);

  const flannelPodReady = state.flannelPods.filter((p) => p.node).map((p) => ({ node: p.node, ready: p.ready }));
  const flannelNotReady = new Set(flannelPodReady.filter((f) => !f.ready).map((f) => f.node));
  const overlayConfigured = flannelInUse ? state.nodes.map((n) => ({ node: n.name, ...overlayOf(n) })) : [];
  const overlayMissing = new Set(overlayConfigured.filter((o) => !o.configured).map((o) => o.node));
  const notReadyNodes = new Set(state.nodes.filter((n) => !n.ready).map((n) => n.name));

  // What each node's agent sees on the node itself: true wherever the exporter runs.
  const facts = agentFacts(input);
  const local = new Map([...facts].flatMap(([node, f]) => {
    const cause = localCause(f);
    return cause ? [[node, cause] as const] : [];
  }));
  // What the agents' probes of each other agree on, node by node; the exporter's node is one of them.
  const observations = observationsOf(input.agents ?? []);
  const consensus = peerConsensus([...facts.keys()].filter((n) => !notReadyNodes.has(n)), observations);
  /** the probers agree on this node, healthy or not: the exporter's single vantage point yields to them */
  const agreed = (node: string): PeerVerdict | undefined => {
    const v = consensus.get(node)?.verdict;
    return v === undefined || v === 'unknown' ? undefined : v;
  };
  // Nodes whose own state explains why they do not answer take no part in judging the exporter's node.
  const ownCutOff = agreed(ownNode ?? '') === undefined && exporterCutOff(reachability, ownNode, new Set([...notReadyNodes, ...local.keys(), ...[...consensus.keys()].filter((n) => agreed(n) !== undefined)]));
  // With the exporter's node broken, what it cannot reach says nothing about the other nodes. Its
  // agent tells when the breakage is local (a missing device, a lowered MTU, ...).
  const ownNodeBroken =
    !!ownNode &&
    (local.has(ownNode) || ownCutOff || (agreed(ownNode) ?? 'healthy') !== 'healthy' || overlayMissing.has(ownNode) || (flannelNotReady.has(ownNode) && !ownReachesOthers(reachability, ownNode)));
  /** Its agent (host network) did not answer either: the node is off the network, not just the overlay. */
  const hostUnreachable = (node: string): boolean => facts.get(node)?.reachable === false;
  /** Does the node's pod network answer? For the exporter's own node: does it reach the others? */
  const answers = (node: string): boolean | undefined => (node === ownNode ? !ownCutOff && ownReachesOthers(reachability, node) !== false : reachability.get(node));

  const nodeFindings: Finding[] = [];
  const flannelNotReadyDatapathUp: string[] = [];
  const nodes = new Set([...state.nodes.map((n) => n.name), ...reachability.keys()]);
  for (const node of [...nodes].sort()) {
    // A NotReady node is down (its pods, Flannel's included, are marked NotReady): not an overlay fault.
    if (notReadyNodes.has(node)) continue;
    const add = (cause: CrossNodeCause) => nodeFindings.push({ node, issue: ISSUE, cause });
    const localFault = local.get(node);
    if (overlayMissing.has(node)) add('overlay_not_configured');
    // the node's own state, as its agent sees it, is the most specific cause (whatever the vantage point)
    else if (localFault) add(localFault);
    else if (flannelNotReady.has(node)) {
      // flanneld exiting leaves flannel.1, its FDB, neighbour and route entries in place
      // (pkg/backend/vxlan/device.go): the node's traffic keeps flowing until leases change.
      if (answers(node) === true && !(node !== ownNode && ownNodeBroken)) flannelNotReadyDatapathUp.push(node);
      else add('flannel_not_ready');
    } else if (agreed(node) !== undefined) {
      const cause = PEER_CAUSE_OF[agreed(node)!];
      if (cause) add(cause);
    } else if (node === ownNode && ownCutOff) add('exporter_node_cut_off');
    else if (node !== ownNode && !ownNodeBroken && reachability.get(node) === false) add(hostUnreachable(node) ? 'node_unreachable' : 'pod_network_unreachable');
  }

  return {
    podNetworkReachable: [...reachability].map(([node, reachable]) => ({ node, reachable })),
    peerReachable: observations.filter((o) => o.pod !== 'unknown').map((o) => ({ source: o.source, target: o.target, reachable: o.pod === 'ok' })),
    flannelPodReady,
    overlayConfigured,
    flannelNotReadyDatapathUp,
    nodeFindings,
    namespaceFindings: [],
  };
}

/** Whether the exporter's node reached any other node this round; undefined when it tried none. */
function ownReachesOthers(reachability: ReadonlyMap<string, boolean>, ownNode: string): boolean | undefined {
  const others = [...reachability].filter(([node]) => node !== ownNode);
  return others.length === 0 ? undefined : others.some(([, reachable]) => reachable);
}
