// Would the NetworkPolicies of a namespace let one pod reach another on a port? Kubernetes' rules
// (networking.k8s.io/v1, "Network Policies" in the Kubernetes docs, and the NetworkPolicySpec API
// reference): a pod selected by a policy of a direction is isolated in that direction, and then only
// what some rule of those policies allows gets through (the union of their rules). policyTypes left
// out means Ingress, plus Egress when the policy has egress rules. A rule without `from`/`to` allows
// every peer, one without `ports` every port. A peer with only podSelector means that namespace;
// namespaceSelector (with an optional podSelector) other namespaces. ipBlock peers and named ports
// cannot be judged without pod addresses and container ports: they make the answer uncertain.
// Used by `diagnose --pre-install` on the Istio namespace's policies and istiod's xDS port 15012.
import { labelSelectorRequirements, type LabelSelector } from './enablement.js';
import { matchesSelector } from './selector.js';

export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyInfo {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  types: ('Ingress' | 'Egress')[];
  ingress: { peers: PolicyPeer[]; ports: PolicyPort[] }[];
  egress: { peers: PolicyPeer[]; ports: PolicyPort[] }[];
}

interface RawNetworkPolicy {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: PolicyPeer[] | null; ports?: PolicyPort[] | null }[] | null;
    egress?: { to?: PolicyPeer[] | null; ports?: PolicyPort[] | null }[] | null;
  };
}

/** The parts of a NetworkPolicy object the verdict reads. */
export function toNetworkPolicyInfo(raw: unknown): NetworkPolicyInfo {
  const p = (raw ?? {}) as RawNetworkPolicy;
  const spec = p.spec ?? {};
  const egress = (spec.egress ?? []).map((r) => ({ peers: r.to ?? [], ports: r.ports ?? [] }));
  const declared = (spec.policyTypes ?? []).filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress');
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    podSelector: spec.podSelector ?? {},
    types: declared.length > 0 ? declared : egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'],
    ingress: (spec.ingress ?? []).map((r) => ({ peers: r.from ?? [], ports: r.ports ?? [] })),
    egress,
  };
}

/** A pod as the policies see it. */
export interface PolicyEndpoint {
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
}

export interface PolicyVerdict {
  result: 'allowed' | 'blocked' | 'uncertain';
  /** the policies that isolate the pod in that direction (empty: none selects it) */
  policies: string[];
}

type Tri = true | false | 'uncertain';

function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  return matchesSelector(labels, labelSelectorRequirements(selector, 'podSelector'));
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: PolicyEndpoint): Tri {
  if (peer.ipBlock) return 'uncertain';
  const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, other.namespaceLabels) : other.namespace === policyNamespace;
  return inNamespace && (peer.podSelector ? selects(peer.podSelector, other.labels) : true);
}

function portMatches(ports: readonly PolicyPort[], port: number): Tri {
  if (ports.length === 0) return true;
  let result: Tri = false;
  for (const p of ports) {
    if ((p.protocol ?? 'TCP') !== 'TCP') continue;
    if (p.port === undefined) return true;
    const n = typeof p.port === 'number' ? p.port : /^\d+$/.test(p.port) ? Number(p.port) : undefined;
    if (n === undefined) result = 'uncertain'; // a named container port
    else if (n === port || (p.endPort !== undefined && n <= port && port <= p.endPort)) return true;
  }
  return result;
}

function anyTri(values: Iterable<Tri>): Tri {
  let result: Tri = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === 'uncertain') result = 'uncertain';
  }
  return result;
}

function allTri(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : 'uncertain';
}

function verdict(policies: readonly NetworkPolicyInfo[], direction: 'Ingress' | 'Egress', subject: PolicyEndpoint, peer: PolicyEndpoint, port: number): PolicyVerdict {
  const isolating = policies.filter((p) => p.namespace === subject.namespace && p.types.includes(direction) && selects(p.podSelector, subject.labels));
  if (isolating.length === 0) return { result: 'allowed', policies: [] };
  const rules = isolating.flatMap((p) => (direction === 'Ingress' ? p.ingress : p.egress).map((r) => ({ ...r, namespace: p.namespace })));
  const allowed = anyTri(
    rules.map((r) => allTri(r.peers.length === 0 ? true : anyTri(r.peers.map((x) => peerMatches(x, r.namespace, peer))), portMatches(r.ports, port))),
  );
  return { result: allowed === true ? 'allowed' : allowed === false ? 'blocked' : 'uncertain', policies: isolating.map((p) => p.name).sort() };
}

/** May `from` open a TCP connection to `to` on `port`: the egress policies of from's namespace, then the ingress policies of to's. */
export function connectionVerdict(policies: readonly NetworkPolicyInfo[], from: PolicyEndpoint, to: PolicyEndpoint, port: number): { egress: PolicyVerdict; ingress: PolicyVerdict } {
  return { egress: verdict(policies, 'Egress', from, to, port), ingress: verdict(policies, 'Ingress', to, from, port) };
}
