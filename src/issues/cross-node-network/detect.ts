// Known issue 2: the overlay (Flannel VXLAN) is down, so pods on other nodes cannot be reached.
// Evidence per node: the Flannel pod's readiness, the node's Flannel backend annotations, and
// whether the exporter's own connections to pod-network addresses on that node got any answer.
import { FLANNEL_BACKEND_DATA, FLANNEL_BACKEND_TYPE } from '../../istio.js';
import type { NodeInfo } from '../../model.js';
import type { NodeFinding, SignalInput } from '../types.js';

export const ISSUE = 'cross_node_network';
export const CAUSES = ['flannel_not_ready', 'overlay_not_configured', 'pod_network_unreachable'] as const;
export type CrossNodeCause = (typeof CAUSES)[number];
type Finding = NodeFinding<typeof ISSUE, CrossNodeCause>;

export interface CrossNodeSignals {
  podNetworkReachable: { node: string; reachable: boolean }[];
  flannelPodReady: { node: string; ready: boolean }[];
  overlayConfigured: { node: string; backend: string; configured: boolean }[];
  nodeFindings: Finding[];
  namespaceFindings: [];
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

/** A node's Flannel backend is usable: a type is set, and for VXLAN the lease data is well-formed. */
export function overlayOf(node: NodeInfo): { backend: string; configured: boolean } {
  const backend = node.annotations[FLANNEL_BACKEND_TYPE] ?? '';
  if (!backend) return { backend: 'none', configured: false };
  if (backend !== 'vxlan') return { backend, configured: true };
  try {
    const data = JSON.parse(node.annotations[FLANNEL_BACKEND_DATA] ?? '') as { VNI?: unknown; VtepMAC?: unknown };
    return { backend, configured: typeof data.VNI === 'number' && typeof data.VtepMAC === 'string' && MAC.test(data.VtepMAC) };
  } catch {
    return { backend, configured: false };
  }
}

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
    // Static targets come through port-forwards, istio-cni runs on the host network: neither crosses the overlay.
    if (t.static || t.component === 'istio-cni' || hostNetworkPods.has(t.pod) || !t.node) continue;
    record(t.node, s.reachable);
  }
  for (const r of probes.ztunnelReadiness) if (r.node && !hostNetworkPods.has(r.pod)) record(r.node, r.reachable);
  return out;
}

export function deriveCrossNode(input: SignalInput): CrossNodeSignals {
  const { state, ownNode } = input;
  const flannelInUse = state.flannelPods.length > 0 || state.nodes.some((n) => n.annotations[FLANNEL_BACKEND_TYPE]);
  const reachability = podNetworkReachability(input);

  const flannelPodReady = state.flannelPods.filter((p) => p.node).map((p) => ({ node: p.node, ready: p.ready }));
  const flannelNotReady = new Set(flannelPodReady.filter((f) => !f.ready).map((f) => f.node));
  const overlayConfigured = flannelInUse ? state.nodes.map((n) => ({ node: n.name, ...overlayOf(n) })) : [];
  const overlayMissing = new Set(overlayConfigured.filter((o) => !o.configured).map((o) => o.node));
  const nodeReady = new Map(state.nodes.map((n) => [n.name, n.ready]));

  // From a node whose own overlay is broken, every other node looks unreachable. One vantage point
  // cannot tell that apart from the others being cut off, so the own node is blamed only on evidence:
  // its Flannel is down or unconfigured, or every other node tried (two at least) is unreachable
  // while their ztunnels are Ready (kubelet's node-local view: they reach istiod) and the own one is not.
  const others = [...reachability].filter(([node]) => node !== ownNode && nodeReady.get(node) !== false);
  const ztunnelReady = new Map(state.ztunnelPods.map((p) => [p.node, p.ready]));
  const everyOtherUnreachable =
    !!ownNode &&
    others.length >= 2 &&
    others.every(([node, reachable]) => !reachable && ztunnelReady.get(node) === true) &&
    ztunnelReady.get(ownNode) === false;
  const ownNodeBroken = !!ownNode && (flannelNotReady.has(ownNode) || overlayMissing.has(ownNode) || everyOtherUnreachable);

  const nodeFindings: Finding[] = [];
  const nodes = new Set([...state.nodes.map((n) => n.name), ...reachability.keys()]);
  for (const node of [...nodes].sort()) {
    // A NotReady node is down (its pods, Flannel's included, are marked NotReady): not an overlay fault.
    if (nodeReady.get(node) === false) continue;
    if (node === ownNode && everyOtherUnreachable && !flannelNotReady.has(node) && !overlayMissing.has(node)) {
      nodeFindings.push({ node, issue: ISSUE, cause: 'pod_network_unreachable' });
    } else if (flannelNotReady.has(node)) nodeFindings.push({ node, issue: ISSUE, cause: 'flannel_not_ready' });
    else if (overlayMissing.has(node)) nodeFindings.push({ node, issue: ISSUE, cause: 'overlay_not_configured' });
    else if (reachability.get(node) === false && !ownNodeBroken && node !== ownNode) {
      nodeFindings.push({ node, issue: ISSUE, cause: 'pod_network_unreachable' });
    }
  }

  return {
    podNetworkReachable: [...reachability].map(([node, reachable]) => ({ node, reachable })),
    flannelPodReady,
    overlayConfigured,
    nodeFindings,
    namespaceFindings: [],
  };
}
