// Every alert the bundle ships, grouped by where the fault lives. Severity follows kubernetes-mixin:
// critical pages a person now, warning is a work-queue item, info only helps troubleshooting.
//
// `for` is a ladder so a cause is already firing in Alertmanager when the symptoms it explains start
// firing, and the inhibitions in inhibitions.ts can silence them from the first notification:
//   3m  cluster-wide istiod causes
//   5m  per-node causes (cross-node network, ztunnel <-> istiod), exporter down
//   10m per-node symptoms (ztunnel not Ready, istio-cni not ready), exporter watch down
//   15m downstream effects (CNI pod creation blocked, xDS errors), scrape targets down, namespace hygiene
// Every step is longer than a DaemonSet rolling restart keeps a pod unready (seconds per node).
// Every expression aggregates `by (cluster, ...)` so the exporter's own target labels (instance, and
// pod/namespace of the exporter when no object label is exported) never leak into alerts, and a
// central Prometheus holding several clusters keeps them apart.

import { JOB, type AlertGroupSpec } from './spec.js';

const istiod: AlertGroupSpec = {
  name: 'ambient-istiod',
  alerts: [
    {
      alert: 'AmbientIstiodXdsPortMissing',
      severity: 'critical',
      for: '3m',
      expr: `max by (cluster, port) (ambient_istiod_service_port_present{${JOB}, port="15012"}) == 0`,
      summary: 'Service istiod does not expose the xDS port 15012.',
      description:
        'Service istiod has no port {{ $labels.port }}: no ztunnel can open its configuration and certificate stream to istiod. ' +
        'Every ztunnel that (re)starts stays not Ready, on every node.',
      meaning: 'Service `istiod` lacks port 15012, so no ztunnel can get configuration (cluster-wide root cause).',
    },
    {
      alert: 'AmbientIstiodNoReadyEndpoints',
      severity: 'critical',
      for: '3m',
      expr: `max by (cluster) (ambient_istiod_ready_endpoints{${JOB}}) == 0`,
      summary: 'Service istiod has no ready endpoint.',
      description:
        'No istiod pod behind Service istiod is Ready: ztunnels on every node cannot fetch configuration or certificates, ' +
        'and pods that start now are not served by the mesh.',
      meaning: 'No Ready istiod pod behind Service `istiod` (cluster-wide root cause).',
    },
    {
      alert: 'AmbientIstiodXdsUnreachable',
      severity: 'critical',
      for: '3m',
      // Fires only when the Service has its port and ready endpoints: then the path itself is broken
      // (network policy, firewall, istiod not listening), a cause of its own.
      expr: [
        `max by (cluster) (ambient_istiod_xds_dial_success{${JOB}}) == 0`,
        `unless on (cluster) (max by (cluster) (ambient_istiod_service_port_present{${JOB}, port="15012"}) == 0)`,
        `unless on (cluster) (max by (cluster) (ambient_istiod_ready_endpoints{${JOB}}) == 0)`,
      ].join('\n'),
      summary: 'The xDS port 15012 of istiod cannot be reached.',
      description:
        'Every TCP connection the exporter opened to istiod on port 15012 failed, although Service istiod has the port and ready endpoints: ' +
        'something between the nodes and istiod drops the traffic, or istiod does not listen. ztunnels on every node are cut off from their configuration.',
      meaning: "TCP connections to istiod's port 15012 fail although the Service and its endpoints look right (cluster-wide root cause).",
    },
  ],
};

const network: AlertGroupSpec = {
  name: 'ambient-cross-node-network',
  alerts: [
    {
      alert: 'AmbientCrossNodeNetworkFailure',
      severity: 'critical',
      for: '5m',
      expr: `max by (cluster, node, cause) (ambient_node_issue{${JOB}, issue="cross_node_network"}) > 0`,
      summary: 'A node is cut off from the cross-node pod network.',
      description:
        'Pods on node {{ $labels.node }} cannot be reached from other nodes over the pod network (cause: {{ $labels.cause }}). ' +
        'Cross-node traffic to and from the node fails, and its ztunnel cannot reach istiod when istiod runs elsewhere.',
      meaning: "A node's pods are unreachable over the overlay (Flannel/VXLAN); its ztunnel and istio-cni alerts are inhibited.",
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
      expr: `max by (cluster, node, cause) (ambient_node_issue{${JOB}, issue="ztunnel_istiod_connectivity"}) > 0`,
      summary: 'A ztunnel cannot get its configuration from istiod.',
      description:
        'The ztunnel on node {{ $labels.node }} has no working configuration stream from istiod over port 15012 (cause: {{ $labels.cause }}). ' +
        'A ztunnel that never synced stays not Ready and its node serves no mesh traffic; one that synced before runs on stale workloads, policies and certificates.',
      meaning: 'The ztunnel of a node has no working xDS stream to istiod on 15012.',
    },
    {
      alert: 'AmbientZtunnelNotReady',
      severity: 'critical',
      for: '10m',
      expr: `max by (cluster, node, pod) (ambient_ztunnel_pod_ready{${JOB}}) == 0`,
      summary: 'A ztunnel pod is not Ready.',
      description:
        'ztunnel pod {{ $labels.pod }} on node {{ $labels.node }} is not Ready. Mesh traffic of the pods on that node is at risk, ' +
        'and istio-cni refuses to start new pods there while ztunnel is not connected.',
      meaning: 'A ztunnel pod stays 0/1 Ready for a reason no higher alert explains.',
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
      severity: 'warning',
      for: '10m',
      expr: [
        `max by (cluster, node) (ambient_cni_pod_ready{${JOB}}) == 0`,
        'or',
        `max by (cluster, node) (ambient_cni_install_ready{${JOB}}) == 0`,
      ].join('\n'),
      summary: 'The istio-cni node agent is not ready.',
      description:
        'istio-cni on node {{ $labels.node }} is not Ready or has not installed its CNI plugin: pods started on that node may fail ' +
        'to start or may run without being captured into the mesh.',
      meaning: 'The istio-cni node agent of a node is not Ready or its CNI plugin is not installed.',
    },
    {
      alert: 'AmbientPodCreationBlockedByCNI',
      severity: 'critical',
      for: '15m',
      expr: `max by (cluster, node, cause) (ambient_node_issue{${JOB}, issue="cni_pod_creation_blocked"}) > 0`,
      summary: 'The istio-cni node agent blocks pod creation on a node.',
      description:
        'New pods on node {{ $labels.node }} cannot start: istio-cni rejects their sandboxes with "no ztunnel connection" (cause: {{ $labels.cause }}). ' +
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
        'Namespace {{ $labels.namespace }} is labelled for ambient, but some of its running pods have no ztunnel redirection: ' +
        'they still talk plain TCP instead of HBONE.',
      meaning: 'An enrolled namespace has running pods without ztunnel redirection (still plain TCP, not HBONE).',
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
      expr: `absent(up{${JOB}} == 1)`,
      summary: 'The ambient-exporter is down or not scraped.',
      description:
        'Prometheus has no healthy ambient-exporter target (job ambient-exporter): while it is down, none of the other ambient mesh alerts can fire.',
      meaning: 'No ambient-exporter target is up: the mesh is unmonitored.',
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
