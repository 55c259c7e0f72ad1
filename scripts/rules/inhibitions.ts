// The causal chain of the four known issues, as Alertmanager inhibitions: while a cause fires, the
// alerts it explains are silenced, so one fault pages once, by its root cause. `cluster` is added to
// every `equal` list: with one cluster per Alertmanager it is absent on both sides (and so equal);
// with several, a cause in one cluster never silences another cluster's alerts.
//
// The `for` ladder in alerts.ts makes each source fire before its targets, and graded keep_firing_for
// keeps each source up longer than what it explained (a cause changing, a rate window draining, a
// symptom recovering after its cause).
//
// A source inhibits whether or not it is itself silenced or inhibited (Alertmanager 0.25), so a
// cluster-wide source only targets alerts that cannot have another cause: a silenced or stuck istiod
// alert must not hide a ztunnel that crashes or an istio-cni agent that is down.

import type { InhibitionSpec } from './spec.js';

const CLUSTER_ISTIOD = ['AmbientIstiodXdsPortMissing', 'AmbientIstiodNoReadyEndpoints', 'AmbientIstiodXdsUnreachable'];
const ZTUNNEL_XDS = ['AmbientZtunnelIstiodUnreachable', 'AmbientZtunnelXdsConnectionErrors'];
/** Scrapes that cross the pod network (istio-cni runs on the host network). */
const POD_NETWORK_COMPONENTS = ['ztunnel', 'istiod'];

