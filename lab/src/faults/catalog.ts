// The lab's fault names (fixed by the contract: the first eight keep their meaning; later ones are
// added, never renamed) and how they are written on the command line:
//   healthy | NAME[:REASON][@TARGET][,NAME[:REASON][@TARGET]...]
// TARGET is a node for node faults and a namespace for namespace faults; cluster-wide faults take
// none. REASON is a parameter of the faults that take one (cni-refusing).

export const FAULT_NAMES = [
  'healthy',
  'istiod-port-missing',
  'istiod-unreachable',
  'cross-node',
  'flannel-down',
  'cni-blocked',
  'namespace-unlabeled',
  'pods-not-captured',
  'node-cut-off',
  'flannel-crash-loop',
  'pods-not-proxied',
  'cni-refusing',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export type FaultScope = 'none' | 'cluster' | 'node' | 'namespace';

/** Why istio-cni refuses new pods under cni-refusing (the texts of each are in cluster/objects/sandbox-errors.ts). */
export const CNI_REFUSAL_REASONS = ['not-retryable', 'agent-socket-missing', 'unauthorized', 'ipset-exist', 'ack-error'] as const;
export type CniRefusalReason = (typeof CNI_REFUSAL_REASONS)[number];

export interface FaultInfo {
  scope: FaultScope;
  summary: string;
  /** node faults: the node hit when none is named (default: the lab's fault node) */
  defaultNode?: 'fault-node' | 'istiod-node';
  /** the values of the fault's REASON parameter, the first being the default */
  reasons?: readonly string[];
}

/** What each fault reproduces and what it targets. */
export const FAULT_CATALOG: Record<FaultName, FaultInfo> = {
  healthy: { scope: 'none', summary: 'no fault: everything ready and enrolled' },
  'istiod-port-missing': {
    scope: 'cluster',
    summary: "the istiod Service lacks port 15012: every ztunnel's xDS connection is refused (running ones stay Ready on cached config)",
  },
  'istiod-unreachable': {
    scope: 'cluster',
    summary: "TCP to istiod:15012 is dropped (Service and pod address): every ztunnel's xDS connection times out (running ones stay Ready)",
  },
  'cross-node': {
    scope: 'cluster',
    summary: "overlay broken between every pair of nodes: pods off istiod's node are unreachable; running ztunnels and Flannel stay Ready",
  },
  'flannel-down': {
    scope: 'node',
    summary: "flanneld crash-loops on one node and its VXLAN device is gone: that node's pods are unreachable; its running ztunnel stays Ready",
  },
  'cni-blocked': {
    scope: 'node',
    summary: 'ztunnel crash-loops on one node: istio-cni has no ztunnel connection, new pods stay ContainerCreating',
  },
  'namespace-unlabeled': {
    scope: 'namespace',
    summary: 'an expected namespace lacks istio.io/dataplane-mode=ambient: its pods run plain TCP',
  },
  'pods-not-captured': {
    scope: 'namespace',
    summary: 'a namespace is labelled ambient but istio-cni did not enroll its running pods: no redirection annotation',
  },
  'node-cut-off': {
    scope: 'node',
    defaultNode: 'istiod-node',
    summary:
      "one node's overlay drops all traffic (default: istiod's node, where the exporter watches from) while its ztunnel and Flannel pods stay Ready",
  },
  'flannel-crash-loop': {
    scope: 'node',
    summary: "flanneld crash-loops on one node while the kernel VXLAN path keeps forwarding: Flannel NotReady, the node's pods reachable",
  },
  'pods-not-proxied': {
    scope: 'node',
    summary:
      "the node rebooted without a drain and istio-cni found some pods' netns missing: they keep redirection enabled but ztunnel proxies fewer pods than run there",
  },
  'cni-refusing': {
    scope: 'node',
    reasons: CNI_REFUSAL_REASONS,
    summary:
      'istio-cni refuses new pods on one node for REASON (not-retryable, agent-socket-missing, unauthorized, ipset-exist on 1.24, ack-error): they stay ContainerCreating',
  },
};

export interface FaultSpec {
  name: FaultName;
  /** node faults: the node (default: see FaultInfo.defaultNode) */
  node?: string;
  /** namespace faults: the namespace (default: see DEFAULT_FAULT_NAMESPACE) */
  namespace?: string;
  /** faults with a REASON parameter: its value (default: the first of FaultInfo.reasons) */
  reason?: string;
}

export class FaultError extends Error {
  override name = 'FaultError';
}

export function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value);
}

function unknownFault(name: string): FaultError {
  return new FaultError(`unknown fault "${name}"; known faults: ${FAULT_NAMES.join(', ')}`);
}

/** Checks a REASON against the fault's list (undefined: the fault's default, if it takes one). */
export function checkReason(name: FaultName, reason: string | undefined): string | undefined {
  const reasons = FAULT_CATALOG[name].reasons;
  if (reason === undefined || reason === '') return undefined;
  if (!reasons) throw new FaultError(`fault "${name}" takes no reason (got ":${reason}")`);
  if (!reasons.includes(reason)) throw new FaultError(`fault "${name}": unknown reason "${reason}"; known reasons: ${reasons.join(', ')}`);
  return reason;
}

/** Builds a spec from a name, optional target and optional reason, checking they fit the fault. */
export function faultSpec(name: string, target?: string, reason?: string): FaultSpec {
  if (!isFaultName(name)) throw unknownFault(name);
  const checked = checkReason(name, reason);
  const spec: FaultSpec = { name, ...(checked !== undefined ? { reason: checked } : {}) };
  const { scope } = FAULT_CATALOG[name];
  if (target === undefined || target === '') return spec;
  if (scope === 'node') return { ...spec, node: target };
  if (scope === 'namespace') return { ...spec, namespace: target };
  throw new FaultError(`fault "${name}" takes no target (got "@${target}")`);
}

/** Reads one `NAME[:REASON][@TARGET]`. */
export function parseFault(text: string): FaultSpec {
  const at = text.indexOf('@');
  const head = at < 0 ? text : text.slice(0, at);
  const target = at < 0 ? undefined : text.slice(at + 1);
  const colon = head.indexOf(':');
  return colon < 0 ? faultSpec(head, target) : faultSpec(head.slice(0, colon), target, head.slice(colon + 1));
}

/**
 * Parses a fault list such as `cni-blocked,cross-node`, `flannel-down@lab-node-2,namespace-unlabeled@shop`
 * or `cni-refusing:unauthorized@lab-node-1`. `healthy` (or an empty string) means no faults and cannot
 * be combined with others.
 */
export function parseFaults(text: string): FaultSpec[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return withoutHealthy(parts.map(parseFault));
}

/** Drops `healthy`, refusing it next to real faults (the combination has no meaning). */
export function withoutHealthy(specs: readonly FaultSpec[]): FaultSpec[] {
  const real = specs.filter((s) => s.name !== 'healthy');
  if (real.length > 0 && real.length < specs.length) {
    throw new FaultError('"healthy" cannot be combined with other faults');
  }
  return real;
}

/** One spec as `NAME[:REASON][@TARGET]`. */
export function formatFault(s: FaultSpec): string {
  const target = s.node ?? s.namespace;
  return `${s.name}${s.reason !== undefined ? `:${s.reason}` : ''}${target !== undefined ? `@${target}` : ''}`;
}

/** The inverse of parseFaults: `healthy` for none. */
export function formatFaults(specs: readonly FaultSpec[]): string {
  if (specs.length === 0) return 'healthy';
  return specs.map(formatFault).join(',');
}
