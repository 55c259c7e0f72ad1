// Turns requested faults into active ones: fills in default targets and reasons, checks they exist
// and fit the lab's configuration, and keeps each fault's activation time across changes (so
// counters and restart counts keep growing).
import { FAULT_CATALOG, FaultError, withoutHealthy, type FaultName, type FaultSpec } from './catalog.js';
import { DEFAULT_FAULT_NAMESPACE } from '../cluster/workloads.js';

export type ActiveFaultName = Exclude<FaultName, 'healthy'>;

export interface ActiveFault {
  name: ActiveFaultName;
  node?: string;
  namespace?: string;
  reason?: string;
  /** when the fault began (ms since epoch, lab clock) */
  since: number;
}

export interface FaultContext {
  nodes: readonly string[];
  namespaces: readonly string[];
  /** node faults hit this node when none is named */
  defaultNode: string;
  /** istiod's node (the default of faults about the exporter's vantage point) */
  istiodNode: string;
  /** the cluster runs Flannel (not on the GKE layout) */
  flannel: boolean;
  /** the Istio minor the lab simulates */
  istioMinor: string;
}

export function faultKey(f: { name: string; node?: string; namespace?: string; reason?: string }): string {
  return `${f.name}|${f.node ?? ''}|${f.namespace ?? ''}|${f.reason ?? ''}`;
}

const FLANNEL_FAULTS: ReadonlySet<string> = new Set(['flannel-down', 'flannel-crash-loop']);

/** Faults that only make sense with the lab's configuration: a Flannel fault needs Flannel, ipset `exist` needs 1.24. */
function checkFits(f: ActiveFault, ctx: FaultContext): void {
  if (FLANNEL_FAULTS.has(f.name) && !ctx.flannel) {
    throw new FaultError(`fault "${f.name}": this lab runs no Flannel (the GKE layout uses GKE's own pod network)`);
  }
  if (f.reason === 'ipset-exist' && ctx.istioMinor !== '1.24') {
    throw new FaultError(
      `fault "${f.name}": reason "ipset-exist" happens on Istio 1.24 only (1.25 adds probe IPs with replace=true), this lab runs ${ctx.istioMinor}`,
    );
  }
}

function resolveOne(spec: FaultSpec, ctx: FaultContext, now: number): ActiveFault {
  const name = spec.name as ActiveFaultName;
  const info = FAULT_CATALOG[name];
  const fault: ActiveFault = { name, since: now };
  if (info.scope === 'node') {
    const node = spec.node ?? (info.defaultNode === 'istiod-node' ? ctx.istiodNode : ctx.defaultNode);
    if (!ctx.nodes.includes(node)) throw new FaultError(`fault "${name}": no node "${node}" (nodes: ${summarize(ctx.nodes)})`);
    fault.node = node;
  } else if (spec.node !== undefined) {
    throw new FaultError(`fault "${name}" takes no node`);
  }
  if (info.scope === 'namespace') {
    const namespace = spec.namespace ?? DEFAULT_FAULT_NAMESPACE[name] ?? '';
    if (!ctx.namespaces.includes(namespace)) {
      throw new FaultError(`fault "${name}": no namespace "${namespace}" (namespaces: ${ctx.namespaces.join(', ')})`);
    }
    fault.namespace = namespace;
  } else if (spec.namespace !== undefined) {
    throw new FaultError(`fault "${name}" takes no namespace`);
  }
  if (info.reasons) {
    const reason = spec.reason ?? info.reasons[0];
    if (reason === undefined || !info.reasons.includes(reason)) throw new FaultError(`fault "${name}": unknown reason "${String(reason)}"`);
    fault.reason = reason;
  } else if (spec.reason !== undefined) {
    throw new FaultError(`fault "${name}" takes no reason`);
  }
  checkFits(fault, ctx);
  return fault;
}

export function resolveFaults(specs: readonly FaultSpec[], ctx: FaultContext, previous: readonly ActiveFault[], now: number): ActiveFault[] {
  const prior = new Map(previous.map((f) => [faultKey(f), f.since]));
  const out = new Map<string, ActiveFault>();
  const refusing = new Map<string, string>();
  for (const spec of withoutHealthy(specs)) {
    const fault = resolveOne(spec, ctx, now);
    if (fault.name === 'cni-refusing' && fault.node !== undefined) {
      const other = refusing.get(fault.node);
      if (other !== undefined && other !== fault.reason) {
        throw new FaultError(`fault "cni-refusing": one reason per node (${fault.node} has "${other}" and "${String(fault.reason)}")`);
      }
      refusing.set(fault.node, fault.reason ?? '');
    }
    const key = faultKey(fault);
    fault.since = prior.get(key) ?? now;
    out.set(key, fault);
  }
  return [...out.values()];
}

function summarize(names: readonly string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, ... ${names[names.length - 1]}`;
}
