// The agent's own Node as the checks read it (checks/expected.ts NodeObject), trimmed on arrival:
// the Flannel annotations, the pod CIDRs and the taints.
import { NODE_ANNOTATION_KEYS } from '../../istio.js';
import type { RawNode } from '../../kube/convert.js';
import type { NodeObject } from '../checks/index.js';

export interface RawCheckNode extends RawNode {
  spec?: {
    podCIDR?: string;
    podCIDRs?: string[] | null;
    taints?: { key?: string; value?: string; effect?: string; timeAdded?: string | Date | null }[] | null;
  };
}

export interface AgentNode extends NodeObject {
  metadata: { name: string; annotations: Record<string, string> };
}

export function toAgentNode(raw: RawCheckNode, ownNode: string): AgentNode {
  const name = raw.metadata?.name ?? '';
  const annotations: Record<string, string> = {};
  const given = raw.metadata?.annotations ?? {};
  for (const k of NODE_ANNOTATION_KEYS) {
    const v = Object.hasOwn(given, k) ? given[k] : undefined;
    if (typeof v === 'string') annotations[k] = v;
  }
  const spec = raw.spec ?? {};
  const taints =
    name === ownNode
      ? (spec.taints ?? []).flatMap((t) =>
          t.key && t.effect
            ? [{ key: t.key, effect: t.effect, ...(t.value ? { value: t.value } : {}), ...(t.timeAdded ? { timeAdded: t.timeAdded } : {}) }]
            : [],
        )
      : [];
  return {
    metadata: { name, annotations },
    spec: {
      ...(spec.podCIDR ? { podCIDR: spec.podCIDR } : {}),
      ...(spec.podCIDRs?.length ? { podCIDRs: [...spec.podCIDRs] } : {}),
      ...(taints.length ? { taints } : {}),
    },
  };
}
