// "Network": can the exporter reach each node's pods over the pod network, is Flannel ready and the
// overlay configured there, and what the node agents see on their nodes. A collapsed row holds the
// place of agent mode's node-pair matrix.
import { BigValueColorMode } from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  NODE_MATCHER,
  UIDS,
  clusterVariable,
  dashboardsDropdown,
  datasourceVariable,
  nodeVariable,
  runbooksLink,
  sel,
} from './common.js';
import { assemble } from './layout.js';
import { BAD_WHEN_POSITIVE, affectedNodesTable, boolMappings, joinedTable, markdown, stateTimeline, statPanel, timeSeries } from './panels.js';
import type { Sized } from './panels.js';

const RATE = '[$__rate_interval]';

function nodes(): Sized[] {
  return [
    statPanel({
      title: 'Nodes cut off',
      description:
        'Nodes whose root cause is the cross-node pod network (ambient_issue_affected{issue="cross_node_network"}): Flannel ' +
        'down with the node silent, no valid overlay backend, the node\'s own VXLAN state broken (seen by its agent), pods on ' +
        "the node unreachable over the pod network, or the exporter's own node reaching none of the others.",
      unit: 'suffix: nodes',
      queries: [{ expr: `sum(${sel('issue:ambient_issue_affected:max', 'issue="cross_node_network"')})` }],
      steps: BAD_WHEN_POSITIVE,
      colorMode: BigValueColorMode.Background,
      w: 6,
      h: 6,
    }),
    affectedNodesTable({
      issue: 'cross_node_network',
      title: 'Nodes cut off: which and why',
      description:
        'Only the nodes whose root cause is the cross-node pod network now (ambient_node_issue{issue="cross_node_network"}), ' +
        'with the cause: flannel_not_ready, overlay_not_configured, pod_network_unreachable, exporter_node_cut_off (the ' +
        "exporter's own node: it or the whole overlay is cut off, alike from one vantage point), or what the node's agent sees " +
        'on it (underlay_down, vxlan_device_missing, vxlan_device_down, vxlan_device_misconfigured, vxlan_port_not_bound, ' +
        'overlay_mtu_mismatch, fdb_incomplete), node_unreachable, or what its peers\' agents agree on (network_partition, ' +
        'peer_underlay_down, peer_overlay_down, peer_mtu_blackhole). Empty when no node is cut off. A Flannel pod not Ready ' +
        'while the node still answers is no cut-off: see the Flannel ready column (alert AmbientFlannelNotReady).',
    }),
    joinedTable({
      title: 'Nodes',
      description:
        'Per node: pods reachable from the exporter over the pod network (ambient_node_pod_network_reachable), Flannel pod ' +
        'Ready (ambient_flannel_pod_ready; absent where no Flannel runs), the overlay backend named by the node\'s Flannel ' +
        'annotations (none when there is none) and whether it is valid (ambient_node_overlay_configured), and the root cause ' +
        'the exporter derives for the node. Unreachable nodes first.',
      unit: 'none',
      key: 'node',
      keyTitle: 'Node',
      columns: [
        { kind: 'bool', name: 'Pod network', expr: `max by (node) (${sel('ambient_node_pod_network_reachable', NODE_MATCHER)})`, yes: 'reachable', no: 'unreachable' },
        { kind: 'bool', name: 'Flannel ready', expr: `max by (node) (${sel('ambient_flannel_pod_ready', NODE_MATCHER)})`, yes: 'ready', no: 'not ready' },
        { kind: 'labels', expr: `max by (node, backend) (${sel('ambient_node_overlay_configured', NODE_MATCHER)})`, labels: { backend: 'Overlay backend' } },
        { kind: 'bool', name: 'Overlay configured', expr: `max by (node) (${sel('ambient_node_overlay_configured', NODE_MATCHER)})`, yes: 'yes', no: 'no' },
        { kind: 'labels', expr: `max by (node, issue, cause) (${sel('ambient_node_issue', NODE_MATCHER)})`, labels: { issue: 'Issue', cause: 'Cause' }, bad: true },
      ],
      sortBy: { column: 'Pod network' },
      w: 24,
      h: 8,
    }),
    stateTimeline({
      title: 'Pod network reachability',
      description:
        'ambient_node_pod_network_reachable over time: 1 when the exporter reached a pod on the node over the pod network ' +
        'in that round. A node turning red alone is cut off; all nodes but the exporter\'s own turning red is an overlay failure.',
      unit: 'none',
      queries: [{ expr: `max by (node) (${sel('ambient_node_pod_network_reachable', NODE_MATCHER)})`, legend: '{{node}}' }],
      mappings: boolMappings('reachable', 'unreachable'),
    }),
    stateTimeline({
      title: 'Flannel pod ready',
      description: 'ambient_flannel_pod_ready over time: the Ready condition of the Flannel pod on each node.',
      unit: 'none',
      queries: [{ expr: `max by (node) (${sel('ambient_flannel_pod_ready', NODE_MATCHER)})`, legend: '{{node}}' }],
      mappings: boolMappings('ready', 'not ready'),
    }),
  ];
}

