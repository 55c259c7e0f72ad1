// Where `diagnose` runs from decides what a failed connection means. Inside the cluster (the
// exporter's pod: `kubectl exec`), a pod that does not answer is evidence about the cluster. From a
// laptop with only a kubeconfig, nothing on the pod network answers, and that is evidence about the
// laptop: judged as the cluster, it would report every node cut off and istiod unreachable.
import type { Evidence } from '../serve/round.js';

/** Addresses on the pod network (or Service IPs) this round tried, and how many answered. */
function podNetworkAttempts(e: Evidence): { tried: number; answered: number } {
  const hostNetwork = new Set([...e.state.ztunnelPods, ...e.state.istiodPods, ...e.state.cniPods].filter((p) => p.hostNetwork).map((p) => p.name));
  // a node agent's local scrape crossed no network at all
  const scrapes = e.scrapes.filter((s) => !s.target.static && s.source !== 'agent' && s.target.component !== 'istio-cni' && !hostNetwork.has(s.target.pod));
  const results = [
    ...scrapes.map((s) => s.reachable),
    ...e.probes.ztunnelReadiness.filter((r) => !hostNetwork.has(r.pod)).map((r) => r.reachable),
    ...e.probes.istiodDials.map((d) => d.success),
  ];
  return { tried: results.length, answered: results.filter(Boolean).length };
}

/**
 * This host is outside the pod network: it tried pod-network addresses, none answered, and it does
 * not know its node (the exporter's pod knows it: --node-name from the downward API). A node of the
 * cluster cut off from every other one is told apart by that: cross_node_network judges it.
 */
export function offPodNetwork(e: Evidence, ownNode: string | undefined): boolean {
  if (ownNode) return false;
  const { tried, answered } = podNetworkAttempts(e);
  return tried > 0 && answered === 0;
}

/**
 * The evidence with only the answers kept: from outside the pod network, a silence says nothing about
 * the cluster. What the node agents saw on their nodes holds from anywhere: their local scrapes stay,
 * and so do the agents that answered (one that did not may only be out of this host's reach).
 */
export function answersOnly(e: Evidence): Evidence {
  return {
    state: e.state,
    scrapes: e.scrapes.filter((s) => s.reachable || s.up || s.source === 'agent'),
    ...(e.agents ? { agents: e.agents.filter((a) => a.reachable || a.up) } : {}),
    probes: {
      ...e.probes,
      istiodDials: e.probes.istiodDials.filter((d) => d.success),
      ztunnelReadiness: e.probes.ztunnelReadiness.filter((r) => r.reachable),
    },
  };
}
