// The dashboards this project ships, each with the file it is committed as.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { controlPlaneDashboard } from './control-plane.js';
import { networkDashboard } from './network.js';
import { overviewDashboard } from './overview.js';
import { DEFAULT_RUNBOOK_BASE_URL } from './runbooks.js';
import { ztunnelDashboard } from './ztunnel.js';

export { allPanels, render } from './layout.js';

export interface GeneratedDashboard {
  /** file name under dashboards/ */
  file: string;
  dashboard: Dashboard;
}

export interface GenerateOptions {
  /** where docs/runbooks/ is published; runbook links are `<base>/<AlertName>.md` */
  runbookBaseUrl?: string;
}

export function buildDashboards(opts: GenerateOptions = {}): GeneratedDashboard[] {
  const base = opts.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
  return [
    { file: 'ambient-mesh-health.json', dashboard: overviewDashboard(base) },
    { file: 'ambient-ztunnel.json', dashboard: ztunnelDashboard(base) },
    { file: 'ambient-control-plane.json', dashboard: controlPlaneDashboard(base) },
    { file: 'ambient-network.json', dashboard: networkDashboard(base) },
  ];
}
export { DEFAULT_SUBSTITUTIONS, metricNames, panelQueries, ranges, substitute, variableRefs, vectorSelectors } from './inspect.js';
export type { PanelQuery } from './inspect.js';
export { ALERTS, DEFAULT_RUNBOOK_BASE_URL, KNOWN_ISSUES } from './runbooks.js';
export { UIDS } from './common.js';
