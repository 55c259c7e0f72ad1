// Known issue 4: workloads stay on plain TCP instead of HBONE because their namespace is not
// enrolled in ambient (label missing), or because running pods predate the label and were never
// captured (no redirection annotation).
import {
  ANNOTATION_REDIRECTION,
  ANNOTATION_SIDECAR_STATUS,
  REDIRECTION_VALUES,
  type Redirection,
} from '../../istio.js';
import { enablementOf, enrollmentMatcher, isEnrolled } from '../../kube/enrollment.js';
import type { PodInfo } from '../../model.js';
import { ZTUNNEL_SAMPLES } from '../../scrape/families.js';
import { agentFacts, reports } from '../agent-facts.js';
import { samplePods, type PodSample } from '../diagnose-spec.js';
import { gaugeOf, upScrapes } from '../samples.js';
import type { DeriveContext, NamespaceFinding, NodeFinding, SignalInput } from '../types.js';

export const ISSUE = 'namespace_not_enrolled' as const;
export const CAUSES = ['label_missing', 'pods_not_captured', 'pods_not_proxied', 'cni_plugin_not_configured'] as const;
export type EnrollmentCause = (typeof CAUSES)[number];
type Finding = NamespaceFinding<typeof ISSUE, EnrollmentCause>;

/**
 * How long a node's ztunnel may proxy fewer workloads than its running `enabled` pods before it is a
 * finding: pods that start or stop are added to or removed from ztunnel's state within seconds of
 * their sandbox being set up or torn down, so a shortfall that lasts longer is not churn.
 */
export const PODS_NOT_PROXIED_AFTER_MS = 3 * 60_000;

export interface EnrollmentSignals {
  namespaces: { namespace: string; enrolled: boolean; expected: boolean }[];
  pods: { namespace: string; redirection: Redirection; count: number }[];
  /** per node: running pods annotated `enabled` (what its ztunnel should proxy), its ztunnel's active count, since when short */
  proxied: { node: string; enabled: number; active: number | undefined; shortSinceMs: number | undefined }[];
  /** per namespace with running pods on plain TCP (redirection none), those pods by name (bounded; for people, never labels) */
  uncaptured: { namespace: string; pods: PodSample }[];
  /** per node whose ztunnel falls short, its pods annotated `enabled` by name (bounded) */
  enabledPods: { node: string; pods: PodSample }[];
  /** nodes whose istio-cni runs while their active CNI config lacks its plugin (their agent says so) */
  cniPluginMissing: string[];
  nodeFindings: NodeFinding<typeof ISSUE, 'pods_not_proxied' | 'cni_plugin_not_configured'>[];
  namespaceFindings: Finding[];
}

/**
 * A pod ambient would capture if enrolled: running, on the pod network, not sidecar-injected (the
 * `sidecar.istio.io/status` annotation, checked before the selectors), not shutting down. The default
 * selectors leave out pods labelled istio.io/dataplane-mode=none.
 */
export function isCapturable(pod: PodInfo): boolean {
  return pod.phase === 'Running' && pod.started && !pod.terminating && !pod.hostNetwork && pod.annotations[ANNOTATION_SIDECAR_STATUS] === undefined;
}


export function redirectionOf(pod: PodInfo): Redirection {
  const v = pod.annotations[ANNOTATION_REDIRECTION];
  return v === 'enabled' || v === 'pending' ? v : 'none';
}

