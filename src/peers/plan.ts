// Every node's probe plan (agent/plan.ts), from the exporter's one watch of the Nodes: who probes
// whom (rendezvous.ts) among the nodes whose agent the exporter reads, and the peers whose Flannel
// entries each node's checks compare with its kernel. Pure but for hashing; computed again only when
// what it depends on changes (PlanCache), which at 5,000 nodes costs about 0.1 s.
import { createHash } from 'node:crypto';
import { leaseOf } from '../agent/checks/expected.js';
import { PLAN_SCHEMA_VERSION, nodeObjectOf, type PeerPlan, type PlanPeer } from '../agent/plan.js';
import type { NodeInfo } from '../model.js';
import { assignProbers, type Assignment } from './rendezvous.js';

/**
 * Up to this many nodes, every node's checks cover every other node, as when each agent watched
 * them all: a plan of 100 peers is about 40 KiB, sent to each agent when a node comes or goes.
 * Past it, each node's checks cover its targets and probers (about 2K nodes): the entries for a
 * pair that neither probes are not checked, and only traffic between them would show them missing.
 */
export const ALL_PEERS_MAX_NODES = 100;
/** A node probes at most this many times K peers (the Poisson tail of rendezvous hashing, cut). */
export const MAX_TARGETS_PER_K = 3;
/** Probers per node by default: a verdict needs two of them to agree, and one may be down. */
export const DEFAULT_PEER_PROBERS = 3;
/** Probers per node: the flag's bounds. Each adds one `ambient_node_peer_reachable` series per node. */
export const PEER_PROBERS_MAX = 8;

export interface PlanInput {
  /** every node the exporter watches */
  nodes: readonly NodeInfo[];
  /** nodes whose agent the exporter reads this round: they probe and are probed */
  withAgent: ReadonlySet<string>;
  /** probers per node */
  k: number;
  /** where the agents answer (the exporter's --agent-port) */
  port: number;
}

export interface PeerPlans {
  /** node -> its plan; only nodes that take part */
  byNode: ReadonlyMap<string, PeerPlan>;
  assignment: Assignment;
  /** digest of the input the plans were computed from */
  fingerprint: string;
}

/** A Node as a plan carries it: its name, Flannel's annotations and its pod CIDRs. */
export function planPeerOf(node: NodeInfo): PlanPeer {
  return { name: node.name, annotations: { ...node.annotations }, podCIDRs: [...node.podCIDRs] };
}

/** A node can be probed when Flannel gave it a lease: its VXLAN device's address and its public IP. */
export function probeable(peer: PlanPeer): boolean {
  const node = nodeObjectOf(peer);
  return typeof leaseOf(node, 'ipv4') !== 'string' || typeof leaseOf(node, 'ipv6') !== 'string';
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

export function fingerprintOf(input: PlanInput): string {
  const peers = input.nodes.map(planPeerOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return digest(JSON.stringify([input.k, input.port, [...input.withAgent].sort(), peers]));
}

export function computePlans(input: PlanInput, fingerprint = fingerprintOf(input)): PeerPlans {
  const peers = new Map(input.nodes.map((n) => [n.name, planPeerOf(n)]));
  const members = [...input.withAgent].filter((n) => {
    const p = peers.get(n);
    return p !== undefined && probeable(p);
  });
  const assignment = assignProbers(members, { k: input.k, maxTargets: MAX_TARGETS_PER_K * input.k });
  const all = peers.size <= ALL_PEERS_MAX_NODES;
  const byNode = new Map<string, PeerPlan>();
  for (const node of members.sort()) {
    const targets = assignment.targets.get(node) ?? [];
    const names = all ? [...peers.keys()].filter((n) => n !== node) : [...new Set([...targets, ...(assignment.probers.get(node) ?? [])])];
    const body = {
      schemaVersion: PLAN_SCHEMA_VERSION,
      node,
      port: input.port,
      coverage: all ? ('all' as const) : ('probes' as const),
      peers: names.sort().map((n) => peers.get(n)!),
      targets,
    };
    byNode.set(node, { ...body, version: digest(JSON.stringify(body)) });
  }
  return { byNode, assignment, fingerprint };
}

/** The last plans, computed again only when the nodes, the agents read, K or the port change. */
export class PlanCache {
  private last: PeerPlans | undefined;

  get(input: PlanInput): PeerPlans {
    const fingerprint = fingerprintOf(input);
    if (this.last?.fingerprint !== fingerprint) this.last = computePlans(input, fingerprint);
    return this.last;
  }
}
