// Pure conversions from Kubernetes API objects (as decoded from JSON) to the model's trimmed shapes.
// The informers call these on every event and keep only the result, so the raw object (often
// 10-20 KiB for a pod) is garbage as soon as the event has been handled. Pods and nodes keep only
// the label and annotation keys the exporter reads (allow-lists in istio.ts); namespaces keep every
// label, since the enrollment selector may name any.
//
// Input types are deliberately loose: they describe only the fields read here, and timestamps may be
// RFC 3339 strings (raw JSON) or Date objects (objects decoded by client-node's typed clients).

import type {
  EndpointAddress,
  NamespaceInfo,
  NodeInfo,
  PodEventInfo,
  PodInfo,
  ServiceInfo,
  ServicePortInfo,
} from '../model.js';
import {
  NODE_ANNOTATION_KEYS,
  NODE_LABEL_KEYS,
  POD_ANNOTATION_KEYS,
  POD_LABEL_KEYS,
  REASON_FAILED_CREATE_POD_SANDBOX,
  ENV_XDS_ADDRESS,
  ISTIO_VERSIONED_CONTAINERS,
} from '../istio.js';
import { isIpLiteral } from '../scrape/address.js';

type Time = string | Date | null | undefined;

/**
 * Told about an address field whose value the conversion refused (not an IP literal), with the
 * field's path and the value; the caller logs it.
 */
export type ReportInvalid = (field: string, value: string) => void;
const ignoreInvalid: ReportInvalid = () => undefined;

/**
 * `value` if it is an IP literal, '' (no address) otherwise, reporting anything non-empty that was
 * refused. Addresses become scrape URLs and dial targets (scrape/address.ts).
 */
function ipOrNone(value: string | null | undefined, field: string, report: ReportInvalid): string {
  if (!value) return '';
  if (isIpLiteral(value)) return value;
  report(field, value);
  return '';
}

export interface RawMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: Time;
  deletionTimestamp?: Time;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

interface RawCondition {
  type?: string;
  status?: string;
}

interface RawContainerState {
  waiting?: { reason?: string } | null;
  running?: object | null;
  terminated?: object | null;
}

interface RawContainerStatus {
  name?: string;
  state?: RawContainerState | null;
}

export interface RawPod {
  metadata?: RawMeta;
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: { name?: string; image?: string; env?: { name?: string; value?: string }[] | null }[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: RawCondition[] | null;
    containerStatuses?: RawContainerStatus[] | null;
    initContainerStatuses?: RawContainerStatus[] | null;
  };
}

export interface RawNode {
  metadata?: RawMeta;
  spec?: { podCIDR?: string; podCIDRs?: string[] | null };
  status?: { conditions?: RawCondition[] | null; addresses?: { type?: string; address?: string }[] | null };
}

export interface RawNamespace {
  metadata?: RawMeta;
}

export interface RawEvent {
  metadata?: RawMeta;
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: Time;
  lastTimestamp?: Time;
  eventTime?: Time;
  series?: { count?: number; lastObservedTime?: Time } | null;
}

export interface RawService {
  metadata?: RawMeta;
  spec?: {
    clusterIP?: string;
    ports?: { name?: string; port?: number; targetPort?: number | string; protocol?: string }[] | null;
  };
}

export interface RawEndpointSlice {
  metadata?: RawMeta;
  addressType?: string;
  endpoints?:
    | {
        addresses?: string[];
        conditions?: { ready?: boolean | null } | null;
        nodeName?: string;
        targetRef?: { kind?: string; name?: string } | null;
      }[]
    | null;
  ports?: { name?: string; port?: number | null }[] | null;
}

/** The addresses of one EndpointSlice, with the Service it belongs to (label kubernetes.io/service-name). */
export interface EndpointSliceInfo {
  namespace: string;
  name: string;
  service: string;
  addresses: EndpointAddress[];
}

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** kubelet's default waiting reason for every container while init containers have not finished. */
const REASON_POD_INITIALIZING = 'PodInitializing';

/** ms since epoch, or 0 when absent or unparseable. Accepts RFC 3339 with any fraction (MicroTime). */
export function toMillis(t: Time): number {
  if (t === null || t === undefined || t === '') return 0;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : 0;
}

