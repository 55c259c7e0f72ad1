// Every Kubernetes object the lab's API server should hold for a view of the cluster.
import type { KubeObject } from '../kube-api/types.js';
import { eventsFor } from './objects/events-for.js';
import { namespaceObject } from './objects/namespace.js';
import { nodeObject } from './objects/node.js';
import { podObject } from './objects/pod.js';
import { istiodEndpointSliceObject, istiodServiceObject } from './objects/service.js';
import type { Topology } from './topology.js';
import type { ClusterView } from './view.js';

export function desiredObjects(t: Topology, view: ClusterView, now: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (const n of t.nodes) out.push(nodeObject(t, n));
  for (const ns of t.namespaces) out.push(namespaceObject(ns, view.namespaceLabels.get(ns.name) ?? ns.labels));
  for (const p of view.pods) out.push(podObject(t, p.pod, p.look, now));
  out.push(istiodServiceObject(t, view.servicePorts));
  out.push(istiodEndpointSliceObject(t, view.servicePorts, true));
  out.push(...eventsFor(t, view, now));
  return out;
}
