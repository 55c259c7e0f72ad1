// The data shapes that flow one way through the exporter:
//   kube/ (ClusterState) + scrape/ (ScrapeResult) + probes/ (ProbeResults)  ->  issues/ (Signals)  ->  export/
// Everything here is plain data: no classes, no I/O handles, so issues/ stays pure and testable.
import type { AgentSummary } from './agent/summary.js';
import type { ScrapeErrorReason } from './scrape/error-reasons.js';

export const COMPONENTS = ['ztunnel', 'istiod', 'istio-cni'] as const;
export type Component = (typeof COMPONENTS)[number];

// ---------- Kubernetes state (collected by kube/) ----------

export interface PodInfo {
  namespace: string;
  name: string;
  uid: string;
  /** spec.nodeName; '' while unscheduled */
  node: string;
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown */
  phase: string;
  /** status.podIP; '' when none yet */
  ip: string;
  hostNetwork: boolean;
  /** the Ready condition is True */
  ready: boolean;
  /** every container is running (false while ContainerCreating / waiting) */
  started: boolean;
  /** reason of the first waiting container, e.g. ContainerCreating, CrashLoopBackOff; '' when none */
  waitingReason: string;
  /** only the keys the exporter reads (POD_LABEL_KEYS in istio.ts) */
  labels: Record<string, string>;
  /** only the keys the exporter reads (POD_ANNOTATION_KEYS in istio.ts) */
  annotations: Record<string, string>;
  /** metadata.creationTimestamp in ms since epoch */
  createdAt: number;
  /** metadata.deletionTimestamp is set: the pod is shutting down (e.g. the old pod of a DaemonSet rollout) */
  terminating: boolean;
  /** ztunnel pods: the istiod address it dials (env XDS_ADDRESS), when set */
  xdsAddress?: string;
  /**
   * The tag of the image of its Istio container (ISTIO_VERSIONED_CONTAINERS in istio.ts), e.g.
   * `1.28.2-distroless`, when it has one and the image names a tag: read for ztunnel, istiod and
   * istio-cni pods (a sidecar-injected workload's istio-proxy carries one too, unused)
   */
  istioImageTag?: string;
}

export interface NodeInfo {
  name: string;
  /** the Ready condition is True */
  ready: boolean;
  /** only the keys the exporter reads (NODE_LABEL_KEYS in istio.ts) */
  labels: Record<string, string>;
  /** only the keys the exporter reads (NODE_ANNOTATION_KEYS in istio.ts: Flannel's) */
  annotations: Record<string, string>;
  /** first InternalIP address, '' if none */
  internalIP: string;
  /** spec.podCIDRs (else spec.podCIDR): Flannel's lease subnet per family, which the probe plans carry */
  podCIDRs: string[];
}

export interface NamespaceInfo {
  name: string;
  /** every label: the enrollment selector may name any */
  labels: Record<string, string>;
}

/** A Warning event about a pod, kept only for reasons the detections read (FailedCreatePodSandBox). */
export interface PodEventInfo {
  namespace: string;
  /** involvedObject.name */
  pod: string;
  /** involvedObject.uid, '' if absent */
  podUid: string;
  reason: string;
  message: string;
  /** lastTimestamp / eventTime / creationTimestamp, ms since epoch */
  lastSeen: number;
  count: number;
}

export interface ServicePortInfo {
  name: string;
  port: number;
  /** numeric target port, or the named port string */
  targetPort: number | string;
  protocol: string;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  /** spec.clusterIP ('' or 'None' when headless) */
  clusterIP: string;
  ports: ServicePortInfo[];
}

export interface EndpointAddress {
  ip: string;
  ready: boolean;
  node: string;
  pod: string;
  /** port name -> port number, from the EndpointSlice ports */
  ports: Record<string, number>;
}

/**
 * The istiod Service whose xDS port the ztunnels dial: the one named by the ztunnel pods' XDS_ADDRESS
 * (a revisioned install dials istiod-<revision>), or the configured one (--istiod-service) when the
 * ztunnels name none, or one outside the Istio namespace the exporter watches.
 */
export interface IstiodXdsTarget {
  service: string;
  port: number;
  source: 'ztunnel' | 'config';
}

/**
 * What the kube/ layer hands the rest of the exporter each refresh: a read-only snapshot.
 *
 * The component lists (ztunnelPods, istiodPods, cniPods, flannelPods) hold neither finished pods
 * (Succeeded, Failed) nor terminating ones (deletionTimestamp set), and are ordered by node, then
 * newest first (createdAt descending), then namespace/name. During a DaemonSet rollout with maxSurge
 * two live pods of one component can share a node for a while: both stay listed (both are scraped
 * and probed), and a consumer that wants one pod per node takes the first of that node, the newest.
 */
