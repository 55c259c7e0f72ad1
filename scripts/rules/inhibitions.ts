// The causal chain of the four known issues, as Alertmanager inhibitions: while a cause fires, the
// alerts it explains are silenced, so one fault pages once, by its root cause. `cluster` is added to
// every `equal` list: with one cluster per Alertmanager it is absent on both sides (and so equal);
// with several, a cause in one cluster never silences another cluster's alerts.
//
// The `for` ladder in alerts.ts makes each source fire before its targets.

import type { InhibitionSpec } from './spec.js';

const CLUSTER_ISTIOD = ['AmbientIstiodXdsPortMissing', 'AmbientIstiodNoReadyEndpoints', 'AmbientIstiodXdsUnreachable'];
const PER_NODE_ZTUNNEL = ['AmbientZtunnelIstiodUnreachable', 'AmbientZtunnelNotReady', 'AmbientZtunnelXdsConnectionErrors'];

export const INHIBITIONS: InhibitionSpec[] = [
  {
    why: 'istiod unusable cluster-wide (Service without 15012, no ready endpoint, port unreachable): every ztunnel fails because of it, and istio-cni then blocks pods.',
    sources: CLUSTER_ISTIOD,
    targets: [...PER_NODE_ZTUNNEL, 'AmbientPodCreationBlockedByCNI'],
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
    why: 'A node cut off from the pod network: its ztunnel cannot reach istiod, istio-cni then blocks pods, and the exporter cannot scrape its pods.',
    sources: ['AmbientCrossNodeNetworkFailure'],
    targets: [...PER_NODE_ZTUNNEL, 'AmbientIstioCniNotReady', 'AmbientPodCreationBlockedByCNI', 'AmbientExporterTargetDown'],
    equal: ['node'],
  },
  {
    why: 'A ztunnel without configuration from istiod is not Ready, its xDS stream fails, and istio-cni refuses pods it cannot hand over.',
    sources: ['AmbientZtunnelIstiodUnreachable'],
    targets: ['AmbientZtunnelNotReady', 'AmbientZtunnelXdsConnectionErrors', 'AmbientPodCreationBlockedByCNI'],
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
    why: 'istio-cni not ready on a node: pod creation there fails for that reason.',
    sources: ['AmbientIstioCniNotReady'],
    targets: ['AmbientPodCreationBlockedByCNI'],
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
    why: 'The exporter is down: its own health alerts add nothing. It silences no mesh alert (those cannot fire without it anyway).',
    sources: ['AmbientExporterDown'],
    targets: ['AmbientExporterTargetDown', 'AmbientExporterKubeWatchDown'],
    equal: [],
  },
];
