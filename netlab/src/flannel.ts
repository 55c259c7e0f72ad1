// The kernel state Flannel's VXLAN backend programs on a node, as `ip`/`bridge` command lines.
// Upstream (flannel-io/flannel, master):
// - pkg/backend/vxlan/vxlan.go `createVXLANDevice`: device `flannel.<VNI>` (and `flannel-v6.<VNI>`
//   with EnableIPv6, its own MAC), VtepDevIndex = the external interface, SrcAddr = its address of
//   that family, Port = Backend.Port (0 = the kernel default, 8472), Learning = false, MTU = the
//   external interface's MTU; the lease subnet's address goes on the device as a /32 (/128 for
//   IPv6) (`configureDeviceIPv4IPv6`: "so that no broadcast routes are created").
// - pkg/backend/vxlan/device.go `newVXLANDevice`: link MTU = MTU - 50 for both devices; the kernel
//   caps an IPv6 one at its lower device's MTU - 70 (include/net/vxlan.h VXLAN6_HEADROOM).
// - pkg/backend/vxlan/vxlan_network.go `handleSubnetEvents`, per peer lease and family, in this
//   order: a permanent ARP/NDP entry (peer subnet address -> peer VtepMAC), a permanent FDB entry
//   with NTF_SELF (VtepMAC -> peer public IP of that family), then the route `<peer subnet> via
//   <peer subnet address> dev <device> onlink` ("make sure this is done last").
// Flannel uses netlink NeighSet/RouteReplace (create or replace); the `replace` verbs below are
// the same operations.
import { bridgeCmd, ip, type Argv } from './exec.js';
import type { IpFamily, NodePlan, VxlanPlan } from './plan.js';

/** One family's overlay on a node: its device and its lease. */
export interface Overlay {
  family: IpFamily;
  device: VxlanPlan;
  publicIp: string;
  podCidr: string;
  subnetIp: string;
}

/** The overlays the node runs, IPv4 first. */
export function overlaysOf(node: NodePlan): Overlay[] {
  return node.families.flatMap((family): Overlay[] => {
    if (family === 'ipv4') return [{ family, device: node.vxlan, publicIp: node.publicIp, podCidr: node.podCidr, subnetIp: node.subnetIp }];
    const v6 = node.v6;
    return v6 ? [{ family, device: v6.vxlan, publicIp: v6.publicIp, podCidr: v6.podCidr, subnetIp: v6.subnetIp }] : [];
  });
}

/** The overlay faults act on: IPv4 when the node runs it, else IPv6. */
export function primaryOverlay(node: NodePlan): Overlay {
  const first = overlaysOf(node)[0];
  if (!first) throw new Error(`${node.name} runs no overlay`);
  return first;
}

function overlayOf(node: NodePlan, family: IpFamily): Overlay | undefined {
  return overlaysOf(node).find((o) => o.family === family);
}

const hostPrefix = (family: IpFamily): string => (family === 'ipv6' ? '128' : '32');

/** Creates, addresses and raises one of the node's VXLAN devices, with the MAC it advertises. */
export function vxlanDeviceCommands(node: NodePlan, o: Overlay = primaryOverlay(node)): Argv[] {
  const { name, vni, port, mtu, mac } = o.device;
  return [
    ip(node.netns, 'link', 'add', name, 'address', mac, 'mtu', String(mtu), 'type', 'vxlan', 'id', String(vni),
      'local', o.publicIp, 'dev', node.underlayIface, 'dstport', String(port), 'nolearning'),
    ip(node.netns, 'addr', 'add', `${o.subnetIp}/${hostPrefix(o.family)}`, ...(o.family === 'ipv6' ? ['nodad'] : []), 'dev', name),
    ip(node.netns, 'link', 'set', name, 'up'),
  ];
}

/** `node`'s and `peer`'s overlay of one family (the primary one by default); undefined when the peer does not run it. */
function pair(node: NodePlan, peer: NodePlan, family: IpFamily = primaryOverlay(node).family): [Overlay, Overlay] | undefined {
  const mine = overlayOf(node, family);
  const theirs = overlayOf(peer, family);
  return mine && theirs ? [mine, theirs] : undefined;
}

function required(node: NodePlan, peer: NodePlan, family?: IpFamily): [Overlay, Overlay] {
  const p = pair(node, peer, family);
  if (!p) throw new Error(`${node.name} and ${peer.name} share no ${family ?? 'primary'} overlay`);
  return p;
}

export function peerNeighCommand(node: NodePlan, peer: NodePlan, family?: IpFamily): Argv {
  const [mine, theirs] = required(node, peer, family);
  return ip(node.netns, 'neigh', 'replace', theirs.subnetIp, 'lladdr', theirs.device.mac, 'dev', mine.device.name, 'nud', 'permanent');
}

export function peerFdbCommand(node: NodePlan, peer: NodePlan, family?: IpFamily): Argv {
  const [mine, theirs] = required(node, peer, family);
  return bridgeCmd(node.netns, 'fdb', 'replace', theirs.device.mac, 'dev', mine.device.name, 'dst', theirs.publicIp, 'self', 'permanent');
}

export function peerRouteCommand(node: NodePlan, peer: NodePlan, family?: IpFamily): Argv {
  const [mine, theirs] = required(node, peer, family);
  return ip(node.netns, 'route', 'replace', theirs.podCidr, 'via', theirs.subnetIp, 'dev', mine.device.name, 'onlink');
}

/** What Flannel adds on `node` when it learns `peer`'s lease, in Flannel's order, for one family (the primary by default). */
export function peerCommands(node: NodePlan, peer: NodePlan, family?: IpFamily): Argv[] {
  if (!pair(node, peer, family)) return [];
  return [peerNeighCommand(node, peer, family), peerFdbCommand(node, peer, family), peerRouteCommand(node, peer, family)];
}

export function peerFdbDeleteCommand(node: NodePlan, peer: NodePlan): Argv {
  const [mine, theirs] = required(node, peer);
  return bridgeCmd(node.netns, 'fdb', 'del', theirs.device.mac, 'dev', mine.device.name, 'dst', theirs.publicIp, 'self');
}

export function peerNeighDeleteCommand(node: NodePlan, peer: NodePlan): Argv {
  const [mine, theirs] = required(node, peer);
  return ip(node.netns, 'neigh', 'del', theirs.subnetIp, 'dev', mine.device.name);
}

export function peerRouteDeleteCommand(node: NodePlan, peer: NodePlan): Argv {
  const [mine, theirs] = required(node, peer);
  return ip(node.netns, 'route', 'del', theirs.podCidr, 'via', theirs.subnetIp, 'dev', mine.device.name, 'onlink');
}

/** What Flannel programs on one overlay of `node` at start: the device, then every peer's lease of that family. */
export function overlayCommands(node: NodePlan, all: readonly NodePlan[], o: Overlay): Argv[] {
  return [...vxlanDeviceCommands(node, o), ...all.filter((p) => p !== node).flatMap((p) => peerCommands(node, p, o.family))];
}

/** Everything Flannel programs on `node` at start: each overlay's device and every peer's lease. */
export function flannelCommands(node: NodePlan, all: readonly NodePlan[]): Argv[] {
  return overlaysOf(node).flatMap((o) => overlayCommands(node, all, o));
}
