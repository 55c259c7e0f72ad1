// deriveSignals(input) -> Signals: pure, no I/O. Runs every issue module (those whose detection reads
// another issue's findings after it) and keeps one root cause per node by the modules' ranks.
import { ISSUES, MODULES, type Issue, type SignalsByIssue } from './registry.js';
import type { FindingsOf, NamespaceFinding, NodeFinding, SignalInput } from './types.js';

export interface Signals {
  /** each issue's own signals (its families' rows, its findings) */
  issues: SignalsByIssue;
  /** one root cause per affected node (precedence applied) */
  nodeIssues: NodeFinding[];
  namespaceIssues: NamespaceFinding[];
  /** nodes or namespaces affected now, per issue (root causes only) */
  issueAffected: Record<Issue, number>;
}

const byNode = (a: { node: string }, b: { node: string }): number => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);

/** The modules in an order where each comes after the issues it reads. */
function evaluationOrder(): typeof MODULES {
  const done = new Set<string>();
  const out: (typeof MODULES)[number][] = [];
  const pending = [...MODULES];
  while (pending.length > 0) {
    const i = pending.findIndex((m) => (m.reads ?? []).every((r) => done.has(r)));
    if (i < 0) throw new Error(`issue modules read each other in a cycle: ${pending.map((m) => m.issue).join(', ')}`);
    const [m] = pending.splice(i, 1);
    out.push(m!);
    done.add(m!.issue);
  }
  return out;
}
const ORDER = evaluationOrder();

/** One finding per node: the one whose module ranks it lowest (the earliest in troubleshooting order). */
export function rootCauses(findings: readonly NodeFinding[], issues: Readonly<Record<string, FindingsOf>>): NodeFinding[] {
  const rank = (f: NodeFinding): number => {
    const m = MODULES.find((x) => x.issue === f.issue);
    const s = issues[f.issue];
    return m && s ? m.rank(f, s) : Number.MAX_SAFE_INTEGER;
  };
  const best = new Map<string, NodeFinding>();
  for (const f of findings) {
    const seen = best.get(f.node);
    if (!seen || rank(f) < rank(seen)) best.set(f.node, f);
  }
  return [...best.values()].sort(byNode);
}

export function deriveSignals(input: SignalInput): Signals {
  const issues: Record<string, FindingsOf> = {};
  const nodeFindings: NodeFinding[] = [];
  for (const m of ORDER) {
    const reads = new Set(m.reads ?? []);
    const s = m.derive(input, {
      previous: input.previous?.[m.issue] as Partial<FindingsOf> | undefined,
      earlierNodeFindings: nodeFindings.filter((f) => reads.has(f.issue)),
    });
    issues[m.issue] = s;
    nodeFindings.push(...s.nodeFindings);
  }
  const nodeIssues = rootCauses(nodeFindings, issues);
  const namespaceIssues = MODULES.flatMap((m) => issues[m.issue]!.namespaceFindings);
  const issueAffected = Object.fromEntries(ISSUES.map((i) => [i, 0])) as Record<Issue, number>;
  for (const f of [...nodeIssues, ...namespaceIssues]) issueAffected[f.issue as Issue] += 1;
  return { issues: issues as SignalsByIssue, nodeIssues, namespaceIssues, issueAffected };
}
