// Shapes of the alert bundle's single source of truth. The rule file, the Alertmanager snippet and
// example, and docs/alerts.md are all rendered from values of these types (see render.ts).

import { PUBLISHED_RUNBOOKS_URL } from '../../src/runbooks/location.js';

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertSpec {
  /** CamelCase, prefixed Ambient; also the runbook file name docs/runbooks/<alert>.md */
  alert: string;
  severity: Severity;
  /** Prometheus duration; ordered so causes fire before the symptoms they inhibit (see inhibitions.ts) */
  for: string;
  /**
   * Prometheus duration the alert keeps firing after its condition clears (Prometheus 2.42+). Set on
   * every critical mesh alert: a cause that changes or clears keeps silencing what it explained until
   * that settles, and losing the exporter does not resolve a page before AmbientExporterDown fires.
   */
  keepFiringFor?: string;
  expr: string;
  /** a fixed sentence ending in a period (no templating) */
  summary: string;
  /** templated; names the node, namespace or pod involved */
  description: string;
  /** one line for the alerts table in docs/alerts.md */
  meaning: string;
}

export interface AlertGroupSpec {
  /** the Prometheus rule group name; an issue module names its groups (src/issues/<issue>/index.ts) */
  name: string;
  /** how dashboards and docs title the group */
  title: string;
  alerts: AlertSpec[];
}

export interface RecordingRuleSpec {
  record: string;
  expr: string;
  /** what a dashboard or alert reads it for; rendered into docs/alerts.md */
  help: string;
}

/** One label value (equality) or several (a regex alternative). */
export type LabelMatch = string | string[];

export interface InhibitionSpec {
  /** why the source explains the targets; becomes a comment above the rule */
  why: string;
  /** alert names that inhibit */
  sources: string[];
  /** extra matchers on the source: a string is an equality, a list a regex alternative */
  sourceLabels?: Record<string, LabelMatch>;
  /** alert names that are silenced while a source fires */
  targets: string[];
  /** extra matchers on the target, e.g. { component: 'istiod' } or { component: ['ztunnel', 'istiod'] } */
  targetLabels?: Record<string, LabelMatch>;
  /** labels that must be equal on source and target ('cluster' is always added) */
  equal: string[];
}

/** The Prometheus job of the exporter, fixed by the contract. */
export const EXPORTER_JOB = 'ambient-exporter';
export const JOB = `job="${EXPORTER_JOB}"`;

/** Where runbook_url points unless the generator is given another base (the exporter's own /runbooks is one). */
export const DEFAULT_RUNBOOK_BASE_URL = PUBLISHED_RUNBOOKS_URL;

export function runbookUrl(base: string, alert: string): string {
  return `${base.replace(/\/+$/, '')}/${alert}.md`;
}
