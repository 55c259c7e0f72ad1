// Whether a NetworkPolicy admits a connection, following the API's semantics for the features
// manifests/ uses: port lists, and peers given by namespace/pod matchLabels or ipBlock.
// Host-network and off-cluster endpoints (the API server, istio-cni) are matched only by rules
// without peers or by an ipBlock, as plugins do.

type Labels = Record<string, string>;
interface Peer {
  namespaceSelector?: { matchLabels?: Labels };
  podSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  ports?: { protocol?: string; port?: number | string }[];
  to?: Peer[];
  from?: Peer[];
}
export interface NetworkPolicySpec {
  podSelector: { matchLabels?: Labels };
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** The other end of a connection: a pod on the pod network, or an address off it. */
export type Endpoint = { pod: { namespace: string; labels: Labels } } | { address: 'host-or-external' };

const subset = (want: Labels | undefined, have: Labels): boolean => Object.entries(want ?? {}).every(([k, v]) => have[k] === v);

function peerMatches(peer: Peer, ep: Endpoint): boolean {
  if (peer.ipBlock) return peer.ipBlock.cidr === '0.0.0.0/0' && (peer.ipBlock.except ?? []).length === 0;
  if (!('pod' in ep)) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': ep.pod.namespace };
  // A peer with only a podSelector means pods of the policy's own namespace; the manifests never use that.
  if (!peer.namespaceSelector) return false;
  return subset(peer.namespaceSelector.matchLabels, nsLabels) && subset(peer.podSelector?.matchLabels, ep.pod.labels);
}

function ruleAdmits(rule: Rule, peers: Peer[] | undefined, port: number, protocol: string, ep: Endpoint): boolean {
  const portOk = !rule.ports || rule.ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port));
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, ep));
  return portOk && peerOk;
}

export function egressAllowed(spec: NetworkPolicySpec, port: number, protocol: string, to: Endpoint): boolean {
  return (spec.egress ?? []).some((r) => ruleAdmits(r, r.to, port, protocol, to));
}

export function ingressAllowed(spec: NetworkPolicySpec, port: number, protocol: string, from: Endpoint): boolean {
  return (spec.ingress ?? []).some((r) => ruleAdmits(r, r.from, port, protocol, from));
}

/** Every port the policy opens for egress, as "PROTOCOL/port". */
export function egressPorts(spec: NetworkPolicySpec): string[] {
  return [...new Set((spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${String(p.port)}`)))].sort();
}
