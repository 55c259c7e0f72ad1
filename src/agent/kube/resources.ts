// What the agent reads from the Kubernetes API, in one table like the exporter's (src/kube/resources.ts);
// the agent's RBAC in manifests/ is checked against it.
//
// - Its own Node (field selector metadata.name): its lease and its taints.
// - Every Node, trimmed to the Flannel annotations and pod CIDRs: the peers, whose leases the FDB,
//   neighbour and route checks compare with the kernel. Kept apart from its own Node so that where
//   the peers come from can change (the next step scales to 5,000 nodes) without touching the
//   checks of the node itself. That is one
//   cluster-wide Node watch per node, the same one flanneld's kube subnet manager already runs on
//   every node (flannel pkg/subnet/kube/kube.go): it doubles that cost, no more. Node objects
//   change rarely (kubelet reports status every 5 minutes unless it changes; heartbeats go to
//   Leases), so at 5,000 nodes each agent receives about 17 updates a second, each trimmed on arrival.
// - The pods of its own node only (field selector spec.nodeName), to find its ztunnel and istio-cni.
import type { WatchedResource } from '../../kube/resources.js';

const LIST_WATCH = ['list', 'watch'] as const;

export function agentWatchedResources(nodeName: string): WatchedResource[] {
  return [
    { name: 'node', group: '', version: 'v1', plural: 'nodes', scope: 'cluster', fieldSelector: `metadata.name=${nodeName}`, verbs: LIST_WATCH },
    { name: 'nodes', group: '', version: 'v1', plural: 'nodes', scope: 'cluster', verbs: LIST_WATCH },
    { name: 'pods', group: '', version: 'v1', plural: 'pods', scope: 'cluster', fieldSelector: `spec.nodeName=${nodeName}`, verbs: LIST_WATCH },
  ];
}
