// derive(state, scrapes, probes) -> Signals: pure, no I/O. One file per known issue; this file only
// applies the precedence that leaves one root cause per node.
import { deriveCni } from './cni-blocking.js';
import { deriveCrossNode } from './cross-node.js';
import { deriveEnrollment } from './enrollment.js';
import { ISSUES, type Issue, type NodeFinding, type SignalInput, type Signals } from './types.js';
import { CLUSTER_WIDE_CAUSES, deriveZtunnelIstiod } from './ztunnel-istiod.js';

/**
 * Root-cause order, following the troubleshooting order network → control plane → data plane:
 * a node cut off from the pod network cannot reach istiod either, and istio-cni blocks pods
 * because ztunnel is not connected, so the earlier issue explains the later ones. A cluster-wide
 * istiod cause (reported for every node with a ztunnel) does not explain a node's own istio-cni
 * problem, though: ztunnel connects to istio-cni whatever xDS does, so that one ranks last.
 */
export function rank(f: NodeFinding): number {
  switch (f.issue) {
    case 'cross_node_network':
      return 0;
    case 'ztunnel_istiod_connectivity':
      return CLUSTER_WIDE_CAUSES.has(f.cause) ? 3 : 1;
    case 'cni_pod_creation_blocked':
      return 2;
  }
}

export function rootCauses(findings: NodeFinding[]): NodeFinding[] {
  const best = new Map<string, NodeFinding>();
  for (const f of findings) {
    const seen = best.get(f.node);
    if (!seen || rank(f) < rank(seen)) best.set(f.node, f);
  }
  return [...best.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

export function deriveSignals(input: SignalInput): Signals {
  const crossNode = deriveCrossNode(input);
  const ztunnelIstiod = deriveZtunnelIstiod(input, new Set(crossNode.findings.map((f) => f.node)));
  const cni = deriveCni(input);
  const enrollment = deriveEnrollment(input);
  const nodeIssues = rootCauses([...crossNode.findings, ...ztunnelIstiod.findings, ...cni.findings]);
  const namespaceIssues = enrollment.findings;
  const issueAffected = Object.fromEntries(ISSUES.map((i) => [i, 0])) as Record<Issue, number>;
  for (const f of nodeIssues) issueAffected[f.issue] += 1;
  issueAffected.namespace_not_enrolled = namespaceIssues.length;
  return { ztunnelIstiod, crossNode, cni, enrollment, nodeIssues, namespaceIssues, issueAffected };
}

export { ISSUES, CAUSES } from './types.js';
export type { Signals, SignalInput, Issue } from './types.js';