export function deriveEnrollment(input: SignalInput, ctx: DeriveContext<EnrollmentSignals>): EnrollmentSignals {
  const { state, enrollment } = input;
  const expected = enrollmentMatcher(enrollment);
  const namespaces = state.namespaces
    .map((ns) => ({ namespace: ns.name, enrolled: isEnrolled(ns, enrollment), expected: expected(ns) }))
    .filter((n) => n.enrolled || n.expected);
  const enrolled = new Set(namespaces.filter((n) => n.enrolled).map((n) => n.namespace));
  // Which pods istio-cni enrols: its enablement selectors over the pod's and its namespace's labels
  // (by default the pod's own istio.io/dataplane-mode label first, then its namespace's).
  const enablement = enablementOf(enrollment);
  const nsLabels = new Map(state.namespaces.map((ns) => [ns.name, ns.labels]));
  const podEnrolled = (pod: PodInfo): boolean => enablement.pod(pod.labels, nsLabels.get(pod.namespace) ?? {});

  const counts = new Map<string, Record<Redirection, number>>();
  const plainTcp = new Map<string, PodInfo[]>();
  for (const ns of enrolled) counts.set(ns, { enabled: 0, pending: 0, none: 0 });
  for (const pod of state.workloadPods) {
    if (!isCapturable(pod) || !podEnrolled(pod)) continue;
    const row = counts.get(pod.namespace) ?? { enabled: 0, pending: 0, none: 0 };
    const redirection = redirectionOf(pod);
    row[redirection] += 1;
    counts.set(pod.namespace, row);
    if (redirection === 'none') plainTcp.set(pod.namespace, [...(plainTcp.get(pod.namespace) ?? []), pod]);
  }
  const pods = [...counts].flatMap(([namespace, row]) =>
    REDIRECTION_VALUES.map((redirection) => ({ namespace, redirection, count: row[redirection] })),
  );

  const namespaceFindings: Finding[] = [];
  const listed = new Set(namespaces.map((n) => n.namespace));
  for (const n of namespaces) {
    if (n.expected && !n.enrolled) namespaceFindings.push({ namespace: n.namespace, issue: ISSUE, cause: 'label_missing' });
    else if ((counts.get(n.namespace)?.none ?? 0) > 0) namespaceFindings.push({ namespace: n.namespace, issue: ISSUE, cause: 'pods_not_captured' });
  }
  // pods enrolled by their own label in a namespace that is not
  for (const [namespace, row] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!listed.has(namespace) && row.none > 0) namespaceFindings.push({ namespace, issue: ISSUE, cause: 'pods_not_captured' });
  }

  const proxied = proxiedByNode(input, ctx.previous?.proxied);
  const nowMs = input.nowMs ?? 0;
  const cniPluginMissing = cniPluginNotConfigured(input);
  const missing = new Set(cniPluginMissing);
  const notProxied = proxied
    .filter((p) => !missing.has(p.node) && p.shortSinceMs !== undefined && nowMs - p.shortSinceMs >= PODS_NOT_PROXIED_AFTER_MS)
    .map((p) => ({ node: p.node, issue: ISSUE, cause: 'pods_not_proxied' as const }));
  const nodeFindings = [...cniPluginMissing.map((node) => ({ node, issue: ISSUE, cause: 'cni_plugin_not_configured' as const })), ...notProxied].sort(
    (a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0),
  );
  const uncaptured = [...plainTcp].sort(([a], [b]) => (a < b ? -1 : 1)).map(([namespace, list]) => ({ namespace, pods: samplePods(list) }));
  const short = new Set(proxied.filter((p) => p.shortSinceMs !== undefined).map((p) => p.node));
  const enabledPods = [...short].map((node) => ({
    node,
    pods: samplePods(state.workloadPods.filter((p) => p.node === node && isCapturable(p) && redirectionOf(p) === 'enabled')),
  }));
  return { namespaces, pods, proxied, uncaptured, enabledPods, cniPluginMissing, nodeFindings, namespaceFindings };
}

/**
 * Per node with a ztunnel scraped this round: its running pods annotated `enabled` against the
 * workloads in its ztunnel's state map (workload_manager_active_proxy_count). After a node reboot
 * without a drain, pods can keep `enabled` while ztunnel no longer holds them, so their traffic
 * leaves as plain TCP (istio/ztunnel#1761, istio/istio#61182): the count falls short and stays so.
 */
function proxiedByNode(input: SignalInput, previous: EnrollmentSignals['proxied'] | undefined): EnrollmentSignals['proxied'] {
  const nowMs = input.nowMs ?? 0;
  const enabled = new Map<string, number>();
  for (const pod of input.state.workloadPods) {
    if (pod.node && isCapturable(pod) && redirectionOf(pod) === 'enabled') enabled.set(pod.node, (enabled.get(pod.node) ?? 0) + 1);
  }
  const before = new Map((previous ?? []).map((p) => [p.node, p]));
  const out: EnrollmentSignals['proxied'] = [];
  const seen = new Set<string>();
  for (const s of upScrapes(input.scrapes, 'ztunnel')) {
    const node = s.target.node;
    if (!node || seen.has(node)) continue; // the newest ztunnel of a node comes first (ClusterState order)
    seen.add(node);
    const active = gaugeOf(s, ZTUNNEL_SAMPLES.activeProxies, true);
    const want = enabled.get(node) ?? 0;
    const short = active !== undefined && active < want;
    out.push({ node, enabled: want, active, shortSinceMs: short ? (before.get(node)?.shortSinceMs ?? nowMs) : undefined });
  }
  return out.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/**
 * Nodes where istio-cni runs (its pod is there, in any state) but the node's active CNI config, as
 * its agent reads /etc/cni/net.d, chains no istio-cni plugin: pods that start there are not handed
 * to istio-cni, so they start outside the mesh (their traffic plain TCP until the node agent's
 * informer enrolls them, if it does). istio-cni puts its plugin back into the config it watches
 * (cni/pkg/install), so a lasting absence means its installer is not doing that. The check alone
 * does not know whether istio-cni belongs on the node; the istio-cni pod does.
 */
function cniPluginNotConfigured(input: SignalInput): string[] {
  const facts = agentFacts(input);
  const cniNodes = new Set(input.state.cniPods.map((p) => p.node));
  return [...facts.values()].filter((f) => cniNodes.has(f.node) && reports(f, 'istio_cni_config', ['cni_plugin_not_configured'])).map((f) => f.node).sort();
}
