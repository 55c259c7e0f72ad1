// The metric families of known issue 3 (istio-cni blocks pod creation), declared once.
import { bool, family } from '../../export/family.js';
import type { CniSignals } from './detect.js';

type S = CniSignals;

export const FAMILIES = [
  family<S>({
    name: 'ambient_cni_pod_ready',
    type: 'gauge',
    help: 'Kubernetes Ready condition of the istio-cni node pod.',
    labels: ['node'],
    rows: (s) => s.cniPodReady.map((r) => ({ labels: { node: r.node }, value: bool(r.ready) })),
  }),
  family<S>({
    name: 'ambient_cni_ztunnel_connected',
    type: 'gauge',
    help: "ztunnel connections to the istio-cni node agent (istio-cni's ztunnel_connected).",
    labels: ['node'],
    doc:
      "istio-cni's `ztunnel_connected` (normally 1, 2 during a ztunnel rollout; 0 means new meshed pods fail). The agent " +
      'serves the family only once a ztunnel has connected since it started: absent from a successful scrape while a ' +
      'ztunnel runs on the node, it is exported as 0.',
    rows: (s) => s.ztunnelConnected.map((r) => ({ labels: { node: r.node }, value: r.value })),
  }),
  family<S>({
    name: 'ambient_cni_install_ready',
    type: 'gauge',
    help: "istio-cni's istio_cni_install_ready.",
    labels: ['node'],
    doc: "istio-cni's `istio_cni_install_ready`.",
    rows: (s) => s.installReady.map((r) => ({ labels: { node: r.node }, value: r.value })),
  }),
  family<S>({
    name: 'ambient_pods_blocked_by_cni',
    type: 'gauge',
    help: 'Pods not started whose latest sandbox failure names "no ztunnel connection".',
    labels: ['node', 'namespace'],
    doc:
      'Pods not started, still waiting for their sandbox, whose latest `FailedCreatePodSandBox` event names `no ztunnel connection`. ' +
      'Absent when zero.',
    rows: (s) => s.podsBlocked.map((r) => ({ labels: { node: r.node, namespace: r.namespace }, value: r.count })),
  }),
  family<S>({
    name: 'ambient_pods_refused_by_cni',
    type: 'gauge',
    help: 'Pods waiting for a sandbox that istio-cni refused, by reason.',
    labels: ['node', 'namespace', 'reason'],
    doc:
      'Pods not started, still waiting for their sandbox, whose latest `FailedCreatePodSandBox` event comes from the ' +
      '`istio-cni` plugin, by `reason`: `no_ztunnel_connection`, `ztunnel_refused` (`got ack error`), `agent_unreachable` (the ' +
      "agent's socket is missing or refuses), `agent_timeout`, `not_retryable` (`pod add cannot be retried`), `probe_set_error` " +
      '(the host probe ipset or nftables set refused the IP), `unauthorized` (the plugin\'s token is rejected), `other`. Absent when zero.',
    rows: (s) => s.podsRefused.map((r) => ({ labels: { node: r.node, namespace: r.namespace, reason: r.reason }, value: r.count })),
  }),
  family<S>({
    name: 'ambient_pods_redirection_pending',
    type: 'gauge',
    help: 'Pods annotated ambient.istio.io/redirection=pending.',
    labels: ['node', 'namespace'],
    doc: 'Pods annotated `ambient.istio.io/redirection: pending`. Absent when zero.',
    rows: (s) => s.redirectionPending.map((r) => ({ labels: { node: r.node, namespace: r.namespace }, value: r.count })),
  }),
  family<S>({
    name: 'ambient_cni_info',
    type: 'gauge',
    help: 'istio-cni version per node, from its image tag (value 1).',
    labels: ['node', 'pod', 'version'],
    doc:
      "1; `version` is the tag of the pod's `install-cni` image (e.g. `1.28.2-distroless`): istio-cni exports no `istio_build`. " +
      'Absent for an image pinned by digest only.',
    rows: (s) => s.cniInfo.map((r) => ({ labels: { node: r.node, pod: r.pod, version: r.version }, value: 1 })),
  }),
  family<S>({
    name: 'ambient_cni_plugin_requests_total',
    type: 'counter',
    help: "istio-cni's istio_cni_plugin_requests_total per node and response code (istio-cni 1.31+).",
    labels: ['node', 'response_code'],
    doc:
      "istio-cni's `istio_cni_plugin_requests_total` (1.31+): the CNI plugin's pod-add requests its node agent answered, by " +
      '`response_code`: `200` added, `400` a request it could not read, `500` it refused the pod (no ztunnel connection, ' +
      'a non-retryable add, the probe set, ztunnel\'s ack error); any other code counts as `other`. Absent before 1.31.',
    rows: (s) => s.pluginRequests.map((r) => ({ labels: { node: r.node, response_code: r.responseCode }, value: r.value })),
  }),
];
