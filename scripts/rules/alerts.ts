// Every alert the bundle ships, grouped by where the fault lives. Severity follows kubernetes-mixin:
// critical pages a person now, warning is a work-queue item, info only helps troubleshooting.
//
// `for` is a ladder so a cause is already firing in Alertmanager when the symptoms it explains start
// firing, and the inhibitions in inhibitions.ts can silence them from the first notification. It
// follows the troubleshooting order network → control plane → data plane:
//   3m  cross-node network (the lowest layer: it explains istiod looking unreachable), exporter stale
//   4m  cluster-wide istiod causes
//   5m  per-node causes (ztunnel <-> istiod, istio-cni agent not ready), exporter down
//   10m ztunnel not Ready for another reason, exporter watch down
//   15m downstream effects (CNI pod creation blocked, xDS errors), scrape targets down, namespace hygiene
// Every step is longer than a DaemonSet rolling restart keeps a pod unready (seconds per node).
//
// keep_firing_for (KEEP_FIRING) on every critical mesh alert: a cause that clears or changes keeps
// silencing what it explained while that settles (a 5m rate window, the next cause's `for`), and an
// exporter lost mid-incident leaves its pages firing until AmbientExporterDown (5m) has paged. It
// is graded down the causal chain, 2m per step, so a cause always outlasts the symptoms it silences
// (they recover after it, and Prometheus evaluates each group at its own offset):
//   12m cross-node network
//   10m cluster-wide istiod causes, istio-cni agent not ready
//    8m ztunnel <-> istiod, ztunnel not Ready
//    6m CNI pod creation blocked
//
// Every expression aggregates `by (cluster, ...)` so the exporter's own target labels (instance, and
// pod/namespace of the exporter when no object label is exported) never leak into alerts, and a
// central Prometheus holding several clusters keeps them apart. Per-node alerts carry no `cause`
// label: a cause that changes would otherwise restart `for` and page again; the description reads
// the current cause back at evaluation time.

import { JOB, type AlertGroupSpec } from './spec.js';

/** How long a critical mesh alert keeps firing after its condition clears, by its place in the causal chain (see the header). */
export const KEEP_FIRING = { network: '12m', cause: '10m', ztunnel: '8m', podCreation: '6m' } as const;

/** The node's current cause of `issue`, as a description fragment (kept as last rendered while the alert only keeps firing). */
function currentCause(issue: string): string {
  const job = JOB.replaceAll('"', '\\"');
  const selector = `ambient_node_issue{${job}, issue=\\"${issue}\\", cluster=%q, node=%q}`;
  return `{{ with printf "${selector}" $labels.cluster $labels.node | query }}{{ . | first | label "cause" }}{{ else }}unknown{{ end }}`;
}

/** "in cluster X" when the alert carries a cluster label, nothing otherwise. */
const IN_CLUSTER = '{{ with $labels.cluster }} in cluster {{ . }}{{ end }}';

const CROSS_NODE = `max by (cluster, node) (ambient_node_issue{${JOB}, issue="cross_node_network"}) > 0`;
const READY_ISTIOD_NODES = `max by (cluster, node) (ambient_istiod_pod_ready{${JOB}}) == 1`;

