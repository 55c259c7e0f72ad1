// Pod templates of the lab: what the Istio charts, the Flannel manifests and Deployments put into
// each kind of pod (labels, annotations, owners, containers, probes).
import type { IdSource } from '../util/ids.js';
import type { IstioRelease } from './release.js';
import type { EnvVar, FlannelLayout, OwnerRef, PodRole, SimNode, SimPod } from './shapes.js';
import type { AppDeployment } from './workloads.js';
import { FLANNEL_IMAGE } from './versions.js';

/** Where Istio runs and what its ztunnels dial. */
export interface IstioPlacement {
  /** namespace of the ztunnel and istio-cni DaemonSets (istio-system; kube-system on GKE) */
  componentNamespace: string;
  /** namespace of istiod and its Service */
  istiodNamespace: string;
  /** the istiod revision, when revisioned */
  revision: string | undefined;
  /** `istiod`, or `istiod-<revision>` (istio-discovery chart templates/service.yaml) */
  serviceName: string;
}

export interface PodTemplateContext {
  ids: IdSource;
  startedAt: number;
  release: IstioRelease;
  istio: IstioPlacement;
}

/**
 * The address the ztunnel chart writes into CA_ADDRESS and XDS_ADDRESS when the values leave them
 * empty: `istiod[-<revision>].<istioNamespace>.svc:15012` (manifests/charts/ztunnel/templates/daemonset.yaml,
 * release-1.24 .. 1.30).
 */
