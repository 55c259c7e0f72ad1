// What explains a symptom on a node: the node's root cause, or a network root cause on the exporter's
// own node (cut off, it cannot reach the pod network of any other node). The same idea as the
// Alertmanager inhibitions: one fault is reported once, its consequences point at it.
import type { Signals } from '../issues/derive.js';
import { MODULES } from '../issues/registry.js';
import type { NodeFinding } from '../issues/types.js';

function isNetworkCause(f: NodeFinding): boolean {
  return MODULES.some((m) => m.issue === f.issue && m.diagnose.checks.some((c) => c.layer === 'network' && (c.causes).includes(f.cause)));
}

/** The root cause that explains a symptom on `node` (crossesPodNetwork: the symptom is a failed connection over the pod network). */
export function explainerOf(signals: Signals | undefined, ownNode: string | undefined): (node: string, crossesPodNetwork: boolean) => NodeFinding | undefined {
  const roots = new Map((signals?.nodeIssues ?? []).map((f) => [f.node, f]));
  const own = ownNode ? roots.get(ownNode) : undefined;
  const ownCutOff = own && isNetworkCause(own) ? own : undefined;
  return (node, crossesPodNetwork) => roots.get(node) ?? (crossesPodNetwork && node !== ownNode ? ownCutOff : undefined);
}
