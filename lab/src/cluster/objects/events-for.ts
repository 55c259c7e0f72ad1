// The events a view of the cluster carries: for each pod created while the lab runs, the
// scheduler's Scheduled event, plus kubelet's sandbox failures for each reason istio-cni refused it.
import type { KubeObject } from '../../kube-api/types.js';
import type { Topology } from '../topology.js';
import type { ClusterView } from '../view.js';
import { sandboxFailureEvent, scheduledEvent } from './event.js';

export function eventsFor(t: Topology, view: ClusterView, now: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (const p of view.pods) {
    if (!p.pod.late) continue;
    out.push(scheduledEvent(t, p.pod));
    for (const period of p.sandboxFailures ?? []) out.push(sandboxFailureEvent(t, p.pod, period, now));
  }
  return out;
}
