// The node checks' vocabulary. Check names and reasons are closed sets: they become label values
// later, so nothing here is free text. What people need to see lives in `evidence`.

/** Checks of the node's network namespace (they need hostNetwork), in result order. */
export const NETWORK_CHECKS = [
  'flannel_vxlan_device',
  'underlay_link',
  'flannel_vxlan_mtu',
  'flannel_vxlan_port',
  'flannel_fdb',
  'flannel_neighbours',
  'flannel_routes',
] as const;

export const CHECK_NAMES = [...NETWORK_CHECKS, 'istio_cni_config', 'istio_cni_taint'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export type CheckStatus = 'ok' | 'problem' | 'unknown';

/** The overlay's address family: Flannel runs `flannel.<VNI>` for IPv4 and `flannel-v6.<VNI>` for IPv6. */
export const IP_FAMILIES = ['ipv4', 'ipv6'] as const;
export type IpFamily = (typeof IP_FAMILIES)[number];

/** Why a check could not judge. */
export const UNKNOWN_REASONS = [
  /** the process is not in the node's network namespace (hostNetwork: false) */
  'no_host_network',
  /** `ip`/`bridge` not installed where the check runs */
  'command_missing',
  'permission_denied',
  'command_failed',
  'timeout',
  /** a command's or file's output had a shape the parser does not know */
  'unparseable_output',
  /** /proc/net/udp absent: /proc not mounted */
  'proc_net_unavailable',
  /** the own Node object was not given */
  'node_not_found',
  /** the own node carries no Flannel VXLAN lease (annotations, podCIDR): nothing to compare with */
  'node_not_flannel_vxlan',
  /** depends on the VXLAN device, which is missing, down or not VXLAN */
  'vxlan_device_unavailable',
  /** depends on the underlay interface, which cannot be identified */
  'underlay_unavailable',
  /** the CNI config directory is not there (hostPath not mounted) */
  'cni_dir_missing',
  /** the peers to compare with come with the exporter's probe plan, which has not arrived yet */
  'no_peer_plan',
] as const;

/** What is wrong. The issue causes they feed: vxlan_device_missing/down -> vxlan_device_missing,
 *  vxlan_port_not_bound, overlay_mtu_mismatch, fdb_entry_* (and neigh/route) -> fdb_incomplete,
 *  cni_plugin_not_configured. */
export const PROBLEM_REASONS = [
  'vxlan_device_missing',
  'vxlan_device_down',
  'not_vxlan',
  'vni_mismatch',
  /** the device's MAC is not the VtepMAC the node advertises: peers send to a MAC it drops */
  'vtep_mac_mismatch',
  'vxlan_port_unexpected',
  'underlay_down',
  'overlay_mtu_mismatch',
  'vxlan_port_not_bound',
  'fdb_entry_missing',
  /** an entry for the peer's VtepMAC points at another address */
  'fdb_entry_stale',
  'neigh_entry_missing',
  /** the entry has another MAC, or is not the permanent entry Flannel writes */
  'neigh_entry_stale',
  'route_missing',
  /** a route to the peer's podCIDR that is not `via <subnet>.0 onlink` */
  'route_mismatch',
  'no_cni_config',
  /** the active config does not parse the way containerd's go-cni needs it */
  'cni_config_invalid',
  'cni_plugin_not_configured',
  'cni_not_ready_taint',
] as const;

export type UnknownReason = (typeof UNKNOWN_REASONS)[number];
export type ProblemReason = (typeof PROBLEM_REASONS)[number];
export type Reason = 'ok' | UnknownReason | ProblemReason;

/** Evidence for people: the values behind a verdict. Bounded: lists are capped (see result.ts). */
export type Evidence = Record<string, string | number | boolean | readonly string[]>;

/** What a check needs to judge; machine-readable so manifests and docs derive from it. */
export interface CheckRequirements {
  /** must run in the node's network namespace (hostNetwork: true) */
  hostNetwork: boolean;
  /** host paths it reads, mounted read-only */
  hostPaths: readonly string[];
  /** Linux capabilities; empty means it runs as non-root with every capability dropped */
  capabilities: readonly string[];
  /** programs it runs */
  commands: readonly string[];
  /** Kubernetes API reads */
  kubeApi: readonly string[];
}

export interface CheckResult {
  check: CheckName;
  /** network checks: the overlay judged (a dual-stack node has both); absent for the others */
  family?: IpFamily;
  status: CheckStatus;
  reason: Reason;
  evidence: Evidence;
  requires: CheckRequirements;
  /** checks whose failure makes this one unknown rather than a second problem */
  dependsOn: readonly CheckName[];
}

/** Why collecting raw data failed. */
export type CollectFailure = 'command_missing' | 'permission_denied' | 'command_failed' | 'timeout' | 'unparseable_output' | 'not_found';

/** Raw data from one collector: the value, or why there is none (with a detail for people). */
export type Collected<T> = { ok: true; value: T } | { ok: false; failure: CollectFailure; detail: string };