export function chartIstiodAddress(istio: IstioPlacement): string {
  return `${istio.serviceName}.${istio.istiodNamespace}.svc:15012`;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function owner(ids: IdSource, apiVersion: string, kind: string, namespace: string, name: string): OwnerRef {
  return { apiVersion, kind, name, uid: ids.uid(`${kind}/${namespace}/${name}`), controller: true, blockOwnerDeletion: true };
}

export function daemonSetPod(
  t: { ids: IdSource; startedAt: number },
  node: SimNode,
  role: PodRole,
  namespace: string,
  daemonSet: string,
  rest: Pick<SimPod, 'ip' | 'hostNetwork' | 'labels' | 'annotations' | 'containers' | 'serviceAccount' | 'priorityClassName'>,
): SimPod {
  const name = `${daemonSet}-${t.ids.suffix(`${namespace}/${daemonSet}/${node.name}`)}`;
  return {
    role,
    namespace,
    name,
    uid: t.ids.uid(`pod/${namespace}/${name}`),
    node: node.name,
    createdAt: t.startedAt - 2 * DAY + node.index * 1000,
    owner: owner(t.ids, 'apps/v1', 'DaemonSet', namespace, daemonSet),
    ...rest,
    labels: {
      ...rest.labels,
      'controller-revision-hash': t.ids.templateHash(`${namespace}/${daemonSet}`),
      'pod-template-generation': '1',
    },
  };
}

const istioImage = (release: IstioRelease, component: string) => `docker.io/istio/${component}:${release.version}-distroless`;

/** The ztunnel container's env as the chart writes it (manifests/charts/ztunnel/templates/daemonset.yaml). */
function ztunnelEnv(istio: IstioPlacement): EnvVar[] {
  const istiod = chartIstiodAddress(istio);
  return [
    { name: 'CA_ADDRESS', value: istiod },
    { name: 'XDS_ADDRESS', value: istiod },
    { name: 'CLUSTER_ID', value: 'Kubernetes' },
    { name: 'POD_NAME', fieldPath: 'metadata.name' },
    { name: 'POD_NAMESPACE', fieldPath: 'metadata.namespace' },
    { name: 'NODE_NAME', fieldPath: 'spec.nodeName' },
    { name: 'INSTANCE_IP', fieldPath: 'status.podIP' },
    { name: 'SERVICE_ACCOUNT', fieldPath: 'spec.serviceAccountName' },
  ];
}

export function ztunnelPod(t: PodTemplateContext, node: SimNode, ip: string): SimPod {
  return daemonSetPod(t, node, 'ztunnel', t.istio.componentNamespace, 'ztunnel', {
    ip,
    hostNetwork: false,
    labels: {
      app: 'ztunnel',
      'app.kubernetes.io/name': 'ztunnel',
      'istio.io/dataplane-mode': 'none',
      'sidecar.istio.io/inject': 'false',
    },
    annotations: { 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    containers: [
      {
        name: 'istio-proxy',
        image: istioImage(t.release, 'ztunnel'),
        ports: [{ name: 'ztunnel-stats', containerPort: 15020, protocol: 'TCP' }],
        readinessProbe: { path: '/healthz/ready', port: 15021 },
        env: ztunnelEnv(t.istio),
      },
    ],
    serviceAccount: 'ztunnel',
    priorityClassName: 'system-node-critical',
  });
}

export function cniPod(t: PodTemplateContext, node: SimNode): SimPod {
  return daemonSetPod(t, node, 'istio-cni', t.istio.componentNamespace, 'istio-cni-node', {
    ip: node.ip,
    hostNetwork: true,
    labels: {
      'k8s-app': 'istio-cni-node',
      'app.kubernetes.io/name': 'istio-cni',
      'istio.io/dataplane-mode': 'none',
      'sidecar.istio.io/inject': 'false',
    },
    annotations: {
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '15014',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/inject': 'false',
    },
    containers: [
      {
        name: 'install-cni',
        image: istioImage(t.release, 'install-cni'),
        ports: [{ name: 'metrics', containerPort: 15014, protocol: 'TCP' }],
        readinessProbe: { path: '/readyz', port: 8000 },
      },
    ],
    serviceAccount: 'istio-cni',
    priorityClassName: 'system-node-critical',
  });
}

/**
 * Flannel's pod: upstream's kube-flannel.yml labels its pod template `app: flannel`, `tier: node`
 * only (k8s-app is on the DaemonSet, ConfigMap and Namespace, not the pods; v0.24.0 .. v0.28.9);
 * Talos' template labels it `k8s-app: flannel`, `tier: node` (k8stemplates/flannel.go).
 */
export function flannelPod(t: PodTemplateContext, node: SimNode, layout: FlannelLayout): SimPod {
  const upstream = layout === 'upstream';
  const labels: Record<string, string> = upstream ? { app: 'flannel', tier: 'node' } : { 'k8s-app': 'flannel', tier: 'node' };
  return daemonSetPod(t, node, 'flannel', upstream ? 'kube-flannel' : 'kube-system', upstream ? 'kube-flannel-ds' : 'kube-flannel', {
    ip: node.ip,
    hostNetwork: true,
    labels,
    annotations: {},
    containers: [{ name: 'kube-flannel', image: FLANNEL_IMAGE, ports: [] }],
    serviceAccount: 'flannel',
    priorityClassName: 'system-node-critical',
  });
}

export function deploymentPod(
  ids: IdSource,
  namespace: string,
  deployment: string,
  replica: string,
  node: SimNode,
  ip: string,
  createdAt: number,
  rest: Pick<SimPod, 'role' | 'labels' | 'annotations' | 'containers' | 'serviceAccount' | 'priorityClassName'>,
  templateKey = '',
): SimPod {
  const hash = ids.templateHash(`${namespace}/${deployment}${templateKey}`);
  const rs = `${deployment}-${hash}`;
  const name = `${rs}-${ids.suffix(`${namespace}/${rs}/${replica}`)}`;
  return {
    namespace,
    name,
    uid: ids.uid(`pod/${namespace}/${name}`),
    node: node.name,
    ip,
    hostNetwork: false,
    createdAt,
    owner: owner(ids, 'apps/v1', 'ReplicaSet', namespace, rs),
    deployment,
    ...rest,
    labels: { ...rest.labels, 'pod-template-hash': hash },
  };
}

/** istiod's pod: Deployment `istiod[-<revision>]`, labelled with its revision (istio-discovery chart). */
export function istiodPod(t: PodTemplateContext, node: SimNode, ip: string): SimPod {
  return deploymentPod(t.ids, t.istio.istiodNamespace, t.istio.serviceName, '0', node, ip, t.startedAt - 2 * DAY, {
    role: 'istiod',
    labels: {
      app: 'istiod',
      istio: 'pilot',
      'istio.io/rev': t.istio.revision ?? 'default',
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': 'Pilot',
      'sidecar.istio.io/inject': 'false',
    },
    annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    containers: [
      {
        name: 'discovery',
        image: istioImage(t.release, 'pilot'),
        ports: [
          { containerPort: 8080, protocol: 'TCP' },
          { containerPort: 15010, protocol: 'TCP' },
          { containerPort: 15012, protocol: 'TCP' },
          { containerPort: 15017, protocol: 'TCP' },
          { containerPort: 15014, protocol: 'TCP' },
        ],
        readinessProbe: { path: '/ready', port: 8080 },
      },
    ],
    serviceAccount: 'istiod',
  });
}

export function appPodFields(namespace: string, d: AppDeployment): Pick<SimPod, 'role' | 'labels' | 'annotations' | 'containers' | 'serviceAccount'> {
  return {
    role: 'app',
    labels: { app: d.app, version: d.version, ...d.podLabels },
    annotations: {},
    containers: [{ name: d.app, image: d.image, ports: [{ containerPort: d.port, protocol: 'TCP' }] }],
    serviceAccount: `${namespace}-${d.app}`,
  };
}
