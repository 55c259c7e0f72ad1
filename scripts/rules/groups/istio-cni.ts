// Known issue 3 and its cause on istio-cni's side: the node agent not ready, pods refused.
import { JOB, type AlertGroupSpec } from '../spec.js';
import { KEEP_FIRING, NOT_READY_NODES, currentCause } from './common.js';

export const istioCniGroup: AlertGroupSpec = {
  title: 'istio-cni',
  name: 'ambient-istio-cni',
  alerts: [
    {
      alert: 'AmbientIstioCniNotReady',
      severity: 'critical',
      for: '5m',
      keepFiringFor: KEEP_FIRING.cause,
      // The agent's readiness includes its install state: both branches mostly fire together.
      expr: [
        '(',
        `  max by (cluster, node) (ambient_cni_pod_ready{${JOB}}) == 0`,
        '  or',
        `  max by (cluster, node) (ambient_cni_install_ready{${JOB}}) == 0`,
        ')',
        `unless on (cluster, node) (${NOT_READY_NODES})`,
      ].join('\n'),
      summary: 'The istio-cni node agent is not ready.',
      description:
        'istio-cni on node {{ $labels.node }} is not Ready or has not installed its CNI plugin: new meshed pods on that node fail to start ' +
        "or start without redirection, and the node's ztunnel loses its connection to the agent.",
      meaning: 'The istio-cni node agent of a node is not Ready or its CNI plugin is not installed; it explains the node\'s ztunnel and pod creation alerts.',
    },
    {
      alert: 'AmbientPodCreationBlockedByCNI',
      severity: 'critical',
      for: '15m',
      keepFiringFor: KEEP_FIRING.podCreation,
      expr: `max by (cluster, node) (ambient_node_issue{${JOB}, issue="cni_pod_creation_blocked"}) > 0`,
      summary: 'The istio-cni node agent blocks pod creation on a node.',
      // Causes: no ztunnel connected to the agent (ztunnel_not_connected, sandbox_failures) or the
      // agent refusing sandboxes for another reason (cni_agent_errors: ambient_pods_refused_by_cni{reason}).
      description:
        `New pods on node {{ $labels.node }} cannot start: the istio-cni plugin fails their sandboxes (cause: ${currentCause('cni_pod_creation_blocked')}). ` +
        "They stay in ContainerCreating until a ztunnel connects to the node's istio-cni agent, or what the agent refuses them for is fixed " +
        '(ambient_pods_refused_by_cni gives the reason).',
      meaning: 'istio-cni refuses new pods on a node (`no ztunnel connection`, or another agent error) and nothing upstream explains it.',
    },
    {
      alert: 'AmbientIstioCniAgentErrors',
      severity: 'warning',
      for: '20m',
      // The agent's own count (istio-cni 1.31+): it still tells when the sandbox events behind
      // AmbientPodCreationBlockedByCNI are gone (expired after an hour, or not readable). A 3m window,
      // so that alert's keep_firing_for outlasts it (inhibitions.ts).
      expr: `sum by (cluster, node) (rate(ambient_cni_plugin_requests_total{${JOB}, response_code="500"}[3m])) > 0`,
      summary: 'The istio-cni node agent refuses pods its CNI plugin hands it.',
      description:
        'The istio-cni node agent on node {{ $labels.node }} answers {{ printf "%.2f" $value }} CNI plugin requests per second with 500: ' +
        'it refuses to add new pods to the mesh (no ztunnel connection, the pod\'s netns or rules, the probe set, ztunnel refusing the pod), ' +
        'so their sandboxes fail and kubelet retries them.',
      meaning: 'The istio-cni agent of a node answers its plugin with 500 (istio-cni 1.31+): new meshed pods there fail to start.',
    },
  ],
};
