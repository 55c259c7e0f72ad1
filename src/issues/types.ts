// What every known-issue module is made of, and the findings they produce. A module owns its
// detection (pure), its metric families, its causes with their meaning and the alert that pages for
// each, and the names that tie it to its alert groups, dashboard row and lab faults. registry.ts
// lists the modules; derive.ts runs them and keeps one root cause per node.
import type { FamilySpec } from '../export/family.js';
import type { IssueDiagnosis } from './diagnose-spec.js';
import type { EnrollmentPolicy } from '../kube/enrollment.js';
import type { AgentReport, ClusterState, Component, ProbeResults, ScrapeResult } from '../model.js';

/** One node's finding: `issue` is the module's label value, `cause` one of its causes. */
export interface NodeFinding<I extends string = string, C extends string = string> {
  node: string;
  issue: I;
  cause: C;
}

export interface NamespaceFinding<I extends string = string, C extends string = string> {
  namespace: string;
  issue: I;
  cause: C;
}


/** Everything one round collected: the input of every module's detection. */
export interface SignalInput {
  state: ClusterState;
  /** the exporter's scrapes, and the node agents' local scrapes of their node's ztunnel and istio-cni (source 'agent') */
  scrapes: ScrapeResult[];
  probes: ProbeResults;
  /** the node agents' summaries this round (their node-local checks); absent or empty without agents */
  agents?: readonly AgentReport[] | undefined;
  /** the node the exporter runs on, when known */
  ownNode?: string | undefined;
  /** istiod's xDS port (15012) */
  xdsPort: number;
  enrollment: EnrollmentPolicy;
  /** time of this round, ms since epoch */
  nowMs?: number;
  /**
   * What each module derived in the previous round, by issue (a module that needs history, such as
   * counters that must keep growing, reads its own entry).
   */
  previous?: Readonly<Record<string, unknown>> | undefined;
}

/** The part of every module's signals that derive.ts reads. */
export interface FindingsOf {
  nodeFindings: NodeFinding[];
  namespaceFindings: NamespaceFinding[];
}

/**
 * A sample a module reads: by name, kept whole; or a counter kept only as sums by a few of its labels
 * (its other labels never copied: a family with one series per pair of workloads costs one sample
 * per value of the labels read).
 */
export type KeptSample = string | { name: string; sumBy: readonly string[] };

export interface DeriveContext<S> {
  /** this module's signals of the previous round, when there was one */
  previous: Partial<S> | undefined;
  /** node findings of the issues the module `reads` (e.g. nodes cut off from the network) */
  earlierNodeFindings: readonly NodeFinding[];
}

export interface CauseSpec<C extends string = string> {
  cause: C;
  /** what the cause means, for docs/metrics.md and the status page (markdown, one paragraph) */
  meaning: string;
  /** the alert that pages when this cause is the root cause (its runbook is the one to open) */
  pagedBy: string;
  /** the cause holds for the whole cluster and marks every node it affects (istiod's side) */
  clusterWide?: boolean;
}

/**
 * Root-cause precedence, one scale for every module, following the troubleshooting order network →
 * control plane → data plane → application. When several issues hit a node, the lowest rank wins.
 */
export const RANK = {
  /** the node is cut off from the pod network: it explains everything above it */
  network: 0,
  /** the node's own ztunnel cannot get configuration */
  nodeControlPlane: 1,
  /** istio-cni on the node refuses pods */
  dataPlane: 2,
  /** a cluster-wide control-plane cause marking a node whose own data plane may be fine */
  clusterControlPlane: 3,
  /** workloads on the node not in the mesh */
  application: 4,
} as const;

export interface IssueModule<I extends string = string, C extends string = string, S extends FindingsOf = FindingsOf> {
  /** the `issue` label value, e.g. cross_node_network (also the key of its signals) */
  issue: I;
  /** what goes wrong, in the words of the README and the status page */
  title: string;
  /** the title of its dashboard tile */
  shortTitle: string;
  /** what an operator sees when it happens (README table) */
  symptom: string;
  /** what the exporter counts for it and why (dashboard tile, status page); one or two sentences */
  description: string;
  /** what `ambient_issue_affected` counts for it */
  unit: 'nodes' | 'namespaces' | 'nodes or namespaces';
  causes: readonly CauseSpec<C>[];
  /**
   * The samples its detection reads from each component's scrape (exposed names, OpenMetrics counters
   * with `_total`): the scraper keeps the union of every module's and skips the rest of the body.
   */
  keeps: Partial<Record<Component, readonly KeptSample[]>>;
  /** its metric families (beside the shared ambient_node_issue / ambient_namespace_issue) */
  families: readonly FamilySpec<S>[];
  /** markdown that follows the cause table in docs/metrics.md: precedence notes, caveats */
  notes?: string;
  /** issues whose node findings its detection reads (ctx.earlierNodeFindings): they are derived first */
  reads?: readonly string[];
  /** pure: this round's signals of the issue */
  derive(input: SignalInput, ctx: DeriveContext<S>): S;
  /** precedence of one of its node findings (RANK), which may depend on what else it saw of the node */
  rank(f: NodeFinding, signals: S): number;
  /** what `diagnose` and the status page say of it: its checks in the troubleshooting order, evidence, next commands */
  diagnose: IssueDiagnosis<C, S>;
  /** names tying it to the rest of the bundle; checked against the rules, dashboards and lab by tests */
  bundle: {
    /** its Prometheus rule groups (scripts/rules/groups/) */
    alertGroups: readonly string[];
    /** where its detail is on the dashboards: a dashboard (dashboards/src/common.ts UIDS key) and a row of it */
    dashboardRow: { dashboard: string; row: string };
    /** the lab faults that reproduce it */
    labFaults: readonly string[];
  };
}
