// All node-network checks from one raw collection (pure), once per overlay the node runs (IPv4
// flannel.<VNI>, IPv6 flannel-v6.<VNI>). The process must be in the node's network namespace: it is
// when the Flannel device is there, or when the node's public IP is a local address; otherwise
// every answer would describe a pod's namespace, so all are unknown.
import type { ExpectedError, ExpectedFlannel } from '../expected.js';
import { sameIp } from '../ip.js';
import { addressSchema, linkSchema, parseList, type Link } from '../parse/ip-json.js';
import { unknown, unknownFrom } from '../result.js';
import { NETWORK_CHECKS, type CheckResult, type Collected, type UnknownReason } from '../types.js';
import { isUp, isVxlan } from './links.js';
import { evaluateFdb, evaluateNeighbours, evaluateRoutes } from './peers.js';
import { evaluateUnderlay, findUnderlay, type InterfaceAddress } from './underlay.js';
import { evaluateVxlanDevice, evaluateVxlanMtu } from './vxlan-device.js';
import { evaluateVxlanPort, type ProcNetUdp } from './vxlan-port.js';

/** The per-peer tables of one VXLAN device, collected only when the device exists. */
export interface DeviceTables {
  /** `bridge -j fdb show dev <device>` */
  fdb: Collected<unknown>;
  /** `ip -j neigh show dev <device>` */
  neigh: Collected<unknown>;
  /** `ip -j [-6] route show dev <device>` */
  routes: Collected<unknown>;
}

/** What the collectors gathered in the node's network namespace. */
export interface RawNetwork {
  /** `ip -j -d link show` */
  links: Collected<unknown>;
  /** `ip -j addr show` */
  addresses: Collected<unknown>;
  /** /proc/net/udp and /proc/net/udp6 */
  udp: Collected<ProcNetUdp>;
  /** by device name: the Flannel devices that exist */
  devices: Record<string, DeviceTables>;
}

export interface NetworkCheckOptions {
  /** Flannel's configured Backend.Port, when known: 8472 upstream (kernel default), 4789 on Talos */
  expectedVxlanPort?: number;
  /**
   * false: the peers' leases are not known yet (the agent learns them from the exporter's plan), so
   * the FDB, neighbour and route checks answer unknown rather than judge against no peer at all.
   */
  peersKnown?: boolean;
}

const allUnknown = (reason: UnknownReason, evidence: Record<string, string> = {}): CheckResult[] =>
  NETWORK_CHECKS.map((c) => unknown(c, reason, evidence));

/** Every network check, once per expected overlay (IPv4 first), each result naming its family. */
export function evaluateNetwork(raw: RawNetwork, expected: readonly ExpectedFlannel[] | ExpectedFlannel | ExpectedError, options: NetworkCheckOptions = {}): CheckResult[] {
  if (typeof expected === 'string') return allUnknown(expected);
  const overlays: readonly ExpectedFlannel[] = isFlannelList(expected) ? expected : [expected];
  return overlays.flatMap((e) => evaluateOverlay(raw, e, options).map((r) => ({ ...r, family: e.family })));
}

function isFlannelList(e: readonly ExpectedFlannel[] | ExpectedFlannel): e is readonly ExpectedFlannel[] {
  return Array.isArray(e);
}

function evaluateOverlay(raw: RawNetwork, expected: ExpectedFlannel, options: NetworkCheckOptions): CheckResult[] {
  const collectedLinks = raw.links;
  if (!collectedLinks.ok) return NETWORK_CHECKS.map((c) => unknownFrom(c, collectedLinks));
  const links = parseList(linkSchema, collectedLinks.value);
  if (!links) return allUnknown('unparseable_output', { detail: 'ip -j link: unexpected JSON shape' });
  const collectedAddresses = raw.addresses;
  const addressList = collectedAddresses.ok ? parseList(addressSchema, collectedAddresses.value) : undefined;
  const addresses: InterfaceAddress[] = (addressList ?? []).flatMap((a) =>
    a.addr_info.flatMap((i) => (i.local && a.ifname ? [{ ifname: a.ifname, address: i.local }] : [])),
  );
  const { family } = expected;
  const device: Link | undefined = links.find((l) => l.ifname === expected.device);
  const publicIp = expected.own.publicIp;
  if (!device && !addresses.some((a) => sameIp(a.address, publicIp, family))) {
    if (!collectedAddresses.ok) return NETWORK_CHECKS.map((c) => unknownFrom(c, collectedAddresses));
    return allUnknown('no_host_network', { public_ip: publicIp });
  }
  const underlay = findUnderlay(links, device, addresses, publicIp, family);
  const usable = device !== undefined && isVxlan(device) && isUp(device);
  const tables = usable ? raw.devices[expected.device] : undefined;
  const peerCheck = (check: (typeof NETWORK_CHECKS)[number], judge: () => CheckResult): CheckResult =>
    usable && options.peersKnown === false ? unknown(check, 'no_peer_plan') : judge();
  return [
    evaluateVxlanDevice(device, expected, options.expectedVxlanPort),
    evaluateUnderlay(underlay, publicIp),
    evaluateVxlanMtu(device, underlay, family),
    usable ? evaluateVxlanPort(raw.udp, device, family) : unknown('flannel_vxlan_port', 'vxlan_device_unavailable'),
    peerCheck('flannel_fdb', () => evaluateFdb(tables?.fdb, expected)),
    peerCheck('flannel_neighbours', () => evaluateNeighbours(tables?.neigh, expected)),
    peerCheck('flannel_routes', () => evaluateRoutes(tables?.routes, expected)),
  ];
}