export interface ClusterState {
  nodes: NodeInfo[];
  namespaces: NamespaceInfo[];
  ztunnelPods: PodInfo[];
  istiodPods: PodInfo[];
  cniPods: PodInfo[];
  flannelPods: PodInfo[];
  /** node agents (`ambient-exporter agent`, one per node) in the agent namespace */
  agentPods: PodInfo[];
  /** pods of enrolled or expected namespaces, plus every pod not yet started (any namespace) */
  workloadPods: PodInfo[];
  /** FailedCreatePodSandBox events (and only those) */
  sandboxEvents: PodEventInfo[];
  /** the istiod Service and port the ztunnels dial (see IstiodXdsTarget) */
  istiodXds: IstiodXdsTarget;
  /** that Service in the Istio namespace; undefined if absent */
  istiodService: ServiceInfo | undefined;
  /** addresses of the EndpointSlices of Service `istiod` */
  istiodEndpoints: EndpointAddress[];
  /** resource name (see kube/resources.ts) -> watch established */
  watchUp: Record<string, boolean>;
  /**
   * resource name -> when its state was last confirmed by the API server (a LIST applied, a watch
   * event or bookmark received), ms since epoch; absent before the first
   */
  watchLastEvent: Record<string, number>;
  /** true once every informer has completed its first list */
  synced: boolean;
}

/** The state before (or without) the Kubernetes API: nothing known, nothing synced. */
export function emptyClusterState(): ClusterState {
  return {
    nodes: [],
    namespaces: [],
    ztunnelPods: [],
    istiodPods: [],
    cniPods: [],
    flannelPods: [],
    agentPods: [],
    workloadPods: [],
    sandboxEvents: [],
    istiodXds: { service: 'istiod', port: 15012, source: 'config' },
    istiodService: undefined,
    istiodEndpoints: [],
    watchUp: {},
    watchLastEvent: {},
    synced: false,
  };
}

// ---------- Scrapes (collected by scrape/) ----------

export interface Target {
  component: Component;
  node: string;
  /** pod name; for static targets, a name derived from the URL */
  pod: string;
  url: string;
  /** from --target rather than discovery */
  static: boolean;
}

export { SCRAPE_ERROR_REASONS, type ScrapeErrorReason } from './scrape/error-reasons.js';
/** What the exporter reads over HTTP: the components' metrics, and the node agents' summaries. */
export const SCRAPED_COMPONENTS = [...COMPONENTS, 'agent'] as const;

/** One sample, with the exposed name (OpenMetrics counters keep their `_total` sample suffix). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ScrapeResult {
  target: Target;
  up: boolean;
  durationSeconds: number;
  /** set when up is false */
  error?: ScrapeErrorReason;
  /**
   * The target's address answered in this attempt: a new TCP connection was established or actively
   * refused (RST), or a response arrived. A pooled keep-alive socket proves nothing by itself (it may
   * predate a network failure), so a request on one that gets no answer leaves this false, as do a
   * timeout and network errors (EHOSTUNREACH, ENETUNREACH).
   * This is the exporter's evidence that the pod network to that node works.
   */
  reachable: boolean;
  /** only the families the exporter reads (see scrape/families.ts) */
  samples: Sample[];
  /**
   * 'agent': the node's agent scraped it from the node itself and handed the result over in its
   * summary. Nothing crossed the pod network, so `reachable` is false and means nothing.
   */
  source?: 'agent';
}

// ---------- Node agents (read by scrape/agent-summary.ts) ----------

/** One agent's summary fetch: like a scrape (same caps, same failure reasons), with the summary when it worked. */
export interface AgentReport {
  node: string;
  pod: string;
  url: string;
  up: boolean;
  error?: ScrapeErrorReason;
  /**
   * The agent's address answered (a connection made or refused, or a response): the exporter
   * reaches that node over the host network (agents run with hostNetwork), whatever the overlay does.
   */
  reachable: boolean;
  durationSeconds: number;
  /** set when up */
  summary?: AgentSummary;
}

// ---------- Probes (collected by probes/) ----------

export interface DialResult {
  /** host:port that was dialled */
  address: string;
  /** 'service' for the Service ClusterIP, 'endpoint' for a pod address */
  kind: 'service' | 'endpoint';
  success: boolean;
  durationSeconds: number;
}

export interface ReadinessResult {
  node: string;
  pod: string;
  /** the pod's address answered at the TCP level (connected, or actively refused); same meaning as ScrapeResult.reachable */
  reachable: boolean;
  /** 200 from /healthz/ready; false on 500 or unreachable */
  ready: boolean;
  /** task names from `not ready, pending: a, b` */
  pendingTasks: string[];
  durationSeconds: number;
}

export interface ApiHealth {
  ready: boolean;
  durationSeconds: number;
}

export interface ProbeResults {
  istiodDials: DialResult[];
  ztunnelReadiness: ReadinessResult[];
  api: ApiHealth;
}
