// Where the dashboards send an operator: the runbook of each alert and the alert behind each known issue.
// Runbooks live in docs/runbooks/<AlertName>.md; the base URL points at the published copy and can be
// changed at generation time (RUNBOOK_BASE_URL) for teams that host their own.

export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/ambient-exporter/ambient-exporter/blob/main/docs/runbooks';

/** The shipped alerts (rules/*.rules.yaml), grouped the way the runbook panel lists them. */
export const ALERT_GROUPS = [
  {
    title: 'ztunnel and istiod',
    alerts: [
      'AmbientIstiodXdsPortMissing',
      'AmbientIstiodNoReadyEndpoints',
      'AmbientIstiodXdsUnreachable',
      'AmbientZtunnelIstiodUnreachable',
      'AmbientZtunnelNotReady',
      'AmbientZtunnelXdsConnectionErrors',
    ],
  },
  { title: 'Cross-node network', alerts: ['AmbientCrossNodeNetworkFailure'] },
  { title: 'istio-cni', alerts: ['AmbientIstioCniNotReady', 'AmbientPodCreationBlockedByCNI'] },
  { title: 'Enrollment', alerts: ['AmbientNamespaceNotEnrolled', 'AmbientWorkloadsNotCaptured'] },
  { title: 'Exporter', alerts: ['AmbientExporterDown', 'AmbientExporterStale', 'AmbientExporterTargetDown', 'AmbientExporterKubeWatchDown'] },
] as const;
export type AlertName = (typeof ALERT_GROUPS)[number]['alerts'][number];
export const ALERTS: readonly AlertName[] = ALERT_GROUPS.flatMap((g) => g.alerts);

export interface KnownIssue {
  /** value of the `issue` label on ambient_issue_affected */
  issue: string;
  title: string;
  /** what is counted: nodes or namespaces */
  unit: 'nodes' | 'namespaces';
  /** the alerts this tile counts for, root cause first: each runbook is linked from the tile */
  alerts: readonly AlertName[];
  description: string;
}

export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    issue: 'ztunnel_istiod_connectivity',
    title: 'ztunnel → istiod (15012)',
    unit: 'nodes',
    // per-node cause first, then the cluster-wide causes that mark every node (port, endpoints, dial)
    alerts: ['AmbientZtunnelIstiodUnreachable', 'AmbientIstiodXdsPortMissing', 'AmbientIstiodNoReadyEndpoints', 'AmbientIstiodXdsUnreachable'],
    description:
      'Nodes whose ztunnel cannot get configuration from istiod on port 15012 (Service port missing, no ready istiod endpoint, ' +
      'xDS dial failing, or ztunnel still pending "state manager"). 0 is healthy.',
  },
  {
    issue: 'cross_node_network',
    title: 'Cross-node pod network',
    unit: 'nodes',
    alerts: ['AmbientCrossNodeNetworkFailure'],
    description:
      'Nodes cut off from the pod network: Flannel pod not ready, no valid overlay (VXLAN) backend annotation, or pods on the ' +
      'node unreachable over the pod network. 0 is healthy.',
  },
  {
    issue: 'cni_pod_creation_blocked',
    title: 'istio-cni blocking pod creation',
    unit: 'nodes',
    alerts: ['AmbientPodCreationBlockedByCNI'],
    description:
      'Nodes where istio-cni has no ztunnel connection, so new ambient pods fail sandbox creation with "no ztunnel connection". ' +
      '0 is healthy.',
  },
  {
    issue: 'namespace_not_enrolled',
    title: 'Namespaces not enrolled',
    unit: 'namespaces',
    // both causes of the issue (label_missing, pods_not_captured) page under their own alert
    alerts: ['AmbientNamespaceNotEnrolled', 'AmbientWorkloadsNotCaptured'],
    description:
      'Namespaces that policy expects in the mesh but that lack istio.io/dataplane-mode=ambient (AmbientNamespaceNotEnrolled), ' +
      'or enrolled namespaces whose running pods carry no ambient redirection, still plain TCP and not HBONE ' +
      '(AmbientWorkloadsNotCaptured). 0 is healthy.',
  },
];

export function runbookUrl(base: string, alert: string): string {
  return `${base.replace(/\/+$/, '')}/${alert}.md`;
}