function conditionTrue(conditions: RawCondition[] | null | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** A fresh copy, so the trimmed record does not keep the raw object's metadata alive. */
function copyMap(m: Record<string, string> | null | undefined): Record<string, string> {
  return m ? { ...m } : {};
}

/** A fresh map of only the `keys` present in `m`. */
function pickKeys(m: Record<string, string> | null | undefined, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const k of keys) {
    const v = Object.hasOwn(m, k) ? m[k] : undefined;
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/**
 * The most telling waiting reason: init containers first (they run first), and kubelet's placeholder
 * PodInitializing only when nothing better is reported.
 */
function waitingReason(status: RawPod['status']): string {
  let placeholder = '';
  for (const cs of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    const reason = cs.state?.waiting?.reason;
    if (!reason) continue;
    if (reason !== REASON_POD_INITIALIZING) return reason;
    placeholder = reason;
  }
  return placeholder;
}

/** Every regular container (as listed in spec, or in status when spec is absent) is running. */
function allContainersRunning(pod: RawPod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.length === 0) return false;
  const running = new Set(statuses.filter((cs) => cs.state?.running).map((cs) => cs.name));
  const wanted = (pod.spec?.containers ?? []).map((c) => c.name);
  if (wanted.length === 0) return statuses.every((cs) => Boolean(cs.state?.running));
  return wanted.every((name) => running.has(name));
}

/**
 * The address ztunnel dials for xDS: its container env XDS_ADDRESS, which the chart sets to
 * `istiod[-<revision>].<istio namespace>.svc:15012` (manifests/charts/ztunnel/templates/daemonset.yaml).
 * Only a literal value counts; '' when absent.
 */
function xdsAddress(pod: RawPod): string {
  for (const c of pod.spec?.containers ?? []) {
    const env = (c.env ?? []).find((e) => e.name === ENV_XDS_ADDRESS && typeof e.value === 'string');
    if (env?.value) return env.value.slice(0, 253);
  }
  return '';
}

/**
 * The tag of an image reference (`hub/name:tag`, `hub/name:tag@sha256:...`), '' when it names
 * none (`hub/name`, `hub/name@sha256:...`); a registry port (`host:5000/name`) is not a tag.
 */
export function imageTag(image: string): string {
  const ref = image.split('@')[0] ?? '';
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  return colon < 0 ? '' : lastPart.slice(colon + 1);
}

/** The image tag of the pod's Istio container (its version, see ISTIO_VERSIONED_CONTAINERS), '' when none. */
function istioImageTag(pod: RawPod): string {
  const c = (pod.spec?.containers ?? []).find((x) => x.name !== undefined && ISTIO_VERSIONED_CONTAINERS.includes(x.name));
  return c?.image ? imageTag(c.image).slice(0, 128) : '';
}

/** `extraLabelKeys`: pod labels to keep beyond POD_LABEL_KEYS (those custom enablement selectors read). */
export function toPodInfo(pod: RawPod, report: ReportInvalid = ignoreInvalid, extraLabelKeys: readonly string[] = []): PodInfo {
  const meta = pod.metadata ?? {};
  const xds = xdsAddress(pod);
  const tag = istioImageTag(pod);
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    node: pod.spec?.nodeName ?? '',
    phase: pod.status?.phase ?? '',
    ip: ipOrNone(pod.status?.podIP, 'status.podIP', report),
    hostNetwork: pod.spec?.hostNetwork === true,
    ready: conditionTrue(pod.status?.conditions, 'Ready'),
    started: allContainersRunning(pod),
    waitingReason: waitingReason(pod.status),
    labels: pickKeys(meta.labels, extraLabelKeys.length === 0 ? POD_LABEL_KEYS : [...POD_LABEL_KEYS, ...extraLabelKeys]),
    annotations: pickKeys(meta.annotations, POD_ANNOTATION_KEYS),
    createdAt: toMillis(meta.creationTimestamp),
    // Any value counts: the API server sets it once and never clears it.
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null && meta.deletionTimestamp !== '',
    ...(xds ? { xdsAddress: xds } : {}),
    ...(tag ? { istioImageTag: tag } : {}),
  };
}

