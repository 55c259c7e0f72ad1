// The summary of one agent round (pure): the checks without their static requirements, evidence
// and samples capped to the schema's limits (agent/summary.ts), so the agent never serves a summary
// its readers would reject for size.
import type { Sample, ScrapeResult } from '../model.js';
import { peersSummary } from './build-peers.js';
import type { CheckResult, Evidence } from './checks/index.js';
import type { AgentRound } from './round.js';
import { SUMMARY_LIMITS, SUMMARY_SCHEMA_VERSION, type AgentSummaryInput } from './summary.js';

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

function capEvidence(e: Evidence): AgentSummaryInput['checks'][number]['evidence'] {
  const out: AgentSummaryInput['checks'][number]['evidence'] = {};
  for (const [k, v] of Object.entries(e).slice(0, SUMMARY_LIMITS.evidenceKeys)) {
    const key = clip(k, 64);
    if (typeof v === 'string') out[key] = clip(v, SUMMARY_LIMITS.evidenceText);
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else out[key] = v.slice(0, SUMMARY_LIMITS.evidenceList).map((x) => clip(x, SUMMARY_LIMITS.evidenceText));
  }
  return out;
}

function checkSummary(r: CheckResult): AgentSummaryInput['checks'][number] {
  return { check: r.check, ...(r.family ? { family: r.family } : {}), status: r.status, reason: r.reason, evidence: capEvidence(r.evidence) };
}

/** JSON cannot carry NaN or infinities: they travel as strings. */
function sampleValue(v: number): number | 'NaN' | '+Inf' | '-Inf' {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v;
}

function sampleSummary(s: Sample): AgentSummaryInput['scrapes'][number]['samples'][number] {
  const labels = Object.fromEntries(Object.entries(s.labels).slice(0, SUMMARY_LIMITS.labels).map(([k, v]) => [clip(k, 200), clip(v, SUMMARY_LIMITS.labelText)]));
  return { name: clip(s.name, 200), labels, value: sampleValue(s.value) };
}

function scrapeSummary(s: ScrapeResult): AgentSummaryInput['scrapes'][number] {
  return {
    component: s.target.component === 'ztunnel' ? 'ztunnel' : 'istio-cni',
    pod: s.target.pod,
    url: clip(s.target.url, 512),
    up: s.up,
    ...(s.error ? { error: s.error } : {}),
    durationSeconds: s.durationSeconds,
    samples: s.samples.slice(0, SUMMARY_LIMITS.samples).map(sampleSummary),
  };
}

export function buildSummary(round: AgentRound, node: string, version: string): AgentSummaryInput {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    node,
    agent: { version: clip(version, 64) },
    round: { number: round.number, startedAtMs: round.startedAtMs, finishedAtMs: round.finishedAtMs, durationSeconds: round.durationSeconds },
    kube: { synced: round.kube.synced, watchUp: round.kube.watchUp },
    ready: round.kube.synced,
    checks: round.checks.slice(0, SUMMARY_LIMITS.checks).map(checkSummary),
    scrapes: round.scrapes
      .filter((s) => s.target.component === 'ztunnel' || s.target.component === 'istio-cni')
      .slice(0, SUMMARY_LIMITS.scrapes)
      .map(scrapeSummary),
    ...(round.peers ? { peers: peersSummary(round.peers) } : {}),
  };
}
