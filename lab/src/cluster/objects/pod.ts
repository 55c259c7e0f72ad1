// core/v1 Pod as kubelet reports it: conditions, container statuses with waiting reasons, addresses.
import type { KubeObject } from '../../kube-api/types.js';
import type { Topology } from '../topology.js';
import type { SimContainer, SimPod } from '../shapes.js';
import { crashLoopState, goDuration, rfc3339 } from '../../util/time.js';
import { meta, type Condition } from './meta.js';

export type ContainerLook =
  /** all containers running; `restarts` so far; not ready since `notReadySince` when known */
  | { kind: 'running'; ready: boolean; restarts: number; notReadySince?: number }
  /** every container crashing since `since` (CrashLoopBackOff), after `restartsBefore` earlier restarts */
  | { kind: 'crashloop'; since: number; restartsBefore: number }
  /** sandbox not created yet (ContainerCreating) */
  | { kind: 'creating' };

export interface PodLook {
  containers: ContainerLook;
  /** annotations added on top of the pod's own (ambient.istio.io/redirection) */
  annotations: Record<string, string>;
}

const SYSTEM_NODE_CRITICAL = 2_000_001_000;

function imageID(t: Topology, image: string): string {
  const repo = image.replace(/:[^/:]+$/, '');
  return `${repo}@sha256:${t.ids.hex(`image/${image}`, 64)}`;
}

function containerStatus(t: Topology, p: SimPod, c: SimContainer, look: ContainerLook, now: number): Record<string, unknown> {
  const base = { name: c.name, image: c.image };
  const id = (n: number) => `containerd://${t.ids.hex(`container/${p.uid}/${c.name}/${n}`, 64)}`;
  switch (look.kind) {
    case 'creating':
      return { ...base, imageID: '', lastState: {}, ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } };
    case 'running':
      return {
        ...base,
        imageID: imageID(t, c.image),
        containerID: id(look.restarts),
        lastState: {},
        ready: look.ready,
        restartCount: look.restarts,
        started: true,
        // kubelet's real start time is carried over by the reconciler while the container keeps running
        state: { running: { startedAt: rfc3339(p.createdAt + 5_000) } },
      };
    case 'crashloop': {
      const s = crashLoopState(look.since, now, look.restartsBefore);
      return {
        ...base,
        imageID: imageID(t, c.image),
        containerID: id(s.restarts),
        lastState: {
          terminated: {
            containerID: id(s.restarts),
            exitCode: 1,
            finishedAt: rfc3339(s.lastFinishedMs),
            reason: 'Error',
            startedAt: rfc3339(s.lastStartedMs),
          },
        },
        ready: false,
        restartCount: s.restarts,
        started: false,
        state: {
          waiting: {
            message: `back-off ${goDuration(s.backoffSeconds)} restarting failed container=${c.name} pod=${p.name}_${p.namespace}(${p.uid})`,
            reason: 'CrashLoopBackOff',
          },
        },
      };
    }
  }
}

function conditions(p: SimPod, look: ContainerLook): Condition[] {
  const at = rfc3339(p.createdAt + 5_000);
  const scheduled = rfc3339(p.createdAt);
  const ready = look.kind === 'running' && look.ready;
  // When the pod turned unready, if the fault behind it says (the reconciler keeps it afterwards).
  const since = look.kind === 'crashloop' ? look.since : look.kind === 'running' ? look.notReadySince : undefined;
  const readyAt = !ready && since !== undefined ? rfc3339(Math.max(since, p.createdAt + 5_000)) : at;
  const notReady = {
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${p.containers.map((c) => c.name).join(' ')}]`,
  };
  const cond = (type: string, ok: boolean, extra: Partial<Condition> = {}, time = at): Condition => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(ok ? {} : extra),
  });
  return [
    cond('PodReadyToStartContainers', look.kind !== 'creating'),
    cond('Initialized', true, {}, scheduled),
    cond('Ready', ready, notReady, readyAt),
    cond('ContainersReady', ready, notReady, readyAt),
    cond('PodScheduled', true, {}, scheduled),
  ];
}

function tolerations(p: SimPod): unknown[] {
  if (p.owner.kind === 'DaemonSet') {
    return [
      { effect: 'NoSchedule', operator: 'Exists' },
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { effect: 'NoExecute', operator: 'Exists' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
      ...(p.hostNetwork ? [{ effect: 'NoSchedule', key: 'node.kubernetes.io/network-unavailable', operator: 'Exists' }] : []),
    ];
  }
  return [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
}

function containerSpec(p: SimPod, c: SimContainer): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    resources: p.role === 'app' ? {} : { requests: { cpu: '100m', memory: '128Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  if (c.env?.length) {
    spec.env = c.env.map((e) => ('value' in e ? { name: e.name, value: e.value } : { name: e.name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: e.fieldPath } } }));
  }
  if (c.ports.length) spec.ports = c.ports;
  if (c.readinessProbe) {
    spec.readinessProbe = {
      failureThreshold: 3,
      httpGet: { path: c.readinessProbe.path, port: c.readinessProbe.port, scheme: 'HTTP' },
      periodSeconds: 10,
      successThreshold: 1,
      timeoutSeconds: 1,
    };
  }
  return spec;
}

export function podObject(t: Topology, p: SimPod, look: PodLook, now: number): KubeObject {
  const node = t.nodeByName.get(p.node);
  const hostIP = node?.ip ?? '';
  const spec: Record<string, unknown> = {
    containers: p.containers.map((c) => containerSpec(p, c)),
    dnsPolicy: p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    enableServiceLinks: true,
    nodeName: p.node,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: p.priorityClassName ? SYSTEM_NODE_CRITICAL : 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: p.serviceAccount,
    serviceAccountName: p.serviceAccount,
    terminationGracePeriodSeconds: 30,
    tolerations: tolerations(p),
  };
  if (p.hostNetwork) spec.hostNetwork = true;
  if (p.priorityClassName) spec.priorityClassName = p.priorityClassName;

  const c = look.containers;
  const status: Record<string, unknown> = {
    phase: c.kind === 'creating' ? 'Pending' : 'Running',
    conditions: conditions(p, c),
    hostIP,
    hostIPs: [{ ip: hostIP }],
  };
  if (c.kind !== 'creating' && p.ip) {
    status.podIP = p.ip;
    status.podIPs = [{ ip: p.ip }];
  }
  status.startTime = rfc3339(p.createdAt + 1_000);
  status.containerStatuses = p.containers.map((ct) => containerStatus(t, p, ct, c, now));
  status.qosClass = p.role === 'app' ? 'BestEffort' : 'Burstable';

  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta({
      name: p.name,
      generateName: `${p.owner.name}-`,
      namespace: p.namespace,
      uid: p.uid,
      createdAt: p.createdAt,
      labels: p.labels,
      annotations: { ...p.annotations, ...look.annotations },
      ownerReferences: [p.owner],
    }),
    spec,
    status,
  };
}
