// Building check results: requirements and dependencies come from the one table, evidence lists are capped.
import { CHECK_DEPENDS_ON, CHECK_REQUIREMENTS } from './requirements.js';
import type { CheckName, CheckResult, Collected, Evidence, ProblemReason, UnknownReason } from './types.js';

/** Evidence lists name at most this many items (a 5,000-node cluster must not make a 5,000-name result). */
export const EVIDENCE_LIST_MAX = 20;

export function capList(items: readonly string[]): readonly string[] {
  return items.length <= EVIDENCE_LIST_MAX ? items : [...items.slice(0, EVIDENCE_LIST_MAX), `… ${items.length - EVIDENCE_LIST_MAX} more`];
}

function result(check: CheckName, status: CheckResult['status'], reason: CheckResult['reason'], evidence: Evidence): CheckResult {
  return { check, status, reason, evidence, requires: CHECK_REQUIREMENTS[check], dependsOn: CHECK_DEPENDS_ON[check] };
}

export const ok = (check: CheckName, evidence: Evidence = {}): CheckResult => result(check, 'ok', 'ok', evidence);
export const problem = (check: CheckName, reason: ProblemReason, evidence: Evidence = {}): CheckResult => result(check, 'problem', reason, evidence);
export const unknown = (check: CheckName, reason: UnknownReason, evidence: Evidence = {}): CheckResult => result(check, 'unknown', reason, evidence);

/** A collector failure, as the unknown result of a check that needed its data. */
export function unknownFrom(check: CheckName, failed: Extract<Collected<unknown>, { ok: false }>, notFound: UnknownReason = 'command_failed'): CheckResult {
  const reason: UnknownReason = failed.failure === 'not_found' ? notFound : failed.failure;
  return unknown(check, reason, { detail: failed.detail });
}
