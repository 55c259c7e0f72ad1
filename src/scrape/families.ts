// The names of the samples the issue modules read from each component's scrape (each module lists
// the ones it reads in its `keeps`; the scraper keeps their union and skips everything else in the
// body, notably ztunnel's tens of thousands of istio_tcp_* traffic series, without tokenising their
// labels). Of the istio_tcp_* families only the failed connections are read (one series per failing
// source/destination pair, summed per node at once). Names are the exposed sample names, see
// shared/reference/istio-ambient-facts.md §1.2 (ztunnel), §3.2 (istiod), §5.2 (istio-cni); the
// 1.29-1.31 additions name their upstream source at each.

/** ztunnel speaks OpenMetrics: counter samples carry `_total`. */
export const ZTUNNEL_SAMPLES = {
  /** gauge 1, labels component="ztunnel", tag=<Istio version> */
  build: 'istio_build',
  /** counter, label reason = ConnectionError | Error | Reconnect | Complete */
  xdsConnectionTerminations: 'istio_xds_connection_terminations_total',
  /** counter, label url = xDS type URL; grows when istiod sends configuration (the stream works) */
  xdsMessages: 'istio_xds_message_total',
  /** gauge, workloads in the in-pod state map */
  activeProxies: 'workload_manager_active_proxy_count',
  /** gauge, workloads whose proxy failed to start and is retried */
  pendingProxies: 'workload_manager_pending_proxy_count',
  /**
   * counter (1.29+), CommonTrafficLabels: connections that failed to establish, by response_flags
   * CONNECT | DENY | TLS_FAILURE | H2_HANDSHAKE_FAILURE | NETWORK_POLICY | IDENTITY_ERROR
   * (istio/ztunnel@release-1.29 src/proxy/metrics.rs). Absent before ztunnel 1.29,
   * and on 1.29.3+ until the first failure (empty families are left out).
   */
  connectionsFailed: 'istio_tcp_connections_failed_total',
} as const;

/** istiod speaks classic Prometheus text through the OTel exporter: no `_total` is added. */
export const ISTIOD_SAMPLES = {
  /** gauge 1, labels component="pilot", tag=<git tag> */
  build: 'istio_build',
  /** gauge 1, label version=<full version string> */
  info: 'pilot_info',
  /** gauge, label version = connecting proxy's version; every xDS client (ztunnel, sidecar, gateway) */
  xdsClients: 'pilot_xds',
  /**
   * gauge, Unix seconds: expiry of the first root certificate of istiod's CA trust bundle
   * (security/pkg/server/ca/server.go RecordCertsExpiry, monitoring.go). Absent when istiod runs no CA.
   */
  rootCertExpiry: 'citadel_server_root_cert_expiry_timestamp',
  /** gauge, Unix seconds: expiry of the CA's signing certificate chain; recorded only when istiod holds one (a plugged-in CA) */
  certChainExpiry: 'citadel_server_cert_chain_expiry_timestamp',
} as const;

/** istio-cni node agent: same exporter as istiod, but no istio_build (only pilot records it; facts §5.2). */
export const CNI_SAMPLES = {
  /** gauge, ztunnel connections to this node agent; 0 means new pods fail with "no ztunnel connection" */
  ztunnelConnected: 'ztunnel_connected',
  /** gauge, 1 when the CNI config and binaries are installed */
  installReady: 'istio_cni_install_ready',
  /**
   * counter (1.31+), label response_code: the plugin's /cmdadd requests the node agent answered;
   * 500 = the agent refused to add the pod (cni/pkg/nodeagent/cni-watcher.go handleAddEvent,
   * istio/istio#60878). istiod's exporter adds no `_total`: the name holds it.
   */
  pluginRequests: 'istio_cni_plugin_requests_total',
} as const;
