// From the informers' trimmed stores to the ClusterState the rest of the exporter reads. Pure: the
// same stores and options always give the same state, in a stable order.

import type { ClusterState, EndpointAddress, IstiodXdsTarget, NamespaceInfo, NodeInfo, PodEventInfo, PodInfo, ServiceInfo } from '../model.js';
import {
  ANNOTATION_REDIRECTION,
  CNI_POD_LABELS,
  DATAPLANE_MODE_AMBIENT,
  LABEL_DATAPLANE_MODE,
  FLANNEL_POD_LABELS,
  FLANNEL_POD_LABELS_UPSTREAM,
  AGENT_NAMESPACE,
  AGENT_POD_LABELS,
  ISTIOD_POD_LABELS,
  ISTIOD_SERVICE_NAME,
  PORTS,
  REASON_FAILED_CREATE_POD_SANDBOX,
  ZTUNNEL_CHART_LABELS,
  ZTUNNEL_POD_LABELS,
  matchesLabels,
} from '../istio.js';
import type { EndpointSliceInfo } from './convert.js';
import { enrollmentMatcher, isEnrolled, type EnrollmentPolicy } from './enrollment.js';
import { WATCHED_RESOURCES } from './resources.js';

/** What the informers hold, already trimmed; plain arrays so tests can write them by hand. */
export interface KubeStores {
  nodes: readonly NodeInfo[];
  namespaces: readonly NamespaceInfo[];
  pods: readonly PodInfo[];
  events: readonly PodEventInfo[];
  services: readonly ServiceInfo[];
  endpointSlices: readonly EndpointSliceInfo[];
  /** resource name -> watch established now */
  watchUp: Readonly<Record<string, boolean>>;
  /** resource name -> first list completed */
  listed: Readonly<Record<string, boolean>>;
  /** resource name -> state last confirmed (ms since epoch; 0 or absent: never) */
  lastEvent?: Readonly<Record<string, number>>;
}

export interface ClusterStateOptions {
  istioNamespace: string;
  enrollment: EnrollmentPolicy;
  /** name of istiod's Service in the Istio namespace (default istiod; istiod-<revision> for revisioned installs) */
  istiodService?: string | undefined;
  /** where the node agents run (default ambient-exporter-agent); agents elsewhere are not believed */
  agentNamespace?: string | undefined;
}

export type PodRole = 'ztunnel' | 'istiod' | 'istio-cni' | 'flannel' | 'agent' | 'other';

/** Pods that have run to completion keep their labels but are no longer part of any component. */
function isTerminal(pod: PodInfo): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

/**
 * A component pod that counts: not finished and not shutting down. A DaemonSet rollout with maxSurge
 * runs the old pod next to its replacement until the old one is gone; counting the old one would
 * give the node two pods, one of them flapping as it stops.
 */
export function isLiveComponent(pod: PodInfo): boolean {
  return !isTerminal(pod) && !pod.terminating;
}

/**
 * The component a pod belongs to. istiod counts only in the Istio namespace (where its Service is).
 * ztunnel and istio-cni count in any namespace: GKE requires both in kube-system while istiod stays
 * in istio-system (istio.io ambient platform prerequisites; manifests/charts/istio-cni/README.md), and
 * their charts install them into whatever namespace they are released to. Their labels are the
 * charts' own: ztunnel `app=ztunnel` with `app.kubernetes.io/name=ztunnel` outside the Istio namespace
 * (a workload merely called ztunnel does not count), istio-cni `k8s-app=istio-cni-node`. Flannel
 * counts in any namespace: upstream runs in kube-flannel with app=flannel, Talos in kube-system with
 * k8s-app=flannel only.
 */
