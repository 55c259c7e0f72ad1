// The node agents' DaemonSet pods as the API shows them (manifests/agent): one per node, on the
// host network (pod IP = the node's), in the agent namespace, Ready. For labs whose API the test
// fills (the simulated cluster's extraObjects, the real-kernel lab's object API).
import type { KubeObject } from 'ambient-lab';
import { AGENT_NAMESPACE, AGENT_POD_LABELS } from '../../src/istio.js';

const T = '2026-01-01T00:00:00Z';

export function agentPodObjects(nodes: readonly { name: string; ip: string }[], ready: (node: string) => boolean = () => true): KubeObject[] {
  return nodes.map((n) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `ambient-exporter-agent-${n.name}`, namespace: AGENT_NAMESPACE, uid: `uid-agent-${n.name}`, creationTimestamp: T, labels: { ...AGENT_POD_LABELS } },
    spec: { nodeName: n.name, hostNetwork: true, containers: [{ name: 'agent' }] },
    status: {
      phase: 'Running',
      podIP: n.ip,
      conditions: [{ type: 'Ready', status: ready(n.name) ? 'True' : 'False', lastTransitionTime: T }],
      containerStatuses: [{ name: 'agent', ready: ready(n.name), state: { running: { startedAt: T } } }],
    },
  }));
}
