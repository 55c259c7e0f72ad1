// Known issue 3: istio-cni refuses to set up new pods while no ztunnel is connected to its node
// agent, so pods hang in ContainerCreating with a sandbox error naming `no ztunnel connection`.
import { ANNOTATION_REDIRECTION, NO_ZTUNNEL_CONNECTION } from '../../istio.js';
import type { PodEventInfo, PodInfo } from '../../model.js';
import { CNI_SAMPLES } from '../../scrape/families.js';
import type { NodeFinding, SignalInput } from '../types.js';
import { sumOf, upScrapes } from '../samples.js';

export const ISSUE = 'cni_pod_creation_blocked';
export const CAUSES = ['ztunnel_not_connected', 'sandbox_failures'] as const;
export type CniCause = (typeof CAUSES)[number];
type Finding = NodeFinding<typeof ISSUE, CniCause>;

export interface CniSignals {
  cniPodReady: { node: string; ready: boolean }[];
  ztunnelConnected: { node: string; value: number }[];
  installReady: { node: string; value: number }[];
  podsBlocked: { node: string; namespace: string; count: number }[];
  redirectionPending: { node: string; namespace: string; count: number }[];
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
 * A pod not started whose latest sandbox failure is istio-cni's "no ztunnel connection", and that
 * still waits for its sandbox: once it is past that (ImagePullBackOff, CreateContainerConfigError,
 * ...), the old event no longer explains why it is not running.
 */
export function isBlockedByCni(pod: PodInfo, latest: Map<string, PodEventInfo>): boolean {
  if (pod.started || pod.phase !== 'Pending' || !pod.node) return false;
  if (pod.waitingReason !== '' && pod.waitingReason !== 'ContainerCreating') return false;
  const event = latest.get(`${pod.namespace}/${pod.name}`);
  if (!event || (event.podUid && event.podUid !== pod.uid)) return false; // an earlier pod of the same name
  return event.message.includes(NO_ZTUNNEL_CONNECTION);
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
  const ztunnelConnected = cniScrapes.flatMap((s) => {
    const v = sumOf(s, CNI_SAMPLES.ztunnelConnected);
    return v === undefined ? [] : [{ node: s.target.node, value: v }];
  });
  const installReady = cniScrapes.flatMap((s) => {
    const v = sumOf(s, CNI_SAMPLES.installReady);
    return v === undefined ? [] : [{ node: s.target.node, value: v }];
  });

  const latest = latestSandboxFailure(state.sandboxEvents);
  const blocked = state.workloadPods.filter((p) => isBlockedByCni(p, latest));
  const pending = state.workloadPods.filter(
    (p) => p.node && p.annotations[ANNOTATION_REDIRECTION] === 'pending' && p.phase !== 'Succeeded' && p.phase !== 'Failed',
  );
  const podsBlocked = countByNodeNamespace(blocked);

  const disconnected = new Set(ztunnelConnected.filter((z) => z.value < 1).map((z) => z.node));
  const blockedNodes = new Set(podsBlocked.map((b) => b.node));
  const nodeFindings: Finding[] = [...new Set([...disconnected, ...blockedNodes])]
    .sort()
    .map((node) => ({
      node,
      issue: ISSUE,
      cause: disconnected.has(node) ? 'ztunnel_not_connected' : 'sandbox_failures',
    }));

  return {
    cniPodReady: state.cniPods.filter((p) => p.node).map((p) => ({ node: p.node, ready: p.ready })),
    ztunnelConnected,
    installReady,
    podsBlocked,
    redirectionPending: countByNodeNamespace(pending),
    nodeFindings,
    namespaceFindings: [],
  };
}