export const INHIBITIONS: InhibitionSpec[] = [
  {
    why:
      "istiod unusable cluster-wide (Service without 15012, no ready endpoint, port unreachable): every ztunnel's xDS stream fails because of it. " +
      'Not AmbientZtunnelNotReady (it fires only for a ztunnel not waiting for istiod) nor pod creation: a ztunnel that synced before keeps its istio-cni connection whatever xDS does, ' +
      "and a node whose ztunnel never synced already has istiod as its root cause (the exporter ranks it so), so its pod creation alert does not fire.",
    sources: CLUSTER_ISTIOD,
    targets: ZTUNNEL_XDS,
    equal: [],
  },
  {
    why: "istiod has no ready endpoint or cannot be reached: the exporter's scrape of istiod fails for the same reason.",
    sources: ['AmbientIstiodNoReadyEndpoints', 'AmbientIstiodXdsUnreachable'],
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: 'istiod' },
    equal: [],
  },
  {
    why: 'A node cut off from the pod network: its ztunnel cannot reach istiod (stream failing, not Ready after a restart).',
    sources: ['AmbientCrossNodeNetworkFailure'],
    targets: [...ZTUNNEL_XDS, 'AmbientZtunnelNotReady'],
    equal: ['node'],
  },
  {
    why: "A node cut off from the pod network: the exporter cannot scrape its pod-network pods. istio-cni runs on the host network: its alerts stay.",
    sources: ['AmbientCrossNodeNetworkFailure'],
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: POD_NETWORK_COMPONENTS },
    equal: ['node'],
  },
  {
    why:
      "The cut-off node holds every ready istiod: the ztunnels of all nodes lose their configuration through it, and the exporter's failed dials to istiod are the network's doing.",
    sources: ['AmbientCrossNodeNetworkFailure'],
    sourceLabels: { hosts_istiod: 'true' },
    targets: [...ZTUNNEL_XDS, 'AmbientZtunnelNotReady', 'AmbientIstiodXdsUnreachable'],
    equal: [],
  },
  {
    why: 'The cut-off node holds every ready istiod: an exporter running there cannot scrape the pod-network pods of the other nodes either.',
    sources: ['AmbientCrossNodeNetworkFailure'],
    sourceLabels: { hosts_istiod: 'true' },
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: POD_NETWORK_COMPONENTS },
    equal: [],
  },
  {
    why: "The exporter's own node is cut off: it cannot scrape the pod-network pods of any other node, whatever they do.",
    sources: ['AmbientCrossNodeNetworkFailure'],
    sourceLabels: { exporter_node: 'true' },
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: POD_NETWORK_COMPONENTS },
    equal: [],
  },
  {
    why: 'A node cut off from the pod network, its istio-cni agent down or its ztunnel without istiod: its ztunnel is not handed, or cannot serve, the pods it should proxy.',
    sources: ['AmbientCrossNodeNetworkFailure', 'AmbientIstioCniNotReady', 'AmbientZtunnelIstiodUnreachable'],
    targets: ['AmbientWorkloadsNotProxied'],
    equal: ['node'],
  },
  {
    why:
      "A node cut off from the network: its node agent answers on the host network, which an underlay fault or a node that is off takes " +
      "down too (cause node_unreachable, underlay_down, peer_underlay_down or network_partition; with peer_mtu_blackhole its summary's " +
      "full-size segments are dropped on the way), so the exporter's failed read of the agent's summary is the same fault.",
    sources: ['AmbientCrossNodeNetworkFailure'],
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: 'agent' },
    equal: ['node'],
  },
  {
    why:
      "istio-cni not ready on a node: it has not (re)installed its plugin into the node's CNI configuration yet, and its own alert is the page.",
    sources: ['AmbientIstioCniNotReady'],
    targets: ['AmbientCniPluginNotConfigured'],
    equal: ['node'],
  },
  {
    why: 'ztunnel down on a node: it proxies nothing until it runs again and istio-cni hands it the pods of the node.',
    sources: ['AmbientZtunnelNotReady'],
    targets: ['AmbientWorkloadsNotProxied'],
    equal: ['node'],
  },
  {
    why:
      'A ztunnel without configuration from istiod: its xDS stream errors are the same fault. (Its not being Ready is not AmbientZtunnelNotReady\'s page: that one leaves out ztunnels waiting for istiod.)',
    sources: ['AmbientZtunnelIstiodUnreachable'],
    targets: ['AmbientZtunnelXdsConnectionErrors'],
    equal: ['node'],
  },
  {
    why: 'ztunnel down on a node: istio-cni has no ztunnel to hand new pods to, and xDS errors of the same ztunnel add nothing.',
    sources: ['AmbientZtunnelNotReady'],
    targets: ['AmbientPodCreationBlockedByCNI', 'AmbientZtunnelXdsConnectionErrors'],
    equal: ['node'],
  },
  {
    why: "ztunnel down on a node: the exporter's failed scrape of that ztunnel is the same fault.",
    sources: ['AmbientZtunnelNotReady'],
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: 'ztunnel' },
    equal: ['node'],
  },
  {
    why: 'istio-cni not ready on a node: the node\'s ztunnel loses its connection to the agent (not Ready, `workload proxy manager` pending) and pod creation there fails.',
    sources: ['AmbientIstioCniNotReady'],
    targets: ['AmbientZtunnelNotReady', 'AmbientPodCreationBlockedByCNI'],
    equal: ['node'],
  },
  {
    why: "istio-cni not ready on a node: the exporter's failed scrape of it is the same fault.",
    sources: ['AmbientIstioCniNotReady'],
    targets: ['AmbientExporterTargetDown'],
    targetLabels: { component: 'istio-cni' },
    equal: ['node'],
  },
  {
    why: "istiod's CA certificate expires within 7 days: the same certificate's 30-day warning adds nothing.",
    sources: ['AmbientIstiodCertificateExpiryImminent'],
    targets: ['AmbientIstiodCertificateExpiringSoon'],
    equal: ['certificate'],
  },
  {
    why: 'A ztunnel without configuration from istiod cannot renew its workload certificates: its handshake failures are the same fault.',
    sources: ['AmbientZtunnelIstiodUnreachable'],
    targets: ['AmbientZtunnelHandshakeFailures'],
    equal: ['node'],
  },
  // One inhibition per source: each explains the agent's errors on its own, none hands over to another.
  ...['AmbientPodCreationBlockedByCNI', 'AmbientIstioCniNotReady', 'AmbientZtunnelNotReady'].map(
    (source): InhibitionSpec => ({
      why: `${source} on a node: the istio-cni agent's 500s to its plugin there are the pods it refuses for that reason.`,
      sources: [source],
      targets: ['AmbientIstioCniAgentErrors'],
      equal: ['node'],
    }),
  ),
  {
    why: 'The exporter is down or frozen: its own health alerts add nothing. It silences no mesh alert (those cannot fire without it, or fire on frozen data).',
    sources: ['AmbientExporterDown', 'AmbientExporterStale'],
    targets: ['AmbientExporterTargetDown', 'AmbientExporterKubeWatchDown'],
    equal: [],
  },
  {
    why:
      'The exporter cannot see the Kubernetes API: its watches are down by the same fault, and the targets it scrapes come from its ' +
      'last view of the cluster (pods that may be gone).',
    sources: ['AmbientExporterBlind'],
    targets: ['AmbientExporterTargetDown', 'AmbientExporterKubeWatchDown'],
    equal: [],
  },
];
