// A Report as text for a terminal, in the manner of `linkerd check`: one line per check with its
// mark (✔ ok, ⚠ warning, ✖ problem, ? could not check, – not applicable), and under a check that is
// not ok, each item with its evidence, affected pods, runbook and the next commands to run.
import { PUBLISHED_RUNBOOKS_URL } from '../runbooks/location.js';
import { exitCodeOf } from './exit-code.js';
import type { CheckStatus, ItemStatus, ItemWhere, Report, ReportCheck, ReportItem } from './types.js';

export interface TextOptions {
  /** ANSI colours (a terminal that did not ask for NO_COLOR) */
  color?: boolean;
  /** the heading's command, e.g. "ambient-exporter diagnose --pre-install" */
  title?: string;
}

const MARK: Record<CheckStatus | ItemStatus, string> = { ok: '✔', warn: '⚠', problem: '✖', unknown: '?', skipped: '–', explained: '⚠' };
const COLOR: Record<CheckStatus | ItemStatus, number> = { ok: 32, warn: 33, problem: 31, unknown: 35, skipped: 90, explained: 33 };

function paint(on: boolean, code: number, text: string): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function whereText(w: ItemWhere): string {
  if (w.node) return `node ${w.node}`;
  if (w.namespace) return `namespace ${w.namespace}`;
  if (w.nodes) return `cluster-wide (${w.nodes.length === 1 ? 'node' : 'nodes'} ${w.nodes.join(', ')})`;
  return '';
}

function podsText(item: ReportItem): string | undefined {
  if (!item.pods || item.pods.total === 0) return undefined;
  const names = item.pods.pods.map((p) => `${p.namespace}/${p.name}`).join(', ');
  const more = item.pods.total - item.pods.pods.length;
  return more > 0 ? `${names} and ${more} more` : names;
}

function itemLines(item: ReportItem, color: boolean): string[] {
  const where = whereText(item.where);
  const head = [where, item.cause].filter(Boolean).join(': ');
  const by = item.explainedBy;
  const explained = by ? ` (explained by ${by.issue} ${by.cause} on ${by.node === item.where.node ? 'this node' : `node ${by.node}`})` : '';
  const lines = [`      ${paint(color, COLOR[item.status], MARK[item.status])} ${head ? `${head}: ` : ''}${item.evidence}${explained}`];
  const pods = podsText(item);
  if (pods) lines.push(`          pods:    ${pods}`);
  if (item.runbook) lines.push(`          runbook: ${item.runbook}  ${PUBLISHED_RUNBOOKS_URL}/${item.runbook}.md`);
  item.next.forEach((cmd, i) => lines.push(`          ${i === 0 ? 'next:   ' : '        '} ${cmd}`));
  return lines;
}

function checkLines(check: ReportCheck, color: boolean): string[] {
  const showEvidence = check.status === 'ok' || check.status === 'skipped' || !check.items.some((i) => i.status === 'problem');
  const line = `  ${paint(color, COLOR[check.status], MARK[check.status])} ${check.title}${showEvidence && check.evidence ? `: ${check.evidence}` : ''}`;
  return [line, ...check.items.flatMap((i) => itemLines(i, color))];
}

export function renderText(report: Report, opts: TextOptions = {}): string {
  const color = opts.color ?? false;
  const out: string[] = [`${opts.title ?? 'ambient-exporter diagnose'} · ${report.checkedAt}`, ''];
  for (const section of report.sections) {
    out.push(paint(color, 1, section.title));
    for (const check of section.checks) out.push(...checkLines(check, color));
    out.push('');
  }
  const code = exitCodeOf(report);
  const status = report.verdict === 'problems' ? 'problem' : report.verdict === 'healthy' ? 'ok' : report.verdict === 'warnings' ? 'warn' : 'unknown';
  out.push(`${paint(color, COLOR[status], MARK[status])} ${report.summary} (exit ${code})`);
  return `${out.join('\n')}\n`;
}
