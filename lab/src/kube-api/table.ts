// meta.k8s.io/v1 Table responses, which kubectl asks for (Accept: ...;as=Table;g=meta.k8s.io) to
// print `kubectl get`: columns and cell rules follow kubernetes pkg/printers/internalversion.
import type { ApiResource } from './resources.js';
import type { KubeObject } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return,
   @typescript-eslint/no-base-to-string, @typescript-eslint/restrict-template-expressions
   -- cells come from optional, nested fields of any served kind: loose JSON by design */
/** Objects are read loosely here: cells come from optional, nested fields of any served kind. */
type Json = Record<string, any>;

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=1;g=meta.k8s.io';

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((a) => /;\s*as=Table/.test(a) && /;\s*g=meta\.k8s\.io/.test(a));
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

interface Column {
  name: string;
  type?: string;
  priority?: number;
}

const since = (now: number, t: string | null | undefined) => (t ? humanDuration(now - Date.parse(t)) : '<unknown>');
const none = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : String(v));
const listMore = (items: string[], max = 3) => (items.length > max ? `${items.slice(0, max).join(',')} + ${items.length - max} more...` : items.join(','));

function podCells(o: Json, now: number): unknown[] {
  const statuses: Json[] = o.status?.containerStatuses ?? [];
  let reason: string = o.status?.reason ?? o.status?.phase ?? '';
  let restarts = 0;
  let ready = 0;
  let lastRestart: number | undefined;
  for (const c of [...statuses].reverse()) {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart ?? 0, Date.parse(finished));
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.ready && c.state?.running) ready++;
  }
  const restartText = lastRestart !== undefined ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const total = (o.spec?.containers ?? []).length;
  return [o.metadata.name, `${ready}/${total}`, reason, restartText, since(now, o.metadata.creationTimestamp), none(o.status?.podIP), none(o.spec?.nodeName), '<none>', '<none>'];
}

function nodeCells(o: Json, now: number): unknown[] {
  const ready = (o.status?.conditions ?? []).find((c: Json) => c.type === 'Ready')?.status === 'True';
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  const address = (type: string) => none((o.status?.addresses ?? []).find((a: Json) => a.type === type)?.address);
  const info = o.status?.nodeInfo ?? {};
  return [
    o.metadata.name,
    `${ready ? 'Ready' : 'NotReady'}${o.spec?.unschedulable ? ',SchedulingDisabled' : ''}`,
    roles.length ? roles.join(',') : '<none>',
    since(now, o.metadata.creationTimestamp),
    info.kubeletVersion ?? '',
    address('InternalIP'),
    address('ExternalIP'),
    info.osImage ?? '',
    info.kernelVersion ?? '',
    info.containerRuntimeVersion ?? '',
  ];
}

function serviceCells(o: Json, now: number): unknown[] {
  const ports = (o.spec?.ports ?? []).map((p: Json) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',');
  const selector = Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return [o.metadata.name, o.spec?.type ?? '', none(o.spec?.clusterIP), '<none>', ports || '<none>', since(now, o.metadata.creationTimestamp), none(selector)];
}

function sliceCells(o: Json, now: number): unknown[] {
  const ports = (o.ports ?? []).map((p: Json) => String(p.port ?? p.name ?? '*'));
  const addresses = (o.endpoints ?? []).flatMap((e: Json) => e.addresses ?? []);
  return [o.metadata.name, o.addressType, listMore(ports) || '<unset>', listMore(addresses) || '<unset>', since(now, o.metadata.creationTimestamp)];
}

function eventCells(o: Json, now: number): unknown[] {
  const last = o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
  const first = o.firstTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp;
  const lastSeen = o.count > 1 ? `${since(now, last)} (x${o.count} over ${since(now, first)})` : since(now, last);
  const io = o.involvedObject ?? {};
  const source = [o.source?.component ?? o.reportingComponent, o.source?.host].filter(Boolean).join(', ');
  return [lastSeen, o.type, o.reason, `${String(io.kind ?? '').toLowerCase()}/${io.name}`, io.fieldPath ?? '', source, o.message, since(now, first), o.count ?? 1, o.metadata.name];
}

const TABLES: Record<string, { columns: Column[]; cells: (o: Json, now: number) => unknown[] }> = {
  pods: {
    columns: [{ name: 'Name' }, { name: 'Ready' }, { name: 'Status' }, { name: 'Restarts' }, { name: 'Age' }, { name: 'IP', priority: 1 }, { name: 'Node', priority: 1 }, { name: 'Nominated Node', priority: 1 }, { name: 'Readiness Gates', priority: 1 }],
    cells: podCells,
  },
  nodes: {
    columns: [{ name: 'Name' }, { name: 'Status' }, { name: 'Roles' }, { name: 'Age' }, { name: 'Version' }, { name: 'Internal-IP', priority: 1 }, { name: 'External-IP', priority: 1 }, { name: 'OS-Image', priority: 1 }, { name: 'Kernel-Version', priority: 1 }, { name: 'Container-Runtime', priority: 1 }],
    cells: nodeCells,
  },
  namespaces: {
    columns: [{ name: 'Name' }, { name: 'Status' }, { name: 'Age' }],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(now, o.metadata.creationTimestamp)],
  },
  services: {
    columns: [{ name: 'Name' }, { name: 'Type' }, { name: 'Cluster-IP' }, { name: 'External-IP' }, { name: 'Port(s)' }, { name: 'Age' }, { name: 'Selector', priority: 1 }],
    cells: serviceCells,
  },
  endpointslices: {
    columns: [{ name: 'Name' }, { name: 'AddressType' }, { name: 'Ports' }, { name: 'Endpoints' }, { name: 'Age' }],
    cells: sliceCells,
  },
  events: {
    columns: [{ name: 'Last Seen' }, { name: 'Type' }, { name: 'Reason' }, { name: 'Object' }, { name: 'Subobject', priority: 1 }, { name: 'Source', priority: 1 }, { name: 'Message' }, { name: 'First Seen', priority: 1 }, { name: 'Count', type: 'integer', priority: 1 }, { name: 'Name', priority: 1 }],
    cells: eventCells,
  },
};

function row(o: KubeObject, cells: unknown[]): Json {
  return { cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } };
}

export function table(resource: ApiResource, objects: readonly KubeObject[], resourceVersion: string, now: number, continueToken?: string): Json {
  const t = TABLES[resource.plural];
  const columns = t?.columns ?? [{ name: 'Name' }, { name: 'Age' }];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
    columnDefinitions: columns.map((c, i) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: i === 0 && c.name === 'Name' ? 'name' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => row(o, t ? t.cells(o as Json, now) : [o.metadata.name, since(now, o.metadata.creationTimestamp)])),
  };
}
