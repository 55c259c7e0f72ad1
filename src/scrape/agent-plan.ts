// Handing the node agents their probe plans (peers/plan.ts): a `PUT /plan` to each agent whose
// summary shows another plan version than the one computed for its node, so at steady state
// nothing is sent. Bounded like the summaries' reads (time, concurrency); an agent that hangs or
// refuses costs a log line and is tried again next round, never the round.
import http from 'node:http';
import { PLAN_PATH, type PeerPlan } from '../agent/plan.js';
import type { AgentReport } from '../model.js';
import { mapWithConcurrency } from './pool.js';

export interface PlanSend {
  node: string;
  version: string;
  /** undefined when the agent took it; else why not (HTTP status, timeout, error code) */
  error?: string;
}

/** The agents to send a plan to: read this round, speaking the plan (their summary has `peers`), holding another version. */
export function plansToSend(reports: readonly AgentReport[], plans: ReadonlyMap<string, PeerPlan>): { report: AgentReport; plan: PeerPlan }[] {
  return reports.flatMap((report) => {
    const plan = plans.get(report.node);
    const peers = report.summary?.peers;
    if (!plan || !peers || peers.plan?.version === plan.version) return [];
    return [{ report, plan }];
  });
}

function put(url: string, body: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'PUT', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('timeout');
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? 'error');
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      resolve(res.statusCode === 204 || res.statusCode === 200 ? undefined : `http_${res.statusCode ?? 0}`);
    });
    req.end(body);
  });
}

/** The plan endpoint of the agent behind a summary URL (same address and port). */
export function planUrlOf(summaryUrl: string): string {
  const u = new URL(summaryUrl);
  u.pathname = PLAN_PATH;
  return u.toString();
}

export function sendPlans(reports: readonly AgentReport[], plans: ReadonlyMap<string, PeerPlan>, opts: { timeoutMs: number; concurrency: number }): Promise<PlanSend[]> {
  return mapWithConcurrency(plansToSend(reports, plans), opts.concurrency, async ({ report, plan }) => {
    const error = await put(planUrlOf(report.url), JSON.stringify(plan), opts.timeoutMs);
    return { node: report.node, version: plan.version, ...(error === undefined ? {} : { error }) };
  });
}
