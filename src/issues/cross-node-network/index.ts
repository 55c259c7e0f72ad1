// Known issue 2: cross-node pod traffic broken, the overlay (Flannel VXLAN) is down.
import { RANK, type IssueModule } from '../types.js';
import { ISSUE, deriveCrossNode, type CrossNodeCause, type CrossNodeSignals } from './detect.js';
import { crossNodeDiagnosis } from './diagnose.js';
import { FAMILIES } from './families.js';

export const crossNodeNetwork: IssueModule<typeof ISSUE, CrossNodeCause, CrossNodeSignals> = {
  issue: ISSUE,
  title: 'cross-node pod traffic broken (overlay down)',
  shortTitle: 'Cross-node pod network',
  symptom: "ztunnel works only on istiod's node",
  description:
    'Nodes cut off from the pod network: Flannel down and the node silent, no valid overlay (VXLAN) backend annotation, the ' +
    "node's own VXLAN device, port, MTU or peer entries broken (seen by its node agent), pods on the node unreachable over the " +
    "pod network, nodes their peers' agents cannot reach (overlay, underlay, MTU, a partition), or the exporter's own node unable to reach the others.",
  unit: 'nodes',
  causes: [
    {
      cause: 'flannel_not_ready',
      meaning:
        "The node's Flannel pod is not Ready and the node's pods do not answer (or the exporter has nothing to try there). " +
        'A Flannel pod not Ready while the node\'s pods still answer is no finding: flanneld leaves `flannel.1` and its ' +
        'forwarding entries in place when it exits, so the kernel keeps forwarding (alert `AmbientFlannelNotReady`, a warning).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'overlay_not_configured',
      meaning:
        'The node lacks a valid Flannel backend annotation (`backend-type`, and for VXLAN well-formed `backend-data` or, ' +
        'IPv6-only, `backend-v6-data`).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'pod_network_unreachable',
      meaning:
        'No pod-network address on the node answered the exporter this round (timeouts; a refused connection counts as an answer). ' +
        "Not reported while the exporter's own node is itself broken (cut off, its Flannel down with no other node answering, no overlay annotation): " +
        'what it cannot reach then says nothing about the other nodes.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'exporter_node_cut_off',
      meaning:
        "On the exporter's own node (`--node-name`) only: most other nodes it tried (two at least) did not answer, while its " +
        'agent, if any, sees nothing wrong on it. From one vantage point that is this node cut off or the overlay down between ' +
        'every node; either way it is one fault, reported once, here, instead of on every node the exporter cannot see (its ' +
        'alert carries `exporter_node="true"`, as any cross-node failure of that node does).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'underlay_down',
      meaning: "The node's agent sees the interface Flannel sends VXLAN out of (the VXLAN device's lower device) without carrier or down.",
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'vxlan_device_missing',
      meaning:
        "The node's agent finds no `flannel.<VNI>` (or `flannel-v6.<VNI>`) device: nothing sends or receives the node's cross-node pod " +
        'traffic. flanneld recreates it when it starts (and since v0.27.4 while it runs).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'vxlan_device_down',
      meaning: "The node's agent finds the Flannel VXLAN device down: the kernel closed its UDP socket and flushed its neighbours and routes.",
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'vxlan_device_misconfigured',
      meaning:
        "The node's Flannel VXLAN device is not what the node advertises: not VXLAN, another VNI, another MAC than its VtepMAC (peers " +
        'address frames it drops), or another UDP port than configured (`--vxlan-port` of the agent).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'vxlan_port_not_bound',
      meaning: "No socket listens on the VXLAN device's UDP port in the node's network namespace: VXLAN packets to the node are dropped.",
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'overlay_mtu_mismatch',
      meaning:
        "The node's VXLAN device MTU plus the VXLAN overhead (50 bytes over IPv4, 70 over IPv6) exceeds its underlay's MTU: small " +
        'requests pass, full-size packets (TLS and HBONE handshakes, large responses) are dropped. Talos: Flannel at 1450 over KubeSpan at 1420.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'fdb_incomplete',
      meaning:
        "The node lacks, or has stale, FDB, neighbour or route entries Flannel programs for some peers (the agent's evidence names " +
        'them): traffic from the node to those peers\' pods is dropped.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'node_unreachable',
      meaning:
        'Neither a pod-network address on the node nor its node agent (on the host network) answered the exporter: the node is off ' +
        'the network (underlay down, or the node itself down), not only its overlay.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'network_partition',
      meaning:
        "The node agents' probes of each other split the nodes into two groups: every probe across failed over both the pod and " +
        'the host network, probes within each group pass. Reported on every node of the smaller group (the whole group is one ' +
        'fault: one alert group, one page).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'peer_underlay_down',
      meaning:
        "Most of the node's probers (two at least) reach it neither over the pod network nor over the host network (its node IP, " +
        'the underlay alone), while they reach other nodes: the node is off the network (its link, its switch port, a firewall on ' +
        'the underlay).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'peer_overlay_down',
      meaning:
        "Most of the node's probers (two at least) fail to reach it over the pod network (its VXLAN device's address, across the " +
        "overlay) while they reach it over the host network: the node's overlay is broken (VXLAN port dropped, a datapath that " +
        'drops everything) while the node itself is up.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'peer_mtu_blackhole',
      meaning:
        "The node's probers' small probes over the pod network pass and most padded ones (16 KiB each way, full-size segments) fail: " +
        'packets past some MTU on the path to the node are dropped (an MTU mismatch, ICMP "fragmentation needed" blocked). Small ' +
        'requests work, TLS and HBONE handshakes and large responses hang.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
  ],
  // judged from Kubernetes objects and whether scrapes got an answer, not from what they returned
  keeps: {},
  families: FAMILIES,
  notes:
    'No `cross_node_network` finding is reported for a NotReady node: a node that is down marks its pods, Flannel\'s included, ' +
    'NotReady, and that is a node failure, not an overlay fault. Where a node agent runs, what it sees on the node itself comes ' +
    'first (`underlay_down`, then `vxlan_device_missing`, `vxlan_device_down`, `vxlan_device_misconfigured`, `vxlan_port_not_bound`, ' +
    '`overlay_mtu_mismatch`, `fdb_incomplete`): it holds from any vantage point, it is more specific than `pod_network_unreachable`, ' +
    "and a Flannel pod's readiness says nothing of the datapath. A node whose agent reports such a cause takes no part in judging " +
    "whether the exporter's own node is cut off; when the exporter's own node is the one with the local fault, that cause is " +
    "reported for it instead of `exporter_node_cut_off`, and the other nodes are not reported from its vantage point. A dropped " +
    'VXLAN port or a datapath that drops everything changes nothing on the node: only the probes of other nodes show it. ' +
    "Where node agents run, each node is probed by `--peer-probers` others (3 by default) over the pod network, the host network " +
    'and with padded messages, and their agreement comes next (`network_partition`, `peer_underlay_down`, `peer_overlay_down`, ' +
    '`peer_mtu_blackhole`): it holds for the exporter\'s own node as for any other, and once the probers agree on a node, healthy ' +
    "or not, the exporter's single vantage point (`pod_network_unreachable`, `node_unreachable`, `exporter_node_cut_off`) is not " +
    'consulted for it. Too few probers (fewer than two agreeing) or a tie is no verdict: the vantage point decides as before.',
  derive: (input) => deriveCrossNode(input),
  rank: () => RANK.network,
  diagnose: crossNodeDiagnosis,
  bundle: {
    alertGroups: ['ambient-cross-node-network'],
    dashboardRow: { dashboard: 'network', row: 'Nodes' },
    labFaults: ['cross-node', 'flannel-down', 'node-cut-off', 'flannel-crash-loop'],
  },
};
