// Collects the node network state the checks judge, from the namespace this process runs in.
// All reads: netlink dumps through iproute2's JSON output, and /proc/net/udp{,6} (which always
// show the reader's own network namespace). Nothing here needs a capability.
import type { DeviceTables, RawNetwork } from '../evaluate/network.js';
import type { ProcNetUdp } from '../evaluate/vxlan-port.js';
import type { Collected, IpFamily } from '../types.js';
import { collectJson } from './exec.js';
import { readCapped } from './files.js';

export interface NetworkCollectOptions {
  /** where /proc is; default /proc */
  procRoot?: string;
}

/** A Flannel device the node should have, and the family of its routes. */
export interface ExpectedDevice {
  name: string;
  family: IpFamily;
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

async function collectTables(device: ExpectedDevice): Promise<DeviceTables> {
  // `ip route` lists IPv4 routes unless told -6; `ip neigh` and `bridge fdb` list every family
  const routeFamily = device.family === 'ipv6' ? ['-6'] : [];
  const [fdb, neigh, routes] = await Promise.all([
    collectJson(['bridge', '-j', 'fdb', 'show', 'dev', device.name]),
    collectJson(['ip', '-j', 'neigh', 'show', 'dev', device.name]),
    collectJson(['ip', '-j', ...routeFamily, 'route', 'show', 'dev', device.name]),
  ]);
  return { fdb, neigh, routes };
}

/** `devices` are the Flannel devices the node should have; the tables of those that exist are read. */
export async function collectNetwork(devices: readonly ExpectedDevice[], options: NetworkCollectOptions = {}): Promise<RawNetwork> {
  const [links, addresses, udp] = await Promise.all([
    collectJson(['ip', '-j', '-d', 'link', 'show']),
    collectJson(['ip', '-j', 'addr', 'show']),
    collectUdp(options.procRoot ?? '/proc'),
  ]);
  const present = devices.filter((d) => hasLink(links, d.name));
  const tables = await Promise.all(present.map(collectTables));
  return { links, addresses, udp, devices: Object.fromEntries(present.map((d, i) => [d.name, tables[i]!])) };
}
