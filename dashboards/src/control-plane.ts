// "Control plane": istiod as ztunnel needs it (Service port 15012, ready endpoints, the exporter's dial
// probe, CA certificates, memory and CPU, xDS clients, wds/wads pushes, push time, convergence,
// rejects, the data plane's version skew) and the istio-cni node agents that hand pods to ztunnel.
// istiod and istio-cni counters carry no `_total`.
import { BigValueColorMode, BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  NODE_MATCHER,
  UIDS,
  cadvisorSel,
  clusterVariable,
  componentMatchers,
  dashboardUrl,
  dashboardsDropdown,
  datasourceVariable,
  nodeVariable,
  runbooksLink,
  sel,
} from './common.js';
import { assemble } from './layout.js';
import { SUPPORTED_MINORS_BEHIND } from '../../src/istio.js';
import { BAD_WHEN_POSITIVE, affectedNodesTable, GOOD_WHEN_ONE, boolMappings, joinedTable, stateTimeline, statPanel, timeSeries } from './panels.js';
import type { Sized } from './panels.js';

const ISTIOD = componentMatchers('istiod', false);
const CNI = componentMatchers('cni');
const RATE = '[$__rate_interval]';
const DAY = 86400;

/** 0 instead of a blank cell for nodes that run istio-cni: the count series are absent when zero. */
function orZeroPerCniNode(expr: string): string {
  return `${expr} or 0 * max by (node) (${sel('ambient_cni_pod_ready', NODE_MATCHER)})`;
}

/** Median and 99th percentile of a histogram, optionally split by labels. */
function quantiles(bucketMetric: string, by: string[], matchers: string[]) {
  const group = ['le', ...by].join(', ');
  const legendBy = by.map((l) => `{{${l}}} `).join('');
  return [0.5, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (${group}) (rate(${sel(bucketMetric, ...matchers)}${RATE})))`,
    legend: `${legendBy}p${q * 100}`,
  }));
}

function istiodReachability(): Sized[] {
  return [
    statPanel({
      title: 'Service port 15012',
      description:
        'Does Service istiod expose port 15012 (ambient_istiod_service_port_present)? ztunnel fetches configuration and ' +
        'certificates there; without it every ztunnel stays not ready.',
      unit: 'none',
      queries: [{ expr: `min(${sel('ambient_istiod_service_port_present', 'port="15012"')})` }],
      steps: GOOD_WHEN_ONE,
      mappings: boolMappings('present', 'missing'),
      colorMode: BigValueColorMode.Background,
      w: 4,
    }),
    statPanel({
      title: 'Ready istiod endpoints',
      description: 'Ready addresses behind Service istiod (ambient_istiod_ready_endpoints). 0 means nothing answers ztunnel.',
      unit: 'none',
      queries: [{ expr: `sum(${sel('ambient_istiod_ready_endpoints')})` }],
      steps: GOOD_WHEN_ONE,
      colorMode: BigValueColorMode.Background,
      w: 4,
    }),
    statPanel({
      title: 'istiod pods ready',
      description: 'istiod pods whose Ready condition is true (ambient_istiod_pod_ready).',
      unit: 'none',
      queries: [{ expr: `sum(${sel('ambient_istiod_pod_ready')})` }],
      steps: GOOD_WHEN_ONE,
      w: 4,
    }),
    statPanel({
      title: 'istiod versions',
      description: 'istiod versions running (istio_build{component="pilot"}, scraped from istiod).',
      unit: 'none',
      queries: [{ expr: `count by (tag) (${sel('istio_build', 'component="pilot"', ...ISTIOD)})`, legend: '{{tag}}' }],
      textMode: BigValueTextMode.ValueAndName,
      w: 4,
    }),
    statPanel({
      title: 'CA certificates expire in',
      description:
        "Time until istiod's CA certificates expire, as the exporter reads them from istiod (ambient_istiod_cert_expiry_timestamp_seconds, " +
        'from citadel_server_*_expiry_timestamp): root_cert, the root of the trust bundle; cert_chain, the signing chain of a ' +
        'plugged-in CA. Workload certificates stop being trusted past it; orange under 30 days, red under 7 ' +
        '(AmbientIstiodCertificateExpiringSoon, AmbientIstiodCertificateExpiryImminent).',
      unit: 's',
      queries: [{ expr: `min by (certificate) (${sel('ambient_istiod_cert_expiry_timestamp_seconds')}) - time()`, legend: '{{certificate}}' }],
      textMode: BigValueTextMode.ValueAndName,
      steps: [
        { value: null, color: 'red' },
        { value: 7 * DAY, color: 'orange' },
        { value: 30 * DAY, color: 'green' },
      ],
      w: 8,
    }),
    stateTimeline({
      title: 'xDS dial from the exporter',
      description:
        'TCP connect from the exporter to istiod\'s xDS port, per address dialled: the Service address and each endpoint ' +
        '(ambient_istiod_xds_dial_success). Failing while the Service port exists points at the network or istiod itself.',
      unit: 'none',
      queries: [{ expr: `max by (address) (${sel('ambient_istiod_xds_dial_success')})`, legend: '{{address}}' }],
      mappings: boolMappings('connected', 'failed'),
    }),
    timeSeries({
      title: 'xDS dial time',
      description: 'How long the exporter\'s TCP connect to istiod\'s xDS port took, per address (ambient_istiod_xds_dial_duration_seconds).',
      unit: 's',
      queries: [{ expr: `max by (address) (${sel('ambient_istiod_xds_dial_duration_seconds')})`, legend: '{{address}}' }],
      min: 0,
    }),
  ];
}

function istiodResources(): Sized[] {
  const cadvisorNote =
    'The container lines come from cAdvisor (the kubelet\'s /metrics/cadvisor, which kube-prometheus-stack scrapes by default), ' +
    'container discovery of the istiod pods, as Istio\'s control-plane dashboard reads it; they are empty where Prometheus does ' +
    'not scrape cAdvisor.';
  return [
    timeSeries({
      title: 'istiod memory',
      description:
        `Per istiod pod: the container's working set (container_memory_working_set_bytes) and the Go heap in use ` +
        `(go_memstats_heap_inuse_bytes, from istiod itself). ${cadvisorNote}`,
      unit: 'bytes',
      queries: [
        { expr: `sum by (pod) (${cadvisorSel('container_memory_working_set_bytes', 'istiod')})`, legend: '{{pod}} working set' },
        { expr: `sum by (pod) (${sel('go_memstats_heap_inuse_bytes', ...ISTIOD)})`, legend: '{{pod}} Go heap in use' },
      ],
      min: 0,
    }),
    timeSeries({
      title: 'istiod CPU',
      description:
        `CPU each istiod pod uses, in cores: the container's (rate of container_cpu_usage_seconds_total) and the process's own ` +
        `(rate of process_cpu_seconds_total, from istiod itself). ${cadvisorNote}`,
      unit: 'none',
      queries: [
        { expr: `sum by (pod) (rate(${cadvisorSel('container_cpu_usage_seconds_total', 'istiod')}${RATE}))`, legend: '{{pod}} container' },
        { expr: `sum by (pod) (rate(${sel('process_cpu_seconds_total', ...ISTIOD)}${RATE}))`, legend: '{{pod}} process' },
      ],
      min: 0,
    }),
  ];
}

