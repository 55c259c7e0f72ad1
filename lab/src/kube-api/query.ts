// What a list or watch request asks for, and the matching rule both use.
import { matchesFieldSelector, matchesLabelSelector, type FieldRequirement, type LabelRequirement } from './selectors.js';
import type { ApiResource } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

/**
 * Fields the API server indexes in its watch cache: pods by spec.nodeName (SelectorIndex,
 * kubernetes pkg/registry/core/pod/strategy.go Indexers, NodeNameIndexFunc), which is what every
 * kubelet and node agent lists and watches by.
 */
const INDEXED_FIELDS: Record<string, string[]> = { pods: ['spec.nodeName'] };

export interface Query {
  resource: ApiResource;
  /** undefined: all namespaces (or a cluster-scoped resource) */
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

export function matchesQuery(q: Query, o: KubeObject): boolean {
  if (q.namespace !== undefined && o.metadata.namespace !== q.namespace) return false;
  return matchesLabelSelector(o.metadata.labels, q.labels) && matchesFieldSelector(o, q.fields, q.resource.fields);
}

/** The objects that may match: those of an indexed field's value when the query asks for one exactly, else all of the resource. */
export function candidates(store: ObjectStore, q: Query): readonly KubeObject[] {
  const indexed = q.resource.group === '' ? (INDEXED_FIELDS[q.resource.plural] ?? []) : [];
  const exact = q.fields.find((f) => f.op === '=' && indexed.includes(f.field));
  return exact ? store.listByField(q.resource, exact.field, exact.value) : store.list(q.resource, q.namespace);
}

/** A typed list omits kind and apiVersion on its items, as the real API server does. */
export function listItem(o: KubeObject): Omit<KubeObject, 'kind' | 'apiVersion'> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return rest;
}
