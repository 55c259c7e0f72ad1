// The static shape of the simulated cluster: nodes, the pods that always exist, their addresses and
// identities. Faults never change the topology; they change how its objects look and behave
// (see faults/effects.ts and cluster/desired.ts).
import { AddressPlan } from './addresses.js';
import { APP_NAMESPACES, ROLLOUT_DEPLOYMENTS, replicasFor } from './workloads.js';
import { appPodFields, cniPod, DAY, deploymentPod, flannelPod, HOUR, istiodPod, ztunnelPod, type IstioPlacement } from './pod-templates.js';
import { istioRelease, type IstioRelease } from './release.js';
import type { IdSource } from '../util/ids.js';
import type { ClusterLayout, FlannelLayout, IpFamily, SimNamespace, SimNode, SimPod } from './shapes.js';

export { KUBERNETES_VERSION } from './versions.js';

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
  /** where Flannel runs; undefined on GKE, whose pod network is its own */
  flannel: { layout: FlannelLayout; namespace: string; daemonSet: string } | undefined;
  layout: ClusterLayout;
  istio: IstioPlacement;
  release: IstioRelease;
  ipFamily: IpFamily;
  startedAt: number;
  ids: IdSource;
  addresses: AddressPlan;
}

export interface TopologyOptions {
  nodes: number;
  /** where the components run (default upstream) */
  layout?: ClusterLayout;
  ids: IdSource;
  startedAt: number;
  /** address block (see addresses.ts), default 0 */
  addressBlock?: number;
  /** the Istio release (default 1.28) */
  release?: IstioRelease;
  /** istiod's revision, when revisioned */
  revision?: string;
  /** Flannel's address family (default ipv4) */
  ipFamily?: IpFamily;
}

export function nodeName(index: number): string {
  return `lab-node-${index}`;
}

/** ztunnel and istio-cni in kube-system on GKE (istio.io ambient platform prerequisites), istio-system elsewhere. */
function istioPlacement(layout: ClusterLayout, revision: string | undefined): IstioPlacement {
  return {
    componentNamespace: layout === 'gke' ? 'kube-system' : 'istio-system',
    istiodNamespace: 'istio-system',
    revision,
    serviceName: revision ? `istiod-${revision}` : 'istiod',
  };
}

export function buildTopology(o: TopologyOptions): Topology {
  const { ids, startedAt } = o;
  const layout = o.layout ?? 'upstream';
  const release = o.release ?? istioRelease();
  const istio = istioPlacement(layout, o.revision);
  const tc = { ids, startedAt, release, istio };
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
  for (const node of nodes) pods.push(ztunnelPod(tc, node, allocate(node)));
  const istiod = istiodPod(tc, first, allocate(first));
  pods.push(istiod);
  for (const node of nodes) {
    pods.push(cniPod(tc, node));
    if (layout !== 'gke') pods.push(flannelPod(tc, node, layout));
  }

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
  if (layout === 'upstream') systemNamespaces.push('kube-flannel');
  const namespaceLabels: { name: string; labels: Record<string, string> }[] = [
    ...systemNamespaces.map((name) => ({ name, labels: systemNamespaceLabels(name) })),
    ...APP_NAMESPACES.map((ns): { name: string; labels: Record<string, string> } => ({
      name: ns.name,
      labels: ns.ambient ? { 'istio.io/dataplane-mode': 'ambient' } : {},
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
    istiodService: { clusterIP: plan.istiodClusterIP, uid: ids.uid(`service/istio-system/${istio.serviceName}`), createdAt: startedAt - 2 * DAY },
    istiodSlice: { name: `${istio.serviceName}-${ids.suffix(`endpointslice/${istio.serviceName}`)}`, uid: ids.uid(`endpointslice/istio-system/${istio.serviceName}`) },
    flannel:
      layout === 'upstream'
        ? { layout: 'upstream', namespace: 'kube-flannel', daemonSet: 'kube-flannel-ds' }
        : layout === 'talos'
          ? { layout: 'talos', namespace: 'kube-system', daemonSet: 'kube-flannel' }
          : undefined,
    layout,
    istio,
    release,
    ipFamily: o.ipFamily ?? 'ipv4',
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
 * Pods a Deployment rollout lands on `node` while the node refuses new pods (see runtime/admission.ts).
 * They belong to a new ReplicaSet revision; `createdAt` is when the refusal began. Their address is
 * the one the primary CNI hands out; it shows on the pod only once its sandbox exists.
 */
export function rolloutPods(t: Topology, node: SimNode, createdAt: number, seq = 1): SimPod[] {
  const revision = seq > 1 ? `#rollout-${seq}` : '#rollout';
  return ROLLOUT_DEPLOYMENTS.flatMap(({ namespace, deployment }, k) => {
    const ns = APP_NAMESPACES.find((n) => n.name === namespace);
    const d = ns?.deployments.find((x) => x.name === deployment);
    if (!d) return [];
    const ip = t.addresses.latePodIP(node.index, k);
    const pod = deploymentPod(t.ids, namespace, deployment, node.name, node, ip, createdAt, appPodFields(namespace, d), revision);
    return [{ ...pod, late: true }];
  });
}