/** The data plane's skew against istiod: every ztunnel and istio-cni pod, unsupported ones first. */
function versionSkewTable(): Sized {
  const skew = sel('ambient_data_plane_version_skew', NODE_MATCHER);
  return joinedTable({
    title: 'Data plane version skew',
    description:
      'Per node, ztunnel and istio-cni against the istiod serving the ztunnels (ambient_data_plane_version_skew): their versions ' +
      '(istio-cni\'s from its image tag) and how many minor versions they are behind istiod (negative: newer). Istio supports ' +
      `${SUPPORTED_MINORS_BEHIND.min} and ${SUPPORTED_MINORS_BEHIND.max} (upgrade istiod, then istio-cni, then ztunnel); unsupported pods first ` +
      '(AmbientDataPlaneVersionSkew).',
    unit: 'none',
    key: 'node',
    keyTitle: 'Node',
    columns: [
      {
        kind: 'bool',
        name: 'Supported',
        expr: `min by (node, component) ((${skew} >= bool ${SUPPORTED_MINORS_BEHIND.min}) * (${skew} <= bool ${SUPPORTED_MINORS_BEHIND.max}))`,
        yes: 'yes',
        no: 'no',
      },
      {
        kind: 'value',
        name: 'Minor versions behind istiod',
        expr: `max by (node, component, version, istiod_version) (${skew})`,
        unit: 'none',
        labels: { component: 'Component', version: 'Version', istiod_version: 'istiod version' },
      },
    ],
    sortBy: { column: 'Supported' },
    w: 24,
    h: 7,
  });
}

