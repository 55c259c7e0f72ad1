// The non-Flannel parts of a node: its underlay link to the lab switch, and the pod network the
// flannel CNI plugin delegates to the bridge plugin (flannel-io/cni-plugin flannel_linux.go:
// delegate type "bridge", isGateway true, MTU from subnet.env = the VXLAN device's; the bridge
// plugin's default bridge is cni0 with the subnet's first address as gateway).
import { inNetns, ip, type Argv } from './exec.js';
import { UNDERLAY_PREFIX_LEN, UNDERLAY_V6_PREFIX_LEN, type LabPlan, type NodePlan, type PodPlan } from './plan.js';

export function switchCommands(lab: LabPlan): Argv[] {
  return [
    ip(undefined, 'link', 'add', lab.bridge, 'type', 'bridge'),
    ...(lab.hostIp ? [ip(undefined, 'addr', 'add', `${lab.hostIp}/${UNDERLAY_PREFIX_LEN}`, 'dev', lab.bridge)] : []),
    ip(undefined, 'link', 'set', lab.bridge, 'up'),
  ];
}

/**
 * The node's namespace and its veth to the switch. The switch port carries only MTU-sized frames
 * (gso_max_segs 1 makes the kernel segment before it), as a wire does: without it a veth hands
 * 64 KiB GSO frames to a node whatever its MTU, and an MTU mismatch could never drop a packet.
 */
export function nodeUnderlayCommands(lab: LabPlan, node: NodePlan): Argv[] {
  const mtu = String(node.underlayMtu);
  return [
    ['ip', 'netns', 'add', node.netns],
    ip(undefined, 'link', 'add', node.switchPort, 'type', 'veth', 'peer', 'name', node.underlayIface, 'netns', node.netns),
    ip(undefined, 'link', 'set', node.switchPort, 'mtu', mtu, 'gso_max_segs', '1', 'master', lab.bridge, 'up'),
    ip(node.netns, 'link', 'set', 'lo', 'up'),
    ip(node.netns, 'addr', 'add', `${node.publicIp}/${UNDERLAY_PREFIX_LEN}`, 'dev', node.underlayIface),
    // nodad: the address is usable at once (no duplicate address detection on a lab wire)
    ...(node.v6 ? [ip(node.netns, 'addr', 'add', `${node.v6.publicIp}/${UNDERLAY_V6_PREFIX_LEN}`, 'nodad', 'dev', node.underlayIface)] : []),
    ip(node.netns, 'link', 'set', node.underlayIface, 'mtu', mtu, 'up'),
    // a Kubernetes node routes between cni0 and flannel.<VNI>
    inNetns(node.netns, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']),
    ...(node.v6 ? [inNetns(node.netns, ['sysctl', '-q', '-w', 'net.ipv6.conf.all.forwarding=1'])] : []),
  ];
}

export function podNetworkCommands(node: NodePlan): Argv[] {
  const mtu = String(node.vxlan.mtu);
  return [
    ip(node.netns, 'link', 'add', 'cni0', 'mtu', mtu, 'type', 'bridge'),
    ip(node.netns, 'addr', 'add', `${node.gatewayIp}/24`, 'dev', 'cni0'),
    ip(node.netns, 'link', 'set', 'cni0', 'up'),
    ...node.pods.flatMap((pod) => podCommands(node, pod)),
  ];
}

function podCommands(node: NodePlan, pod: PodPlan): Argv[] {
  const mtu = String(node.vxlan.mtu);
  return [
    ['ip', 'netns', 'add', pod.netns],
    ip(node.netns, 'link', 'add', pod.nodeVeth, 'mtu', mtu, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.netns),
    ip(node.netns, 'link', 'set', pod.nodeVeth, 'master', 'cni0', 'up'),
    ip(pod.netns, 'link', 'set', 'lo', 'up'),
    ip(pod.netns, 'link', 'set', 'eth0', 'mtu', mtu, 'up'),
    ip(pod.netns, 'addr', 'add', `${pod.ip}/24`, 'dev', 'eth0'),
    ip(pod.netns, 'route', 'add', 'default', 'via', node.gatewayIp),
  ];
}
