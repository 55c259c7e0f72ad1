// One round told to a person: the verdict, the exporter's own view (API, targets), then every module's
// checks in the troubleshooting order, each with its evidence, affected pods, runbook and next
// commands. Pure: a RoundResult in, a Report out; `diagnose` (text, JSON) and the status page render
// the same Report. Nothing is detected here: findings are the modules' (root causes by their ranks),
// and what a check says is the module's own diagnose part.
import type { RoundResult } from '../export/exporter-families.js';
import type { Signals } from '../issues/derive.js';
import { LAYERS, LAYER_TITLES, type CheckContext, type CheckNote, type DiagnoseCheck, type Layer, type Where } from '../issues/diagnose-spec.js';
import { MODULES, causeOf } from '../issues/registry.js';
import type { IssueModule, NamespaceFinding, NodeFinding } from '../issues/types.js';
import { accessChecks, type AccessOptions } from './access.js';
import { explainerOf } from './explain.js';
import { type ItemStatus, type ItemWhere, type Report, type ReportCheck, type ReportItem, type ReportSection, type Verdict, checkStatus } from './types.js';

export interface ReportOptions extends AccessOptions {
  istioNamespace: string;
  ownNode: string | undefined;
}

const ITEM_ORDER: Record<ItemStatus, number> = { problem: 0, explained: 1, warn: 2, unknown: 3 };
const whereKey = (w: ItemWhere): string => w.node ?? w.namespace ?? '';

/** A note; a warning on a node whose root cause another check reports is explained by it (as the inhibitions hold it back). */
function noteItem(n: CheckNote, explain: ReturnType<typeof explainerOf>, check: DiagnoseCheck): ReportItem {
  const root = n.status === 'warn' && 'node' in n.where ? explain(n.where.node, false) : undefined;
  const byOther = root && !(check.causes).includes(root.cause) ? root : undefined;
  return {
    status: byOther ? 'explained' : n.status,
    ...(byOther ? { explainedBy: { issue: byOther.issue, cause: byOther.cause, node: byOther.node } } : {}),
    where: whereOf(n.where),
    evidence: n.evidence,
    ...(n.pods ? { pods: n.pods } : {}),
    ...(n.runbook ? { runbook: n.runbook } : {}),
    next: n.next ?? [],
  };
}

function whereOf(w: Where): ItemWhere {
  return 'node' in w ? { node: w.node } : 'namespace' in w ? { namespace: w.namespace } : {};
}

/** The items of one check: its module's findings of the check's causes (one per cluster-wide cause), then its notes. */
function findingItems(m: IssueModule, check: DiagnoseCheck, signals: Signals, ctx: CheckContext): ReportItem[] {
  const own = signals.issues[m.issue as keyof Signals['issues']] as { nodeFindings: NodeFinding[]; namespaceFindings: NamespaceFinding[] };
  const roots = new Map(signals.nodeIssues.map((f) => [f.node, f]));
  const causes = new Set<string>(check.causes);
  const items: ReportItem[] = [];
  const item = (f: NodeFinding | NamespaceFinding, status: ItemStatus, where: ItemWhere, explainedBy?: NodeFinding): ReportItem => {
    const spec = causeOf(f.issue, f.cause);
    const detail = m.diagnose.detail(f, own, ctx);
    return {
      status,
      where,
      title: m.title,
      issue: f.issue,
      cause: f.cause,
      ...(spec ? { meaning: spec.meaning } : {}),
      evidence: detail.evidence,
      ...(detail.pods ? { pods: detail.pods } : {}),
      ...(detail.pagedBy ? { runbook: detail.pagedBy } : spec ? { runbook: spec.pagedBy } : {}),
      next: detail.next,
      ...(explainedBy ? { explainedBy: { issue: explainedBy.issue, cause: explainedBy.cause, node: explainedBy.node } } : {}),
    };
  };
  const isRoot = (f: NodeFinding): boolean => roots.get(f.node)?.issue === f.issue && roots.get(f.node)?.cause === f.cause;

  const nodeFindings = own.nodeFindings.filter((f) => causes.has(f.cause));
  // A cluster-wide cause is one problem however many nodes it marks.
  const clusterWide = new Map<string, NodeFinding[]>();
  for (const f of nodeFindings) {
    if (causeOf(f.issue, f.cause)?.clusterWide) clusterWide.set(f.cause, [...(clusterWide.get(f.cause) ?? []), f]);
    else {
      const root = roots.get(f.node);
      items.push(isRoot(f) ? item(f, 'problem', { node: f.node }) : item(f, 'explained', { node: f.node }, root));
    }
  }
  for (const group of clusterWide.values()) {
    const first = group.find(isRoot) ?? group[0]!;
    const where = { nodes: group.map((f) => f.node).sort() };
    items.push(group.some(isRoot) ? item(first, 'problem', where) : item(first, 'explained', where, roots.get(first.node)));
  }
  for (const f of own.namespaceFindings.filter((x) => causes.has(x.cause))) items.push(item(f, 'problem', { namespace: f.namespace }));
  return items;
}

