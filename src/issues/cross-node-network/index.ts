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
    'Nodes cut off from the pod network: Flannel pod not ready, no valid overlay (VXLAN) backend annotation, or pods on the ' +
    'node unreachable over the pod network.',
  unit: 'nodes',
  causes: [
    { cause: 'flannel_not_ready', meaning: "The node's Flannel pod is not Ready.", pagedBy: 'AmbientCrossNodeNetworkFailure' },
    {
      cause: 'overlay_not_configured',
      meaning: 'The node lacks a valid Flannel backend annotation (`backend-type`, and for VXLAN well-formed `backend-data`).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'pod_network_unreachable',
      meaning:
        'No pod-network address on the node answered the exporter this round (timeouts; a refused connection counts as an answer). ' +
        "When the exporter's own node (`--node-name`) is the broken one (its Flannel is down or unconfigured, or every other node " +
        'is unreachable while their ztunnels are Ready and its own is not), the own node is reported instead of every node it cannot see.',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
    {
      cause: 'exporter_node_cut_off',
      meaning:
        "On the exporter's own node (`--node-name`) only: most other nodes it tried (two at least) did not answer. From one " +
        'vantage point that is this node cut off or the overlay down between every node; either way it is one fault, reported ' +
        'once, here, instead of on every node the exporter cannot see (alert label `exporter_node="true"`).',
      pagedBy: 'AmbientCrossNodeNetworkFailure',
    },
  ],
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
    labFaults: ['cross-node', 'flannel-down'],
  },
};
