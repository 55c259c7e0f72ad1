// core/v1 Events kubelet and the scheduler write about a pod.
import type { KubeObject } from '../../kube-api/types.js';
import type { Topology } from '../topology.js';
import type { SimPod } from '../shapes.js';
import { rfc3339, rfc3339Micro } from '../../util/time.js';
import { meta } from './meta.js';
import { pluginError, sandboxFailureMessage } from './sandbox-errors.js';
import type { RefusalPeriod } from '../../runtime/node.js';

interface EventFields {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: 'kubelet' | 'default-scheduler';
  first: number;
  last: number;
  count: number;
}

function podEvent(t: Topology, p: SimPod, f: EventFields, key = f.reason): KubeObject {
  const name = `${p.name}.${t.ids.hex(`event/${p.uid}/${key}`, 16)}`;
  const common = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta({ name, namespace: p.namespace, uid: t.ids.uid(`event/${p.namespace}/${name}`), createdAt: f.first }),
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: p.name, namespace: p.namespace, uid: p.uid },
    reason: f.reason,
    message: f.message,
    type: f.type,
    reportingComponent: f.component,
  };
  if (f.component === 'kubelet') {
    // kubelet still writes core/v1 events: source, first/last timestamps and an aggregated count
    return {
      ...common,
      source: { component: 'kubelet', host: p.node },
      firstTimestamp: rfc3339(f.first),
      lastTimestamp: rfc3339(f.last),
      count: f.count,
      eventTime: null,
      reportingInstance: p.node,
    };
  }
  // the scheduler writes through events.k8s.io: no source or count, an eventTime instead
  return {
    ...common,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: rfc3339Micro(f.first),
    action: 'Binding',
    reportingInstance: `default-scheduler-${t.istiodNode}`,
  };
}

/** kubelet retries a failed sandbox about this often, bumping the event's count. */
export const SANDBOX_RETRY_MS = 15_000;

/**
 * Warning FailedCreatePodSandBox for a pod istio-cni refused for one reason over `period` (until now
 * while it lasts). kubelet aggregates events by message: each reason is its own event.
 */
export function sandboxFailureEvent(t: Topology, p: SimPod, period: RefusalPeriod, now: number): KubeObject {
  const first = Math.max(period.since, p.createdAt) + 1_000;
  const end = Math.max(first, period.until ?? now);
  const count = Math.max(1, Math.floor((end - first) / SANDBOX_RETRY_MS) + 1);
  const sandboxId = t.ids.hex(`sandbox/${p.uid}/${period.since}`, 64);
  return podEvent(
    t,
    p,
    {
      type: 'Warning',
      reason: 'FailedCreatePodSandBox',
      message: sandboxFailureMessage(sandboxId, pluginError(period.reason, t.release, p.ip)),
      component: 'kubelet',
      first,
      last: first + (count - 1) * SANDBOX_RETRY_MS,
      count,
    },
    `FailedCreatePodSandBox/${period.reason}`,
  );
}

/** Normal Scheduled, written by the scheduler. */
export function scheduledEvent(t: Topology, p: SimPod): KubeObject {
  return podEvent(t, p, {
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned ${p.namespace}/${p.name} to ${p.node}`,
    component: 'default-scheduler',
    first: p.createdAt,
    last: p.createdAt,
    count: 1,
  });
}
