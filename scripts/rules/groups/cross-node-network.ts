// Known issue 2: a node cut off from the cross-node pod network (overlay).
import type { AlertGroupSpec } from '../spec.js';
import { CROSS_NODE, KEEP_FIRING, READY_ISTIOD_NODES, currentCause } from './common.js';

export const crossNodeNetworkGroup: AlertGroupSpec = {
  title: 'Cross-node network',
  name: 'ambient-cross-node-network',
  alerts: [
    {
      alert: 'AmbientCrossNodeNetworkFailure',
      severity: 'critical',
      for: '3m',
      keepFiringFor: KEEP_FIRING.network,
      // hosts_istiod="true" marks a node holding every ready istiod: the ztunnels of all other nodes
      // lose istiod through it, and an inhibition with equal: [cluster] silences them.
      expr: [
        // cut-off nodes holding a ready istiod, in clusters where no ready istiod sits elsewhere
        'label_replace(',
        `    (${CROSS_NODE})`,
        '  and on (cluster, node)',
        `    (${READY_ISTIOD_NODES})`,
        '  unless on (cluster)',
        `    ((${READY_ISTIOD_NODES}) unless on (cluster, node) (${CROSS_NODE})),`,
        '  "hosts_istiod", "true", "", ""',
        ')',
        'or on (cluster, node)',
        CROSS_NODE,
      ].join('\n'),
      summary: 'A node is cut off from the cross-node pod network.',
      description:
        `Pods on node {{ $labels.node }} cannot be reached from other nodes over the pod network (cause: ${currentCause('cross_node_network')}). ` +
        'Cross-node traffic to and from the node fails, and its ztunnel cannot reach istiod when istiod runs elsewhere.' +
        '{{ if eq $labels.hosts_istiod "true" }} The node hosts every ready istiod: the ztunnels of all other nodes are cut off from their configuration too.{{ end }}',
      meaning:
        "A node's pods are unreachable over the overlay (Flannel/VXLAN); with `hosts_istiod=\"true\"` the node holds every ready istiod, so every node's ztunnel alerts are inhibited.",
    },
  ],
};
