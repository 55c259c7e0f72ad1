// The probe plan (`PUT /plan`): what the exporter hands each agent. The exporter computes every
// node's plan from its one watch of the Nodes (peers/plan.ts) and sends it when the agent's summary
// shows another version; the agent keeps the last one it got (exporter down: probes go on with it;
// none yet: its peer results are unknown). One schema for both modes, bounded like the summary: a
// plan past the limits is refused whole.
//
// - `targets`: the peers this node probes (rendezvous hashing, peers/rendezvous.ts).
// - `peers`: the Nodes this node's FDB, neighbour and route checks compare its kernel with, trimmed
//   to Flannel's annotations and the pod CIDRs: every other node in a small cluster (`coverage:
//   all`), else its targets and the nodes that probe it (`coverage: probes`). Every target is one.
// - `port`: where the peers' agents answer probes (the exporter's --agent-port).
import { z } from 'zod';
import type { NodeObject } from './checks/expected.js';

export const PLAN_SCHEMA_VERSION = 1 as const;
export const PLAN_PATH = '/plan';

export const PLAN_LIMITS = {
  /** a small cluster's every other node (peers/plan.ts ALL_PEERS_MAX_NODES) with room to spare */
  peers: 256,
  /** the per-node cap on targets (peers/plan.ts), with room to spare */
  targets: 64,
  annotations: 16,
  annotationText: 1024,
  /** the whole body, enforced while reading */
  bytes: 512 * 1024,
} as const;

const name = z.string().min(1).max(253);

export const planPeerSchema = z.object({
  name,
  /** Flannel's annotations (NODE_ANNOTATION_KEYS), as the exporter keeps them */
  annotations: z.record(z.string().max(253), z.string().max(PLAN_LIMITS.annotationText)).refine((a) => Object.keys(a).length <= PLAN_LIMITS.annotations, 'too many annotations'),
  podCIDRs: z.array(z.string().max(64)).max(2),
});
export type PlanPeer = z.infer<typeof planPeerSchema>;

/** A plan peer as the node checks read a Node (checks/expected.ts). */
export function nodeObjectOf(peer: PlanPeer): NodeObject {
  return { metadata: { name: peer.name, annotations: peer.annotations }, spec: { podCIDRs: peer.podCIDRs } };
}

export const peerPlanSchema = z
  .object({
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    node: name,
    /** a digest of the rest: the agent reports it, the exporter sends a plan only when it differs */
    version: z.string().min(1).max(64),
    port: z.number().int().min(1).max(65535),
    coverage: z.enum(['all', 'probes']),
    peers: z.array(planPeerSchema).max(PLAN_LIMITS.peers),
    targets: z.array(name).max(PLAN_LIMITS.targets),
  })
  .refine((p) => p.targets.every((t) => p.peers.some((peer) => peer.name === t)), 'every target must be one of the peers');
export type PeerPlan = z.infer<typeof peerPlanSchema>;

/** The plan, if the body is one for `node`; why not otherwise. Never throws. */
export function parsePlan(json: unknown, node: string): { ok: true; plan: PeerPlan } | { ok: false; why: string } {
  const r = peerPlanSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, why: issue ? `${issue.path.join('.') || 'plan'}: ${issue.message}` : 'invalid plan' };
  }
  if (r.data.node !== node) return { ok: false, why: `plan for node ${r.data.node}, this agent is on ${node}` };
  return { ok: true, plan: r.data };
}