const istiod: AlertGroupSpec = {
  name: 'ambient-istiod',
  alerts: [
    {
      alert: 'AmbientIstiodXdsPortMissing',
      severity: 'critical',
      for: '4m',
      keepFiringFor: KEEP_FIRING.cause,
      expr: `max by (cluster, port) (ambient_istiod_service_port_present{${JOB}, port="15012"}) == 0`,
      summary: 'Service istiod does not expose the xDS port 15012.',
      description:
        'Service istiod has no port {{ $labels.port }}: no ztunnel can open its configuration and certificate stream to istiod. ' +
        'Every ztunnel that (re)starts stays not Ready, on every node. On a revisioned install, check first that the exporter watches ' +
        'the right Service (--istiod-service istiod-REVISION).',
      meaning: 'Service `istiod` (`--istiod-service`) lacks port 15012, or does not exist: no ztunnel can get configuration (cluster-wide root cause).',
    },
    {
      alert: 'AmbientIstiodNoReadyEndpoints',
      severity: 'critical',
      for: '4m',
      keepFiringFor: KEEP_FIRING.cause,
      // A Service without its port (or deleted, with no EndpointSlices left) is AmbientIstiodXdsPortMissing's page.
      expr: [
        `max by (cluster) (ambient_istiod_ready_endpoints{${JOB}}) == 0`,
        `unless on (cluster) (max by (cluster) (ambient_istiod_service_port_present{${JOB}, port="15012"}) == 0)`,
      ].join('\n'),
      summary: 'Service istiod has no ready endpoint.',
      description:
        'No istiod pod behind Service istiod is Ready: ztunnels on every node cannot fetch configuration or certificates, ' +
        'and pods that start now are not served by the mesh. On a revisioned install, check first that the exporter watches ' +
        'the right Service (--istiod-service istiod-REVISION).',
      meaning: 'No Ready istiod pod behind Service `istiod` (`--istiod-service`), which has its port 15012 (cluster-wide root cause).',
    },
    {
      alert: 'AmbientIstiodXdsUnreachable',
      severity: 'critical',
      for: '4m',
      keepFiringFor: KEEP_FIRING.cause,
      // The exporter's verdict, not its raw dials: it does not call failed dials an istiod outage when
      // the network explains them (its own node cut off, or every ready istiod on a cut-off node), and
      // it reports the Service's own faults (port missing, no endpoint) first.
      expr: `max by (cluster) (ambient_node_issue{${JOB}, issue="ztunnel_istiod_connectivity", cause="xds_dial_failed"}) > 0`,
      summary: 'The xDS port 15012 of istiod cannot be reached.',
      description:
        'Every TCP connection the exporter opened to istiod on port 15012 failed, although Service istiod has the port and ready endpoints ' +
        'and no cross-node network failure explains it: something between the nodes and istiod drops the traffic, or istiod does not listen. ' +
        'ztunnels on every node are cut off from their configuration.',
      meaning: "TCP connections to istiod's port 15012 fail although the Service and its endpoints look right and the overlay does not explain it (cluster-wide root cause).",
    },
  ],
};

const network: AlertGroupSpec = {
  name: 'ambient-cross-node-network',
  alerts: [
    {
      alert: 'AmbientCrossNodeNetworkFailure',
      severity: 'critical',
      for: '3m',
      keepFiringFor: KEEP_FIRING.network,
      // hosts_istiod="true" marks a node holding every ready istiod: the ztunnels of all other nodes
      // lose istiod through it, and an inhibition with equal: [cluster] silences them.
      expr: [
        // cut-off nodes holding a ready istiod, in clusters where no ready istiod sits elsewhere
        'label_replace(',
        `    (${CROSS_NODE})`,
        '  and on (cluster, node)',
        `    (${READY_ISTIOD_NODES})`,
        '  unless on (cluster)',
        `    ((${READY_ISTIOD_NODES}) unless on (cluster, node) (${CROSS_NODE})),`,
        '  "hosts_istiod", "true", "", ""',
        ')',
        'or on (cluster, node)',
        CROSS_NODE,
      ].join('\n'),
      summary: 'A node is cut off from the cross-node pod network.',
      description:
        `Pods on node {{ $labels.node }} cannot be reached from other nodes over the pod network (cause: ${currentCause('cross_node_network')}). ` +
        'Cross-node traffic to and from the node fails, and its ztunnel cannot reach istiod when istiod runs elsewhere.' +
        '{{ if eq $labels.hosts_istiod "true" }} The node hosts every ready istiod: the ztunnels of all other nodes are cut off from their configuration too.{{ end }}',
      meaning:
        "A node's pods are unreachable over the overlay (Flannel/VXLAN); with `hosts_istiod=\"true\"` the node holds every ready istiod, so every node's ztunnel alerts are inhibited.",
    },
  ],
};