function xdsServing(): Sized[] {
  return [
    timeSeries({
      title: 'xDS clients',
      description:
        'Proxies connected to each istiod over xDS (pilot_xds), and the exporter\'s copy (ambient_istiod_xds_clients). ' +
        'ztunnel, sidecars and gateways are counted together; a drop by the number of nodes means ztunnels lost istiod.',
      unit: 'none',
      queries: [
        { expr: `sum by (pod) (${sel('pilot_xds', ...ISTIOD)})`, legend: '{{pod}}' },
        { expr: `sum by (pod) (${sel('ambient_istiod_xds_clients')})`, legend: '{{pod}} (exporter)' },
      ],
      min: 0,
      decimals: 0,
    }),
    timeSeries({
      title: 'xDS pushes by type',
      description:
        'Pushes istiod sends per second by xDS type (pilot_xds_pushes), stacked. wds (workloads and services) and wads ' +
        '(authorization policies) go to ztunnel. Failed sends (the *_senderr types) are drawn apart in red, not stacked ' +
        'on top of the successful pushes.',
      unit: 'ops',
      queries: [
        { expr: `sum by (type) (rate(${sel('pilot_xds_pushes', ...ISTIOD, 'type!~".*_senderr"')}${RATE}))`, legend: '{{type}}' },
        { expr: `sum by (type) (rate(${sel('pilot_xds_pushes', ...ISTIOD, 'type=~".*_senderr"')}${RATE}))`, legend: '{{type}}', apart: true },
      ],
      stack: true,
    }),
    timeSeries({
      title: 'Push time',
      description: 'Time to push configuration to a proxy, median and 99th percentile by type (pilot_xds_push_time).',
      unit: 's',
      queries: quantiles('pilot_xds_push_time_bucket', ['type'], ISTIOD),
      min: 0,
    }),
    timeSeries({
      title: 'Proxy convergence',
      description:
        'Delay between a configuration change and every proxy having it, median and 99th percentile ' +
        '(pilot_proxy_convergence_time; includes ztunnel\'s delta xDS).',
      unit: 's',
      queries: quantiles('pilot_proxy_convergence_time_bucket', [], ISTIOD),
      min: 0,
    }),
    timeSeries({
      title: 'xDS rejects',
      description:
        'Configuration proxies rejected (NACKed) per second, by type (pilot_total_xds_rejects); wds/wads rejects come from ' +
        'ztunnel. Anything above 0 means some proxy runs with stale configuration.',
      unit: 'ops',
      queries: [{ expr: `sum by (type) (rate(${sel('pilot_total_xds_rejects', ...ISTIOD)}${RATE}))`, legend: '{{type}}' }],
      min: 0,
    }),
    versionSkewTable(),
    timeSeries({
      title: 'xDS clients by proxy version',
      description: 'Connected proxies by their Istio version (pilot_xds by version): shows skew between ztunnel and istiod during upgrades.',
      unit: 'none',
      queries: [{ expr: `sum by (version) (${sel('pilot_xds', ...ISTIOD)})`, legend: '{{version}}' }],
      min: 0,
      decimals: 0,
    }),
  ];
}

