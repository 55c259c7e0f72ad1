// The names of the samples the issue modules read from each component's scrape (each module lists
// the ones it reads in its `keeps`; the scraper keeps their union and skips everything else in the
// body, notably ztunnel's tens of thousands of istio_tcp_* series, without tokenising its labels).
// Names are the exposed sample names, see shared/reference/istio-ambient-facts.md §1.2 (ztunnel),
// §3.2 (istiod), §5.2 (istio-cni).

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
} as const;

/** istiod speaks classic Prometheus text through the OTel exporter: no `_total` is added. */
export const ISTIOD_SAMPLES = {
  /** gauge 1, labels component="pilot", tag=<git tag> */
  build: 'istio_build',
  /** gauge 1, label version=<full version string> */
  info: 'pilot_info',
  /** gauge, label version = connecting proxy's version; every xDS client (ztunnel, sidecar, gateway) */
  xdsClients: 'pilot_xds',
} as const;

/** istio-cni node agent: same exporter as istiod, but no istio_build (only pilot records it; facts §5.2). */
export const CNI_SAMPLES = {
  /** gauge, ztunnel connections to this node agent; 0 means new pods fail with "no ztunnel connection" */
  ztunnelConnected: 'ztunnel_connected',
  /** gauge, 1 when the CNI config and binaries are installed */
  installReady: 'istio_cni_install_ready',
} as const;
