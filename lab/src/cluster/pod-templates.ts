// Pod templates of the lab: what the Istio charts, the Flannel manifests and Deployments put into
// each kind of pod (labels, annotations, owners, containers, probes).
import type { IdSource } from '../util/ids.js';
import type { FlannelLayout, OwnerRef, PodRole, SimNode, SimPod } from './shapes.js';
import type { AppDeployment } from './workloads.js';
import { FLANNEL_IMAGE, ISTIO_VERSION } from './versions.js';

export interface PodTemplateContext {
  ids: IdSource;
  startedAt: number;
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

const ISTIO_IMAGE = (component: string) => `docker.io/istio/${component}:${ISTIO_VERSION}-distroless`;

export function ztunnelPod(t: PodTemplateContext, node: SimNode, ip: string): SimPod {
  return daemonSetPod(t, node, 'ztunnel', 'istio-system', 'ztunnel', {
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
        image: ISTIO_IMAGE('ztunnel'),
        ports: [{ name: 'ztunnel-stats', containerPort: 15020, protocol: 'TCP' }],
        readinessProbe: { path: '/healthz/ready', port: 15021 },
      },
    ],
    serviceAccount: 'ztunnel',
    priorityClassName: 'system-node-critical',
  });
}

export function cniPod(t: PodTemplateContext, node: SimNode): SimPod {
  return daemonSetPod(t, node, 'istio-cni', 'istio-system', 'istio-cni-node', {
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
        image: ISTIO_IMAGE('install-cni'),
        ports: [{ name: 'metrics', containerPort: 15014, protocol: 'TCP' }],
        readinessProbe: { path: '/readyz', port: 8000 },
      },
    ],
    serviceAccount: 'istio-cni',
    priorityClassName: 'system-node-critical',
  });
}

export function flannelPod(t: PodTemplateContext, node: SimNode, layout: FlannelLayout): SimPod {
  const upstream = layout === 'upstream';
  const labels: Record<string, string> = upstream
    ? { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' }
    : { 'k8s-app': 'flannel', tier: 'node' };
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

export function istiodPod(t: PodTemplateContext, node: SimNode, ip: string): SimPod {
  return deploymentPod(t.ids, 'istio-system', 'istiod', '0', node, ip, t.startedAt - 2 * DAY, {
    role: 'istiod',
    labels: {
      app: 'istiod',
      istio: 'pilot',
      'istio.io/rev': 'default',
      'install.operator.istio.io/owning-resource': 'unknown',
      'operator.istio.io/component': 'Pilot',
      'sidecar.istio.io/inject': 'false',
    },
    annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    containers: [
      {
        name: 'discovery',
        image: ISTIO_IMAGE('pilot'),
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
    labels: { app: d.app, version: d.version },
    annotations: {},
    containers: [{ name: d.app, image: d.image, ports: [{ containerPort: d.port, protocol: 'TCP' }] }],
    serviceAccount: `${namespace}-${d.app}`,
  };
}
