// "ztunnel": the node proxy, per node. ztunnel's own metrics (as Istio's ztunnel dashboard uses them,
// selected by pod name and split by the scrape config's `node` label) next to what the exporter
// derives from ztunnel's readiness endpoint and the Kubernetes API.
import { BigValueColorMode, BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  NODE_MATCHER,
  UIDS,
  cadvisorSel,
  clusterVariable,
  componentMatchers,
  dashboardsDropdown,
  datasourceVariable,
  nodeVariable,
  runbooksLink,
  sel,
} from './common.js';
import { assemble } from './layout.js';
import { BAD_WHEN_POSITIVE, joinedTable, statPanel, timeSeries } from './panels.js';
import type { Sized } from './panels.js';

const Z = componentMatchers('ztunnel');
const RATE = '[$__rate_interval]';

/** Short xDS type from the type URL: `type.googleapis.com/istio.workload.Address` -> `Address`. */
function shortXdsType(expr: string): string {
  return `label_replace(${expr}, "type", "$1", "url", ".*[.]([^.]+)")`;
}

function state(): Sized[] {
  return [
    statPanel({
      title: 'ztunnel pods ready',
      description: 'ztunnel pods whose Kubernetes Ready condition is true (ambient_ztunnel_pod_ready), over all selected nodes.',
      unit: 'none',
      queries: [{ expr: `sum(${sel('ambient_ztunnel_pod_ready', NODE_MATCHER)})` }],
      w: 4,
    }),
    statPanel({
      title: 'ztunnel pods not ready',
      description:
        'ztunnel pods that are not Ready now (1 - ambient_ztunnel_pod_ready, summed: 0 when every ztunnel is Ready). A ztunnel ' +
        'that never received configuration from istiod stays not ready with the "state manager" task pending; one without ' +
        'an istio-cni connection waits on "workload proxy manager". "No data" means the exporter serves no ztunnel state.',
      unit: 'none',
      queries: [{ expr: `sum(1 - ${sel('ambient_ztunnel_pod_ready', NODE_MATCHER)})` }],
      steps: BAD_WHEN_POSITIVE,
      colorMode: BigValueColorMode.Background,
      w: 4,
    }),
    statPanel({
      title: 'Versions',
      description: 'ztunnel versions running, from istio_build{component="ztunnel"}: more than one during an upgrade only.',
      unit: 'none',
      queries: [{ expr: `count by (tag) (${sel('istio_build', 'component="ztunnel"', ...Z)})`, legend: '{{tag}}' }],
      textMode: BigValueTextMode.ValueAndName,
      w: 4,
    }),
    timeSeries({
      title: 'Readiness tasks pending',
      description:
        'Tasks ztunnel lists as pending on :15021/healthz/ready, per node (ambient_ztunnel_readiness_pending). ' +
        '"state manager": no xDS configuration from istiod yet; "workload proxy manager": no istio-cni connection or pods ' +
        'whose proxy failed to start. Empty when every ztunnel is ready.',
      unit: 'none',
      queries: [{ expr: `max by (node, task) (${sel('ambient_ztunnel_readiness_pending', NODE_MATCHER)} > 0)`, legend: '{{node}}: {{task}}' }],
      legend: 'max',
      min: 0,
      decimals: 0,
      w: 12,
      h: 4,
    }),
    joinedTable({
      title: 'ztunnel pods',
      description:
        'Each ztunnel pod with its node, version (ambient_ztunnel_info) and Ready condition (ambient_ztunnel_pod_ready), ' +
        'not-ready pods first.',
      unit: 'none',
      key: 'node',
      keyTitle: 'Node',
      columns: [
        { kind: 'labels', expr: `max by (node, pod, version) (${sel('ambient_ztunnel_info', NODE_MATCHER)})`, labels: { pod: 'Pod', version: 'Version' } },
        { kind: 'bool', name: 'Ready', expr: `max by (node, pod) (${sel('ambient_ztunnel_pod_ready', NODE_MATCHER)})`, yes: 'ready', no: 'not ready' },
      ],
      sortBy: { column: 'Ready' },
      w: 24,
      h: 6,
    }),
  ];
}

/**
 * A per-pod cAdvisor expression of the ztunnels, labelled with their node as the exporter knows it
 * (ambient_ztunnel_pod_ready{node, pod}) and filtered by the node variable.
 */
function perZtunnelNode(perPod: string): string {
  return `${perPod} * on (pod) group_left (node) (0 * max by (pod, node) (${sel('ambient_ztunnel_pod_ready', NODE_MATCHER)}) + 1)`;
}

