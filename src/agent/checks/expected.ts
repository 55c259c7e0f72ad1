// What Flannel should have programmed on this node, from the Node objects alone (pure): the own
// node's lease (VNI, VtepMAC, public IP) and every peer lease, per address family, the way
// Flannel's kube subnet manager reads them (flannel pkg/subnet/kube/kube.go: only nodes annotated
// kube-subnet-manager "true"; nodeToLease: public-ip / public-ipv6, backend-data / backend-v6-data
// as is, the IPv4 and the IPv6 CIDR of spec.podCIDRs else spec.podCIDR;
// pkg/backend/vxlan/vxlan_network.go handleSubnetEvents skips leases whose backend-type is not
// vxlan). An IPv6-only node carries backend-v6-data and public-ipv6 only; a dual-stack node both
// pairs (with separate MACs), and Flannel programs each family on its own device.
import { canonicalIp, cidrString, parseCidr } from './ip.js';
import type { IpFamily } from './types.js';
import {
  FLANNEL_BACKEND_DATA,
  FLANNEL_BACKEND_TYPE,
  FLANNEL_BACKEND_V6_DATA,
  FLANNEL_PUBLIC_IP,
  FLANNEL_PUBLIC_IPV6,
  FLANNEL_SUBNET_MANAGER,
  deviceNameOf,
} from './upstream.js';

/** The parts of a core/v1 Node the checks read. */
export interface NodeObject {
  metadata?: { name?: string; annotations?: Record<string, string> | null };
  spec?: {
    podCIDR?: string;
    podCIDRs?: string[] | null;
    taints?: { key: string; value?: string; effect: string; timeAdded?: string | Date }[] | null;
  };
}

export interface FlannelLease {
  node: string;
  family: IpFamily;
  vni: number;
  /** lower case, colon separated, as `ip -j` prints MACs */
  vtepMac: string;
  /** canonical text */
  publicIp: string;
  /** normalized, e.g. 10.244.2.0/24 or fd44:0:0:2::/64 */
  podCidr: string;
  /** the subnet's network address: the peer's gateway and neighbour entry */
  subnetIp: string;
}

export type LeaseError = 'not_subnet_managed' | 'not_vxlan' | 'bad_backend_data' | 'bad_public_ip' | 'no_ipv4_pod_cidr' | 'no_ipv6_pod_cidr';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** Where each family's lease lives on the Node. */
const LEASE_KEYS: Record<IpFamily, { data: string; publicIp: string; noCidr: LeaseError }> = {
  ipv4: { data: FLANNEL_BACKEND_DATA, publicIp: FLANNEL_PUBLIC_IP, noCidr: 'no_ipv4_pod_cidr' },
  ipv6: { data: FLANNEL_BACKEND_V6_DATA, publicIp: FLANNEL_PUBLIC_IPV6, noCidr: 'no_ipv6_pod_cidr' },
};

export function leaseOf(node: NodeObject, family: IpFamily = 'ipv4'): FlannelLease | LeaseError {
  const a = node.metadata?.annotations ?? {};
  const keys = LEASE_KEYS[family];
  if (a[FLANNEL_SUBNET_MANAGER] !== 'true') return 'not_subnet_managed';
  if (a[FLANNEL_BACKEND_TYPE] !== 'vxlan') return 'not_vxlan';
  let data: { VNI?: unknown; VtepMAC?: unknown } | null;
  try {
    data = JSON.parse(a[keys.data] ?? '') as typeof data;
  } catch {
    return 'bad_backend_data';
  }
  const mac = typeof data?.VtepMAC === 'string' ? data.VtepMAC.toLowerCase() : '';
  if (typeof data?.VNI !== 'number' || !Number.isInteger(data.VNI) || !MAC.test(mac)) return 'bad_backend_data';
  const publicIp = canonicalIp(a[keys.publicIp] ?? '', family);
  if (publicIp === undefined) return 'bad_public_ip';
  const specCidrs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : [node.spec?.podCIDR ?? ''];
  const cidr = specCidrs.map((c) => parseCidr(c, family)).find((c) => c !== undefined);
  if (!cidr) return keys.noCidr;
  return { node: node.metadata?.name ?? '', family, vni: data.VNI, vtepMac: mac, publicIp, podCidr: cidrString(cidr), subnetIp: cidr.network };
}

export interface ExpectedFlannel {
  family: IpFamily;
  own: FlannelLease;
  device: string;
  peers: FlannelLease[];
  /** other nodes Flannel would not program on this device (no lease of this family yet, another backend), by name */
  skipped: string[];
}

export type ExpectedError = 'node_not_found' | 'node_not_flannel_vxlan';

/** What one family's device should hold on `nodeName`. */
export function expectedFlannel(nodeName: string, nodes: readonly NodeObject[], family: IpFamily = 'ipv4'): ExpectedFlannel | ExpectedError {
  const self = nodes.find((n) => n.metadata?.name === nodeName);
  if (!self) return 'node_not_found';
  const own = leaseOf(self, family);
  if (typeof own === 'string') return 'node_not_flannel_vxlan';
  const peers: FlannelLease[] = [];
  const skipped: string[] = [];
  for (const n of nodes) {
    if (n === self) continue;
    const lease = leaseOf(n, family);
    if (typeof lease === 'string') skipped.push(n.metadata?.name ?? '');
    else peers.push(lease);
  }
  peers.sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0));
  return { family, own, device: deviceNameOf(family, own.vni), peers, skipped: skipped.sort() };
}

/**
 * Every overlay the node runs: IPv4 when its own IPv4 lease is valid, IPv6 when its IPv6 lease is.
 * A stale backend-data left from an earlier IPv4 configuration does not count on a node whose pod
 * CIDRs are IPv6 only (Flannel removes no annotation it stops writing).
 */
export function expectedOverlays(nodeName: string, nodes: readonly NodeObject[]): ExpectedFlannel[] | ExpectedError {
  const found = (['ipv4', 'ipv6'] as const).map((f) => expectedFlannel(nodeName, nodes, f));
  if (found.includes('node_not_found')) return 'node_not_found';
  const overlays = found.filter((e): e is ExpectedFlannel => typeof e !== 'string');
  return overlays.length > 0 ? overlays : 'node_not_flannel_vxlan';
}
