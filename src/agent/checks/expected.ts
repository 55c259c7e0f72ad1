// What Flannel should have programmed on this node, from the Node objects alone (pure): the own
// node's lease (VNI, VtepMAC, public IP) and every peer lease, the way Flannel's kube subnet
// manager reads them (flannel pkg/subnet/kube/kube.go: only nodes annotated kube-subnet-manager
// "true"; nodeToLease: public-ip annotation, backend-data as is, the first IPv4 of
// spec.podCIDRs else spec.podCIDR; pkg/backend/vxlan/vxlan_network.go handleSubnetEvents skips
// leases whose backend-type is not vxlan).
import { cidrText, ipv4ToInt, parseIpv4Cidr } from './ipv4.js';
import { FLANNEL_BACKEND_DATA, FLANNEL_BACKEND_TYPE, FLANNEL_PUBLIC_IP, FLANNEL_SUBNET_MANAGER, flannelDeviceName } from './upstream.js';

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
  vni: number;
  /** lower case, colon separated, as `ip -j` prints MACs */
  vtepMac: string;
  publicIp: string;
  /** normalized, e.g. 10.244.2.0/24 */
  podCidr: string;
  /** the subnet's network address: the peer's gateway and neighbour entry */
  subnetIp: string;
}

export type LeaseError = 'not_subnet_managed' | 'not_vxlan' | 'bad_backend_data' | 'bad_public_ip' | 'no_ipv4_pod_cidr';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function leaseOf(node: NodeObject): FlannelLease | LeaseError {
  const a = node.metadata?.annotations ?? {};
  if (a[FLANNEL_SUBNET_MANAGER] !== 'true') return 'not_subnet_managed';
  if (a[FLANNEL_BACKEND_TYPE] !== 'vxlan') return 'not_vxlan';
  let data: { VNI?: unknown; VtepMAC?: unknown };
  try {
    data = JSON.parse(a[FLANNEL_BACKEND_DATA] ?? '') as typeof data;
  } catch {
    return 'bad_backend_data';
  }
  const mac = typeof data?.VtepMAC === 'string' ? data.VtepMAC.toLowerCase() : '';
  if (typeof data?.VNI !== 'number' || !Number.isInteger(data.VNI) || !MAC.test(mac)) return 'bad_backend_data';
  const publicIp = a[FLANNEL_PUBLIC_IP] ?? '';
  if (ipv4ToInt(publicIp) === undefined) return 'bad_public_ip';
  const specCidrs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : [node.spec?.podCIDR ?? ''];
  const cidr = specCidrs.map(parseIpv4Cidr).find((c) => c !== undefined);
  if (!cidr) return 'no_ipv4_pod_cidr';
  return { node: node.metadata?.name ?? '', vni: data.VNI, vtepMac: mac, publicIp, podCidr: cidrText(cidr), subnetIp: cidr.network };
}

export interface ExpectedFlannel {
  own: FlannelLease;
  device: string;
  peers: FlannelLease[];
  /** other nodes Flannel would not program (no lease yet, another backend), by name */
  skipped: string[];
}

export type ExpectedError = 'node_not_found' | 'node_not_flannel_vxlan';

export function expectedFlannel(nodeName: string, nodes: readonly NodeObject[]): ExpectedFlannel | ExpectedError {
  const self = nodes.find((n) => n.metadata?.name === nodeName);
  if (!self) return 'node_not_found';
  const own = leaseOf(self);
  if (typeof own === 'string') return 'node_not_flannel_vxlan';
  const peers: FlannelLease[] = [];
  const skipped: string[] = [];
  for (const n of nodes) {
    if (n === self) continue;
    const lease = leaseOf(n);
    if (typeof lease === 'string') skipped.push(n.metadata?.name ?? '');
    else peers.push(lease);
  }
  peers.sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0));
  return { own, device: flannelDeviceName(own.vni), peers, skipped: skipped.sort() };
}
