// core/v1 Node, as a kubeadm-style node running Flannel VXLAN looks (or a GKE node, without Flannel).
import type { KubeObject } from '../../kube-api/types.js';
import { KUBERNETES_VERSION, type Topology } from '../topology.js';
import type { SimNode } from '../shapes.js';
import { rfc3339 } from '../../util/time.js';
import { meta } from './meta.js';

const FLANNEL = 'flannel.alpha.coreos.com';

/** The node's IPv6 address in an IPv6-only overlay (the lab's real addresses stay IPv4 loopback). */
export function nodeIPv6(n: SimNode): string {
  return `fd00:10::${(n.index + 1).toString(16)}`;
}

/**
 * The annotations Flannel's kube subnet manager writes (pkg/subnet/kube/kube.go AcquireLease): an
 * IPv4 cluster `backend-data` and `public-ip`; an IPv6-only one `backend-v6-data` and `public-ipv6`
 * only, since newSubnetAttrs fills the IPv4 attributes only when the IPv4 device exists.
 */
function flannelAnnotations(t: Topology, n: SimNode): Record<string, string> {
  if (!t.flannel) return {};
  const lease = JSON.stringify({ VNI: 1, VtepMAC: n.vtepMac });
  const family: Record<string, string> =
    t.ipFamily === 'ipv6' ? { [`${FLANNEL}/backend-v6-data`]: lease, [`${FLANNEL}/public-ipv6`]: nodeIPv6(n) } : { [`${FLANNEL}/backend-data`]: lease, [`${FLANNEL}/public-ip`]: n.ip };
  return { ...family, [`${FLANNEL}/backend-type`]: 'vxlan', [`${FLANNEL}/kube-subnet-manager`]: 'true' };
}

export function nodeObject(t: Topology, n: SimNode): KubeObject {
  const at = rfc3339(n.createdAt + 30_000);
  const heartbeat = rfc3339(t.startedAt);
  const pressure = (type: string, reason: string, message: string) => ({
    type,
    status: 'False',
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: at,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta({
      name: n.name,
      uid: n.uid,
      createdAt: n.createdAt,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        ...(t.layout === 'gke' ? { 'cloud.google.com/gke-nodepool': 'default-pool' } : {}),
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
      },
      annotations: {
        ...flannelAnnotations(t, n),
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    }),
    spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr] },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      allocatable: { cpu: '4', 'ephemeral-storage': '95551679124', memory: '16283116Ki', pods: '110' },
      capacity: { cpu: '4', 'ephemeral-storage': '103676336Ki', memory: '16385516Ki', pods: '110' },
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: heartbeat,
          lastTransitionTime: at,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: t.ids.uid(`boot/${n.name}`),
        containerRuntimeVersion: 'containerd://2.0.4',
        kernelVersion: '6.12.22',
        kubeProxyVersion: KUBERNETES_VERSION,
        kubeletVersion: KUBERNETES_VERSION,
        machineID: t.ids.hex(`machine/${n.name}`, 32),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: t.ids.uid(`system/${n.name}`),
      },
    },
  };
}
