// What each check needs, and what it depends on. Reading link, FDB, neighbour and route state is a
// netlink dump, which needs no capability; /proc/net/udp shows the reader's own network namespace,
// so host network is enough (no hostPID, no host /proc mount). Verified by the integration test
// that runs every check as uid 65534 with all capabilities dropped (test/integration/agent-checks-netlab.test.ts).
import type { CheckName, CheckRequirements } from './types.js';

export const CNI_CONF_DIR = '/etc/cni/net.d';

const netlink = (commands: string[], kubeApi: string[]): CheckRequirements => ({
  hostNetwork: true,
  hostPaths: [],
  capabilities: [],
  commands,
  kubeApi,
});

export const CHECK_REQUIREMENTS: Record<CheckName, CheckRequirements> = {
  // the own node's annotations say which VNI and MAC the device must have
  flannel_vxlan_device: netlink(['ip'], ['get nodes']),
  underlay_link: netlink(['ip'], ['get nodes']),
  flannel_vxlan_mtu: netlink(['ip'], ['get nodes']),
  // reads /proc/net/udp{,6}; `ip` tells it the device's port
  flannel_vxlan_port: netlink(['ip'], ['get nodes']),
  // every peer's annotations and podCIDR
  flannel_fdb: netlink(['ip', 'bridge'], ['list nodes']),
  flannel_neighbours: netlink(['ip'], ['list nodes']),
  flannel_routes: netlink(['ip'], ['list nodes']),
  istio_cni_config: { hostNetwork: false, hostPaths: [CNI_CONF_DIR], capabilities: [], commands: [], kubeApi: [] },
  istio_cni_taint: { hostNetwork: false, hostPaths: [], capabilities: [], commands: [], kubeApi: ['get nodes'] },
};

export const CHECK_DEPENDS_ON: Record<CheckName, readonly CheckName[]> = {
  flannel_vxlan_device: [],
  underlay_link: [],
  flannel_vxlan_mtu: ['flannel_vxlan_device', 'underlay_link'],
  flannel_vxlan_port: ['flannel_vxlan_device'],
  flannel_fdb: ['flannel_vxlan_device'],
  flannel_neighbours: ['flannel_vxlan_device'],
  flannel_routes: ['flannel_vxlan_device'],
  istio_cni_config: [],
  istio_cni_taint: [],
};
