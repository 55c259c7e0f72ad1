// The Node objects a lab node would have in the Kubernetes API: the annotations Flannel's kube
// subnet manager writes (pkg/subnet/kube/annotations.go names; backend-data is vxlan.go's
// vxlanLeaseAttrs, the MAC a quoted string) and spec.podCIDR, which Flannel takes as the node's
// lease subnet (pkg/subnet/kube/kube.go nodeToLease). Plain data: tests, the node checks and the
// simulated API all read the same objects.
import type { NodePlan } from './plan.js';

export const FLANNEL_ANNOTATIONS = {
  backendData: 'flannel.alpha.coreos.com/backend-data',
  backendType: 'flannel.alpha.coreos.com/backend-type',
  publicIp: 'flannel.alpha.coreos.com/public-ip',
  kubeSubnetManager: 'flannel.alpha.coreos.com/kube-subnet-manager',
} as const;

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** The subset of core/v1 Node the lab fills in. */
export interface LabNodeObject {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { podCIDR: string; podCIDRs: string[]; taints?: NodeTaint[] };
  status: { addresses: { type: string; address: string }[] };
}

export function flannelAnnotations(node: NodePlan): Record<string, string> {
  return {
    [FLANNEL_ANNOTATIONS.backendData]: JSON.stringify({ VNI: node.vxlan.vni, VtepMAC: node.vxlan.mac }),
    [FLANNEL_ANNOTATIONS.backendType]: 'vxlan',
    [FLANNEL_ANNOTATIONS.kubeSubnetManager]: 'true',
    [FLANNEL_ANNOTATIONS.publicIp]: node.publicIp,
  };
}

export function nodeObject(node: NodePlan, taints: NodeTaint[] = []): LabNodeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux' },
      annotations: flannelAnnotations(node),
    },
    spec: { podCIDR: node.podCidr, podCIDRs: [node.podCidr], ...(taints.length ? { taints } : {}) },
    status: { addresses: [{ type: 'InternalIP', address: node.publicIp }, { type: 'Hostname', address: node.name }] },
  };
}
