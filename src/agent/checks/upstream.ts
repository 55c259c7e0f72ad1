// Names and numbers the checks take from upstream. Each cites where it comes from.
export { FLANNEL_BACKEND_DATA, FLANNEL_BACKEND_TYPE, FLANNEL_PUBLIC_IP, FLANNEL_SUBNET_MANAGER } from '../../istio.js';

/** flannel pkg/backend/vxlan/vxlan.go: the device is named `flannel.<VNI>`. */
export const flannelDeviceName = (vni: number): string => `flannel.${vni}`;
/** flannel pkg/backend/vxlan/vxlan_network.go `encapOverhead`: VXLAN over IPv4 needs 50 bytes. */
export const VXLAN_ENCAP_OVERHEAD = 50;

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
