// The lab's fault names (fixed by the contract) and how they are written on the command line:
//   healthy | NAME[@TARGET][,NAME[@TARGET]...]
// TARGET is a node for node faults (flannel-down, cni-blocked) and a namespace for namespace
// faults (namespace-unlabeled, pods-not-captured); cluster-wide faults take none.

export const FAULT_NAMES = [
  'healthy',
  'istiod-port-missing',
  'istiod-unreachable',
  'cross-node',
  'flannel-down',
  'cni-blocked',
  'namespace-unlabeled',
  'pods-not-captured',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export type FaultScope = 'none' | 'cluster' | 'node' | 'namespace';

/** What each fault reproduces (one row of the troubleshooting table each) and what it targets. */
export const FAULT_CATALOG: Record<FaultName, { scope: FaultScope; summary: string }> = {
  healthy: { scope: 'none', summary: 'no fault: everything ready and enrolled' },
  'istiod-port-missing': {
    scope: 'cluster',
    summary: 'Service istiod lacks port 15012: every ztunnel waits for xDS (state manager)',
  },
  'istiod-unreachable': {
    scope: 'cluster',
    summary: 'TCP to istiod:15012 is dropped (Service and pod address): every ztunnel waits for xDS',
  },
  'cross-node': {
    scope: 'cluster',
    summary: "overlay broken between nodes: pods off istiod's node are unreachable, their ztunnels not ready",
  },
  'flannel-down': {
    scope: 'node',
    summary: "Flannel crash-loops on one node: that node's pods are unreachable, its ztunnel not ready",
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
};

export interface FaultSpec {
  name: FaultName;
  /** node faults: the node (default: the lab's fault node) */
  node?: string;
  /** namespace faults: the namespace (default: see DEFAULT_FAULT_NAMESPACE) */
  namespace?: string;
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

/** Builds a spec from a name and optional target, checking the target fits the fault's scope. */
export function faultSpec(name: string, target?: string): FaultSpec {
  if (!isFaultName(name)) throw unknownFault(name);
  const { scope } = FAULT_CATALOG[name];
  if (target === undefined || target === '') return { name };
  if (scope === 'node') return { name, node: target };
  if (scope === 'namespace') return { name, namespace: target };
  throw new FaultError(`fault "${name}" takes no target (got "@${target}")`);
}

/**
 * Parses a fault list such as `cni-blocked,cross-node` or `flannel-down@lab-node-2,namespace-unlabeled@shop`.
 * `healthy` (or an empty string) means no faults and cannot be combined with others.
 */
export function parseFaults(text: string): FaultSpec[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const specs = parts.map((part) => {
    const at = part.indexOf('@');
    return at < 0 ? faultSpec(part) : faultSpec(part.slice(0, at), part.slice(at + 1));
  });
  return withoutHealthy(specs);
}

/** Drops `healthy`, refusing it next to real faults (the combination has no meaning). */
export function withoutHealthy(specs: readonly FaultSpec[]): FaultSpec[] {
  const real = specs.filter((s) => s.name !== 'healthy');
  if (real.length > 0 && real.length < specs.length) {
    throw new FaultError('"healthy" cannot be combined with other faults');
  }
  return real;
}

/** The inverse of parseFaults: `healthy` for none. */
export function formatFaults(specs: readonly FaultSpec[]): string {
  if (specs.length === 0) return 'healthy';
  return specs.map((s) => (s.node ?? s.namespace ? `${s.name}@${s.node ?? s.namespace}` : s.name)).join(',');
}
