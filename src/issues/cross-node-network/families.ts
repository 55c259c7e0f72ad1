// The metric families of known issue 2 (cross-node pod network), declared once.
import { bool, family } from '../../export/family.js';
import type { CrossNodeSignals } from './detect.js';

type S = CrossNodeSignals;

export const FAMILIES = [
  family<S>({
    name: 'ambient_node_pod_network_reachable',
    type: 'gauge',
    help: 'Whether the exporter reached a pod on the node over the pod network in the last round.',
    labels: ['node'],
    doc:
      '1 if a pod-network address on the node (ztunnel, istiod) answered the exporter at the TCP level this round; absent for ' +
      'nodes with nothing to try.',
    rows: (s) => s.podNetworkReachable.map((r) => ({ labels: { node: r.node }, value: bool(r.reachable) })),
  }),
  family<S>({
    name: 'ambient_node_peer_reachable',
    type: 'gauge',
    help: "Whether the source node's agent reached the target node's agent over the pod network in its last round.",
    labels: ['source_node', 'target_node'],
    doc:
      "1 if the source node's agent completed its probe of the target node's agent across the overlay (the target's VXLAN device " +
      'address; a refused connection counts: the path answered), 0 if the probe got no answer; absent where it told nothing. Each ' +
      'node is probed by `--peer-probers` others (3 by default, chosen by rendezvous hashing), so about that many series per node. ' +
      'Only where node agents run.',
    rows: (s) => s.peerReachable.map((r) => ({ labels: { source_node: r.source, target_node: r.target }, value: bool(r.reachable) })),
  }),
  family<S>({
    name: 'ambient_flannel_pod_ready',
    type: 'gauge',
    help: 'Kubernetes Ready condition of the Flannel pod on the node.',
    labels: ['node'],
    doc:
      'Ready condition of the Flannel pod on the node (upstream `kube-flannel` and Talos `kube-system` layouts); absent where no ' +
      'Flannel is found.',
    rows: (s) => s.flannelPodReady.map((r) => ({ labels: { node: r.node }, value: bool(r.ready) })),
  }),
  family<S>({
    name: 'ambient_node_overlay_configured',
    type: 'gauge',
    help: 'Whether the node carries a valid Flannel backend annotation.',
    labels: ['node', 'backend'],
    doc: '1 if the node carries a valid Flannel backend annotation; `backend` is its type (`vxlan`, ...) or `none`. Only where Flannel is in use.',
    rows: (s) => s.overlayConfigured.map((r) => ({ labels: { node: r.node, backend: r.backend }, value: bool(r.configured) })),
  }),
];
