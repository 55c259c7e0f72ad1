// What the agent reads from the Kubernetes API, in one table like the exporter's (src/kube/resources.ts);
// the agent's RBAC in manifests/ is checked against it.
//
// - Every Node, trimmed to the Flannel annotations, pod CIDRs, readiness and (its own) taints: the
//   FDB, neighbour and route checks compare each peer's lease with the kernel. That is one
//   cluster-wide Node watch per node, the same one flanneld's kube subnet manager already runs on
//   every node (flannel pkg/subnet/kube/kube.go): it doubles that cost, no more. Node objects
//   change rarely (kubelet reports status every 5 minutes unless it changes; heartbeats go to
//   Leases), so at 5,000 nodes each agent receives about 17 updates a second, each trimmed on arrival.
// - The pods of its own node only (field selector spec.nodeName), to find its ztunnel and istio-cni.
import type { WatchedResource } from '../../kube/resources.js';

const LIST_WATCH = ['list', 'watch'] as const;

export function agentWatchedResources(nodeName: string): WatchedResource[] {
  return [
    { name: 'nodes', group: '', version: 'v1', plural: 'nodes', scope: 'cluster', verbs: LIST_WATCH },
    { name: 'pods', group: '', version: 'v1', plural: 'pods', scope: 'cluster', fieldSelector: `spec.nodeName=${nodeName}`, verbs: LIST_WATCH },
  ];
}
