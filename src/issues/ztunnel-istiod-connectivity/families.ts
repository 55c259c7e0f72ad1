// The metric families of known issue 1 (ztunnel <-> istiod), declared once: registered by
// export/metrics.ts, documented in docs/metrics.md.
import { bool, family } from '../../export/family.js';
import type { ZtunnelIstiodSignals } from './detect.js';

type S = ZtunnelIstiodSignals;

export const FAMILIES = [
  family<S>({
    name: 'ambient_ztunnel_pod_ready',
    type: 'gauge',
    help: 'Kubernetes Ready condition of the ztunnel pod.',
    labels: ['node', 'pod'],
    rows: (s) => s.ztunnelPodReady.map((r) => ({ labels: { node: r.node, pod: r.pod }, value: bool(r.ready) })),
  }),
  family<S>({
    name: 'ambient_ztunnel_readiness_pending',
    type: 'gauge',
    help: 'Readiness task ztunnel lists as pending on :15021/healthz/ready.',
    labels: ['node', 'pod', 'task'],
    doc:
      "1 per task ztunnel's `:15021/healthz/ready` lists as pending: `state manager` = no xDS from istiod yet; " +
      '`workload proxy manager` = no istio-cni node agent (or pending workloads). Absent when ready.',
    rows: (s) => s.readinessPending.map((r) => ({ labels: { node: r.node, pod: r.pod, task: r.task }, value: 1 })),
  }),
  family<S>({
    name: 'ambient_ztunnel_xds_connection_terminations_total',
    type: 'counter',
    help: "ztunnel's istio_xds_connection_terminations_total per node and reason.",
    labels: ['node', 'reason'],
    doc:
      "ztunnel's `istio_xds_connection_terminations_total` (`ConnectionError`, `Error`, `Reconnect`, `Complete`; any other value " +
      'is counted as `other`; negative or infinite values are dropped). `Reconnect` is routine.',
    rows: (s) => s.xdsTerminations.map((r) => ({ labels: { node: r.node, reason: r.reason }, value: r.value })),
  }),
  family<S>({
    name: 'ambient_ztunnel_workloads',
    type: 'gauge',
    help: 'Workloads in ztunnel by state, from workload_manager_*_proxy_count.',
    labels: ['node', 'state'],
    doc: '`active` / `pending` from `workload_manager_active_proxy_count` / `workload_manager_pending_proxy_count`.',
    rows: (s) => s.workloads.map((r) => ({ labels: { node: r.node, state: r.state }, value: r.value })),
  }),
  family<S>({
    name: 'ambient_ztunnel_info',
    type: 'gauge',
    help: 'ztunnel version per node (value 1).',
    labels: ['node', 'pod', 'version'],
    doc: '1; `version` from `istio_build{component="ztunnel"}`.',
    rows: (s) => s.ztunnelInfo.map((r) => ({ labels: { node: r.node, pod: r.pod, version: r.version }, value: 1 })),
  }),
  family<S>({
    name: 'ambient_istiod_service_port_present',
    type: 'gauge',
    help: 'Whether the istiod Service the ztunnels dial exposes the port.',
    labels: ['port'],
    doc: '1 if the istiod Service the exporter checks (`ambient_istiod_xds_target_info`) exposes the port (15012, 15014, 15010).',
    rows: (s) => s.istiodServicePortPresent.map((r) => ({ labels: { port: r.port }, value: bool(r.present) })),
  }),
  family<S>({
    name: 'ambient_istiod_ready_endpoints',
    type: 'gauge',
    help: 'Ready addresses behind the istiod Service the ztunnels dial.',
    labels: [],
    doc: 'Ready addresses behind the istiod Service the exporter checks (`ambient_istiod_xds_target_info`).',
    rows: (s) => (s.istiodReadyEndpoints === undefined ? [] : [{ labels: {}, value: s.istiodReadyEndpoints }]),
  }),
  family<S>({
    name: 'ambient_istiod_xds_target_info',
    type: 'gauge',
    help: 'The istiod Service and xDS port the exporter checks (value 1).',
    labels: ['service', 'port', 'source'],
    doc:
      'The Service of the Istio namespace and the xDS port the exporter checks, value 1: `source="ztunnel"` when they come from ' +
      "the ztunnel pods' `XDS_ADDRESS` (a revisioned install dials `istiod-<revision>`), `config` when from `--istiod-service`.",
    rows: (s) => (s.xdsTarget ? [{ labels: { service: s.xdsTarget.service, port: String(s.xdsTarget.port), source: s.xdsTarget.source }, value: 1 }] : []),
  }),
  family<S>({
    name: 'ambient_istiod_xds_dial_success',
    type: 'gauge',
    help: "Whether a TCP connect to istiod's xDS port succeeded.",
    labels: ['address'],
    doc: "1 if a TCP connect to istiod's xDS port at that address (Service ClusterIP and each ready endpoint) succeeded.",
    rows: (s) => s.istiodDials.map((r) => ({ labels: { address: r.address }, value: bool(r.success) })),
  }),
  family<S>({
    name: 'ambient_istiod_xds_dial_duration_seconds',
    type: 'gauge',
    help: "Duration of the last TCP connect to istiod's xDS port.",
    labels: ['address'],
    doc: 'Duration of that connect (the timeout when it failed).',
    rows: (s) => s.istiodDials.map((r) => ({ labels: { address: r.address }, value: r.durationSeconds })),
  }),
  family<S>({
    name: 'ambient_istiod_pod_ready',
    type: 'gauge',
    help: 'Kubernetes Ready condition of the istiod pod.',
    labels: ['pod', 'node'],
    rows: (s) => s.istiodPodReady.map((r) => ({ labels: { pod: r.pod, node: r.node }, value: bool(r.ready) })),
  }),
  family<S>({
    name: 'ambient_istiod_xds_clients',
    type: 'gauge',
    help: 'Proxies connected to istiod over xDS (sum of pilot_xds).',
    labels: ['pod'],
    doc: "Sum of istiod's `pilot_xds` (all proxies connected over xDS).",
    rows: (s) => s.istiodXdsClients.map((r) => ({ labels: { pod: r.pod }, value: r.value })),
  }),
  family<S>({
    name: 'ambient_istiod_info',
    type: 'gauge',
    help: 'istiod version (value 1).',
    labels: ['pod', 'version'],
    doc: '1; `version` from `istio_build{component="pilot"}`.',
    rows: (s) => s.istiodInfo.map((r) => ({ labels: { pod: r.pod, version: r.version }, value: 1 })),
  }),
  family<S>({
    name: 'ambient_istiod_cert_expiry_timestamp_seconds',
    type: 'gauge',
    help: "When istiod's CA certificates expire (Unix seconds), from citadel_server_*_expiry_timestamp.",
    labels: ['pod', 'certificate'],
    doc:
      "Unix time at which istiod's CA certificate expires, per istiod pod: `certificate=\"root_cert\"` is the first root of its " +
      "trust bundle (`citadel_server_root_cert_expiry_timestamp`), `cert_chain` its signing certificate chain " +
      '(`citadel_server_cert_chain_expiry_timestamp`, only with a plugged-in CA). Absent when istiod runs no CA (an external one) ' +
      'or reports no positive time. Workloads cannot get certificates that chain to an expired root.',
    rows: (s) => s.caCertificates.map((r) => ({ labels: { pod: r.pod, certificate: r.certificate }, value: r.expiresAtSeconds })),
  }),
  family<S>({
    name: 'ambient_data_plane_version_skew',
    type: 'gauge',
    help: 'Minor versions a ztunnel or istio-cni pod is behind the istiod serving the ztunnels (negative: ahead).',
    labels: ['component', 'node', 'pod', 'version', 'istiod_version'],
    doc:
      'Per ztunnel and istio-cni pod (`component`), minor versions its `version` is behind `istiod_version`, a version of the istiod ' +
      'pods behind the Service the ztunnels dial (one series per istiod version while istiod rolls); negative when the component is ' +
      'newer. Istio supports 0 and 1: "The ztunnel at version 1.x is compatible with the control plane at version 1.x+1 and 1.x", ' +
      'the CNI node agent likewise (istio.io, ambient upgrade with Helm). Versions: istio_build from the scrape, else the image tag ' +
      'of the pod\'s Istio container; istio-cni exports no istio_build, so its image tag (`install-cni`) is its version. Absent ' +
      'for pods whose version names no major.minor (a digest-only image, `latest`).',
    rows: (s) =>
      s.versionSkew.map((r) => ({
        labels: { component: r.component, node: r.node, pod: r.pod, version: r.version, istiod_version: r.istiodVersion },
        value: r.minorsBehind,
      })),
  }),
  family<S>({
    name: 'ambient_ztunnel_connections_failed_total',
    type: 'counter',
    help: "ztunnel's istio_tcp_connections_failed_total per node and response flag (ztunnel 1.29+).",
    labels: ['node', 'response_flags'],
    doc:
      "ztunnel's `istio_tcp_connections_failed_total` (1.29+) summed per node by `response_flags`: `CONNECT` (the upstream or peer " +
      'did not accept), `DENY` (authorization policy), `NETWORK_POLICY`, `TLS_FAILURE`, `H2_HANDSHAKE_FAILURE` (HBONE), ' +
      '`IDENTITY_ERROR` (the peer is not who it should be); any other value counts as `other`. Absent before ztunnel 1.29 and ' +
      'until the first failure.',
    rows: (s) => s.connectionsFailed.map((r) => ({ labels: { node: r.node, response_flags: r.responseFlags }, value: r.value })),
  }),
];
