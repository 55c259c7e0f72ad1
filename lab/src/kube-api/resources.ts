// The resources the lab's API server serves, with the field selectors the real API server accepts
// for each (pkg/registry/*/strategy.go ...FieldsSet / GetAttrs).
import type { KubeObject } from './types.js';

type FieldGetter = (o: KubeObject) => string;

export interface ApiResource {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  fields: Record<string, FieldGetter>;
}

function path(o: unknown, dotted: string): unknown {
  let cur: unknown = o;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function field(dotted: string, fallback = ''): FieldGetter {
  return (o) => {
    const v = path(o, dotted);
    if (v === undefined || v === null) return fallback;
    // field selectors compare scalar fields; an object or array never equals a selector value
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  };
}

function fields(names: string[], extra: Record<string, FieldGetter> = {}): Record<string, FieldGetter> {
  return { ...Object.fromEntries(names.map((n) => [n, field(n)])), ...extra };
}

const NAMESPACED = ['metadata.name', 'metadata.namespace'];

export const API_RESOURCES: readonly ApiResource[] = [
  {
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    fields: fields(['metadata.name'], { 'spec.unschedulable': field('spec.unschedulable', 'false') }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    fields: fields(['metadata.name', 'status.phase']),
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    fields: fields(
      [
        ...NAMESPACED,
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'status.phase',
        'status.podIP',
        'status.nominatedNodeName',
      ],
      { 'spec.hostNetwork': field('spec.hostNetwork', 'false') },
    ),
  },
  {
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    fields: fields([
      ...NAMESPACED,
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ], { source: field('source.component') }),
  },
  {
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    fields: fields([...NAMESPACED, 'spec.clusterIP', 'spec.type']),
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
    shortNames: [],
    fields: fields([...NAMESPACED, 'addressType']),
  },
];

/** Store key of a resource: `pods`, `discovery.k8s.io/endpointslices`. */
export function resourceKey(r: Pick<ApiResource, 'group' | 'plural'>): string {
  return r.group ? `${r.group}/${r.plural}` : r.plural;
}

export function groupVersion(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function findResource(group: string, version: string, plural: string): ApiResource | undefined {
  return API_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceForObject(o: KubeObject): ApiResource | undefined {
  return API_RESOURCES.find((r) => groupVersion(r) === o.apiVersion && r.kind === o.kind);
}