function scrapes(): Sized[] {
  return [
    timeSeries({
      title: 'Failed component scrapes by node',
      description:
        'Per node, how many of the ztunnel, istio-cni and istiod pods there the exporter failed to scrape in its last round ' +
        '(1 - ambient_exporter_scrape_up, summed): the exporter reaching them over the pod network. 0 when every scrape ' +
        'succeeds; several components failing on one node points at that node\'s network. The legend lists the worst nodes first.',
      unit: 'none',
      queries: [{ expr: `sum by (node) (1 - ${sel('ambient_exporter_scrape_up', NODE_MATCHER)})`, legend: '{{node}}' }],
      legend: 'max',
      min: 0,
      decimals: 0,
    }),
    timeSeries({
      title: 'Scrape errors by reason',
      description:
        'Failed scrapes per second by component and reason (ambient_exporter_scrape_errors_total): connect and timeout ' +
        'errors are network symptoms; http_status and parse are the component\'s.',
      unit: 'ops',
      queries: [
        { expr: `sum by (component, reason) (rate(${sel('ambient_exporter_scrape_errors_total')}${RATE}))`, legend: '{{component}} {{reason}}' },
      ],
      min: 0,
    }),
    timeSeries({
      title: 'Slowest component scrapes',
      description:
        'The 10 slowest of the exporter\'s last scrapes of component pods at each moment (ambient_exporter_scrape_duration_seconds, ' +
        'topk 10); rising toward the scrape timeout signals a slow path to that node.',
      unit: 's',
      queries: [
        {
          expr: `topk(10, max by (component, node) (${sel('ambient_exporter_scrape_duration_seconds', NODE_MATCHER)}))`,
          legend: '{{node}} {{component}}',
        },
      ],
      legend: 'max',
      min: 0,
      w: 24,
    }),
  ];
}

const AGENT = 'component="agent"';