const ztunnel: AlertGroupSpec = {
  name: 'ambient-ztunnel',
  alerts: [
    {
      alert: 'AmbientZtunnelIstiodUnreachable',
      severity: 'critical',
      for: '5m',
      keepFiringFor: KEEP_FIRING.ztunnel,
      expr: `max by (cluster, node) (ambient_node_issue{${JOB}, issue="ztunnel_istiod_connectivity"}) > 0`,
      summary: 'A ztunnel cannot get its configuration from istiod.',
      description:
        `The ztunnel on node {{ $labels.node }} has no working configuration stream from istiod over port 15012 (cause: ${currentCause('ztunnel_istiod_connectivity')}). ` +
        'A ztunnel that never synced stays not Ready and its node serves no mesh traffic; one that synced before runs on stale workloads, policies and certificates.',
      meaning: 'The ztunnel of a node has no working xDS stream to istiod on 15012.',
    },
    {
      alert: 'AmbientZtunnelNotReady',
      severity: 'critical',
      for: '10m',
      keepFiringFor: KEEP_FIRING.ztunnel,
      // A ztunnel waiting for its first xDS response (`state manager` pending) is
      // AmbientZtunnelIstiodUnreachable's or a cluster-wide istiod alert's page. A ztunnel whose
      // readiness cannot be probed has no pending series and stays covered here.
      expr: [
        `max by (cluster, node, pod) (ambient_ztunnel_pod_ready{${JOB}}) == 0`,
        `unless on (cluster, node, pod) ambient_ztunnel_readiness_pending{${JOB}, task="state manager"}`,
      ].join('\n'),
      summary: 'A ztunnel pod is not Ready.',
      description:
        'ztunnel pod {{ $labels.pod }} on node {{ $labels.node }} is not Ready, and its readiness does not show it waiting for configuration from istiod: ' +
        "it crashes or restarts, cannot be probed, or is not connected to the node's istio-cni agent. Mesh traffic of the pods on that node is at risk, " +
        'and istio-cni refuses to start new meshed pods there while no ztunnel is connected to it.',
      meaning: 'A ztunnel pod stays 0/1 Ready, not waiting for istiod (crash, restart, no istio-cni connection), and no higher alert explains it.',
    },
    {
      alert: 'AmbientZtunnelXdsConnectionErrors',
      severity: 'warning',
      for: '15m',
      // ConnectionError and Error only: Reconnect is the routine reconnect after istiod's max connection age.
      expr: 'node:ambient_ztunnel_xds_connection_errors:rate5m > 0',
      summary: 'A ztunnel keeps failing its xDS connection to istiod.',
      description:
        'The ztunnel on node {{ $labels.node }} ends {{ printf "%.2f" $value }} xDS connections per second with ConnectionError or Error. ' +
        'A ztunnel that is already Ready stays Ready but serves stale configuration: new workloads and policies do not reach it.',
      meaning: "A ztunnel's xDS stream keeps failing (ConnectionError/Error, not the routine Reconnect); catches ztunnels that were Ready before.",
    },
  ],
};