function resources(): Sized[] {
  const cadvisorNote =
    'From cAdvisor (the kubelet\'s /metrics/cadvisor, which kube-prometheus-stack scrapes by default), container istio-proxy ' +
    'of the ztunnel pods, as Istio\'s ztunnel dashboard reads it; the node comes from the exporter. Empty where Prometheus ' +
    'does not scrape cAdvisor.';
  return [
    timeSeries({
      title: 'ztunnel memory',
      description: `Working set of each node's ztunnel (container_memory_working_set_bytes). ${cadvisorNote}`,
      unit: 'bytes',
      queries: [{ expr: perZtunnelNode(`sum by (pod) (${cadvisorSel('container_memory_working_set_bytes', 'ztunnel')})`), legend: '{{node}}' }],
      legend: 'max',
      min: 0,
    }),
    timeSeries({
      title: 'ztunnel CPU',
      description: `CPU each node's ztunnel uses, in cores (rate of container_cpu_usage_seconds_total). ${cadvisorNote}`,
      unit: 'none',
      queries: [{ expr: perZtunnelNode(`sum by (pod) (rate(${cadvisorSel('container_cpu_usage_seconds_total', 'ztunnel')}${RATE}))`), legend: '{{node}}' }],
      legend: 'max',
      min: 0,
    }),
  ];
}

function traffic(): Sized[] {
  return [
    timeSeries({
      title: 'Connections',
      description:
        'TCP connections ztunnel opened (positive) and closed (negative) per second, per node ' +
        '(istio_tcp_connections_opened_total, istio_tcp_connections_closed_total).',
      unit: 'cps',
      queries: [
        { expr: `sum by (node) (rate(${sel('istio_tcp_connections_opened_total', ...Z)}${RATE}))`, legend: '{{node}} opened' },
        { expr: `-sum by (node) (rate(${sel('istio_tcp_connections_closed_total', ...Z)}${RATE}))`, legend: '{{node}} closed' },
      ],
      legend: 'max',
    }),
    timeSeries({
      title: 'Bytes',
      description: 'Bytes ztunnel sent (positive) and received (negative) per second, per node (istio_tcp_sent_bytes_total, istio_tcp_received_bytes_total).',
      unit: 'Bps',
      queries: [
        { expr: `sum by (node) (rate(${sel('istio_tcp_sent_bytes_total', ...Z)}${RATE}))`, legend: '{{node}} sent' },
        { expr: `-sum by (node) (rate(${sel('istio_tcp_received_bytes_total', ...Z)}${RATE}))`, legend: '{{node}} received' },
      ],
      legend: 'max',
    }),
    timeSeries({
      title: 'Connections by security policy',
      description:
        'Connections per second arriving at ztunnel-captured destinations, by connection_security_policy: mutual_tls is ' +
        'HBONE, unknown is plain TCP (e.g. from a pod that is not in the mesh or not captured). Counted on the destination ' +
        'side only (reporter="destination"): a connection between two captured pods is reported by both ztunnels and would ' +
        'otherwise count twice. Connections to destinations outside the mesh have no destination report and are not shown.',
      unit: 'cps',
      queries: [
        {
          expr: `sum by (connection_security_policy) (rate(${sel('istio_tcp_connections_opened_total', ...Z, 'reporter="destination"')}${RATE}))`,
          legend: '{{connection_security_policy}}',
        },
      ],
      stack: true,
    }),
    timeSeries({
      title: 'DNS requests',
      description:
        'DNS queries answered by ztunnel\'s DNS proxy per second, per node (istio_dns_requests_total), and those it forwarded ' +
        'upstream that failed (istio_dns_upstream_failures_total).',
      unit: 'reqps',
      queries: [
        { expr: `sum by (node) (rate(${sel('istio_dns_requests_total', ...Z)}${RATE}))`, legend: '{{node}} requests' },
        { expr: `sum by (node) (rate(${sel('istio_dns_upstream_failures_total', ...Z)}${RATE}))`, legend: '{{node}} upstream failures' },
      ],
      legend: 'max',
    }),
    timeSeries({
      title: 'Failed connections by flag',
      description:
        'Connections ztunnel failed to establish per second, per node and response flag (ambient_ztunnel_connections_failed_total, ' +
        'from ztunnel 1.29\'s istio_tcp_connections_failed_total): CONNECT the upstream or peer refused; DENY, NETWORK_POLICY a ' +
        'policy denied; TLS_FAILURE, H2_HANDSHAKE_FAILURE, IDENTITY_ERROR the mesh\'s own handshake failed (certificates, ' +
        'identity). Empty for ztunnels before 1.29.',
      unit: 'cps',
      queries: [{ expr: `sum by (node, response_flags) (rate(${sel('ambient_ztunnel_connections_failed_total', NODE_MATCHER)}${RATE}))`, legend: '{{node}} {{response_flags}}' }],
      legend: 'max',
      min: 0,
    }),
  ];
}

