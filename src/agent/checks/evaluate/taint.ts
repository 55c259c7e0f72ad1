// The cni.istio.io/not-ready taint on the own node. Cluster operators put it on new nodes so no pod
// is scheduled before istio-cni is ready; istiod's untaint controller removes it (by key, any
// effect) once the istio-cni pod on the node is Ready. A taint that stays means istio-cni never
// became ready there, or the controller is off (PILOT_ENABLE_NODE_UNTAINT_CONTROLLERS).
import type { NodeObject } from '../expected.js';
import { ok, problem, unknown } from '../result.js';
import type { CheckResult } from '../types.js';
import { CNI_NOT_READY_TAINT } from '../upstream.js';

export function evaluateCniTaint(node: NodeObject | undefined, taintKey = CNI_NOT_READY_TAINT): CheckResult {
  const check = 'istio_cni_taint';
  if (!node) return unknown(check, 'node_not_found');
  const taint = (node.spec?.taints ?? []).find((t) => t.key === taintKey);
  if (!taint) return ok(check, { taint: taintKey });
  const since = taint.timeAdded instanceof Date ? taint.timeAdded.toISOString() : (taint.timeAdded ?? '');
  return problem(check, 'cni_not_ready_taint', { taint: taintKey, effect: taint.effect, ...(since ? { since } : {}) });
}
