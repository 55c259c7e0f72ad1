// Turns requested faults into active ones: fills in default targets, checks they exist, and keeps
// each fault's activation time across changes (so counters and restart counts keep growing).
import { FAULT_CATALOG, FaultError, withoutHealthy, type FaultName, type FaultSpec } from './catalog.js';
import { DEFAULT_FAULT_NAMESPACE } from '../cluster/workloads.js';

export type ActiveFaultName = Exclude<FaultName, 'healthy'>;

export interface ActiveFault {
  name: ActiveFaultName;
  node?: string;
  namespace?: string;
  /** when the fault began (ms since epoch, lab clock) */
  since: number;
}

export interface FaultContext {
  nodes: readonly string[];
  namespaces: readonly string[];
  /** node faults hit this node when none is named */
  defaultNode: string;
}

export function faultKey(f: { name: string; node?: string; namespace?: string }): string {
  return `${f.name}|${f.node ?? ''}|${f.namespace ?? ''}`;
}

export function resolveFaults(specs: readonly FaultSpec[], ctx: FaultContext, previous: readonly ActiveFault[], now: number): ActiveFault[] {
  const prior = new Map(previous.map((f) => [faultKey(f), f.since]));
  const out = new Map<string, ActiveFault>();
  for (const spec of withoutHealthy(specs)) {
    const name = spec.name as ActiveFaultName;
    const { scope } = FAULT_CATALOG[name];
    const fault: ActiveFault = { name, since: now };
    if (scope === 'node') {
      const node = spec.node ?? ctx.defaultNode;
      if (!ctx.nodes.includes(node)) throw new FaultError(`fault "${name}": no node "${node}" (nodes: ${summarize(ctx.nodes)})`);
      fault.node = node;
    } else if (spec.node !== undefined) {
      throw new FaultError(`fault "${name}" takes no node`);
    }
    if (scope === 'namespace') {
      const namespace = spec.namespace ?? DEFAULT_FAULT_NAMESPACE[name] ?? '';
      if (!ctx.namespaces.includes(namespace)) {
        throw new FaultError(`fault "${name}": no namespace "${namespace}" (namespaces: ${ctx.namespaces.join(', ')})`);
      }
      fault.namespace = namespace;
    } else if (spec.namespace !== undefined) {
      throw new FaultError(`fault "${name}" takes no namespace`);
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