function istioCni(): Sized[] {
  return [
    statPanel({
      title: 'Nodes where pod creation is blocked',
      description: 'Nodes whose root cause is istio-cni blocking pod creation (ambient_issue_affected{issue="cni_pod_creation_blocked"}).',
      unit: 'suffix: nodes',
      queries: [{ expr: `sum(${sel('issue:ambient_issue_affected:max', 'issue="cni_pod_creation_blocked"')})` }],
      steps: BAD_WHEN_POSITIVE,
      colorMode: BigValueColorMode.Background,
      w: 6,
      h: 6,
    }),
    affectedNodesTable({
      issue: 'cni_pod_creation_blocked',
      title: 'Blocked nodes',
      description:
        'Only the nodes where istio-cni blocks pod creation now (ambient_node_issue{issue="cni_pod_creation_blocked"}), ' +
        'with the cause: ztunnel_not_connected (istio-cni has no ztunnel connection) or sandbox_failures (pods fail with ' +
        '"no ztunnel connection"). Empty when no node is blocked.',
      keyLink: { title: 'ztunnel on this node', url: dashboardUrl(UIDS.ztunnel, '&var-node=${__value.raw}') },
    }),
    joinedTable({
      title: 'istio-cni per node',
      description:
        'Per node: istio-cni pod Ready (ambient_cni_pod_ready), CNI config and binaries installed (ambient_cni_install_ready), ' +
        'a live ztunnel connection (ambient_cni_ztunnel_connected; without it new ambient pods fail with "no ztunnel ' +
        'connection"), its version (ambient_cni_info, the image tag), pods blocked by that error and pods with redirection ' +
      'pending. Nodes without a ztunnel connection first.',
      unit: 'none',
      key: 'node',
      keyTitle: 'Node',
      keyLink: { title: 'ztunnel on this node', url: dashboardUrl(UIDS.ztunnel, '&var-node=${__value.raw}') },
      columns: [
        { kind: 'bool', name: 'istio-cni ready', expr: `max by (node) (${sel('ambient_cni_pod_ready', NODE_MATCHER)})`, yes: 'ready', no: 'not ready' },
        { kind: 'bool', name: 'Installed', expr: `max by (node) (${sel('ambient_cni_install_ready', NODE_MATCHER)})`, yes: 'yes', no: 'no' },
        { kind: 'bool', name: 'ztunnel connected', expr: `max by (node) (${sel('ambient_cni_ztunnel_connected', NODE_MATCHER)})`, yes: 'connected', no: 'no connection' },
        { kind: 'labels', expr: `max by (node, version) (${sel('ambient_cni_info', NODE_MATCHER)})`, labels: { version: 'Version' } },
        { kind: 'value', name: 'Pods blocked', expr: orZeroPerCniNode(`sum by (node) (${sel('node:ambient_pods_blocked_by_cni:sum', NODE_MATCHER)})`), unit: 'none', badFrom: 1 },
        { kind: 'value', name: 'Redirection pending', expr: orZeroPerCniNode(`sum by (node) (${sel('ambient_pods_redirection_pending', NODE_MATCHER)})`), unit: 'none', badFrom: 1 },
      ],
      sortBy: { column: 'ztunnel connected' },
      w: 24,
      h: 7,
    }),
    timeSeries({
      title: 'ztunnel connections at istio-cni',
      description:
        'ztunnel connections each istio-cni node agent holds (ztunnel_connected, scraped from istio-cni). Normally 1; 0 means ' +
        'pod sandboxes on that node fail with "no ztunnel connection".',
      unit: 'none',
      queries: [{ expr: `sum by (node) (${sel('ztunnel_connected', ...CNI)})`, legend: '{{node}}' }],
      legend: 'min',
      min: 0,
      decimals: 0,
    }),
    timeSeries({
      title: 'CNI install ready',
      description: 'istio_cni_install_ready per node, scraped from istio-cni: 1 when its CNI config and binaries are in place.',
      unit: 'none',
      queries: [{ expr: `max by (node) (${sel('istio_cni_install_ready', ...CNI)})`, legend: '{{node}}' }],
      legend: 'min',
      min: 0,
      max: 1,
      decimals: 0,
    }),
    timeSeries({
      title: 'Plugin requests by response code',
      description:
        'Pod-add requests of the CNI plugin each istio-cni node agent answered per second, by response code ' +
        '(ambient_cni_plugin_requests_total, from istio-cni 1.31\'s istio_cni_plugin_requests_total): 500 means the agent ' +
        'refused the pod (AmbientIstioCniAgentErrors). Empty for istio-cni before 1.31.',
      unit: 'reqps',
      queries: [{ expr: `sum by (node, response_code) (rate(${sel('ambient_cni_plugin_requests_total', NODE_MATCHER)}${RATE}))`, legend: '{{node}} {{response_code}}' }],
      legend: 'max',
      min: 0,
    }),
    timeSeries({
      title: 'Pods blocked by istio-cni',
      description:
        'Pods not started whose latest sandbox failure says "no ztunnel connection" (ambient_pods_blocked_by_cni), by node ' +
        'and namespace.',
      unit: 'none',
      queries: [{ expr: `sum by (node, namespace) (${sel('ambient_pods_blocked_by_cni', NODE_MATCHER)})`, legend: '{{node}} {{namespace}}' }],
      legend: 'max',
      min: 0,
      decimals: 0,
      w: 24,
    }),
  ];
}

export function controlPlaneDashboard(runbookBase: string): Dashboard {
  return assemble({
    uid: UIDS.controlPlane,
    title: 'Ambient / control plane',
    description:
      'istiod as ztunnel sees it (xDS port, endpoints, dial probe, CA certificates, memory and CPU, clients, wds/wads pushes, ' +
      'push time, convergence, rejects, the data plane\'s version skew) and the istio-cni node agents.',
    variables: [datasourceVariable(), clusterVariable(), nodeVariable('ambient_cni_pod_ready')],
    links: [dashboardsDropdown(), runbooksLink(runbookBase)],
    sections: [
      { title: 'istiod reachability', panels: istiodReachability() },
      { title: 'istiod resources', panels: istiodResources() },
      { title: 'xDS serving', panels: xdsServing() },
      { title: 'istio-cni', panels: istioCni() },
    ],
  });
}
