// The static shape of the simulated cluster: nodes, the pods that always exist, their addresses and
// identities. Faults never change the topology; they change how its objects look and behave
// (see faults/effects.ts and cluster/desired.ts).
import { AddressPlan } from './addresses.js';
import { APP_NAMESPACES, ROLLOUT_DEPLOYMENTS, replicasFor, type AppDeployment } from './workloads.js';
import type { IdSource } from '../util/ids.js';

export const ISTIO_VERSION = '1.28.2';
export const KUBERNETES_VERSION = 'v1.32.3';
export const FLANNEL_IMAGE = 'ghcr.io/flannel-io/flannel:v0.26.7';

export type FlannelLayout = 'upstream' | 'talos';
export type PodRole = 'ztunnel' | 'istio-cni' | 'flannel' | 'istiod' | 'app';

export interface SimContainer {
  name: string;
  image: string;
  ports: { name?: string; containerPort: number; protocol: 'TCP' | 'UDP' }[];
  readinessProbe?: { path: string; port: number };
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

export interface SimPod {
  role: PodRole;
  namespace: string;
  name: string;
  uid: string;
  node: string;
  /** '' for pods whose sandbox does not exist yet */
  ip: string;
  hostNetwork: boolean;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  owner: OwnerRef;
  containers: SimContainer[];
  serviceAccount: string;
  priorityClassName?: string;
  /** app pods: the Deployment they belong to */
  deployment?: string;
  /** pods created by a fault while the lab runs */
  late?: boolean;
}

export interface SimNode {
  name: string;
  index: number;
  ip: string;
  podCidr: string;
  uid: string;
  createdAt: number;
  vtepMac: string;
}

export interface SimNamespace {
  name: string;
  uid: string;
  createdAt: number;
  /** labels in the healthy state */
  labels: Record<string, string>;
}

export interface Topology {
  nodes: SimNode[];
  nodeByName: Map<string, SimNode>;
  istiodNode: string;
  namespaces: SimNamespace[];
  pods: SimPod[];
  podsByNode: Map<string, SimPod[]>;
  istiodPod: SimPod;
  istiodService: { clusterIP: string; uid: string; createdAt: number };
  istiodSlice: { name: string; uid: string };
  flannel: { layout: FlannelLayout; namespace: string; daemonSet: string };
  startedAt: number;
  ids: IdSource;
  addresses: AddressPlan;
}

export interface TopologyOptions {
  nodes: number;
  flannelLayout: FlannelLayout;
  ids: IdSource;
  startedAt: number;
  /** address block (see addresses.ts), default 0 */
  addressBlock?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function nodeName(index: number): string {
  return `lab-node-${index}`;
}

function owner(ids: IdSource, apiVersion: string, kind: string, namespace: string, name: string): OwnerRef {
  return { apiVersion, kind, name, uid: ids.uid(`${kind}/${namespace}/${name}`), controller: true, blockOwnerDeletion: true };
}

function daemonSetPod(
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

function ztunnelPod(t: TopologyOptions, node: SimNode, ip: string): SimPod {
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

function cniPod(t: TopologyOptions, node: SimNode): SimPod {
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

function flannelPod(t: TopologyOptions, node: SimNode, layout: FlannelLayout): SimPod {
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

function deploymentPod(
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

function istiodPod(t: TopologyOptions, node: SimNode, ip: string): SimPod {
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

function appPodFields(namespace: string, d: AppDeployment): Pick<SimPod, 'role' | 'labels' | 'annotations' | 'containers' | 'serviceAccount'> {
  return {
    role: 'app',
    labels: { app: d.app, version: d.version },
    annotations: {},
    containers: [{ name: d.app, image: d.image, ports: [{ containerPort: d.port, protocol: 'TCP' }] }],
    serviceAccount: `${namespace}-${d.app}`,
  };
}

export function buildTopology(o: TopologyOptions): Topology {
  const { ids, startedAt } = o;
  const plan = new AddressPlan(o.addressBlock ?? 0);
  const nodes: SimNode[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const name = nodeName(i);
    nodes.push({
      name,
      index: i,
      ip: plan.nodeIP(i),
      podCidr: plan.podCidr(i),
      uid: ids.uid(`node/${name}`),
      createdAt: startedAt - 3 * DAY + i * 1000,
      vtepMac: ids.mac(`vtep/${name}`),
    });
  }
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const first = nodes[0];
  if (!first) throw new Error('the lab needs at least one node');
  const nextHost = new Map<string, number>(nodes.map((n) => [n.name, 0]));
  const allocate = (node: SimNode): string => {
    const n = nextHost.get(node.name) ?? 0;
    nextHost.set(node.name, n + 1);
    return plan.podIP(node.index, n);
  };

  const pods: SimPod[] = [];
  for (const node of nodes) pods.push(ztunnelPod(o, node, allocate(node)));
  const istiod = istiodPod(o, first, allocate(first));
  pods.push(istiod);
  for (const node of nodes) pods.push(cniPod(o, node), flannelPod(o, node, o.flannelLayout));

  // Application pods, spread round-robin so every node carries some of every namespace.
  const replicas = replicasFor(o.nodes);
  let k = 0;
  for (const ns of APP_NAMESPACES) {
    for (const d of ns.deployments) {
      for (let r = 0; r < replicas; r++, k++) {
        const node = nodes[k % nodes.length] ?? first;
        const createdAt = startedAt - DAY + Math.floor(ids.fraction(`${ns.name}/${d.name}/${r}`) * HOUR);
        pods.push(deploymentPod(ids, ns.name, d.name, String(r), node, allocate(node), createdAt, appPodFields(ns.name, d)));
      }
    }
  }

  const podsByNode = new Map<string, SimPod[]>(nodes.map((n) => [n.name, []]));
  for (const p of pods) podsByNode.get(p.node)?.push(p);

  const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'istio-system'];
  if (o.flannelLayout === 'upstream') systemNamespaces.push('kube-flannel');
  const namespaceLabels: { name: string; labels: Record<string, string> }[] = [
    ...systemNamespaces.map((name) => ({ name, labels: systemNamespaceLabels(name) })),
    ...APP_NAMESPACES.map((ns) => ({
      name: ns.name,
      labels: (ns.ambient ? { 'istio.io/dataplane-mode': 'ambient' } : {}) as Record<string, string>,
    })),
  ];
  const namespaces: SimNamespace[] = namespaceLabels.map((ns, i) => ({
    ...ns,
    uid: ids.uid(`namespace/${ns.name}`),
    createdAt: startedAt - 3 * DAY + i * 1000,
    labels: { 'kubernetes.io/metadata.name': ns.name, ...ns.labels },
  }));

  return {
    nodes,
    nodeByName,
    istiodNode: first.name,
    namespaces,
    pods,
    podsByNode,
    istiodPod: istiod,
    istiodService: { clusterIP: plan.istiodClusterIP, uid: ids.uid('service/istio-system/istiod'), createdAt: startedAt - 2 * DAY },
    istiodSlice: { name: `istiod-${ids.suffix('endpointslice/istiod')}`, uid: ids.uid('endpointslice/istio-system/istiod') },
    flannel:
      o.flannelLayout === 'upstream'
        ? { layout: 'upstream', namespace: 'kube-flannel', daemonSet: 'kube-flannel-ds' }
        : { layout: 'talos', namespace: 'kube-system', daemonSet: 'kube-flannel' },
    startedAt,
    ids,
    addresses: plan,
  };
}

function systemNamespaceLabels(name: string): Record<string, string> {
  if (name === 'kube-flannel') return { 'k8s-app': 'flannel', 'pod-security.kubernetes.io/enforce': 'privileged' };
  return {};
}

/**
 * Pods a Deployment rollout creates on `node` while cni-blocked is active there. They belong to a
 * new ReplicaSet revision; `createdAt` is when the fault began. No address until a sandbox exists.
 */
export function rolloutPods(t: Topology, node: SimNode, createdAt: number, sandboxReady: (namespace: string) => boolean): SimPod[] {
  return ROLLOUT_DEPLOYMENTS.flatMap(({ namespace, deployment }, k) => {
    const ns = APP_NAMESPACES.find((n) => n.name === namespace);
    const d = ns?.deployments.find((x) => x.name === deployment);
    if (!d) return [];
    const ip = sandboxReady(namespace) ? t.addresses.latePodIP(node.index, k) : '';
    const pod = deploymentPod(t.ids, namespace, deployment, node.name, node, ip, createdAt, appPodFields(namespace, d), '#rollout');
    return [{ ...pod, late: true }];
  });
}