export function toNodeInfo(node: RawNode, report: ReportInvalid = ignoreInvalid): NodeInfo {
  const meta = node.metadata ?? {};
  const internal = (node.status?.addresses ?? []).find((a) => a.type === 'InternalIP' && a.address);
  return {
    name: meta.name ?? '',
    ready: conditionTrue(node.status?.conditions, 'Ready'),
    labels: pickKeys(meta.labels, NODE_LABEL_KEYS),
    annotations: pickKeys(meta.annotations, NODE_ANNOTATION_KEYS),
    internalIP: ipOrNone(internal?.address, 'status.addresses[InternalIP]', report),
    podCIDRs: podCidrsOf(node),
  };
}

/** spec.podCIDRs, else spec.podCIDR (older API servers), at most one per family; Flannel's lease subnets. */
function podCidrsOf(node: RawNode): string[] {
  const given = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  return given.filter((c) => typeof c === 'string' && c.length <= 64).slice(0, 2);
}

export function toNamespaceInfo(ns: RawNamespace): NamespaceInfo {
  return { name: ns.metadata?.name ?? '', labels: copyMap(ns.metadata?.labels) };
}

/**
 * A FailedCreatePodSandBox event about a pod, or null for any other event (the watch's field selector
 * already filters on the reason; this keeps the store right if it is ever widened).
 * lastSeen is the latest of the legacy and events.k8s.io timestamps: lastTimestamp for core events,
 * series.lastObservedTime / eventTime for events written through events.k8s.io, creationTimestamp last.
 */
export function toPodEventInfo(ev: RawEvent): PodEventInfo | null {
  if (ev.reason !== REASON_FAILED_CREATE_POD_SANDBOX) return null;
  const obj = ev.involvedObject ?? {};
  if (obj.kind !== undefined && obj.kind !== 'Pod') return null;
  const lastSeen = Math.max(
    toMillis(ev.lastTimestamp),
    toMillis(ev.series?.lastObservedTime),
    toMillis(ev.eventTime),
    toMillis(ev.firstTimestamp),
    toMillis(ev.metadata?.creationTimestamp),
  );
  return {
    namespace: obj.namespace || ev.metadata?.namespace || '',
    pod: obj.name ?? '',
    podUid: obj.uid ?? '',
    reason: ev.reason,
    message: ev.message ?? '',
    lastSeen,
    count: ev.count || ev.series?.count || 1,
  };
}

export function toServiceInfo(svc: RawService, report: ReportInvalid = ignoreInvalid): ServiceInfo {
  const ports: ServicePortInfo[] = (svc.spec?.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port ?? 0,
    // The API server defaults targetPort to port; objects built by hand may omit it.
    targetPort: p.targetPort ?? p.port ?? 0,
    protocol: p.protocol ?? 'TCP',
  }));
  return {
    namespace: svc.metadata?.namespace ?? '',
    name: svc.metadata?.name ?? '',
    // "None" marks a headless Service; any other value must be an address.
    clusterIP: svc.spec?.clusterIP === 'None' ? 'None' : ipOrNone(svc.spec?.clusterIP, 'spec.clusterIP', report),
    ports,
  };
}

/** Addresses of an EndpointSlice. FQDN slices carry no IPs and yield none; ready nil means ready. */
export function toEndpointAddresses(slice: RawEndpointSlice, report: ReportInvalid = ignoreInvalid): EndpointAddress[] {
  if (slice.addressType === 'FQDN') return [];
  const ports: Record<string, number> = {};
  for (const p of slice.ports ?? []) {
    // A nil port means "all ports" and names no number the probes could dial.
    if (typeof p.port === 'number') ports[p.name ?? ''] = p.port;
  }
  const out: EndpointAddress[] = [];
  for (const ep of slice.endpoints ?? []) {
    const ready = ep.conditions?.ready !== false;
    const pod = ep.targetRef?.kind === 'Pod' ? (ep.targetRef.name ?? '') : '';
    for (const address of ep.addresses ?? []) {
      const ip = ipOrNone(address, 'endpoints[].addresses', report);
      if (ip !== '') out.push({ ip, ready, node: ep.nodeName ?? '', pod, ports: { ...ports } });
    }
  }
  return out;
}

export function toEndpointSliceInfo(slice: RawEndpointSlice, report: ReportInvalid = ignoreInvalid): EndpointSliceInfo {
  const meta = slice.metadata ?? {};
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    service: meta.labels?.[LABEL_SERVICE_NAME] ?? '',
    addresses: toEndpointAddresses(slice, report),
  };
}
