// What the active faults do to the cluster, as plain data: which paths the network drops, which
// containers crash-loop, what istio-cni refuses. What the processes make of it over time (a ztunnel
// that never syncs, an agent connection coming back) is runtime/'s job; the Kubernetes objects and
// the component responses are both derived from these answers and that runtime, so they agree.
//
// The network model: pods on the same node always reach each other (the bridge); pods on different
// nodes need the overlay, which cross-node breaks everywhere, and flannel-down and node-cut-off break
// for one node. The exporter is taken to run on istiod's node, so that node is the vantage point.
import type { CniRefusalReason } from './catalog.js';
import type { ActiveFault } from './resolve.js';
import type { Topology } from '../cluster/topology.js';

export interface Effects {
  servicePortMissing: boolean;
  xdsBlackholed: boolean;
  crossNode: boolean;
  /** node -> since: the node's overlay drops its traffic (flannel-down, node-cut-off) */
  overlayCut: Map<string, number>;
  /** node -> since: flanneld crash-loops (flannel-down, flannel-crash-loop) */
  flannelCrashLoop: Map<string, number>;
  /** node -> since, for cni-blocked (ztunnel crash-looping there) */
  ztunnelDown: Map<string, number>;
  /** node -> what istio-cni refuses new pods with, and since when (cni-refusing) */
  cniRefusing: Map<string, { reason: CniRefusalReason; since: number }>;
  /** node -> when it rebooted without a drain (pods-not-proxied) */
  rebooted: Map<string, number>;
  /** namespace -> since */
  unlabeled: Map<string, number>;
  uncaptured: Map<string, number>;
}

export function effectsOf(faults: readonly ActiveFault[]): Effects {
  const e: Effects = {
    servicePortMissing: false,
    xdsBlackholed: false,
    crossNode: false,
    overlayCut: new Map(),
    flannelCrashLoop: new Map(),
    ztunnelDown: new Map(),
    cniRefusing: new Map(),
    rebooted: new Map(),
    unlabeled: new Map(),
    uncaptured: new Map(),
  };
  const earliest = (m: Map<string, number>, key: string, since: number) => m.set(key, Math.min(m.get(key) ?? since, since));
  for (const f of faults) {
    switch (f.name) {
      case 'istiod-port-missing':
        e.servicePortMissing = true;
        break;
      case 'istiod-unreachable':
        e.xdsBlackholed = true;
        break;
      case 'cross-node':
        e.crossNode = true;
        break;
      case 'flannel-down':
        // flanneld is not running to recreate flannel.1 (it watches RTM_DELLINK only while it runs:
        // pkg/backend/vxlan watchVXLANDevice, v0.27.4+), so the node's overlay is gone.
        if (f.node) {
          earliest(e.overlayCut, f.node, f.since);
          earliest(e.flannelCrashLoop, f.node, f.since);
        }
        break;
      case 'node-cut-off':
        if (f.node) earliest(e.overlayCut, f.node, f.since);
        break;
      case 'flannel-crash-loop':
        // flanneld deletes nothing on exit (main.go shutdownHandler only cancels; pkg/backend/vxlan
        // removes FDB/ARP/routes on lease events only): the kernel path keeps forwarding.
        if (f.node) earliest(e.flannelCrashLoop, f.node, f.since);
        break;
      case 'cni-blocked':
        if (f.node) e.ztunnelDown.set(f.node, f.since);
        break;
      case 'cni-refusing':
        if (f.node) e.cniRefusing.set(f.node, { reason: (f.reason ?? 'not-retryable') as CniRefusalReason, since: f.since });
        break;
      case 'pods-not-proxied':
        if (f.node) e.rebooted.set(f.node, f.since);
        break;
      case 'namespace-unlabeled':
        if (f.namespace) e.unlabeled.set(f.namespace, f.since);
        break;
      case 'pods-not-captured':
        if (f.namespace) e.uncaptured.set(f.namespace, f.since);
        break;
    }
  }
  return e;
}

/** Can a pod on node `a` open a connection to a pod on node `b`? */
export function podPathOk(e: Effects, a: string, b: string): boolean {
  if (a === b) return true;
  return !e.crossNode && !e.overlayCut.has(a) && !e.overlayCut.has(b);
}

/** What a connection attempt meets: an answer, an immediate refusal, or silence until it times out. */
export type PathMode = 'ok' | 'refuse' | 'blackhole';

/**
 * What a ztunnel on `node` meets when it dials istiod's xDS port through the Service: refused when
 * the Service lacks the port (no kube-proxy rule for it: the lab answers RST, as an IPVS node does),
 * dropped when the port or the overlay between the nodes is.
 */
export function xdsPathMode(t: Topology, e: Effects, node: string): PathMode {
  if (e.servicePortMissing) return 'refuse';
  if (e.xdsBlackholed || !podPathOk(e, node, t.istiodNode)) return 'blackhole';
  return 'ok';
}

/** The istio-cni agent on `node` is crash-looping (its socket is gone). */
export function agentDown(e: Effects, node: string): boolean {
  return e.cniRefusing.get(node)?.reason === 'agent-socket-missing';
}

/** Pods whose containers crash-loop under these faults, by uid, with since when. */
export function crashLoops(t: Topology, e: Effects): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of t.pods) {
    const since =
      p.role === 'ztunnel'
        ? e.ztunnelDown.get(p.node)
        : p.role === 'flannel'
          ? e.flannelCrashLoop.get(p.node)
          : p.role === 'istio-cni' && agentDown(e, p.node)
            ? e.cniRefusing.get(p.node)?.since
            : undefined;
    if (since !== undefined) out.set(p.uid, since);
  }
  return out;
}

/** Is the namespace labelled istio.io/dataplane-mode=ambient under these faults? */
export function namespaceAmbient(healthyAmbient: boolean, e: Effects, namespace: string): boolean {
  if (e.unlabeled.has(namespace)) return false;
  return healthyAmbient || e.uncaptured.has(namespace);
}
