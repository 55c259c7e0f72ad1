// What the agent reads from the Kubernetes API, in one table like the exporter's (src/kube/resources.ts);
// the agent's RBAC in manifests/ is checked against it.
//
// - Its own Node (field selector metadata.name): its lease and its taints.
// - The pods of its own node only (field selector spec.nodeName), to find its ztunnel and istio-cni.
// Nothing cluster-wide: the peers whose Flannel entries its checks compare, and those it probes,
// come with the exporter's probe plan (agent/plan.ts), computed from the exporter's one watch of the
// Nodes. 5,000 agents watching every Node would be 5,000 copies of every Node update.
import type { WatchedResource } from '../../kube/resources.js';

const LIST_WATCH = ['list', 'watch'] as const;

export function agentWatchedResources(nodeName: string): WatchedResource[] {
  return [
    { name: 'node', group: '', version: 'v1', plural: 'nodes', scope: 'cluster', fieldSelector: `metadata.name=${nodeName}`, verbs: LIST_WATCH },
    { name: 'pods', group: '', version: 'v1', plural: 'pods', scope: 'cluster', fieldSelector: `spec.nodeName=${nodeName}`, verbs: LIST_WATCH },
  ];
}
