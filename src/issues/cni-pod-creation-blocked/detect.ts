// Known issue 3: istio-cni refuses to set up new pods while no ztunnel is connected to its node
// agent, so pods hang in ContainerCreating with a sandbox error naming `no ztunnel connection`.
import { ANNOTATION_REDIRECTION, CNI_PLUGIN_RESPONSE_CODES } from '../../istio.js';
import type { PodEventInfo, PodInfo, ScrapeResult } from '../../model.js';
import { CNI_SAMPLES } from '../../scrape/families.js';
import { samplePods, type PodSample } from '../diagnose-spec.js';
import type { NodeFinding, SignalInput } from '../types.js';
import { counterByNodeAnd, gaugeOf, upScrapes } from '../samples.js';
import { SANDBOX_REFUSAL_REASONS, sandboxRefusal, type SandboxRefusalReason } from './sandbox-errors.js';

export const ISSUE = 'cni_pod_creation_blocked';
export const CAUSES = ['ztunnel_not_connected', 'sandbox_failures', 'cni_agent_errors'] as const;
export type CniCause = (typeof CAUSES)[number];
type Finding = NodeFinding<typeof ISSUE, CniCause>;

export interface CniSignals {
  cniPodReady: { node: string; ready: boolean }[];
  ztunnelConnected: { node: string; value: number }[];
  installReady: { node: string; value: number }[];
  podsBlocked: { node: string; namespace: string; count: number }[];
  /** pods waiting for a sandbox istio-cni refused, by why */
  podsRefused: { node: string; namespace: string; reason: SandboxRefusalReason; count: number }[];
  redirectionPending: { node: string; namespace: string; count: number }[];
  /** istio-cni's version per pod: its image tag (istio-cni exports no istio_build) */
  cniInfo: { node: string; pod: string; version: string }[];
  /** the plugin's requests the node agent answered, per node and response code (istio-cni 1.31+; 500: the agent refused the pod) */
  pluginRequests: { node: string; responseCode: string; value: number }[];
  /** per node, the pods waiting for a sandbox istio-cni refused, by name (bounded; for people, never labels) */
  refusedPods: { node: string; reasons: SandboxRefusalReason[]; pods: PodSample }[];
  nodeFindings: Finding[];
  namespaceFindings: [];
}

/** The newest sandbox failure of each pod, keyed namespace/name. */
function latestSandboxFailure(events: PodEventInfo[]): Map<string, PodEventInfo> {
  const latest = new Map<string, PodEventInfo>();
  for (const e of events) {
    const key = `${e.namespace}/${e.pod}`;
    const seen = latest.get(key);
    if (!seen || e.lastSeen >= seen.lastSeen) latest.set(key, e);
  }
  return latest;
}

/**
 * Why istio-cni refuses a pod not started whose latest sandbox failure is istio-cni's, and that still
 * waits for its sandbox; undefined otherwise. Once the pod is past its sandbox (ImagePullBackOff,
 * CreateContainerConfigError, ...), the old event no longer explains why it is not running.
 */
export function cniRefusal(pod: PodInfo, latest: Map<string, PodEventInfo>): SandboxRefusalReason | undefined {
  if (pod.started || pod.phase !== 'Pending' || !pod.node) return undefined;
  if (pod.waitingReason !== '' && pod.waitingReason !== 'ContainerCreating') return undefined;
  const event = latest.get(`${pod.namespace}/${pod.name}`);
  if (!event || (event.podUid && event.podUid !== pod.uid)) return undefined; // an earlier pod of the same name
  return sandboxRefusal(event.message);
}

const KNOWN_RESPONSE_CODES: ReadonlySet<string> = new Set(CNI_PLUGIN_RESPONSE_CODES);

/** istio_cni_plugin_requests_total per node and response code (unknown codes count as `other`). */
export function pluginRequests(cniScrapes: readonly ScrapeResult[]): CniSignals['pluginRequests'] {
  return counterByNodeAnd(cniScrapes, CNI_SAMPLES.pluginRequests, 'response_code', KNOWN_RESPONSE_CODES).map(({ node, key, value }) => ({
    node,
    responseCode: key,
    value,
  }));
}

