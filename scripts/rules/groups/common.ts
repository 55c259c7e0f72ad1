// What the alert groups share: how long critical alerts keep firing along the causal chain, and
// description fragments. The ladder of `for` and keep_firing_for is explained in ../alerts.ts.

import { JOB } from '../spec.js';

/** How long a critical mesh alert keeps firing after its condition clears, by its place in the causal chain (see the header). */
export const KEEP_FIRING = { network: '12m', cause: '10m', ztunnel: '8m', podCreation: '6m' } as const;

/** The node's current cause of `issue`, as a description fragment (kept as last rendered while the alert only keeps firing). */
export function currentCause(issue: string): string {
  const job = JOB.replaceAll('"', '\\"');
  const selector = `ambient_node_issue{${job}, issue=\\"${issue}\\", cluster=%q, node=%q}`;
  return `{{ with printf "${selector}" $labels.cluster $labels.node | query }}{{ . | first | label "cause" }}{{ else }}unknown{{ end }}`;
}

/** "in cluster X" when the alert carries a cluster label, nothing otherwise. */
export const IN_CLUSTER = '{{ with $labels.cluster }} in cluster {{ . }}{{ end }}';

/**
 * The istiod Service the exporter checks in the alert's cluster (ambient_istiod_xds_target_info: the
 * one the ztunnel pods dial, else --istiod-service), as a description fragment; `istiod` when unknown.
 */
export function xdsService(): string {
  const job = JOB.replaceAll('"', '\\"');
  const selector = `ambient_istiod_xds_target_info{${job}, cluster=%q}`;
  return `{{ with printf "${selector}" $labels.cluster | query }}{{ . | first | label "service" }}{{ else }}istiod{{ end }}`;
}

export const CROSS_NODE = `max by (cluster, node) (ambient_node_issue{${JOB}, issue="cross_node_network"}) > 0`;
export const READY_ISTIOD_NODES = `max by (cluster, node) (ambient_istiod_pod_ready{${JOB}}) == 1`;

/**
 * Nodes whose Ready condition is False: the node controller then marks every pod there not Ready,
 * the Istio components' included, and their scrapes fail. A node that is down is the cluster's own
 * node alert (kube-prometheus-stack's KubeNodeNotReady), so the per-node component alerts leave it out.
 */
export const NOT_READY_NODES = `max by (cluster, node) (ambient_node_ready{${JOB}}) == 0`;
