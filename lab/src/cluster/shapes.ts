// The shapes of the simulated cluster's static objects (nodes, namespaces, pods and their
// containers), apart from topology.ts so that the pod templates and the topology built from them
// both import them without importing each other.

/**
 * Where the components run: `upstream` (Istio in istio-system, Flannel's kube-flannel manifest),
 * `talos` (Flannel as Talos deploys it, in kube-system) or `gke` (ztunnel and istio-cni in
 * kube-system as GKE requires, istiod in istio-system, GKE's own pod network: no Flannel).
 */
export type ClusterLayout = 'upstream' | 'talos' | 'gke';
export const CLUSTER_LAYOUTS: readonly ClusterLayout[] = ['upstream', 'talos', 'gke'];
export type FlannelLayout = 'upstream' | 'talos';
/** The overlay's address family as Flannel writes it on the nodes (the lab's pods stay on IPv4 loopback). */
export type IpFamily = 'ipv4' | 'ipv6';
export const IP_FAMILIES: readonly IpFamily[] = ['ipv4', 'ipv6'];
export type PodRole = 'ztunnel' | 'istio-cni' | 'flannel' | 'istiod' | 'app';

/** A container env entry: a literal value, or a downward-API field. */
export type EnvVar = { name: string; value: string } | { name: string; fieldPath: string };

export interface SimContainer {
  name: string;
  image: string;
  ports: { name?: string; containerPort: number; protocol: 'TCP' | 'UDP' }[];
  readinessProbe?: { path: string; port: number };
  env?: EnvVar[];
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
