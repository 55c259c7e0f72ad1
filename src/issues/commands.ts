// Commands a person runs next (`diagnose`, the status page), spelled alike by every module. Names
// come from the cluster: they are quoted for the shell whenever they hold anything unusual.
import type { ClusterState, PodInfo } from '../model.js';

/** One shell word. */
export function sh(word: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `kubectl -n NS ARGS...` (arguments are quoted by the caller where they need it). */
export function kubectlIn(namespace: string, ...args: string[]): string {
  return ['kubectl', '-n', sh(namespace), ...args].join(' ');
}

/** The node's InternalIP for talosctl, or a placeholder a person fills in. */
export function nodeAddress(state: ClusterState, node: string): string {
  return state.nodes.find((n) => n.name === node)?.internalIP || '<node IP>';
}

/** The newest live pod of a component on a node (ClusterState lists the newest first). */
export function podOn(pods: readonly PodInfo[], node: string): PodInfo | undefined {
  return pods.find((p) => p.node === node);
}

/** "3 of 3" style coverage. */
export const ofTotal = (n: number, total: number): string => `${n} of ${total}`;

/** "1 node" / "2 nodes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A short list of names: the first few, then how many more. */
export function listNames(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
