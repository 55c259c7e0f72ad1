// The shape of a diagnosis: what `diagnose --output json` prints (docs/diagnose.md documents it) and
// what the text output and the status page render.
import type { Layer, PodSample } from '../issues/diagnose-spec.js';

export type CheckStatus = 'ok' | 'warn' | 'problem' | 'unknown' | 'skipped';
export type ItemStatus = 'problem' | 'explained' | 'warn' | 'unknown';
export type Verdict = 'healthy' | 'warnings' | 'incomplete' | 'problems' | 'blind';

/** Where an item is: one node, one namespace, or the cluster (a cluster-wide cause lists the nodes it marks). */
export interface ItemWhere {
  node?: string;
  namespace?: string;
  /** cluster-wide: the nodes it marks */
  nodes?: string[];
}

export interface ReportItem {
  status: ItemStatus;
  where: ItemWhere;
  /** what goes wrong, in the module's words (its title), for findings */
  title?: string;
  /** the finding's issue and cause (absent for notes) */
  issue?: string;
  cause?: string;
  /** what the cause means (the module's cause table) */
  meaning?: string;
  evidence: string;
  pods?: PodSample;
  /** the alert whose runbook to open: for a finding, the one that pages for its cause */
  runbook?: string;
  next: string[];
  /** for `explained`: the root cause that explains it, and the node it is on */
  explainedBy?: { issue: string; cause: string; node: string };
}

export interface ReportCheck {
  id: string;
  title: string;
  status: CheckStatus;
  /** what was verified; shown when the check has no problem */
  evidence: string;
  items: ReportItem[];
}

export interface ReportSection {
  id: 'access' | Layer;
  title: string;
  checks: ReportCheck[];
}

export interface Report {
  /** bumped when a field changes meaning or goes away (adding fields keeps it) */
  version: 1;
  verdict: Verdict;
  /** one line for a person, e.g. "2 problems" or "Blind: the Kubernetes API was never listed" */
  summary: string;
  problems: number;
  warnings: number;
  /** checks that could not be made */
  unknown: number;
  /** when the round finished, ISO 8601 */
  checkedAt: string;
  /** the exporter's own view first, then network, control plane, data plane, application */
  sections: ReportSection[];
}

/** The check's status from its items and assessment. */
export function checkStatus(items: readonly ReportItem[], a: { unknown?: boolean; skipped?: boolean }): CheckStatus {
  if (items.some((i) => i.status === 'problem')) return 'problem';
  if (items.some((i) => i.status === 'warn' || i.status === 'explained')) return 'warn';
  if (a.unknown || items.some((i) => i.status === 'unknown')) return 'unknown';
  return a.skipped ? 'skipped' : 'ok';
}

