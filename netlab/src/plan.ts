// The lab's layout, decided before anything touches the kernel: names, addresses and MACs of every
// node and pod. Pure, so the layout is the same data the harness builds and the tests assert on.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { hostIfname } from './names.js';

/** Flannel's Linux default VNI (pkg/backend/vxlan/vxlan.go `defaultVNI`). */
export const FLANNEL_DEFAULT_VNI = 1;
/** The kernel's VXLAN default port, which Flannel gets when its Backend.Port is 0 (upstream). */
export const VXLAN_PORT_LINUX_DEFAULT = 8472;
/** Talos sets Backend.Port 4789 (siderolabs/talos k8stemplates/flannel.go). */
export const VXLAN_PORT_TALOS = 4789;
/** pkg/backend/vxlan/vxlan_network.go `encapOverhead`: the VXLAN device MTU is the underlay's minus this. */
export const VXLAN_ENCAP_OVERHEAD = 50;

/** The families Flannel runs (net-conf.json EnableIPv4 / EnableIPv6). */
export type IpFamily = 'ipv4' | 'ipv6';

export interface LabOptions {
  /** nodes on the underlay; default 3 (a third node shows that a fault stays where it is) */
  nodes?: number;
  /** pod namespaces behind each node's cni0; default 1 */
  podsPerNode?: number;
  /** MTU of every node's underlay link; default 1500 */
  underlayMtu?: number;
  /** UDP port of every VXLAN device; default 8472 (upstream), 4789 for Talos */
  vxlanPort?: number;
  /** VXLAN network identifier; default 1, so the device is flannel.1 */
  vni?: number;
  /** TCP port every endpoint (host and pod) serves HTTP on; default 8080 */
  endpointPort?: number;
  /**
   * The overlays Flannel runs: ['ipv4'] (default), ['ipv6'] (IPv6-only: only flannel-v6.<VNI>, and
   * the Node objects carry only the IPv6 annotations) or both (dual stack: two devices). Every node
   * keeps its IPv4 underlay address, and the pods stay on the IPv4 pod network, so probes across an
   * IPv6 overlay are not built: the IPv6 overlay is for the node checks.
   */
  ipFamilies?: readonly IpFamily[];
  /**
   * Give the host namespace an address on the underlay switch (10.99.0.1/24), so processes in the
   * node namespaces reach servers the test runs on the host (a Kubernetes API, Prometheus's
   * targets the other way round), as nodes reach a control plane over their network. The address
   * is one per machine: one such lab at a time.
   */
  hostAddress?: boolean;
}

export interface VxlanPlan {
  name: string;
  vni: number;
  port: number;
  /** what Flannel asks for: underlay - 50 on both devices (the kernel caps an IPv6 one at underlay - 70) */
  mtu: number;
  mac: string;
}

/** The IPv6 side of a node (EnableIPv6): underlay address, lease subnet and flannel-v6.<VNI>. */
export interface NodeV6Plan {
  publicIp: string;
  podCidr: string;
  subnetIp: string;
  vxlan: VxlanPlan;
}

export interface PodPlan {
  name: string;
  netns: string;
  ip: string;
  /** the veth end inside the node namespace, enslaved to cni0 */
  nodeVeth: string;
}

export interface NodePlan {
  /** the Kubernetes node name */
  name: string;
  netns: string;
  /** the host-side end of the node's underlay veth, a port of the lab bridge ("the switch port") */
  switchPort: string;
  /** the node-side end: Flannel's external interface */
  underlayIface: string;
  publicIp: string;
  underlayMtu: number;
  /** node.spec.podCIDR; Flannel's lease subnet in kube subnet manager mode */
  podCidr: string;
  /** the lease subnet's network address, Flannel's address on the VXLAN device (as /32) */
  subnetIp: string;
  /** cni0's address: the bridge plugin's gateway, the first host of the subnet */
  gatewayIp: string;
  /** the IPv4 device flannel.<VNI>; built only when the node runs the IPv4 overlay */
  vxlan: VxlanPlan;
  /** the overlays Flannel runs on the node */
  families: IpFamily[];
  /** present when the node runs the IPv6 overlay */
  v6?: NodeV6Plan;
  pods: PodPlan[];
  /** this node's /etc/cni/net.d */
  cniConfDir: string;
}

