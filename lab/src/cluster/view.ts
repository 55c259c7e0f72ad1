// The cluster as the active faults and the processes' history make it look: per-node health,
// namespace labels, and how every pod (including pods a rollout lands on a refusing node) appears.
// Pure: the same faults, process states, restart history and clock give the same view.
import { crashLoops, effectsOf, namespaceAmbient, podPathOk, type Effects } from '../faults/effects.js';
import type { ActiveFault } from '../faults/resolve.js';
import type { NodeRuntimeState, Refusal, RefusalPeriod } from '../runtime/node.js';
import { crashLoopState } from '../util/time.js';
import { annotatesPending, refusalHits } from './objects/sandbox-errors.js';
import { ISTIOD_SERVICE_PORTS, type ServicePort } from './objects/service.js';
import type { ContainerLook, PodLook } from './objects/pod.js';
import { rolloutPods, type Topology } from './topology.js';
import type { SimPod } from './shapes.js';
import { APP_NAMESPACES, enrolledBy } from './workloads.js';

const REDIRECTION = 'ambient.istio.io/redirection';

/** Restarts containers have accumulated (ended crash loops, restarts, reboots), by pod uid. */
export class RestartLedger {
  private readonly restarts = new Map<string, number>();

  get(uid: string): number {
    return this.restarts.get(uid) ?? 0;
  }

  /** The crash loop of pod `uid` that began at `since` ended at `now`: the container runs again. */
  endCrashLoop(uid: string, since: number, now: number): void {
    this.restarts.set(uid, crashLoopState(since, now, this.get(uid)).restarts);
  }

  /** The containers of pod `uid` restarted once (a restart, or the node's reboot). */
  bump(uid: string): void {
    this.restarts.set(uid, this.get(uid) + 1);
  }
}

export interface NodeHealth extends NodeRuntimeState {
  node: string;
  /** pods of this node answer over the pod network (seen from istiod's node) */
  podNetworkReachable: boolean;
  flannelReady: boolean;
}

export interface ViewPod {
  pod: SimPod;
  look: PodLook;
  /** the refusals kubelet reported for this pod's sandbox, one event each */
  sandboxFailures?: RefusalPeriod[];
}

export interface ClusterView {
  faults: readonly ActiveFault[];
  effects: Effects;
  health: Map<string, NodeHealth>;
  namespaceLabels: Map<string, Record<string, string>>;
  pods: ViewPod[];
  servicePorts: ServicePort[];
}

const AMBIENT_BY_DEFAULT = new Map(APP_NAMESPACES.map((n) => [n.name, n.ambient]));

export function clusterView(
  t: Topology,
  faults: readonly ActiveFault[],
  runtime: ReadonlyMap<string, NodeRuntimeState>,
  ledger: RestartLedger,
): ClusterView {
  const effects = effectsOf(faults);
  const health = new Map<string, NodeHealth>();
  for (const n of t.nodes) {
    const rt = runtime.get(n.name);
    if (!rt) throw new Error(`no runtime state for ${n.name}`);
    health.set(n.name, { ...rt, node: n.name, podNetworkReachable: podPathOk(effects, t.istiodNode, n.name), flannelReady: !effects.flannelCrashLoop.has(n.name) });
  }
  const ambient = (ns: string) => namespaceAmbient(AMBIENT_BY_DEFAULT.get(ns) ?? false, effects, ns);
  /** istio-cni enrolls the pod as it starts (pods-not-captured: it did not enroll the namespace's running pods) */
  const enrolls = (pod: SimPod) => enrolledBy(pod.labels, ambient(pod.namespace)) && !effects.uncaptured.has(pod.namespace);

  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const ns of t.namespaces) {
    const labels = { ...ns.labels };
    if (ambient(ns.name)) labels['istio.io/dataplane-mode'] = 'ambient';
    else delete labels['istio.io/dataplane-mode'];
    namespaceLabels.set(ns.name, labels);
  }

  const looping = crashLoops(t, effects);
  const running = (ready: boolean, pod: SimPod, notReadySince?: number): ContainerLook => ({
    kind: 'running',
    ready,
    restarts: ledger.get(pod.uid),
    ...(notReadySince !== undefined && !ready ? { notReadySince } : {}),
  });

  const pods: ViewPod[] = [];
  for (const pod of t.pods) {
    const h = health.get(pod.node);
    const since = looping.get(pod.uid);
    let containers: ContainerLook = running(true, pod);
    const annotations: Record<string, string> = {};
    if (since !== undefined) containers = { kind: 'crashloop', since, restartsBefore: ledger.get(pod.uid) };
    else if (pod.role === 'ztunnel' && h) containers = running(h.ztunnelPodReady, pod, h.ztunnelNotReadySince);
    else if (pod.role === 'istio-cni' && h) containers = running(h.agentListening, pod, h.agentStartedAt);
    else if (pod.role === 'app' && enrolls(pod)) annotations[REDIRECTION] = 'enabled';
    pods.push({ pod, look: { containers, annotations } });
  }

  for (const n of t.nodes) {
    const h = health.get(n.name);
    if (h?.episode) pods.push(...rolloutLooks(t, n.name, h, enrolls, ledger));
  }

  const servicePorts = ISTIOD_SERVICE_PORTS.filter((p) => !(effects.servicePortMissing && p.port === 15012));
  return { faults, effects, health, namespaceLabels, pods, servicePorts };
}

/**
 * The pods of a rollout landed on a refusing node: those the refusal hits wait for their sandbox
 * (ContainerCreating, kubelet's events naming istio-cni's error) until the node admits them; the
 * others, and all of them once admitted, run.
 */
function rolloutLooks(t: Topology, nodeName: string, h: NodeHealth, enrolls: (pod: SimPod) => boolean, ledger: RestartLedger): ViewPod[] {
  const node = t.nodeByName.get(nodeName);
  const ep = h.episode;
  if (!node || !ep) return [];
  const out: ViewPod[] = [];
  for (const pod of rolloutPods(t, node, ep.since, ep.seq)) {
    const enrolled = enrolls(pod);
    const hitBy = ep.periods.filter((p) => refusalHits(p.reason, enrolled));
    const current: Refusal | undefined = ep.admittedAt === undefined ? h.refusal : undefined;
    const runningLook: ContainerLook = { kind: 'running', ready: true, restarts: ledger.get(pod.uid) };
    const annotations: Record<string, string> = {};
    let containers: ContainerLook = runningLook;
    if (current && refusalHits(current.reason, enrolled)) {
      containers = { kind: 'creating' };
      if (annotatesPending(current.reason, t.release)) annotations[REDIRECTION] = 'pending';
    } else if (enrolled) {
      annotations[REDIRECTION] = 'enabled';
    }
    out.push({ pod, look: { containers, annotations }, ...(hitBy.length ? { sandboxFailures: hitBy } : {}) });
  }
  return out;
}

/**
 * Pods whose traffic the node's ztunnel proxies now: running with redirection enabled, once the
 * ztunnel has its snapshot from istio-cni, except those it never got (lost at a reboot).
 */
export function proxiedPodsOn(view: ClusterView, node: string, state: Pick<NodeRuntimeState, 'ztunnelHoldsPods' | 'lostPods'>): SimPod[] {
  if (!state.ztunnelHoldsPods) return [];
  return view.pods
    .filter((p) => p.pod.node === node && p.look.annotations[REDIRECTION] === 'enabled' && p.look.containers.kind === 'running' && !state.lostPods.has(p.pod.uid))
    .map((p) => p.pod);
}