const cni: AlertGroupSpec = {
  name: 'ambient-istio-cni',
  alerts: [
    {
      alert: 'AmbientIstioCniNotReady',
      severity: 'critical',
      for: '5m',
      keepFiringFor: KEEP_FIRING.cause,
      // The agent's readiness includes its install state: both branches mostly fire together.
      expr: [
        `max by (cluster, node) (ambient_cni_pod_ready{${JOB}}) == 0`,
        'or',
        `max by (cluster, node) (ambient_cni_install_ready{${JOB}}) == 0`,
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
      description:
        `New pods on node {{ $labels.node }} cannot start: istio-cni rejects their sandboxes with "no ztunnel connection" (cause: ${currentCause('cni_pod_creation_blocked')}). ` +
        'They stay in ContainerCreating until the ztunnel of the node connects to istio-cni.',
      meaning: 'istio-cni refuses new pods on a node ("no ztunnel connection") and nothing upstream explains it.',
    },
  ],
};

const enrollment: AlertGroupSpec = {
  name: 'ambient-enrollment',
  alerts: [
    {
      alert: 'AmbientNamespaceNotEnrolled',
      severity: 'warning',
      for: '15m',
      expr: `max by (cluster, namespace) (ambient_namespace_issue{${JOB}, issue="namespace_not_enrolled", cause="label_missing"}) > 0`,
      summary: 'A namespace expected in the ambient mesh is not enrolled.',
      description:
        'Namespace {{ $labels.namespace }} should be in the ambient mesh but lacks the label istio.io/dataplane-mode=ambient: ' +
        'its workloads talk plain TCP, without mutual TLS or mesh policy.',
      meaning: 'A namespace that policy says belongs to the mesh lacks `istio.io/dataplane-mode=ambient`.',
    },
    {
      alert: 'AmbientWorkloadsNotCaptured',
      severity: 'warning',
      for: '15m',
      expr: `max by (cluster, namespace) (ambient_namespace_issue{${JOB}, issue="namespace_not_enrolled", cause="pods_not_captured"}) > 0`,
      summary: 'Running pods of an ambient namespace are not captured by ztunnel.',
      description:
        'Namespace {{ $labels.namespace }} is labelled for ambient, but istio-cni has not enrolled some of its running pods (no ambient.istio.io/redirection annotation): ' +
        'they still talk plain TCP instead of HBONE.',
      meaning: 'An enrolled namespace has running pods that istio-cni did not enroll (no redirection: still plain TCP, not HBONE).',
    },
  ],
};

const exporter: AlertGroupSpec = {
  name: 'ambient-exporter',
  alerts: [
    {
      alert: 'AmbientExporterDown',
      severity: 'critical',
      for: '5m',
      // Per cluster: its targets all down; its target gone from discovery (remembered for a day); or
      // no exporter target anywhere for a day (never scraped, or gone long ago).
      expr: [
        `max by (cluster) (up{${JOB}}) == 0`,
        'or',
        `max by (cluster) (last_over_time(up{${JOB}}[1d])) unless on (cluster) up{${JOB}}`,
        'or',
        `absent(last_over_time(up{${JOB}}[1d]))`,
      ].join('\n'),
      summary: 'The ambient-exporter is down or not scraped.',
      description:
        `Prometheus has no healthy ambient-exporter target (job ambient-exporter)${IN_CLUSTER}: while it is down, none of the other ambient mesh alerts ` +
        `of that cluster can fire, and the critical ones that were firing resolve ${KEEP_FIRING.podCreation} to ${KEEP_FIRING.network} after it went away.`,
      meaning: 'No ambient-exporter target of a cluster is up: that mesh is unmonitored.',
    },
    {
      alert: 'AmbientExporterStale',
      severity: 'critical',
      for: '3m',
      // 2 minutes without a finished round: 8 rounds at the default --refresh-interval of 15s, and
      // still 3 at 40s (raise the threshold above that).
      expr: `time() - max by (cluster) (ambient_exporter_last_refresh_timestamp_seconds{${JOB}}) > 120`,
      summary: 'The ambient-exporter serves metrics but has stopped refreshing them.',
      description:
        `ambient-exporter${IN_CLUSTER} finished its last discovery, scrape and derive round {{ humanizeDuration $value }} ago: its metrics are frozen, ` +
        'so the ambient mesh alerts neither fire nor resolve on the current state of the mesh.',
      meaning: 'The exporter is scraped but its last refresh round is over 2 minutes old: every ambient alert works on frozen data.',
    },
    {
      alert: 'AmbientExporterTargetDown',
      severity: 'warning',
      for: '15m',
      expr: `max by (cluster, component, node, pod) (ambient_exporter_scrape_up{${JOB}}) == 0`,
      summary: 'The ambient-exporter cannot scrape an Istio component.',
      description:
        'ambient-exporter fails to scrape {{ $labels.component }} pod {{ $labels.pod }} on node {{ $labels.node }}: ' +
        'the signals derived from that pod are missing or stale.',
      meaning: 'The exporter cannot scrape one ztunnel, istiod or istio-cni pod.',
    },
    {
      alert: 'AmbientExporterKubeWatchDown',
      severity: 'warning',
      for: '10m',
      expr: `max by (cluster, resource) (ambient_exporter_kube_watch_up{${JOB}}) == 0`,
      summary: 'The ambient-exporter lost its watch on a Kubernetes resource.',
      description:
        'ambient-exporter has no established watch on {{ $labels.resource }}: what it reports about those objects may be stale.',
      meaning: 'The exporter cannot watch a Kubernetes resource, so its view of the cluster may be stale.',
    },
  ],
};

export const ALERT_GROUPS: AlertGroupSpec[] = [istiod, network, ztunnel, cni, enrollment, exporter];

/** The alert names the contract fixes (design/contract.md section 4). */
export const CONTRACT_ALERTS = [
  'AmbientZtunnelNotReady',
  'AmbientZtunnelIstiodUnreachable',
  'AmbientCrossNodeNetworkFailure',
  'AmbientPodCreationBlockedByCNI',
  'AmbientNamespaceNotEnrolled',
  'AmbientWorkloadsNotCaptured',
  'AmbientExporterDown',
  'AmbientExporterTargetDown',
] as const;