export function podRole(pod: PodInfo, istioNamespace: string, agentNamespace: string = AGENT_NAMESPACE): PodRole {
  const inIstioNamespace = pod.namespace === istioNamespace;
  // only in the agent namespace: a pod elsewhere wearing the label could feed the exporter its own "facts"
  if (pod.namespace === agentNamespace && matchesLabels(pod.labels, AGENT_POD_LABELS)) return 'agent';
  if (matchesLabels(pod.labels, ZTUNNEL_POD_LABELS) && (inIstioNamespace || matchesLabels(pod.labels, ZTUNNEL_CHART_LABELS))) return 'ztunnel';
  if (inIstioNamespace && matchesLabels(pod.labels, ISTIOD_POD_LABELS)) return 'istiod';
  if (matchesLabels(pod.labels, CNI_POD_LABELS)) return 'istio-cni';
  if (matchesLabels(pod.labels, FLANNEL_POD_LABELS) || matchesLabels(pod.labels, FLANNEL_POD_LABELS_UPSTREAM)) return 'flannel';
  return 'other';
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byNamespaceName = <T extends { namespace: string; name: string }>(a: T, b: T): number =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : byName(a, b);
/** Component order (see ClusterState): by node, newest first, so the first pod of a node is its newest. */
const byNodeNewestFirst = (a: PodInfo, b: PodInfo): number =>
  a.node < b.node ? -1 : a.node > b.node ? 1 : b.createdAt - a.createdAt || byNamespaceName(a, b);

/**
 * Addresses of the Service's EndpointSlices, one per IP: during a slice hand-over the same endpoint
 * may briefly appear in two slices, and it counts as ready if either says so.
 */
function serviceEndpoints(slices: readonly EndpointSliceInfo[], namespace: string, service: string): EndpointAddress[] {
  const byIp = new Map<string, EndpointAddress>();
  for (const slice of slices) {
    if (slice.namespace !== namespace || slice.service !== service) continue;
    for (const addr of slice.addresses) {
      const seen = byIp.get(addr.ip);
      if (!seen) byIp.set(addr.ip, addr);
      else if (addr.ready && !seen.ready) byIp.set(addr.ip, addr);
    }
  }
  return [...byIp.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

/** `istiod-rev.istio-system.svc:15012` (or `...svc.cluster.local:15012`) -> its Service, namespace and port. */
export function parseXdsAddress(address: string): { service: string; namespace: string; port: number } | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.[a-z0-9.-]+)?:(\d{1,5})$/.exec(address);
  if (!m) return undefined;
  const port = Number(m[6]);
  return port > 0 && port <= 65535 ? { service: m[1]!, namespace: m[3]!, port } : undefined;
}

/**
 * The Service the ztunnels dial: the XDS_ADDRESS most of them carry, when it names a Service of the
 * Istio namespace (the only one whose Services the exporter watches); the configured one otherwise.
 */
export function xdsTarget(ztunnelPods: readonly PodInfo[], istioNamespace: string, configured: string): IstiodXdsTarget {
  const votes = new Map<string, { service: string; port: number; count: number }>();
  for (const p of ztunnelPods) {
    const parsed = p.xdsAddress ? parseXdsAddress(p.xdsAddress) : undefined;
    if (!parsed || parsed.namespace !== istioNamespace) continue;
    const key = `${parsed.service}:${parsed.port}`;
    const v = votes.get(key) ?? { service: parsed.service, port: parsed.port, count: 0 };
    v.count += 1;
    votes.set(key, v);
  }
  const best = [...votes.values()].sort((a, b) => b.count - a.count || (a.service === configured ? -1 : b.service === configured ? 1 : a.service < b.service ? -1 : 1))[0];
  return best ? { service: best.service, port: best.port, source: 'ztunnel' } : { service: configured, port: PORTS.istiodXds, source: 'config' };
}

export function buildClusterState(stores: KubeStores, opts: ClusterStateOptions): ClusterState {
  const { istioNamespace } = opts;
  const configured = opts.istiodService ?? ISTIOD_SERVICE_NAME;
  const expected = enrollmentMatcher(opts.enrollment);
  const meshNamespaces = new Set(stores.namespaces.filter((ns) => isEnrolled(ns, opts.enrollment) || expected(ns)).map((ns) => ns.name));

  const ztunnelPods: PodInfo[] = [];
  const istiodPods: PodInfo[] = [];
  const cniPods: PodInfo[] = [];
  const flannelPods: PodInfo[] = [];
  const agentPods: PodInfo[] = [];
  const workloadPods: PodInfo[] = [];
  const components: Record<Exclude<PodRole, 'other'>, PodInfo[]> = {
    ztunnel: ztunnelPods,
    istiod: istiodPods,
    'istio-cni': cniPods,
    flannel: flannelPods,
    agent: agentPods,
  };

  for (const pod of [...stores.pods].sort(byNamespaceName)) {
    const role = podRole(pod, istioNamespace, opts.agentNamespace);
    if (role !== 'other') {
      if (isLiveComponent(pod)) components[role].push(pod);
      continue;
    }
    // Pods not started are kept from every namespace: a pod stuck in ContainerCreating is the first
    // symptom of a CNI problem, wherever it runs.
    // ...and pods in the mesh by their own label or by istio-cni's mark, in any namespace.
    const enrolledItself = pod.labels[LABEL_DATAPLANE_MODE] === DATAPLANE_MODE_AMBIENT || pod.annotations[ANNOTATION_REDIRECTION] !== undefined;
    if (meshNamespaces.has(pod.namespace) || enrolledItself || (!pod.started && !isTerminal(pod))) workloadPods.push(pod);
  }

  for (const list of Object.values(components)) list.sort(byNodeNewestFirst);
  const istiodXds = xdsTarget(ztunnelPods, istioNamespace, configured);

  const watchUp: Record<string, boolean> = {};
  const watchLastEvent: Record<string, number> = {};
  for (const r of WATCHED_RESOURCES) {
    watchUp[r.name] = stores.watchUp[r.name] === true;
    const at = stores.lastEvent?.[r.name] ?? 0;
    if (at > 0) watchLastEvent[r.name] = at;
  }

  return {
    nodes: [...stores.nodes].sort(byName),
    namespaces: [...stores.namespaces].sort(byName),
    ztunnelPods,
    istiodPods,
    cniPods,
    flannelPods,
    agentPods,
    workloadPods,
    sandboxEvents: stores.events
      .filter((e) => e.reason === REASON_FAILED_CREATE_POD_SANDBOX)
      .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : a.lastSeen - b.lastSeen)),
    istiodXds,
    istiodService: stores.services.find((s) => s.namespace === istioNamespace && s.name === istiodXds.service),
    istiodEndpoints: serviceEndpoints(stores.endpointSlices, istioNamespace, istiodXds.service),
    watchUp,
    watchLastEvent,
    synced: WATCHED_RESOURCES.every((r) => stores.listed[r.name] === true),
  };
}
