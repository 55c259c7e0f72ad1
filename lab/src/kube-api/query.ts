// What a list or watch request asks for, and the matching rule both use.
import { matchesFieldSelector, matchesLabelSelector, type FieldRequirement, type LabelRequirement } from './selectors.js';
import type { ApiResource } from './resources.js';
import type { KubeObject } from './types.js';

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

/** A typed list omits kind and apiVersion on its items, as the real API server does. */
export function listItem(o: KubeObject): Omit<KubeObject, 'kind' | 'apiVersion'> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return rest;
}
