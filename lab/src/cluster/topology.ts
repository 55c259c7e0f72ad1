// The static shape of the simulated cluster: nodes, the pods that always exist, their addresses and
// identities. Faults never change the topology; they change how its objects look and behave
// (see faults/effects.ts and cluster/desired.ts).
import { AddressPlan } from './addresses.js';
import { APP_NAMESPACES, ROLLOUT_DEPLOYMENTS, replicasFor } from './workloads.js';
import { appPodFields, cniPod, DAY, deploymentPod, flannelPod, HOUR, istiodPod, ztunnelPod } from './pod-templates.js';
import type { IdSource } from '../util/ids.js';
import type { FlannelLayout, SimNamespace, SimNode, SimPod } from './shapes.js';

export { ISTIO_VERSION, KUBERNETES_VERSION, FLANNEL_IMAGE } from './versions.js';

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

export function nodeName(index: number): string {
  return `lab-node-${index}`;
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
