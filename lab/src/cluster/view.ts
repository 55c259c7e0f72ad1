// The cluster as the active faults make it look: per-node health, namespace labels, and how every
// pod (including pods a fault creates) appears. Pure: the same faults, history and clock give the
// same view.
import { effectsOf, namespaceAmbient, nodeHealth, type Effects, type NodeHealth } from '../faults/effects.js';
import type { ActiveFault } from '../faults/resolve.js';
import { crashLoopState } from '../util/time.js';
import { ISTIOD_SERVICE_PORTS, type ServicePort } from './objects/service.js';
import type { ContainerLook, PodLook } from './objects/pod.js';
import { rolloutPods, type Topology } from './topology.js';
import type { SimPod } from './shapes.js';
import { APP_NAMESPACES } from './workloads.js';

/** Restarts containers have accumulated in crash loops that have since ended, by pod uid. */
export class RestartLedger {
  private readonly restarts = new Map<string, number>();

  get(uid: string): number {
    return this.restarts.get(uid) ?? 0;
  }

  /** The crash loop of pod `uid` that began at `since` ended at `now`: the container runs again. */
  endCrashLoop(uid: string, since: number, now: number): void {
    this.restarts.set(uid, crashLoopState(since, now, this.get(uid)).restarts);
  }
}

export interface ViewPod {
  pod: SimPod;
  look: PodLook;
  /** a sandbox failure is being reported for this pod since then */
  sandboxFailingSince?: number;
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

export function clusterView(t: Topology, faults: readonly ActiveFault[], ledger: RestartLedger): ClusterView {
  const effects = effectsOf(faults);
  const health = new Map(t.nodes.map((n) => [n.name, nodeHealth(t, effects, n.name)]));
  const ambient = (ns: string) => namespaceAmbient(AMBIENT_BY_DEFAULT.get(ns) ?? false, effects, ns);

  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const ns of t.namespaces) {
    const labels = { ...ns.labels };
    if (ambient(ns.name)) labels['istio.io/dataplane-mode'] = 'ambient';
    else delete labels['istio.io/dataplane-mode'];
    namespaceLabels.set(ns.name, labels);
  }

  const running = (ready: boolean, pod: SimPod, notReadySince?: number): ContainerLook => ({
    kind: 'running',
    ready,
    restarts: ledger.get(pod.uid),
    ...(notReadySince !== undefined ? { notReadySince } : {}),
  });
  const crashing = (since: number, pod: SimPod): ContainerLook => ({ kind: 'crashloop', since, restartsBefore: ledger.get(pod.uid) });

  const pods: ViewPod[] = [];
  for (const pod of t.pods) {
    const h = health.get(pod.node);
    let containers: ContainerLook = running(true, pod);
    const annotations: Record<string, string> = {};
    if (pod.role === 'ztunnel' && h) {
      const since = effects.ztunnelDown.get(pod.node);
      containers = since !== undefined ? crashing(since, pod) : running(h.ztunnelReady, pod, h.xdsLostSince);
    } else if (pod.role === 'flannel') {
      const since = effects.flannelDown.get(pod.node);
      if (since !== undefined) containers = crashing(since, pod);
    } else if (pod.role === 'app' && ambient(pod.namespace) && !effects.uncaptured.has(pod.namespace)) {
      // Running pods of enrolled namespaces carry the redirection annotation; under pods-not-captured istio-cni did not enroll them.
      annotations['ambient.istio.io/redirection'] = 'enabled';
    }
    pods.push({ pod, look: { containers, annotations } });
  }

  // A Deployment rollout lands new pods on each cni-blocked node; ambient ones cannot get a sandbox.
  for (const [nodeName, since] of effects.ztunnelDown) {
    const node = t.nodeByName.get(nodeName);
    if (!node) continue;
    for (const pod of rolloutPods(t, node, since, (ns) => !ambient(ns))) {
      if (ambient(pod.namespace)) {
        pods.push({
          pod,
          look: { containers: { kind: 'creating' }, annotations: { 'ambient.istio.io/redirection': 'pending' } },
          sandboxFailingSince: since,
        });
      } else {
        pods.push({ pod, look: { containers: running(true, pod), annotations: {} } });
      }
    }
  }

  const servicePorts = ISTIOD_SERVICE_PORTS.filter((p) => !(effects.servicePortMissing && p.port === 15012));
  return { faults, effects, health, namespaceLabels, pods, servicePorts };
}

/** Pods on a node whose traffic ztunnel carries (redirection enabled and running). */
export function capturedPodsOn(view: ClusterView, node: string): SimPod[] {
  return view.pods
    .filter((p) => p.pod.node === node && p.look.annotations['ambient.istio.io/redirection'] === 'enabled' && p.look.containers.kind === 'running')
    .map((p) => p.pod);
}
