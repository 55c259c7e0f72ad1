// Collects the node network state the checks judge, from the namespace this process runs in.
// All reads: netlink dumps through iproute2's JSON output, and /proc/net/udp{,6} (which always
// show the reader's own network namespace). Nothing here needs a capability.
import type { RawNetwork } from '../evaluate/network.js';
import type { ProcNetUdp } from '../evaluate/vxlan-port.js';
import type { Collected } from '../types.js';
import { collectJson } from './exec.js';
import { readCapped } from './files.js';

export interface NetworkCollectOptions {
  /** where /proc is; default /proc */
  procRoot?: string;
}

async function collectUdp(procRoot: string): Promise<Collected<ProcNetUdp>> {
  const [v4, v6] = await Promise.all([readCapped(`${procRoot}/net/udp`), readCapped(`${procRoot}/net/udp6`)]);
  if (!v4.ok) return v4;
  // no udp6 file: a kernel without IPv6
  if (!v6.ok && v6.failure !== 'not_found') return v6;
  return { ok: true, value: { v4: v4.value, v6: v6.ok ? v6.value : '' } };
}

const hasLink = (links: Collected<unknown>, name: string): boolean =>
  links.ok && Array.isArray(links.value) && links.value.some((l: unknown) => (l as { ifname?: unknown })?.ifname === name);

/** `device` is the Flannel device the node should have (flannel.<VNI>); its tables are read only if it exists. */
export async function collectNetwork(device: string, options: NetworkCollectOptions = {}): Promise<RawNetwork> {
  const [links, addresses, udp] = await Promise.all([
    collectJson(['ip', '-j', '-d', 'link', 'show']),
    collectJson(['ip', '-j', 'addr', 'show']),
    collectUdp(options.procRoot ?? '/proc'),
  ]);
  if (!hasLink(links, device)) return { links, addresses, udp };
  const [fdb, neigh, routes] = await Promise.all([
    collectJson(['bridge', '-j', 'fdb', 'show', 'dev', device]),
    collectJson(['ip', '-j', 'neigh', 'show', 'dev', device]),
    collectJson(['ip', '-j', 'route', 'show', 'dev', device]),
  ]);
  return { links, addresses, udp, fdb, neigh, routes };
}
