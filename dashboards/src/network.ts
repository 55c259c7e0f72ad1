// "Network": can the exporter reach each node's pods over the pod network, is Flannel ready and the
// overlay configured there. A collapsed row holds the place of agent mode's node-pair matrix.
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
        'down with the node silent, no valid overlay backend, pods on the node unreachable over the pod network, or the ' +
        "exporter's own node reaching none of the others.",
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
        'with the cause: flannel_not_ready, overlay_not_configured, pod_network_unreachable or exporter_node_cut_off (the ' +
        "exporter's own node: it or the whole overlay is cut off, alike from one vantage point). Empty when no node is cut off. " +
        'A Flannel pod not Ready while the node still answers is no cut-off: see the Flannel ready column (alert AmbientFlannelNotReady).',
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
    description: 'Cross-node pod network: reachability of each node\'s pods, Flannel readiness, overlay configuration, component scrapes.',
    variables: [datasourceVariable(), clusterVariable(), nodeVariable('ambient_node_pod_network_reachable')],
    links: [dashboardsDropdown(), runbooksLink(runbookBase)],
    sections: [
      { title: 'Nodes', panels: nodes() },
      { title: 'Reaching component pods', panels: scrapes() },
      { title: 'Node-pair reachability (agent mode)', collapsed: true, panels: nodePairPlaceholder() },
    ],
  });
}
