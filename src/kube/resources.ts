// The one table of what the exporter reads from the Kubernetes API. Informers are built from it,
// and the shipped RBAC is checked against it, so the two cannot drift.

export interface WatchedResource {
  /** key used in ambient_exporter_kube_watch_up{resource} */
  name: string;
  /** API group, '' for core */
  group: string;
  version: string;
  /** plural resource name as used in RBAC and URLs */
  plural: string;
  /** namespaced resources watched in one namespace only (the Istio namespace) */
  scope: 'cluster' | 'istio-namespace';
  /** static field selector, if any */
  fieldSelector?: string;
  /** static label selector, if any */
  labelSelector?: string;
  /** verbs the informer needs */
  verbs: readonly ('list' | 'watch')[];
}

const LIST_WATCH = ['list', 'watch'] as const;

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  { name: 'nodes', group: '', version: 'v1', plural: 'nodes', scope: 'cluster', verbs: LIST_WATCH },
  { name: 'namespaces', group: '', version: 'v1', plural: 'namespaces', scope: 'cluster', verbs: LIST_WATCH },
  // One cluster-wide pod watch, classified in memory: cheaper for the API server than one watch per
  // component, and it sees pods stuck in ContainerCreating in any namespace.
  { name: 'pods', group: '', version: 'v1', plural: 'pods', scope: 'cluster', verbs: LIST_WATCH },
  {
    name: 'events',
    group: '',
    version: 'v1',
    plural: 'events',
    scope: 'cluster',
    fieldSelector: 'reason=FailedCreatePodSandBox',
    verbs: LIST_WATCH,
  },
  // Every Service and EndpointSlice of the Istio namespace (a handful), so the istiod Service's name
  // can be configured (revisioned installs name it istiod-<revision>) without a new watch.
  { name: 'services', group: '', version: 'v1', plural: 'services', scope: 'istio-namespace', verbs: LIST_WATCH },
  { name: 'endpointslices', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', scope: 'istio-namespace', verbs: LIST_WATCH },
];

/** The list path of a resource, e.g. /api/v1/pods or /apis/discovery.k8s.io/v1/namespaces/istio-system/endpointslices */
export function listPath(resource: WatchedResource, istioNamespace: string): string {
  const base = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const ns = resource.scope === 'istio-namespace' ? `/namespaces/${istioNamespace}` : '';
  return `${base}${ns}/${resource.plural}`;
}
