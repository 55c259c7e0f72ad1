// Names every dashboard shares: uids, tags, the datasource reference, the template variables and the
// label selectors that find ztunnel, istiod and istio-cni series. One place, so the four dashboards agree.
import {
  DatasourceVariableBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  QueryVariableBuilder,
  VariableHide,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

/** Every dashboard carries this tag; the dashboards dropdown link lists dashboards by it. */
export const DASHBOARD_TAG = 'ambient-exporter';
export const EXTRA_TAGS = ['istio', 'ambient'];

/** Fixed, readable uids (<= 40 chars): links between dashboards and bookmarks depend on them. */
export const UIDS = {
  overview: 'ambient-mesh-health',
  ztunnel: 'ambient-ztunnel',
  controlPlane: 'ambient-control-plane',
  network: 'ambient-network',
} as const;

export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/**
 * Pod-name patterns for the components' own series, as Istio's dashboards select them: the ztunnel
 * DaemonSet is named `ztunnel`, istiod's Deployment `istiod`, istio-cni's DaemonSet `istio-cni-node`.
 * They rely on the scrape config giving a `pod` label (and a `node` label for per-node panels).
 */
export const POD_PATTERN = {
  ztunnel: 'ztunnel-.*',
  istiod: 'istiod-.*',
  cni: 'istio-cni-node-.*',
} as const;

/**
 * The containers cAdvisor reports for each component (its `container` label), as Istio's own
 * dashboards select them: `istio-proxy` in the ztunnel pods, `discovery` in istiod's (facts §6;
 * manifests/charts/ztunnel/templates/daemonset.yaml, istio-discovery/templates/deployment.yaml).
 */
export const CONTAINER = {
  ztunnel: 'istio-proxy',
  istiod: 'discovery',
} as const;

/**
 * A cAdvisor series (kubelet /metrics/cadvisor: container_cpu_usage_seconds_total,
 * container_memory_working_set_bytes) of a component's own container, selected as Istio's
 * dashboards 21306 and 7645 select it. Their `pod` label is the pod's name wherever cAdvisor is
 * scraped; a `node` label depends on the scrape setup, so per-node panels take it from the exporter.
 */
export function cadvisorSel(metric: string, component: keyof typeof CONTAINER): string {
  return sel(metric, `container="${CONTAINER[component]}"`, `pod=~"${POD_PATTERN[component]}"`);
}

/** Label matchers every query starts with: the hidden multi-cluster filter. */
const CLUSTER_MATCHER = 'cluster=~"$cluster"';

/** `metric{cluster=~"$cluster", m1, m2}`: the one way queries select series. */
export function sel(metric: string, ...matchers: string[]): string {
  return `${metric}{${[CLUSTER_MATCHER, ...matchers].join(', ')}}`;
}

/** Matchers for a component's own series, filtered by the node variable. */
export function componentMatchers(component: keyof typeof POD_PATTERN, byNode = true): string[] {
  const m = [`pod=~"${POD_PATTERN[component]}"`];
  if (byNode) m.push('node=~"$node"');
  return m;
}

export const NODE_MATCHER = 'node=~"$node"';
export const NAMESPACE_MATCHER = 'namespace=~"$namespace"';

// ---------- template variables ----------

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus').regex('');
}

/**
 * Hidden, one cluster at a time, no "All" (as kubernetes-mixin does): Grafana selects the first
 * cluster, so the panels' sums never add clusters together. With one cluster and no `cluster` label
 * the variable has no value and `cluster=~""` matches the series that lack the label. Multi-cluster
 * users unhide it to switch.
 */
export function clusterVariable(): QueryVariableBuilder {
  const query = 'label_values(ambient_exporter_build_info, cluster)';
  return new QueryVariableBuilder('cluster')
    .label('Cluster')
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .hide(VariableHide.HideVariable)
    .includeAll(false)
    .multi(false)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

function multiQueryVariable(name: string, label: string, metric: string, labelName: string): QueryVariableBuilder {
  const query = `label_values(${sel(metric)}, ${labelName})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.NaturalAsc);
}

/** Nodes as the exporter knows them; `metric` is a per-node exporter gauge present on every node of interest. */
export function nodeVariable(metric = 'ambient_ztunnel_pod_ready'): QueryVariableBuilder {
  return multiQueryVariable('node', 'Node', metric, 'node');
}

export function namespaceVariable(): QueryVariableBuilder {
  return multiQueryVariable('namespace', 'Namespace', 'ambient_namespace_enrolled', 'namespace');
}

// ---------- links ----------

/** Dropdown of every ambient-exporter dashboard, carrying the time range and variables along. */
export function dashboardsDropdown(): DashboardLinkBuilder {
  return new DashboardLinkBuilder('Ambient dashboards')
    .type(DashboardLinkType.Dashboards)
    .tags([DASHBOARD_TAG])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true)
    .targetBlank(false)
    .icon('external link')
    .tooltip('');
}

/** URL of another dashboard, keeping time range, data source and cluster. */
export function dashboardUrl(uid: string, extraParams = ''): string {
  return `/d/${uid}?\${__url_time_range}&\${datasource:queryparam}&\${cluster:queryparam}${extraParams}`;
}

/** The runbook index (docs/runbooks/), opened in a new tab. */
export function runbooksLink(runbookBase: string): DashboardLinkBuilder {
  return new DashboardLinkBuilder('Runbooks')
    .type(DashboardLinkType.Link)
    .url(runbookBase)
    .targetBlank(true)
    .icon('doc')
    .tooltip('Runbooks for the ambient alerts')
    .tags([])
    .asDropdown(false)
    .includeVars(false)
    .keepTime(false);
}