function countByNodeNamespace(pods: PodInfo[]): { node: string; namespace: string; count: number }[] {
  const counts = new Map<string, { node: string; namespace: string; count: number }>();
  for (const p of pods) {
    const key = `${p.node}\u0000${p.namespace}`;
    const row = counts.get(key) ?? { node: p.node, namespace: p.namespace, count: 0 };
    row.count += 1;
    counts.set(key, row);
  }
  return [...counts.values()];
}

export function deriveCni(input: SignalInput): CniSignals {
  const { state, scrapes } = input;
  const cniScrapes = upScrapes(scrapes, 'istio-cni');
  // istio-cni records ztunnel_connected only when a ztunnel connects or disconnects (a synchronous OTel
  // gauge, cni/pkg/nodeagent/ztunnelserver.go): a node agent that restarted and has seen no ztunnel
  // since serves no such family. Absent from a scrape that worked while a ztunnel runs on the node,
  // it means 0.
  const ztunnelRuns = new Set(state.ztunnelPods.filter((p) => p.phase === 'Running').map((p) => p.node));
  const ztunnelConnected = cniScrapes.flatMap((s) => {
    const v = gaugeOf(s, CNI_SAMPLES.ztunnelConnected, true) ?? (ztunnelRuns.has(s.target.node) ? 0 : undefined);
    return v === undefined ? [] : [{ node: s.target.node, value: v }];
  });
  const installReady = cniScrapes.flatMap((s) => {
    const v = gaugeOf(s, CNI_SAMPLES.installReady, true);
    return v === undefined ? [] : [{ node: s.target.node, value: v }];
  });

  const latest = latestSandboxFailure(state.sandboxEvents);
  const refused = state.workloadPods.flatMap((p) => {
    const reason = cniRefusal(p, latest);
    return reason ? [{ pod: p, reason }] : [];
  });
  const blocked = refused.filter((r) => r.reason === 'no_ztunnel_connection').map((r) => r.pod);
  const pending = state.workloadPods.filter(
    (p) => p.node && p.annotations[ANNOTATION_REDIRECTION] === 'pending' && p.phase !== 'Succeeded' && p.phase !== 'Failed',
  );
  const podsBlocked = countByNodeNamespace(blocked);
  const podsRefused = SANDBOX_REFUSAL_REASONS.flatMap((reason) =>
    countByNodeNamespace(refused.filter((r) => r.reason === reason).map((r) => r.pod)).map((c) => ({ ...c, reason })),
  );

  // One cause per node, the most specific first: the agent's own report of no ztunnel, then pods
  // refused for that reason, then pods refused for any other.
  const disconnected = new Set(ztunnelConnected.filter((z) => z.value < 1).map((z) => z.node));
  const blockedNodes = new Set(podsBlocked.map((b) => b.node));
  const refusedNodes = new Set(refused.map((r) => r.pod.node));
  const nodeFindings: Finding[] = [...new Set([...disconnected, ...blockedNodes, ...refusedNodes])].sort().map((node) => ({
    node,
    issue: ISSUE,
    cause: disconnected.has(node) ? 'ztunnel_not_connected' : blockedNodes.has(node) ? 'sandbox_failures' : 'cni_agent_errors',
  }));

  return {
    cniPodReady: state.cniPods.filter((p) => p.node).map((p) => ({ node: p.node, ready: p.ready })),
    ztunnelConnected,
    installReady,
    podsBlocked,
    podsRefused,
    redirectionPending: countByNodeNamespace(pending),
    cniInfo: state.cniPods.flatMap((p) => (p.node && p.istioImageTag ? [{ node: p.node, pod: p.name, version: p.istioImageTag.slice(0, 64) }] : [])),
    pluginRequests: pluginRequests(cniScrapes),
    refusedPods: [...refusedNodes].sort().map((node) => {
      const here = refused.filter((r) => r.pod.node === node);
      return { node, reasons: SANDBOX_REFUSAL_REASONS.filter((reason) => here.some((r) => r.reason === reason)), pods: samplePods(here.map((r) => r.pod)) };
    }),
    nodeFindings,
    namespaceFindings: [],
  };
}
