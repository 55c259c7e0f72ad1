// What the active faults do to the cluster, as plain data. Everything the lab shows, Kubernetes
// objects and component responses alike, is derived from these answers, so the two never disagree.
//
// The network model: pods on the same node always reach each other (the bridge); pods on different
// nodes need the overlay, which cross-node breaks everywhere and flannel-down breaks for one node.
// The exporter is taken to run on istiod's node, so that node is the vantage point for reachability.
import type { ActiveFault } from './resolve.js';
import type { Topology } from '../cluster/topology.js';

export interface Effects {
  servicePortMissing: boolean;
  xdsBlackholed: boolean;
  crossNode: boolean;
  /** node -> since, for flannel-down */
  flannelDown: Map<string, number>;
  /** node -> since, for cni-blocked (ztunnel crash-looping there) */
  ztunnelDown: Map<string, number>;
  /** namespace -> since */
  unlabeled: Map<string, number>;
  uncaptured: Map<string, number>;
  /** earliest start of the faults cutting ztunnels off istiod, per node (see nodeHealth) */
  istiodFaultSince: number | undefined;
  crossNodeSince: number | undefined;
}

export function effectsOf(faults: readonly ActiveFault[]): Effects {
  const e: Effects = {
    servicePortMissing: false,
    xdsBlackholed: false,
    crossNode: false,
    flannelDown: new Map(),
    ztunnelDown: new Map(),
    unlabeled: new Map(),
    uncaptured: new Map(),
    istiodFaultSince: undefined,
    crossNodeSince: undefined,
  };
  const earliest = (a: number | undefined, b: number) => (a === undefined ? b : Math.min(a, b));
  for (const f of faults) {
    switch (f.name) {
      case 'istiod-port-missing':
        e.servicePortMissing = true;
        e.istiodFaultSince = earliest(e.istiodFaultSince, f.since);
        break;
      case 'istiod-unreachable':
        e.xdsBlackholed = true;
        e.istiodFaultSince = earliest(e.istiodFaultSince, f.since);
        break;
      case 'cross-node':
        e.crossNode = true;
        e.crossNodeSince = earliest(e.crossNodeSince, f.since);
        break;
      case 'flannel-down':
        if (f.node) e.flannelDown.set(f.node, f.since);
        break;
      case 'cni-blocked':
        if (f.node) e.ztunnelDown.set(f.node, f.since);
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
  return !e.crossNode && !e.flannelDown.has(a) && !e.flannelDown.has(b);
}

export interface NodeHealth {
  node: string;
  /** pods of this node answer over the pod network (seen from istiod's node) */
  podNetworkReachable: boolean;
  ztunnelRunning: boolean;
  /** the ztunnel holds its xDS stream from istiod */
  xdsConnected: boolean;
  ztunnelReady: boolean;
  /** readiness tasks still pending, sorted (ztunnel prints them sorted) */
  ztunnelPending: string[];
  /** istio-cni's node agent has a ztunnel connection */
  cniZtunnelConnected: boolean;
  /** new ambient pods cannot get a sandbox on this node */
  sandboxBlocked: boolean;
  flannelReady: boolean;
  /** since when the ztunnel has lacked xDS, when it does */
  xdsLostSince: number | undefined;
}

export function nodeHealth(t: Topology, e: Effects, node: string): NodeHealth {
  const ztunnelRunning = !e.ztunnelDown.has(node);
  const pathToIstiod = podPathOk(e, node, t.istiodNode);
  const xdsConnected = ztunnelRunning && !e.servicePortMissing && !e.xdsBlackholed && pathToIstiod;
  let xdsLostSince: number | undefined;
  if (ztunnelRunning && !xdsConnected) {
    const causes = [e.istiodFaultSince, pathToIstiod ? undefined : networkFaultSince(e, node, t.istiodNode)];
    xdsLostSince = Math.min(...causes.filter((x): x is number => x !== undefined));
  }
  return {
    node,
    podNetworkReachable: podPathOk(e, t.istiodNode, node),
    ztunnelRunning,
    xdsConnected,
    ztunnelReady: xdsConnected,
    ztunnelPending: ztunnelRunning && !xdsConnected ? ['state manager'] : [],
    cniZtunnelConnected: ztunnelRunning,
    sandboxBlocked: !ztunnelRunning,
    flannelReady: !e.flannelDown.has(node),
    xdsLostSince,
  };
}

function networkFaultSince(e: Effects, a: string, b: string): number | undefined {
  const times = [e.crossNodeSince, e.flannelDown.get(a), e.flannelDown.get(b)].filter((x): x is number => x !== undefined);
  return times.length ? Math.min(...times) : undefined;
}

/** Is the namespace labelled istio.io/dataplane-mode=ambient under these faults? */
export function namespaceAmbient(healthyAmbient: boolean, e: Effects, namespace: string): boolean {
  if (e.unlabeled.has(namespace)) return false;
  return healthyAmbient || e.uncaptured.has(namespace);
}
