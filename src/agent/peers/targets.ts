// What to probe for each target of the plan (pure): the peer's address on its VXLAN device and its
// public IP, of the overlay both nodes run (IPv4 when both do). Flannel puts the lease subnet's
// network address on flannel.<VNI> as a /32 (/128) (flannel pkg/backend/vxlan/vxlan.go
// configureDeviceIPv4IPv6) and routes every peer's subnet via that address onlink through the
// device (vxlan_network.go handleSubnetEvents): a host-network connection to it leaves through
// flannel.<VNI>, crosses the overlay and is answered by the peer's host network, its reply
// crossing back. The public IP is what VXLAN itself is sent to: the underlay alone.
import { leaseOf, type FlannelLease, type NodeObject } from '../checks/expected.js';
import type { IpFamily } from '../checks/types.js';
import { nodeObjectOf, type PeerPlan } from '../plan.js';
import type { NOT_PROBED_REASONS } from '../summary.js';

export interface ProbeTarget {
  node: string;
  family: IpFamily;
  /** the peer's VXLAN device address: reached across the overlay */
  podIp: string;
  /** the peer's public IP: reached over the underlay */
  hostIp: string;
  port: number;
}

/** The plan's targets to probe from `own`, or why none can be. Targets sharing no overlay with this node are left out. */
export function probeTargets(own: NodeObject | undefined, plan: PeerPlan | undefined): ProbeTarget[] | (typeof NOT_PROBED_REASONS)[number] {
  if (!plan) return 'no_plan';
  const ownLeases = (['ipv4', 'ipv6'] as const).map((f) => (own ? leaseOf(own, f) : 'not_subnet_managed'));
  if (ownLeases.every((l) => typeof l === 'string')) return 'no_lease';
  const peers = new Map(plan.peers.map((p) => [p.name, nodeObjectOf(p)]));
  const out: ProbeTarget[] = [];
  for (const name of plan.targets) {
    const peer = peers.get(name);
    if (!peer) continue;
    const lease = (['ipv4', 'ipv6'] as const)
      .map((f, i) => (typeof ownLeases[i] === 'string' ? undefined : leaseOf(peer, f)))
      .find((l): l is FlannelLease => l !== undefined && typeof l !== 'string');
    if (lease) out.push({ node: name, family: lease.family, podIp: lease.subnetIp, hostIp: lease.publicIp, port: plan.port });
  }
  return out;
}