export interface LabPlan {
  tag: string;
  /** the underlay switch, in the host namespace */
  bridge: string;
  /** the host namespace's address on the switch (options.hostAddress), e.g. 10.99.0.1 */
  hostIp?: string;
  /** where CNI dirs and control sockets live; removed with the lab */
  runDir: string;
  endpointPort: number;
  nodes: NodePlan[];
}

const UNDERLAY_PREFIX = '10.99.0';
/** The IPv6 underlay (ULA) and pod network: node i at fd99::<10+i>/64, its lease fd44:0:0:<i>::/64. */
const UNDERLAY_V6_PREFIX = 'fd99::';
const POD_NETWORK_V6_PREFIX = 'fd44:0:0';
export const UNDERLAY_V6_PREFIX_LEN = 64;
/** Flannel's default Network (Documentation/kube-flannel.yml net-conf.json): 10.244.0.0/16, /24 per node. */
const POD_NETWORK_PREFIX = '10.244';
const MAX_NODES = 200;
const MAX_PODS = 50;

/** A random locally administered unicast MAC, as flannel's mac.NewHardwareAddr makes for flannel.<VNI>. */
export function randomVtepMac(): string {
  const b = randomBytes(6);
  b[0] = ((b[0] ?? 0) & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function planLab(tag: string, tmpDir: string, options: LabOptions = {}, macOf: () => string = randomVtepMac): LabPlan {
  const count = options.nodes ?? 3;
  const podsPerNode = options.podsPerNode ?? 1;
  const underlayMtu = options.underlayMtu ?? 1500;
  const vni = options.vni ?? FLANNEL_DEFAULT_VNI;
  const port = options.vxlanPort ?? VXLAN_PORT_LINUX_DEFAULT;
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES) throw new Error(`nodes must be 1..${MAX_NODES}, got ${count}`);
  if (!Number.isInteger(podsPerNode) || podsPerNode < 1 || podsPerNode > MAX_PODS) throw new Error(`podsPerNode must be 1..${MAX_PODS}`);
  if (underlayMtu < 576 + VXLAN_ENCAP_OVERHEAD || underlayMtu > 9000) throw new Error(`underlayMtu ${underlayMtu} is out of range`);
  const families: IpFamily[] = (['ipv4', 'ipv6'] as const).filter((f) => (options.ipFamilies ?? ['ipv4']).includes(f));
  if (families.length === 0) throw new Error('ipFamilies must name ipv4, ipv6 or both');
  const runDir = path.join(tmpDir, tag);
  const nodes: NodePlan[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `node-${i}`;
    const netns = `${tag}-${name}`;
    const base = `${POD_NETWORK_PREFIX}.${i}`;
    nodes.push({
      name,
      netns,
      switchPort: hostIfname(tag, `u${i}`),
      underlayIface: 'eth0',
      publicIp: `${UNDERLAY_PREFIX}.${10 + i}`,
      underlayMtu,
      podCidr: `${base}.0/24`,
      subnetIp: `${base}.0`,
      gatewayIp: `${base}.1`,
      vxlan: { name: `flannel.${vni}`, vni, port, mtu: underlayMtu - VXLAN_ENCAP_OVERHEAD, mac: macOf() },
      families,
      ...(families.includes('ipv6')
        ? {
            v6: {
              publicIp: `${UNDERLAY_V6_PREFIX}${(10 + i).toString(16)}`,
              podCidr: `${POD_NETWORK_V6_PREFIX}:${i.toString(16)}::/64`,
              subnetIp: `${POD_NETWORK_V6_PREFIX}:${i.toString(16)}::`,
              vxlan: { name: `flannel-v6.${vni}`, vni, port, mtu: underlayMtu - VXLAN_ENCAP_OVERHEAD, mac: macOf() },
            },
          }
        : {}),
      pods: Array.from({ length: podsPerNode }, (_, j) => ({
        name: `${name}-pod-${j + 1}`,
        netns: `${netns}-pod-${j + 1}`,
        ip: `${base}.${j + 2}`,
        nodeVeth: `veth${j + 1}`,
      })),
      cniConfDir: path.join(runDir, name, 'etc', 'cni', 'net.d'),
    });
  }
  return {
    tag,
    bridge: hostIfname(tag, 'br'),
    ...(options.hostAddress ? { hostIp: `${UNDERLAY_PREFIX}.1` } : {}),
    runDir,
    endpointPort: options.endpointPort ?? 8080,
    nodes,
  };
}

export const UNDERLAY_PREFIX_LEN = 24;
