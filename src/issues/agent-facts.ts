// The node agents' reports as the detections read them (pure): per node, whether its agent
// answered, and the checks it reported when it did. An agent's checks are node-local truth: they
// hold whatever the exporter's own vantage point sees.
import type { CheckName, ProblemReason } from '../agent/checks/types.js';
import type { CheckSummary } from '../agent/summary.js';
import type { AgentReport } from '../model.js';
import type { SignalInput } from './types.js';

export interface NodeAgentFacts {
  node: string;
  /** the summary arrived and parsed */
  up: boolean;
  /** the agent's address answered (host network): false is a timeout or no route */
  reachable: boolean;
  /** the checks of its last round; empty when it did not answer */
  checks: readonly CheckSummary[];
}

/** One entry per node with an agent to read this round (agentTargets keeps one per node). */
export function agentFacts(input: Pick<SignalInput, 'agents'>): Map<string, NodeAgentFacts> {
  const out = new Map<string, NodeAgentFacts>();
  for (const r of input.agents ?? ([] as readonly AgentReport[])) {
    if (out.has(r.node)) continue;
    out.set(r.node, { node: r.node, up: r.up, reachable: r.reachable, checks: r.summary?.checks ?? [] });
  }
  return out;
}

/** The problems its agent reports for one check (one per overlay family at most). */
export function problemsOf(facts: NodeAgentFacts | undefined, check: CheckName): CheckSummary[] {
  return (facts?.checks ?? []).filter((c) => c.check === check && c.status === 'problem');
}

/** Whether its agent reports `check` failing with one of `reasons` (any reason when none are given). */
export function reports(facts: NodeAgentFacts | undefined, check: CheckName, reasons?: readonly ProblemReason[]): boolean {
  return problemsOf(facts, check).some((c) => reasons === undefined || (reasons as readonly string[]).includes(c.reason));
}

/** The report of the agent that speaks for `node`, if one was read this round. */
export function agentReportOf(agents: readonly AgentReport[], node: string): AgentReport | undefined {
  return agents.find((a) => a.node === node);
}

function evidenceText(evidence: CheckSummary['evidence']): string {
  const parts = Object.entries(evidence)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `${v.slice(0, 3).join(',')}${v.length > 3 ? ',…' : ''}` : String(v)}`);
  return parts.join(' ');
}

/**
 * The agent's failing checks among `checks` (all when none are given) in one line for a person, e.g.
 * "flannel_vxlan_device (ipv4): vxlan_device_missing (device=flannel.1)".
 */
export function describeProblems(report: AgentReport | undefined, checks?: readonly CheckName[]): string {
  const problems = (report?.summary?.checks ?? []).filter((c) => c.status === 'problem' && (checks === undefined || checks.includes(c.check)));
  return problems
    .map((c) => {
      const evidence = evidenceText(c.evidence);
      return `${c.check}${c.family ? ` (${c.family})` : ''}: ${c.reason}${evidence ? ` (${evidence})` : ''}`;
    })
    .join('; ');
}
