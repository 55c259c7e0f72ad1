// core/v1 Node, as a kubeadm-style node running Flannel VXLAN looks.
import type { KubeObject } from '../../kube-api/types.js';
import { KUBERNETES_VERSION, type Topology } from '../topology.js';
import type { SimNode } from '../shapes.js';
import { rfc3339 } from '../../util/time.js';
import { meta } from './meta.js';

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
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
      },
      annotations: {
        'flannel.alpha.coreos.com/backend-data': JSON.stringify({ VNI: 1, VtepMAC: n.vtepMac }),
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': n.ip,
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
