// Reading the node agents: which agent reports for which node (from the watched pods), fetching
// each one's /summary with the same budgets as a scrape (time, connect, size, concurrency), and
// what the exporter takes from it: of the agent's local scrapes, the samples its own scrape would
// keep, within the same per-target limits. An agent that hangs, lies or sends garbage costs one failed
// report (ambient_exporter_scrape_up{component="agent"} 0 and an error count), never the round.
import { parseSummary, SUMMARY_LIMITS, SUMMARY_PATH, type AgentSummary, type LocalScrape } from '../agent/summary.js';
import type { AgentReport, ClusterState, Component, PodInfo, ScrapeResult } from '../model.js';
import { fetchCapped, type FetchBudget } from './fetch.js';
import { DEFAULT_SAMPLE_LIMITS } from './limits.js';
import { ParseError, SampleLimitError, selectSamples, type SampleFilter, type SampleLimits } from './parser.js';
import { mapWithConcurrency } from './pool.js';
import { isIpLiteral, urlHost } from './address.js';

export interface AgentTarget {
  node: string;
  pod: string;
  url: string;
}

/**
 * An agent counts once it runs, has an address and is Ready (its first round after the API's first
 * list is done). The address must be an IP literal (kube/convert.ts already blanks anything else;
 * this guards the URL itself).
 */
const serving = (p: PodInfo): boolean => p.phase === 'Running' && isIpLiteral(p.ip) && p.ready && p.node !== '';

/**
 * One agent per node: the newest serving agent pod (ClusterState lists them newest first per
 * node). Its nodes are the ones whose ztunnel and istio-cni the exporter no longer scrapes itself.
 */
export function agentTargets(state: ClusterState, port: number): AgentTarget[] {
  const seen = new Set<string>();
  const out: AgentTarget[] = [];
  for (const p of state.agentPods) {
    if (!serving(p) || seen.has(p.node)) continue;
    seen.add(p.node);
    out.push({ node: p.node, pod: p.name, url: `http://${urlHost(p.ip)}:${port}${SUMMARY_PATH}` });
  }
  return out;
}

async function readJson(body: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ParseError(0, 'summary is not JSON');
  }
}

/** A summary fetch: the scrapes' budgets, and what the exporter keeps of a component's scrape. */
export interface AgentFetchOptions extends FetchBudget {
  /** the samples to keep of a component's scrape (the agent's local ones included) */
  keep: (component: Component) => SampleFilter;
  /** per-target bounds on the kept samples (default DEFAULT_SAMPLE_LIMITS) */
  limits?: SampleLimits;
}

/**
 * A local scrape as the exporter's own would have ended: only the samples it keeps, and failed with
 * `sample_limit` or `label_limit` past its limits (an agent of another version may keep more).
 */
function keptOf(scrape: LocalScrape, opts: AgentFetchOptions): LocalScrape {
  if (!scrape.up) return scrape;
  try {
    return { ...scrape, samples: selectSamples(scrape.samples, opts.keep(scrape.component), opts.limits ?? DEFAULT_SAMPLE_LIMITS) };
  } catch (err) {
    if (!(err instanceof SampleLimitError)) throw err;
    return { ...scrape, up: false, error: err.limit, samples: [] };
  }
}

/** The summary, if it is one and speaks for the node its pod runs on. */
function summaryFor(node: string, opts: AgentFetchOptions): (body: AsyncIterable<Buffer>) => Promise<AgentSummary> {
  return async (body) => {
    const parsed = parseSummary(await readJson(body));
    if (!parsed.ok) throw new ParseError(0, parsed.why);
    if (parsed.summary.node !== node) throw new ParseError(0, `summary for node ${parsed.summary.node}, agent pod on ${node}`);
    return { ...parsed.summary, scrapes: parsed.summary.scrapes.map((s) => keptOf(s, opts)) };
  };
}

export async function fetchAgentReport(t: AgentTarget, opts: AgentFetchOptions): Promise<AgentReport> {
  const capped = { ...opts, maxBytes: Math.min(opts.maxBytes, SUMMARY_LIMITS.bytes) };
  const r = await fetchCapped(t.url, capped, 'application/json', summaryFor(t.node, opts));
  return {
    ...t,
    up: r.error === undefined,
    ...(r.error === undefined ? {} : { error: r.error }),
    reachable: r.reachable,
    durationSeconds: r.durationSeconds,
    ...(r.value ? { summary: r.value } : {}),
  };
}

export function fetchAgentReports(targets: readonly AgentTarget[], opts: AgentFetchOptions & { concurrency: number }): Promise<AgentReport[]> {
  return mapWithConcurrency(targets, opts.concurrency, (t) => fetchAgentReport(t, opts));
}

/**
 * The agents' local scrapes as scrape results of the node's ztunnel and istio-cni pods, marked
 * as the agent's (source 'agent': nothing crossed the pod network).
 */
export function localScrapes(reports: readonly AgentReport[]): ScrapeResult[] {
  return reports.flatMap((r) =>
    (r.summary?.scrapes ?? []).map(
      (s): ScrapeResult => ({
        target: { component: s.component, node: r.node, pod: s.pod, url: s.url, static: false },
        up: s.up,
        durationSeconds: s.durationSeconds,
        ...(s.error ? { error: s.error } : {}),
        reachable: false,
        samples: s.samples,
        source: 'agent',
      }),
    ),
  );
}

/** Nodes whose agent serves: the exporter leaves their ztunnel and istio-cni to it. */
export function agentNodes(targets: readonly AgentTarget[]): ReadonlySet<string> {
  return new Set(targets.map((t) => t.node));
}
