// The kernel state Flannel's VXLAN backend programs on a node, as `ip`/`bridge` command lines.
// Upstream (flannel-io/flannel, master):
// - pkg/backend/vxlan/vxlan.go `createVXLANDevice`: device `flannel.<VNI>`, VtepDevIndex = the external
//   interface, SrcAddr = its address, Port = Backend.Port (0 = the kernel default, 8472),
//   Learning = false, MTU = the external interface's MTU; the lease subnet's address goes on the
//   device as a /32 (`configureDeviceIPv4IPv6`: "so that no broadcast routes are created").
// - pkg/backend/vxlan/device.go `newVXLANDevice`: link MTU = MTU - 50; `Configure` sets it up.
// - pkg/backend/vxlan/vxlan_network.go `handleSubnetEvents`, per peer lease, in this order: a
//   permanent ARP entry (peer subnet address -> peer VtepMAC), a permanent FDB entry with NTF_SELF
//   (VtepMAC -> peer public IP), then the route `<peer subnet> via <peer subnet address> dev
//   flannel.<VNI> onlink` ("make sure this is done last").
// Flannel uses netlink NeighSet/RouteReplace (create or replace); the `replace` verbs below are
// the same operations.
import { bridgeCmd, ip, type Argv } from './exec.js';
import type { NodePlan } from './plan.js';

/** Creates, addresses and raises the node's VXLAN device, with the MAC it advertises. */
export function vxlanDeviceCommands(node: NodePlan): Argv[] {
  const { name, vni, port, mtu, mac } = node.vxlan;
  return [
    ip(node.netns, 'link', 'add', name, 'address', mac, 'mtu', String(mtu), 'type', 'vxlan', 'id', String(vni),
      'local', node.publicIp, 'dev', node.underlayIface, 'dstport', String(port), 'nolearning'),
    ip(node.netns, 'addr', 'add', `${node.subnetIp}/32`, 'dev', name),
    ip(node.netns, 'link', 'set', name, 'up'),
  ];
}

export function peerNeighCommand(node: NodePlan, peer: NodePlan): Argv {
  return ip(node.netns, 'neigh', 'replace', peer.subnetIp, 'lladdr', peer.vxlan.mac, 'dev', node.vxlan.name, 'nud', 'permanent');
}

export function peerFdbCommand(node: NodePlan, peer: NodePlan): Argv {
  return bridgeCmd(node.netns, 'fdb', 'replace', peer.vxlan.mac, 'dev', node.vxlan.name, 'dst', peer.publicIp, 'self', 'permanent');
}

export function peerRouteCommand(node: NodePlan, peer: NodePlan): Argv {
  return ip(node.netns, 'route', 'replace', peer.podCidr, 'via', peer.subnetIp, 'dev', node.vxlan.name, 'onlink');
}

/** What Flannel adds on `node` when it learns `peer`'s lease, in Flannel's order. */
export function peerCommands(node: NodePlan, peer: NodePlan): Argv[] {
  return [peerNeighCommand(node, peer), peerFdbCommand(node, peer), peerRouteCommand(node, peer)];
}

export function peerFdbDeleteCommand(node: NodePlan, peer: NodePlan): Argv {
  return bridgeCmd(node.netns, 'fdb', 'del', peer.vxlan.mac, 'dev', node.vxlan.name, 'dst', peer.publicIp, 'self');
}

export function peerNeighDeleteCommand(node: NodePlan, peer: NodePlan): Argv {
  return ip(node.netns, 'neigh', 'del', peer.subnetIp, 'dev', node.vxlan.name);
}

export function peerRouteDeleteCommand(node: NodePlan, peer: NodePlan): Argv {
  return ip(node.netns, 'route', 'del', peer.podCidr, 'via', peer.subnetIp, 'dev', node.vxlan.name, 'onlink');
}

/** Everything Flannel programs on `node` at start: its device, then every peer's lease. */
export function flannelCommands(node: NodePlan, all: readonly NodePlan[]): Argv[] {
  return [...vxlanDeviceCommands(node), ...all.filter((p) => p !== node).flatMap((p) => peerCommands(node, p))];
}
