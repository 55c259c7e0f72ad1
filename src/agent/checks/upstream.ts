// Names and numbers the checks take from upstream. Each cites where it comes from.
import type { IpFamily } from './types.js';

export {
  FLANNEL_BACKEND_DATA,
  FLANNEL_BACKEND_TYPE,
  FLANNEL_BACKEND_V6_DATA,
  FLANNEL_PUBLIC_IP,
  FLANNEL_PUBLIC_IPV6,
  FLANNEL_SUBNET_MANAGER,
} from '../../istio.js';

/** flannel pkg/backend/vxlan/vxlan.go createVXLANDevice: the IPv4 device is `flannel.<VNI>`. */
export const flannelDeviceName = (vni: number): string => `flannel.${vni}`;
/** ...and the IPv6 one `flannel-v6.<VNI>` (EnableIPv6); a dual-stack node has both, with separate MACs. */
export const flannelV6DeviceName = (vni: number): string => `flannel-v6.${vni}`;

export const deviceNameOf = (family: IpFamily, vni: number): string => (family === 'ipv6' ? flannelV6DeviceName(vni) : flannelDeviceName(vni));

/**
 * Bytes VXLAN adds to every frame: outer Ethernet 14 + IP + UDP 8 + VXLAN 8. Linux include/net/vxlan.h
 * VXLAN_HEADROOM (IPv4, 50) and VXLAN6_HEADROOM (IPv6, 70); flannel's vxlan_network.go `encapOverhead`
 * is the IPv4 one. Flannel asks for underlay MTU - 50 on both devices (device.go newVXLANDevice), and
 * the kernel caps an IPv6 device with a lower device at underlay - 70 (seen on Linux 6.18: 1450 asked
 * over a 1500 underlay gives 1430).
 */
export const VXLAN_ENCAP_OVERHEAD = 50;
export const VXLAN6_ENCAP_OVERHEAD = 70;
export const encapOverheadOf = (family: IpFamily): number => (family === 'ipv6' ? VXLAN6_ENCAP_OVERHEAD : VXLAN_ENCAP_OVERHEAD);

/**
 * istiod's node untaint controller removes this taint once istio-cni is ready on the node
 * (istio/istio pilot/pkg/controllers/untaint/nodeuntainter.go, matched by key whatever the
 * effect; the key is PILOT_NODE_UNTAINT_CONTROLLERS_TAINT_NAME, default in pilot/pkg/features/pilot.go).
 */
export const CNI_NOT_READY_TAINT = 'cni.istio.io/not-ready';

/** istio/istio cni/pkg/install/cniconfig.go createCNIConfigFile: the chained plugin's `type`. */
export const ISTIO_CNI_PLUGIN_TYPE = 'istio-cni';

/**
 * containerd/go-cni opts.go loadFromConfDir: config files by extension, sorted lexically; the first
 * is the default network (containerd loads max_conf_num = 1). istio-cni picks the same file
 * (cni/pkg/install/cniconfig.go getConfigFilenames, after libcni.ConfFiles + sort.Strings).
 */
export const CNI_CONFIG_EXTENSIONS = ['.conf', '.conflist', '.json'] as const;
