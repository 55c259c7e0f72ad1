// The Node objects a lab node would have in the Kubernetes API: the annotations Flannel's kube
// subnet manager writes (pkg/subnet/kube/annotations.go names; backend-data is vxlan.go's
// vxlanLeaseAttrs, the MAC a quoted string) and spec.podCIDR, which Flannel takes as the node's
// lease subnet (pkg/subnet/kube/kube.go nodeToLease). Plain data: tests, the node checks and the
// simulated API all read the same objects.
import type { NodePlan } from './plan.js';

export const FLANNEL_ANNOTATIONS = {
  backendData: 'flannel.alpha.coreos.com/backend-data',
  backendV6Data: 'flannel.alpha.coreos.com/backend-v6-data',
  backendType: 'flannel.alpha.coreos.com/backend-type',
  publicIp: 'flannel.alpha.coreos.com/public-ip',
  publicIpv6: 'flannel.alpha.coreos.com/public-ipv6',
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

/**
 * What AcquireLease writes: backend-data and public-ip for the IPv4 overlay, backend-v6-data and
 * public-ipv6 for the IPv6 one (an IPv6-only node gets no backend-data nor public-ip:
 * pkg/subnet/kube/kube.go writes them only when the marshalled data is not "null").
 */
export function flannelAnnotations(node: NodePlan): Record<string, string> {
  const v4 = node.families.includes('ipv4');
  return {
    ...(v4 ? { [FLANNEL_ANNOTATIONS.backendData]: JSON.stringify({ VNI: node.vxlan.vni, VtepMAC: node.vxlan.mac }) } : {}),
    ...(node.v6 ? { [FLANNEL_ANNOTATIONS.backendV6Data]: JSON.stringify({ VNI: node.v6.vxlan.vni, VtepMAC: node.v6.vxlan.mac }) } : {}),
    [FLANNEL_ANNOTATIONS.backendType]: 'vxlan',
    [FLANNEL_ANNOTATIONS.kubeSubnetManager]: 'true',
    ...(v4 ? { [FLANNEL_ANNOTATIONS.publicIp]: node.publicIp } : {}),
    ...(node.v6 ? { [FLANNEL_ANNOTATIONS.publicIpv6]: node.v6.publicIp } : {}),
  };
}

/** spec.podCIDRs as the node IPAM gives them: one per family, IPv4 first on dual stack. */
function podCidrs(node: NodePlan): string[] {
  return [...(node.families.includes('ipv4') ? [node.podCidr] : []), ...(node.v6 ? [node.v6.podCidr] : [])];
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
    spec: { podCIDR: podCidrs(node)[0] ?? node.podCidr, podCIDRs: podCidrs(node), ...(taints.length ? { taints } : {}) },
    status: {
      addresses: [
        { type: 'InternalIP', address: node.publicIp },
        ...(node.v6 ? [{ type: 'InternalIP', address: node.v6.publicIp }] : []),
        { type: 'Hostname', address: node.name },
      ],
    },
  };
}