/** What the node agents (`ambient-exporter agent`) report from the nodes themselves, through the exporter. */
function nodeChecks(): Sized[] {
  return [
    statPanel({
      title: 'Agents answering',
      description:
        "Node agents whose summary the exporter read in its last round (ambient_exporter_scrape_up{component=\"agent\"}). 0 or no data " +
        'without agents: the exporter then scrapes every ztunnel and istio-cni itself.',
      unit: 'suffix: nodes',
      queries: [{ expr: `sum(${sel('ambient_exporter_scrape_up', AGENT, NODE_MATCHER)})` }],
      w: 6,
      h: 6,
    }),
    statPanel({
      title: 'Agents not answering',
      description:
        'Node agents the exporter could not read (timeout, refused, not a valid summary for their node): their nodes\' checks are ' +
        'unknown this round, and so are their ztunnel and istio-cni samples. No data without agents.',
      unit: 'suffix: nodes',
      queries: [{ expr: `sum(1 - ${sel('ambient_exporter_scrape_up', AGENT, NODE_MATCHER)})` }],
      steps: BAD_WHEN_POSITIVE,
      colorMode: BigValueColorMode.Background,
      w: 6,
      h: 6,
    }),
    joinedTable({
      title: 'Node checks failing',
      description:
        'Each check a node agent reports as a problem (ambient_node_check_problem): the VXLAN device, its port and MTU, the ' +
        'underlay, the FDB/neighbour/route entries of its peers, istio-cni in the CNI config, the not-ready taint. The reasons are ' +
        'in docs/node-checks.md; the node\'s root cause is in the table above. Empty when every agent sees its node healthy.',
      unit: 'none',
      key: 'node',
      keyTitle: 'Node',
      columns: [
        {
          kind: 'labels',
          expr: `max by (node, check, family, reason) (${sel('ambient_node_check_problem', NODE_MATCHER)})`,
          labels: { check: 'Check', family: 'Family', reason: 'Reason' },
          bad: true,
        },
      ],
      w: 12,
      h: 6,
    }),
    stateTimeline({
      title: 'Agent summaries read',
      description:
        "Per node, whether the exporter read its agent's summary in each round. An agent on the host network that stops " +
        'answering while the node\'s pods do not answer either puts the node off the network (cause node_unreachable).',
      unit: 'none',
      queries: [{ expr: `max by (node) (${sel('ambient_exporter_scrape_up', AGENT, NODE_MATCHER)})`, legend: '{{node}}' }],
      mappings: boolMappings('read', 'not read'),
    }),
    timeSeries({
      title: 'Checks the agents could not judge',
      description:
        'Per node, the checks its agent answered unknown (ambient_node_checks_unknown): no host network, iproute2 missing, the CNI ' +
        'directory not mounted, its Node not listed. What an agent cannot see, it cannot report.',
      unit: 'none',
      queries: [{ expr: `max by (node) (${sel('ambient_node_checks_unknown', NODE_MATCHER)})`, legend: '{{node}}' }],
      legend: 'max',
      min: 0,
      decimals: 0,
    }),
    stateTimeline({
      title: "Reached by its peers' agents",
      description:
        "Per node, whether every one of its probers (other nodes' agents, --peer-probers of them) reached it over the pod network " +
        '(min of ambient_node_peer_reachable by target_node). One node red while the others stay green is that node; two groups ' +
        'red is a partition. The cause (peer_overlay_down, peer_underlay_down, peer_mtu_blackhole, network_partition) is in the ' +
        'Nodes table. No data without agents or with --peer-probers 0.',
      unit: 'none',
      queries: [{ expr: `min by (target_node) (${sel('ambient_node_peer_reachable', 'target_node=~"$node"')})`, legend: '{{target_node}}' }],
      mappings: boolMappings('reached by all', 'not reached by some'),
    }),
  ];
}

function nodePairPlaceholder(): Sized[] {
  return [
    markdown({
      title: 'Node-pair reachability',
      description: 'Placeholder for the agent mode\'s node-to-node probe matrix.',
      markdown:
        'The per-node agent (`ambient-exporter agent`, a DaemonSet) probes pods on other nodes and exports ' +
        '`ambient_node_peer_reachable{source_node, target_node}`. Its matrix belongs in this row once agent mode ships; ' +
        'until then, use the per-node reachability above.',
      h: 4,
    }),
  ];
}

export function networkDashboard(runbookBase: string): Dashboard {
  return assemble({
    uid: UIDS.network,
    title: 'Ambient / network',
    description:
      'Cross-node pod network: reachability of each node\'s pods, Flannel readiness, overlay configuration, component scrapes, and the node agents\' checks.',
    variables: [datasourceVariable(), clusterVariable(), nodeVariable('ambient_node_pod_network_reachable')],
    links: [dashboardsDropdown(), runbooksLink(runbookBase)],
    sections: [
      { title: 'Nodes', panels: nodes() },
      { title: 'Reaching component pods', panels: scrapes() },
      { title: 'Node-local checks (agents)', panels: nodeChecks() },
      { title: 'Node-pair reachability (agent mode)', collapsed: true, panels: nodePairPlaceholder() },
    ],
  });
}
