// The agent's summary (`GET /summary`): what one agent knows of its node, small and versioned. The
// agent builds it (agent/build-summary.ts) and the central exporter reads it (scrape/agent-summary.ts)
// through this one schema, whose limits bound what a lying agent can make the exporter hold.
//
// Versioning: `schemaVersion` changes only for a change a reader of the old version would
// misread. Fields are added without a new version (readers drop what they do not know: zod
// strips unknown keys): `peers` (the probe plan held and the probes' results) came so.
import { z } from 'zod';
import { SCRAPE_ERROR_REASONS, type ScrapeErrorReason } from '../scrape/error-reasons.js';
import { CHECK_NAMES, IP_FAMILIES, PROBLEM_REASONS, UNKNOWN_REASONS } from './checks/types.js';
import { PROBE_OUTCOMES } from './peers/outcomes.js';
import { PLAN_LIMITS } from './plan.js';

export const SUMMARY_SCHEMA_VERSION = 1;
export const SUMMARY_PATH = '/summary';

/** Limits of one summary. A summary past them is invalid as a whole (`parse`), never truncated by the reader. */
export const SUMMARY_LIMITS = {
  /** a network check per family, the CNI checks, room for later ones */
  checks: 64,
  evidenceKeys: 32,
  /** characters of one evidence string (and of each list item) */
  evidenceText: 256,
  /** items of an evidence list: EVIDENCE_LIST_MAX names and one "… N more" */
  evidenceList: 21,
  /** ztunnel and istio-cni of the node, a second pod of each during a rollout */
  scrapes: 8,
  /** samples kept of one local scrape (the kept families of ztunnel hold a few dozen) */
  samples: 2_000,
  labels: 16,
  labelText: 256,
  /** the whole body, enforced by the reader while streaming */
  bytes: 1024 * 1024,
} as const;

const text = (max: number) => z.string().max(max);
const name = z.string().min(1).max(253);

const evidenceValue = z.union([
  text(SUMMARY_LIMITS.evidenceText),
  z.number(),
  z.boolean(),
  z.array(text(SUMMARY_LIMITS.evidenceText)).max(SUMMARY_LIMITS.evidenceList),
]);

export const checkSummarySchema = z.object({
  check: z.enum(CHECK_NAMES),
  family: z.enum(IP_FAMILIES).optional(),
  status: z.enum(['ok', 'problem', 'unknown']),
  reason: z.enum(['ok', ...UNKNOWN_REASONS, ...PROBLEM_REASONS]),
  evidence: z.record(z.string().max(64), evidenceValue).refine((e) => Object.keys(e).length <= SUMMARY_LIMITS.evidenceKeys, 'too many evidence keys'),
});
export type CheckSummary = z.infer<typeof checkSummarySchema>;

export const sampleSchema = z.object({
  name: text(200),
  labels: z.record(text(200), text(SUMMARY_LIMITS.labelText)).refine((l) => Object.keys(l).length <= SUMMARY_LIMITS.labels, 'too many labels'),
  // JSON has no NaN or Infinity: the agent writes them as strings
  value: z.union([z.number(), z.enum(['NaN', '+Inf', '-Inf']).transform((v) => (v === 'NaN' ? NaN : v === '+Inf' ? Infinity : -Infinity))]),
});

export const localScrapeSchema = z.object({
  component: z.enum(['ztunnel', 'istio-cni']),
  pod: name,
  url: text(512),
  up: z.boolean(),
  error: z.enum(SCRAPE_ERROR_REASONS as [ScrapeErrorReason, ...ScrapeErrorReason[]]).optional(),
  durationSeconds: z.number().nonnegative(),
  /** only the samples the issue modules read (keptSamplesOf), as the agent's parser kept them */
  samples: z.array(sampleSchema).max(SUMMARY_LIMITS.samples),
});
export type LocalScrape = z.infer<typeof localScrapeSchema>;

export const peerResultSchema = z.object({
  node: name,
  /** what was probed: the peer's VXLAN device address (pod network) and its public IP (host network) */
  podIp: text(64),
  hostIp: text(64),
  pod: z.enum(PROBE_OUTCOMES),
  host: z.enum(PROBE_OUTCOMES),
  /** the pod network again with both messages padded past the overlay MTU */
  padded: z.enum(PROBE_OUTCOMES),
  podSeconds: z.number().nonnegative(),
  hostSeconds: z.number().nonnegative(),
});
export type PeerResult = z.infer<typeof peerResultSchema>;

/** Why an agent probed nothing this round. */
export const NOT_PROBED_REASONS = [
  /** the exporter has not handed it a plan yet */
  'no_plan',
  /** not in its node's network namespace: what it reached would say nothing of the node */
  'no_host_network',
  /** its own node has no Flannel lease (no VXLAN address to probe from) */
  'no_lease',
] as const;

export const peersSummarySchema = z.object({
  /** the plan the agent holds (agent/plan.ts); null until the exporter sends one */
  plan: z
    .object({ version: text(64), coverage: z.enum(['all', 'probes']), targets: z.number().int().nonnegative(), peers: z.number().int().nonnegative(), receivedAtMs: z.number().nonnegative() })
    .nullable(),
  notProbed: z.enum(NOT_PROBED_REASONS).optional(),
  results: z.array(peerResultSchema).max(PLAN_LIMITS.targets),
});
export type PeersSummary = z.infer<typeof peersSummarySchema>;

export const agentSummarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  node: name,
  agent: z.object({ version: text(64) }),
  /** the round this summary describes */
  round: z.object({
    number: z.number().int().nonnegative(),
    startedAtMs: z.number().nonnegative(),
    finishedAtMs: z.number().nonnegative(),
    durationSeconds: z.number().nonnegative(),
  }),
  /** the agent's own view of the API: its Node, its peers' and its node's pods */
  kube: z.object({ synced: z.boolean(), watchUp: z.record(text(64), z.boolean()) }),
  /** the round judged the node against its leases: the API had been listed (what /readyz says) */
  ready: z.boolean(),
  checks: z.array(checkSummarySchema).max(SUMMARY_LIMITS.checks),
  scrapes: z.array(localScrapeSchema).max(SUMMARY_LIMITS.scrapes),
  /** absent from agents older than neighbour probing */
  peers: peersSummarySchema.optional(),
});
export type AgentSummary = z.infer<typeof agentSummarySchema>;
/** The summary as written (sample values may be the strings NaN, +Inf, -Inf). */
export type AgentSummaryInput = z.input<typeof agentSummarySchema>;

/** Why a body is not a usable summary, or the summary. Never throws. */
export function parseSummary(json: unknown): { ok: true; summary: AgentSummary } | { ok: false; why: string } {
  const r = agentSummarySchema.safeParse(json);
  if (r.success) return { ok: true, summary: r.data };
  const issue = r.error.issues[0];
  return { ok: false, why: issue ? `${issue.path.join('.') || 'summary'}: ${issue.message}` : 'invalid summary' };
}