function moduleCheck(m: IssueModule, check: DiagnoseCheck, signals: Signals, ctx: CheckContext): ReportCheck {
  const own = signals.issues[m.issue as keyof Signals['issues']];
  const assessment = check.assess(own, ctx);
  const explain = explainerOf(signals, ctx.ownNode);
  const items = [...findingItems(m, check, signals, ctx), ...(assessment.notes ?? []).map((n) => noteItem(n, explain, check))].sort(
    (a, b) => ITEM_ORDER[a.status] - ITEM_ORDER[b.status] || whereKey(a.where).localeCompare(whereKey(b.where)),
  );
  return { id: check.id, title: check.title, status: checkStatus(items, assessment), evidence: assessment.evidence, items };
}

/** Every module's checks of one layer, in registry order. */
function layerChecks(layer: Layer, signals: Signals, ctx: CheckContext): ReportCheck[] {
  return MODULES.flatMap((m) => m.diagnose.checks.filter((c) => c.layer === layer).map((c) => moduleCheck(m, c, signals, ctx)));
}

function verdictOf(blind: boolean, problems: number, warnings: number, unknown: number): Verdict {
  if (blind) return 'blind';
  if (problems > 0) return 'problems';
  if (unknown > 0) return 'incomplete';
  return warnings > 0 ? 'warnings' : 'healthy';
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function summaryOf(verdict: Verdict, r: { problems: number; warnings: number; unknown: number }, blindReason: string): string {
  switch (verdict) {
    case 'blind':
      return `Blind: ${blindReason}`;
    case 'problems':
      return `${count(r.problems, 'problem')} found${r.warnings > 0 ? `, ${count(r.warnings, 'warning')}` : ''}`;
    case 'incomplete':
      return `No problem found, but ${count(r.unknown, 'check')} could not be made`;
    case 'warnings':
      return `No problem found; ${count(r.warnings, 'warning')}`;
    default:
      return 'Healthy: every check passed';
  }
}

/** The context every check reads: the round's evidence and where it was collected. */
export function checkContext(round: RoundResult, opts: ReportOptions): CheckContext {
  return {
    state: round.state,
    scrapes: round.scrapes,
    probes: round.probes,
    agents: round.agents ?? [],
    istioNamespace: opts.istioNamespace,
    ownNode: opts.ownNode,
    nowMs: round.finishedAtMs,
  };
}

/** Module checks picked by id (e.g. `diagnose --pre-install` reuses the Flannel checks). */
export function moduleChecks(ids: readonly string[], signals: Signals, ctx: CheckContext): ReportCheck[] {
  return ids.map((id) => {
    const m = MODULES.find((x) => x.diagnose.checks.some((c) => c.id === id));
    const c = m?.diagnose.checks.find((x) => x.id === id);
    if (!m || !c) throw new Error(`no module check ${id}`);
    return moduleCheck(m, c, signals, ctx);
  });
}

/** The verdict, counts and summary of a set of sections. */
export function assembleReport(sections: ReportSection[], checkedAtMs: number, blind: { is: boolean; reason: string }): Report {
  const items = sections.flatMap((s) => s.checks.flatMap((c) => c.items));
  const problems = items.filter((i) => i.status === 'problem').length;
  const warnings = items.filter((i) => i.status === 'warn').length;
  const unknown = sections.flatMap((s) => s.checks).filter((c) => c.status === 'unknown').length;
  const verdict = verdictOf(blind.is, problems, warnings, unknown);
  return {
    version: 1,
    verdict,
    summary: summaryOf(verdict, { problems, warnings, unknown }, blind.reason),
    problems,
    warnings,
    unknown,
    checkedAt: new Date(checkedAtMs).toISOString(),
    sections,
  };
}

export const ACCESS_TITLE = "The exporter's view: Kubernetes API and Istio components";

/** The report of one round. */
export function buildReport(round: RoundResult, opts: ReportOptions): Report {
  const ctx = checkContext(round, opts);
  const access = accessChecks(round, ctx, opts);
  const blind = !round.stateKnown;
  const sections: ReportSection[] = [
    { id: 'access', title: ACCESS_TITLE, checks: access.checks },
    // Without a current view of the cluster every finding could be stale: none is shown (as /metrics serves none).
    ...(blind ? [] : LAYERS.map((layer) => ({ id: layer, title: LAYER_TITLES[layer], checks: layerChecks(layer, round.signals, ctx) }))),
  ];
  return assembleReport(sections, round.finishedAtMs, { is: blind, reason: access.blindReason });
}
