// Known issue 2: a node cut off from the cross-node pod network (overlay).
import { JOB, type AlertGroupSpec } from '../spec.js';
import { CROSS_NODE, KEEP_FIRING, READY_ISTIOD_NODES, currentCause } from './common.js';

/**
 * The node the exporter runs on. A cross-node failure of that node, whatever its cause, leaves the
 * exporter unable to reach any other node; the mark follows the node, not the cause, so a cause that
 * changes (exporter_node_cut_off, then flannel_not_ready) keeps the same alert and pages no one again.
 */
const EXPORTER_NODE = `max by (cluster, node) (ambient_exporter_node_info{${JOB}})`;

/** Every cut-off node, labelled hosts_istiod="true" where it holds a ready istiod and no ready istiod sits elsewhere. */
const CUT_OFF_NODES = [
  '(',
  '  label_replace(',
  `      (${CROSS_NODE})`,
  '    and on (cluster, node)',
  `      (${READY_ISTIOD_NODES})`,
  '    unless on (cluster)',
  `      ((${READY_ISTIOD_NODES}) unless on (cluster, node) (${CROSS_NODE})),`,
  '    "hosts_istiod", "true", "", ""',
  '  )',
  '  or on (cluster, node)',
  `  ${CROSS_NODE}`,
  ')',
];

export const crossNodeNetworkGroup: AlertGroupSpec = {
  title: 'Cross-node network',
  name: 'ambient-cross-node-network',
  alerts: [
    {
      alert: 'AmbientCrossNodeNetworkFailure',
      severity: 'critical',
      for: '3m',
      keepFiringFor: KEEP_FIRING.network,
      // exporter_node="true" marks the exporter's own node cut off (for any cause): it cannot reach
      // the other nodes' pods, and an inhibition with equal: [cluster] silences its failed scrapes of them.
      // hosts_istiod="true" marks a node holding every ready istiod: the ztunnels of all other nodes
      // lose istiod through it, and an inhibition with equal: [cluster] silences them.
      expr: [
        // the two labels combine: the exporter's own node cut off may also hold every ready istiod
        'label_replace(',
        ...CUT_OFF_NODES.map((l) => `  ${l}`),
        `  and on (cluster, node) (${EXPORTER_NODE}),`,
        '  "exporter_node", "true", "", ""',
        ')',
        'or on (cluster, node)',
        ...CUT_OFF_NODES,
      ].join('\n'),
      summary: 'A node is cut off from the cross-node pod network.',
      description:
        `Pods on node {{ $labels.node }} cannot be reached from other nodes over the pod network (cause: ${currentCause('cross_node_network')}). ` +
        'Cross-node traffic to and from the node fails, and its ztunnel cannot reach istiod when istiod runs elsewhere.' +
        '{{ if eq $labels.exporter_node "true" }} It is the node the exporter runs on, which then reaches none of the other nodes either; with cause ' +
        'exporter_node_cut_off this node is cut off, or the overlay is down between every node (from one node the two look alike; check this node first).{{ end }}' +
        '{{ if eq $labels.hosts_istiod "true" }} The node hosts every ready istiod: the ztunnels of all other nodes are cut off from their configuration too.{{ end }}',
      meaning:
        "A node's pods are unreachable over the overlay (Flannel/VXLAN); with `hosts_istiod=\"true\"` the node holds every ready istiod, so every node's ztunnel alerts are inhibited; with `exporter_node=\"true\"` it is the exporter's own node, which sees no other node.",
    },
    {
      alert: 'AmbientFlannelNotReady',
      severity: 'warning',
      for: '15m',
      // A Flannel pod NotReady while the node's pods still answer: the kernel datapath keeps forwarding
      // on its last state (flanneld leaves flannel.1 and its entries behind when it exits). Only where
      // the exporter reached the node's pods this round: a node that is down (its pods, Flannel's
      // included, marked NotReady) has no cross-node finding either, and its pods do not answer.
      expr: [
        `max by (cluster, node) (ambient_flannel_pod_ready{${JOB}}) == 0`,
        `and on (cluster, node) (max by (cluster, node) (ambient_node_pod_network_reachable{${JOB}}) == 1)`,
        `unless on (cluster, node) (${CROSS_NODE})`,
      ].join('\n'),
      summary: 'Flannel is not Ready on a node whose pods still answer.',
      description:
        'The Flannel pod on node {{ $labels.node }} has not been Ready for 15 minutes, yet pods there still answer over the pod network: ' +
        'flanneld is crash-looping or restarting while the kernel VXLAN path forwards on its last state. Cross-node traffic of the node ' +
        'breaks when Flannel leases change (a node joins, leaves or gets a new address) until flanneld runs again.',
      meaning: "Flannel's pod is not Ready on a node while its pods still answer over the overlay: no outage yet, but the next lease change breaks the node.",
    },
  ],
};
