// Where the dashboards send an operator: the runbook of each alert and the alerts behind each known
// issue, read from the alert groups (scripts/rules) and the issue modules (src/issues), never listed
// here again. The runbook base URL is a generator setting (npm run generate -- --runbook-base-url).
import { MODULES } from '../../src/issues/registry.js';
import { ALERT_GROUPS as RULE_GROUPS } from '../../scripts/rules/alerts.js';
import { DEFAULT_RUNBOOK_BASE_URL, runbookUrl } from '../../scripts/rules/spec.js';

export { DEFAULT_RUNBOOK_BASE_URL, runbookUrl };

/** The shipped alerts, grouped as the rule file groups them. */
export const ALERT_GROUPS: readonly { title: string; alerts: readonly string[] }[] = RULE_GROUPS.map((g) => ({
  title: g.title,
  alerts: g.alerts.map((a) => a.alert),
}));
export const ALERTS: readonly string[] = ALERT_GROUPS.flatMap((g) => g.alerts);

export interface KnownIssue {
  /** value of the `issue` label on ambient_issue_affected */
  issue: string;
  title: string;
  /** what is counted: nodes or namespaces */
  unit: string;
  /** the alerts that page for its causes, in the order of its causes: each runbook is linked from the tile */
  alerts: readonly string[];
  description: string;
  /** where its detail is (a UIDS key and a row title) */
  drillDown: { dashboard: string; row: string };
}

export const KNOWN_ISSUES: readonly KnownIssue[] = MODULES.map((m) => ({
  issue: m.issue,
  title: m.shortTitle,
  unit: m.unit,
  alerts: [...new Set(m.causes.map((c) => c.pagedBy))],
  description: `${m.description} 0 is healthy.`,
  drillDown: m.bundle.dashboardRow,
}));