function xds(): Sized[] {
  return [
    timeSeries({
      title: 'xDS connection terminations by reason',
      description:
        'ztunnel\'s xDS stream to istiod ending, per node and reason (istio_xds_connection_terminations_total). ' +
        'ConnectionError: istiod could not be reached on 15012; Error: the stream failed; Reconnect: the routine reconnect ' +
        '(e.g. istiod\'s max connection age); Complete: the stream ended normally.',
      unit: 'ops',
      queries: [{ expr: `sum by (node, reason) (rate(${sel('istio_xds_connection_terminations_total', ...Z)}${RATE}))`, legend: '{{node}} {{reason}}' }],
      legend: 'max',
    }),
    timeSeries({
      title: 'xDS terminations seen by the exporter',
      description:
        'The same counter as read by the exporter from each ztunnel (ambient_ztunnel_xds_connection_terminations_total, ' +
        'rate over 5m from the recording rules): available even where Prometheus does not scrape ztunnel itself.',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (node, reason) (${sel('node_reason:ambient_ztunnel_xds_connection_terminations:rate5m', NODE_MATCHER)})`,
          legend: '{{node}} {{reason}}',
        },
      ],
      legend: 'max',
    }),
    timeSeries({
      title: 'xDS messages by type',
      description:
        'xDS responses ztunnel received from istiod per second, by resource type (istio_xds_message_total): Address carries ' +
        'workloads and services (istiod\'s wds), Authorization carries policies (wads). Silence here while terminations ' +
        'climb means ztunnel is not getting configuration.',
      unit: 'ops',
      queries: [{ expr: shortXdsType(`sum by (url) (rate(${sel('istio_xds_message_total', ...Z)}${RATE}))`), legend: '{{type}}' }],
    }),
    timeSeries({
      title: 'xDS bytes received',
      description: 'Bytes of xDS configuration ztunnel received per second, per node (istio_xds_message_bytes_total).',
      unit: 'Bps',
      queries: [{ expr: `sum by (node) (rate(${sel('istio_xds_message_bytes_total', ...Z)}${RATE}))`, legend: '{{node}}' }],
      legend: 'max',
    }),
  ];
}

function workloads(): Sized[] {
  return [
    timeSeries({
      title: 'Workloads (ztunnel)',
      description:
        'Pods ztunnel proxies on each node (workload_manager_active_proxy_count) and pods whose proxy failed to start and is ' +
        'being retried (workload_manager_pending_proxy_count). Pending above 0 keeps ztunnel not ready.',
      unit: 'none',
      queries: [
        { expr: `sum by (node) (${sel('workload_manager_active_proxy_count', ...Z)})`, legend: '{{node}} active' },
        { expr: `sum by (node) (${sel('workload_manager_pending_proxy_count', ...Z)})`, legend: '{{node}} pending' },
      ],
      legend: 'max',
      min: 0,
      decimals: 0,
    }),
    timeSeries({
      title: 'Workloads seen by the exporter',
      description: 'ambient_ztunnel_workloads by node and state (active, pending): the exporter\'s copy of the workload manager gauges.',
      unit: 'none',
      queries: [{ expr: `sum by (node, state) (${sel('ambient_ztunnel_workloads', NODE_MATCHER)})`, legend: '{{node}} {{state}}' }],
      legend: 'max',
      min: 0,
      decimals: 0,
    }),
    timeSeries({
      title: 'Workload proxies started and stopped',
      description:
        'In-pod proxies ztunnel started (positive) and stopped (negative) per second, per node ' +
        '(workload_manager_proxies_started_total, workload_manager_proxies_stopped_total): pod churn on the node.',
      unit: 'ops',
      queries: [
        { expr: `sum by (node) (rate(${sel('workload_manager_proxies_started_total', ...Z)}${RATE}))`, legend: '{{node}} started' },
        { expr: `-sum by (node) (rate(${sel('workload_manager_proxies_stopped_total', ...Z)}${RATE}))`, legend: '{{node}} stopped' },
      ],
      legend: 'max',
      w: 24,
    }),
  ];
}

export function ztunnelDashboard(runbookBase: string): Dashboard {
  return assemble({
    uid: UIDS.ztunnel,
    title: 'Ambient / ztunnel',
    description:
      'ztunnel per node: readiness and versions, memory and CPU, connections, bytes, DNS and failed connections, the xDS ' +
      'stream from istiod (messages and terminations by reason) and the workloads it proxies.',
    variables: [datasourceVariable(), clusterVariable(), nodeVariable()],
    links: [dashboardsDropdown(), runbooksLink(runbookBase)],
    sections: [
      { title: 'State', panels: state() },
      { title: 'Resources', panels: resources() },
      { title: 'xDS from istiod', panels: xds() },
      { title: 'Traffic', panels: traffic() },
      { title: 'Workloads', panels: workloads() },
    ],
  });
}
