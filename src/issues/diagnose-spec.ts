// What a known-issue module says about itself to a person (`diagnose`, the status page): its checks,
// where each sits in the troubleshooting order, how to phrase what was verified and what is wrong,
// the affected pods, and the next command to run. Pure: a module reads its own signals and the round's
// evidence; src/diagnosis/ renders every module the same way, so a fifth issue stays one folder.
import type { AgentReport, ClusterState, PodInfo, ProbeResults, ScrapeResult } from '../model.js';

/** The source document's troubleshooting order: a lower layer explains the ones above it. */
export const LAYERS = ['network', 'controlPlane', 'dataPlane', 'application'] as const;
export type Layer = (typeof LAYERS)[number];

export const LAYER_TITLES: Record<Layer, string> = {
  network: 'Network: can pods on different nodes reach each other?',
  controlPlane: 'Control plane: is istiod healthy and reachable on 15012?',
  dataPlane: 'Data plane: are the ztunnels and istio-cni connected?',
  application: 'Application: are the workloads in the mesh?',
};

/** What a check reads besides its module's signals: the round's raw evidence. */
export interface CheckContext {
  state: ClusterState;
  scrapes: readonly ScrapeResult[];
  probes: ProbeResults;
  /** the node agents read this round (none without agents) */
  agents: readonly AgentReport[];
  /** --istio-namespace: where istiod's Service is looked up */
  istioNamespace: string;
  /** the node the exporter runs on, when known */
  ownNode: string | undefined;
  /** time of the round, ms since epoch */
  nowMs: number;
}

export interface PodRef {
  namespace: string;
  name: string;
}

/** Pods named on the page and in `diagnose`: the first POD_SAMPLE_LIMIT, and how many in all. Never metric labels. */
export interface PodSample {
  pods: PodRef[];
  total: number;
}

export const POD_SAMPLE_LIMIT = 10;

/** The first POD_SAMPLE_LIMIT pods by namespace and name, and the count. */
export function samplePods(pods: Iterable<Pick<PodInfo, 'namespace' | 'name'>>): PodSample {
  const all = [...pods].map((p) => ({ namespace: p.namespace, name: p.name }));
  all.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1));
  return { pods: all.slice(0, POD_SAMPLE_LIMIT), total: all.length };
}

export type Where = { node: string } | { namespace: string } | { cluster: true };

/** Something that is not a finding but deserves a look (⚠), or part of a check that could not be made (?). */
export interface CheckNote {
  status: 'warn' | 'unknown';
  where: Where;
  evidence: string;
  /** the alert whose runbook covers it, when one does */
  runbook?: string;
  next?: string[];
  pods?: PodSample;
}

/** What a check verified, whatever its findings. */
export interface CheckAssessment {
  /** what was verified, shown when none of its causes is a finding, e.g. "Flannel Ready on 3 of 3 nodes" */
  evidence: string;
  notes?: CheckNote[];
  /** nothing to check in this cluster (e.g. no Flannel: another CNI) */
  skipped?: boolean;
  /** the check could not be made at all (its evidence is missing) */
  unknown?: boolean;
}

export interface DiagnoseCheck<C extends string = string, S = unknown> {
  /** stable, for --output json: <issue>.<check> */
  id: string;
  layer: Layer;
  /** what healthy looks like, e.g. "Flannel Ready on every node" */
  title: string;
  /** the causes whose findings are this check's problems (each cause of the module in exactly one check) */
  causes: readonly C[];
  assess(signals: S, ctx: CheckContext): CheckAssessment;
}

export interface FindingDetail {
  /** which node, pod, namespace and value, in one sentence */
  evidence: string;
  pods?: PodSample;
  /** the commands to look further, in the order to run them (kubectl, istioctl, talosctl) */
  next: string[];
  /**
   * The alert that pages for this finding when it is not the cause's own (CauseSpec.pagedBy): an
   * alert on the same node that Alertmanager lets through while it holds the cause's own back
   * (rules/alertmanager/inhibit-rules.yaml). Its runbook is the one to open.
   */
  pagedBy?: string;
}

/** A node or namespace finding of the module (types.ts's NodeFinding and NamespaceFinding fit it). */
export type FindingOf<C extends string> = { issue: string; cause: C } & ({ node: string } | { namespace: string });

export interface IssueDiagnosis<C extends string = string, S = unknown> {
  checks: readonly DiagnoseCheck<C, S>[];
  /** evidence, affected pods and next commands of one of the module's findings */
  detail(f: FindingOf<C>, signals: S, ctx: CheckContext): FindingDetail;
}
