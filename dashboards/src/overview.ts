// "Ambient mesh health": the four known issues at a glance, then which node or namespace is affected
// and why, the firing alerts, and the runbooks. Every other dashboard is a drill-down from here.
import { BigValueColorMode, BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import { MappingType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  NAMESPACE_MATCHER,
  NODE_MATCHER,
  UIDS,
  clusterVariable,
  dashboardUrl,
  dashboardsDropdown,
  datasourceVariable,
  namespaceVariable,
  nodeVariable,
  runbooksLink,
  sel,
} from './common.js';
import { assemble } from './layout.js';
import { BAD_WHEN_POSITIVE, GOOD_WHEN_ONE, boolMappings, joinedTable, markdown, statPanel, timeSeries } from './panels.js';
import type { Link, Sized } from './panels.js';
import { ALERT_GROUPS, KNOWN_ISSUES, runbookUrl } from './runbooks.js';
import type { KnownIssue } from './runbooks.js';

/** The dashboard each issue tile links to for its detail (none when the detail is on this dashboard). */
const DASHBOARD_TITLES: Record<string, string> = { ztunnel: 'ztunnel', controlPlane: 'Control plane', network: 'Network' };

/**
 * Shown by an issue tile whose verdict series are absent: the exporter is down, not scraped, or has
 * not listed the Kubernetes API yet. Not green: nothing is known to be fine.
 */
const VERDICT_UNKNOWN = { text: 'unknown', color: 'orange' };

function issueTile(issue: KnownIssue, runbookBase: string): Sized {
  const links: Link[] = issue.alerts.map((a) => ({ title: `Runbook: ${a}`, url: runbookUrl(runbookBase, a), external: true }));
  const { dashboard, row } = issue.drillDown;
  if (dashboard !== 'overview') {
    const uid = UIDS[dashboard as keyof typeof UIDS];
    links.push({ title: `${DASHBOARD_TITLES[dashboard] ?? dashboard} dashboard (${row})`, url: dashboardUrl(uid) });
  }
  return statPanel({
    title: issue.title,
    description:
      `${issue.description} "unknown" means the exporter serves no verdict: it is down, not scraped, or has not listed ` +
      `the Kubernetes API yet (see "Exporter sees the cluster"). Runbook${issue.alerts.length > 1 ? 's' : ''}: ${issue.alerts.join(', ')}.`,
    unit: `suffix: ${issue.unit}`,
    queries: [{ expr: `sum(${sel('issue:ambient_issue_affected:max', `issue="${issue.issue}"`)})`, legend: issue.issue }],
    steps: BAD_WHEN_POSITIVE,
    mappings: [{ type: MappingType.ValueToText, options: { '0': { text: 'OK', color: 'green', index: 0 } } }],
    noData: VERDICT_UNKNOWN,
    colorMode: BigValueColorMode.Background,
    textMode: BigValueTextMode.Value,
    links,
    w: 5,
    h: 4,
  });
}

/** A round older than this means the exporter's series are frozen (as AmbientExporterStale has it). */
const STALE_AFTER_SECONDS = 120;

/**
 * 1 only while Prometheus scrapes the exporter, every watch of the Kubernetes API is established,
 * the API server answers /readyz and the last refresh round is recent; 0 otherwise, including when
 * any of those series is missing (exporter never scraped, static mode without the API), so the tile
 * is never empty.
 */
export const EXPORTER_SEES_CLUSTER_EXPR =
  `(min(${sel('up', 'job="ambient-exporter"')}) * min(${sel('ambient_exporter_kube_watch_up')}) * min(${sel('ambient_kube_api_ready')}) ` +
  `* (time() - max(${sel('ambient_exporter_last_refresh_timestamp_seconds')}) < bool ${STALE_AFTER_SECONDS})) or vector(0)`;

function exporterTile(runbookBase: string): Sized {
  return statPanel({
    title: 'Exporter sees the cluster',
    description:
      'Whether the verdicts on this dashboard can be trusted: Prometheus scrapes the exporter (up{job="ambient-exporter"}), ' +
      'every watch of the Kubernetes API is established (ambient_exporter_kube_watch_up), the API server answers /readyz ' +
      `(ambient_kube_api_ready) and the exporter finished a refresh round in the last ${STALE_AFTER_SECONDS / 60} minutes ` +
      '(ambient_exporter_last_refresh_timestamp_seconds). "no" means the issue tiles are unknown or stale: an exporter that ' +
      'cannot see the cluster reports nothing wrong. Details in the collapsed Exporter row.',
    unit: 'none',
    queries: [{ expr: EXPORTER_SEES_CLUSTER_EXPR }],
    steps: GOOD_WHEN_ONE,
    mappings: boolMappings('yes', 'no'),
    colorMode: BigValueColorMode.Background,
    textMode: BigValueTextMode.Value,
    links: [
      { title: 'Runbook: AmbientExporterDown', url: runbookUrl(runbookBase, 'AmbientExporterDown'), external: true },
      { title: 'Runbook: AmbientExporterStale', url: runbookUrl(runbookBase, 'AmbientExporterStale'), external: true },
      { title: 'Runbook: AmbientExporterKubeWatchDown', url: runbookUrl(runbookBase, 'AmbientExporterKubeWatchDown'), external: true },
    ],
    w: 4,
    h: 4,
  });
}

function affectedNodes(): Sized {
  return joinedTable({
    title: 'Affected nodes',
    description:
      'Only the nodes with a root cause now (ambient_node_issue): the known issue and why. Empty when no node is affected, ' +
      'or when the exporter serves no verdict (see "Exporter sees the cluster"). Click a node for its ztunnel dashboard.',
    unit: 'none',
    key: 'node',
    keyTitle: 'Node',
    keyLink: { title: 'ztunnel on this node', url: dashboardUrl(UIDS.ztunnel, '&var-node=${__value.raw}') },
    columns: [
      { kind: 'labels', expr: `max by (node, issue, cause) (${sel('ambient_node_issue', NODE_MATCHER)})`, labels: { issue: 'Issue', cause: 'Cause' }, bad: true },
    ],
    sortBy: { column: 'Issue' },
    w: 8,
    h: 9,
  });
}

function nodeTable(): Sized {
  const n = NODE_MATCHER;
  return joinedTable({
    title: 'Nodes',
    description:
      'One row per node: is ztunnel Ready and which readiness task it still waits for ("state manager" = no configuration from ' +
      'istiod yet, "workload proxy manager" = no istio-cni connection), xDS connections to istiod that ended in ' +
      'ConnectionError or Error in the last 5 minutes, whether istio-cni holds a ztunnel connection, whether Flannel is Ready ' +
      'and pods on the node answer over the pod network, and the root cause the exporter derives for the node. Sorted with ' +
      'not-ready ztunnels first; "Affected nodes" lists only the nodes with a root cause. Click a node for its ztunnel dashboard.',
    unit: 'none',
    key: 'node',
    keyTitle: 'Node',
    keyLink: { title: 'ztunnel on this node', url: dashboardUrl(UIDS.ztunnel, '&var-node=${__value.raw}') },
    columns: [
      { kind: 'bool', name: 'ztunnel ready', expr: `max by (node) (${sel('ambient_ztunnel_pod_ready', n)})`, yes: 'ready', no: 'not ready' },
      { kind: 'labels', expr: `max by (node, task) (${sel('ambient_ztunnel_readiness_pending', n)} > 0)`, labels: { task: 'Pending task' }, bad: true },
      {
        kind: 'value',
        name: 'xDS errors (5m)',
        // rate5m * 300 = increase over 5 minutes; 0, not blank, for nodes whose ztunnel has never failed
        expr:
          `round(sum by (node) (${sel('node:ambient_ztunnel_xds_connection_errors:rate5m', n)}) * 300) ` +
          `or 0 * max by (node) (${sel('ambient_ztunnel_pod_ready', n)})`,
        unit: 'none',
        badFrom: 1,
      },
      { kind: 'bool', name: 'istio-cni ↔ ztunnel', expr: `max by (node) (${sel('ambient_cni_ztunnel_connected', n)})`, yes: 'connected', no: 'no connection' },
      { kind: 'bool', name: 'Flannel ready', expr: `max by (node) (${sel('ambient_flannel_pod_ready', n)})`, yes: 'ready', no: 'not ready' },
      { kind: 'bool', name: 'Pod network', expr: `max by (node) (${sel('ambient_node_pod_network_reachable', n)})`, yes: 'reachable', no: 'unreachable' },
      { kind: 'labels', expr: `max by (node, issue, cause) (${sel('ambient_node_issue', n)})`, labels: { issue: 'Issue', cause: 'Cause' }, bad: true },
    ],
    sortBy: { column: 'ztunnel ready' },
    w: 16,
    h: 9,
  });
}

function namespaceTable(): Sized {
  const ns = NAMESPACE_MATCHER;
  const pods = (redirection: string) => `sum by (namespace) (${sel('namespace_redirection:ambient_pods:sum', ns, `redirection="${redirection}"`)})`;
  return joinedTable({
    title: 'Namespace enrollment',
    description:
      'One row per namespace the exporter watches: labelled istio.io/dataplane-mode=ambient, expected in the mesh by the ' +
      'enrollment policy, running pods by ambient.istio.io/redirection (enabled = on HBONE, pending = no ztunnel accepted ' +
      'the pod yet, none = still plain TCP), and the root cause when the namespace is not enrolled.',
    unit: 'none',
    key: 'namespace',
    keyTitle: 'Namespace',
    columns: [
      { kind: 'bool', name: 'Enrolled', expr: `max by (namespace) (${sel('ambient_namespace_enrolled', ns)})`, yes: 'ambient', no: 'no', neutral: true },
      { kind: 'bool', name: 'Expected', expr: `max by (namespace) (${sel('ambient_namespace_enrollment_expected', ns)})`, yes: 'yes', no: 'no', neutral: true },
      { kind: 'value', name: 'Pods on HBONE', expr: pods('enabled'), unit: 'none' },
      { kind: 'value', name: 'Pods pending', expr: pods('pending'), unit: 'none', badFrom: 1 },
      { kind: 'value', name: 'Pods plain TCP', expr: pods('none'), unit: 'none', badFrom: 1 },
      { kind: 'labels', expr: `max by (namespace, cause) (${sel('ambient_namespace_issue', ns)})`, labels: { cause: 'Cause' }, bad: true },
    ],
    h: 8,
  });
}

/**
 * Labels that tell one firing alert from another (the alert rules aggregate by them): what is broken
 * and where. Columns appear only for labels some firing alert carries.
 */
export const ALERT_LABELS: Record<string, string> = {
  severity: 'Severity',
  cause: 'Cause',
  node: 'Node',
  namespace: 'Namespace',
  pod: 'Pod',
  component: 'Component',
  resource: 'Resource',
  port: 'Port',
  certificate: 'Certificate',
};

function firingAlerts(runbookBase: string): Sized {
  return joinedTable({
    title: 'Firing alerts',
    description:
      'Ambient alerts firing now (ALERTS series of the Prometheus that evaluates the shipped rules). Inhibited alerts still ' +
      'show here; Alertmanager decides what pages. Click an alert for its runbook.',
    unit: 'none',
    key: 'alertname',
    keyTitle: 'Alert',
    keyLink: { title: 'Runbook', url: runbookUrl(runbookBase, '${__value.raw}'), external: true },
    columns: [
      {
        kind: 'labels',
        expr: `max by (alertname, ${Object.keys(ALERT_LABELS).join(', ')}) (${sel('ALERTS', 'alertname=~"Ambient.*"', 'alertstate="firing"')})`,
        labels: ALERT_LABELS,
      },
    ],
    w: 16,
    h: 8,
  });
}

function rootCauses(): Sized {
  const nodes = `sum by (issue, cause) (${sel('issue_cause:ambient_node_issue:count')})`;
  const namespaces = `sum by (issue, cause) (${sel('issue_cause:ambient_namespace_issue:count')})`;
  return joinedTable({
    title: 'Root causes now',
    description:
      'Nodes and namespaces per known issue and cause (ambient_node_issue, ambient_namespace_issue). One cause per node: ' +
      'a node cut off from the pod network is counted there, not again under istiod connectivity or istio-cni.',
    unit: 'none',
    key: 'issue',
    keyTitle: 'Issue',
    columns: [{ kind: 'value', name: 'Affected', expr: `${nodes} or ${namespaces}`, unit: 'none', badFrom: 1, labels: { cause: 'Cause' } }],
    w: 8,
    h: 8,
  });
}

function runbookList(runbookBase: string): Sized {
  const lines = ALERT_GROUPS.map(
    (g) => `**${g.title}**: ${g.alerts.map((a) => `[${a.replace(/^Ambient/, '')}](${runbookUrl(runbookBase, a)})`).join(' · ')}`,
  );
  return markdown({
    title: 'Runbooks',
    description: 'What each alert means, its impact, how to diagnose it and how to fix it.',
    markdown: lines.join('\n\n'),
    w: 24,
    h: 6,
  });
}

function issueHistory(): Sized {
  return timeSeries({
    title: 'Affected nodes and namespaces over time',
    description: 'ambient_issue_affected by issue: when each known issue started and cleared. Flat at 0 when healthy.',
    unit: 'none',
    queries: [{ expr: `sum by (issue) (${sel('issue:ambient_issue_affected:max')})`, legend: '{{issue}}' }],
    min: 0,
    decimals: 0,
    w: 24,
    h: 7,
  });
}

function exporterHealth(): Sized[] {
  return [
    timeSeries({
      title: 'Component scrapes up',
      description:
        'ztunnel, istiod and istio-cni targets the exporter scraped successfully in its last round, against the targets it ' +
        'knows (ambient_exporter_scrape_up). A gap means the exporter lost sight of those pods (see the Network dashboard).',
      unit: 'none',
      queries: [
        { expr: `sum by (component) (${sel('component:ambient_exporter_scrape_up:sum')})`, legend: '{{component}} up' },
        { expr: `sum by (component) (${sel('component:ambient_exporter_scrape_up:count')})`, legend: '{{component}} targets' },
      ],
      min: 0,
      decimals: 0,
      w: 8,
    }),
    timeSeries({
      title: 'Kubernetes watches established',
      description: 'ambient_exporter_kube_watch_up by resource: 1 while the watch is established. 0 means the exporter works from stale state.',
      unit: 'none',
      queries: [{ expr: `max by (resource) (${sel('ambient_exporter_kube_watch_up')})`, legend: '{{resource}}' }],
      min: 0,
      max: 1,
      decimals: 0,
      w: 8,
    }),
    statPanel({
      title: 'API server ready',
      description: 'ambient_kube_api_ready: the API server answered /readyz with 200 on the last check.',
      unit: 'none',
      queries: [{ expr: `min(${sel('ambient_kube_api_ready')})` }],
      steps: GOOD_WHEN_ONE,
      mappings: boolMappings('ready', 'not ready'),
      colorMode: BigValueColorMode.Background,
      w: 4,
      h: 8,
    }),
    statPanel({
      title: 'Exporter version',
      description: 'ambient_exporter_build_info: the version and mode of the running exporter(s).',
      unit: 'none',
      queries: [{ expr: `count by (version, mode) (${sel('ambient_exporter_build_info')})`, legend: '{{version}} ({{mode}})' }],
      textMode: BigValueTextMode.Name,
      w: 4,
      h: 8,
    }),
  ];
}

export function overviewDashboard(runbookBase: string): Dashboard {
  return assemble({
    uid: UIDS.overview,
    title: 'Ambient mesh health',
    description:
      'Istio ambient mesh at a glance: the four known issues (ztunnel cannot reach istiod, cross-node pod network, istio-cni ' +
      'blocking pod creation, namespaces not enrolled), per-node and per-namespace state, firing alerts and runbooks.',
    variables: [datasourceVariable(), clusterVariable(), nodeVariable(), namespaceVariable()],
    links: [dashboardsDropdown(), runbooksLink(runbookBase)],
    sections: [
      { panels: [...KNOWN_ISSUES.map((i) => issueTile(i, runbookBase)), exporterTile(runbookBase)] },
      { title: 'Nodes', panels: [affectedNodes(), nodeTable()] },
      { title: 'Namespaces', panels: [namespaceTable()] },
      { title: 'Causes, alerts and runbooks', panels: [firingAlerts(runbookBase), rootCauses(), runbookList(runbookBase), issueHistory()] },
      { title: 'Exporter', collapsed: true, panels: exporterHealth() },
    ],
  });
}
