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
    'Nodes cut off from the pod network: Flannel down and the node silent, no valid overlay (VXLAN) backend annotation, ' +
    "pods on the node unreachable over the pod network, or the exporter's own node unable to reach the others.",
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
        "On the exporter's own node (`--node-name`) only: most other nodes it tried (two at least) did not answer. From one " +
        'vantage point that is this node cut off or the overlay down between every node; either way it is one fault, reported ' +
        'once, here, instead of on every node the exporter cannot see (its alert carries `exporter_node="true"`, as any cross-node failure of that node does).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
  ],
  // judged from Kubernetes objects and whether scrapes got an answer, not from what they returned
  keeps: {},
  families: FAMILIES,
  notes:
    'No `cross_node_network` finding is reported for a NotReady node: a node that is down marks its pods, Flannel\'s included, ' +
    'NotReady, and that is a node failure, not an overlay fault.',
  derive: (input) => deriveCrossNode(input),
  rank: () => RANK.network,
  diagnose: crossNodeDiagnosis,
  bundle: {
    alertGroups: ['ambient-cross-node-network'],
    dashboardRow: { dashboard: 'network', row: 'Nodes' },
    labFaults: ['cross-node', 'flannel-down', 'node-cut-off', 'flannel-crash-loop'],
  },
};
