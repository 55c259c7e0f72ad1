// Service istiod (istiod-<revision> when revisioned) and its EndpointSlice, as the istio-discovery
// chart (templates/service.yaml) and the EndpointSlice controller produce them.
import type { KubeObject } from '../../kube-api/types.js';
import type { Topology } from '../topology.js';
import { rfc3339 } from '../../util/time.js';
import { meta } from './meta.js';

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
}

/** The ports of Service istiod (manifests/charts/istio-control/istio-discovery/templates/service.yaml). */
export const ISTIOD_SERVICE_PORTS: readonly ServicePort[] = [
  { name: 'grpc-xds', port: 15010, targetPort: 15010 },
  { name: 'https-dns', port: 15012, targetPort: 15012 },
  { name: 'https-webhook', port: 443, targetPort: 15017 },
  { name: 'http-monitoring', port: 15014, targetPort: 15014 },
];

function serviceLabels(t: Topology): Record<string, string> {
  return {
    app: 'istiod',
    istio: 'pilot',
    'istio.io/rev': t.istio.revision ?? 'default',
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component': 'Pilot',
  };
}

/** The chart selects `app: istiod` plus the revision when revisioned, `istio: pilot` otherwise. */
function serviceSelector(t: Topology): Record<string, string> {
  return t.istio.revision ? { app: 'istiod', 'istio.io/rev': t.istio.revision } : { app: 'istiod', istio: 'pilot' };
}

export function istiodServiceObject(t: Topology, ports: readonly ServicePort[]): KubeObject {
  const s = t.istiodService;
  const name = t.istio.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta({ name, namespace: t.istio.istiodNamespace, uid: s.uid, createdAt: s.createdAt, labels: serviceLabels(t) }),
    spec: {
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.targetPort })),
      selector: serviceSelector(t),
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

export function istiodEndpointSliceObject(t: Topology, ports: readonly ServicePort[], ready: boolean): KubeObject {
  const pod = t.istiodPod;
  const service = t.istio.serviceName;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta({
      name: t.istiodSlice.name,
      generateName: `${service}-`,
      namespace: t.istio.istiodNamespace,
      uid: t.istiodSlice.uid,
      createdAt: t.istiodService.createdAt,
      labels: {
        ...serviceLabels(t),
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': service,
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': rfc3339(pod.createdAt + 10_000) },
      ownerReferences: [
        { apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name: service, uid: t.istiodService.uid },
      ],
    }),
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [pod.ip],
        conditions: { ready, serving: ready, terminating: false },
        nodeName: pod.node,
        targetRef: { kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: pod.uid },
      },
    ],
    ports: ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' })),
  };
}
