// ztunnel's :15020 exposition (Istio 1.28): the families of shared/reference/istio-ambient-facts.md
// section 1.2, written the way prometheus_client (Rust) writes them.
import { ISTIO_VERSION } from '../cluster/topology.js';
import { OpenMetricsWriter, type Labels } from './exposition.js';
import type { ZtunnelCounters } from './ztunnel-runtime.js';
import type { TrafficSeries } from './ztunnel-traffic.js';
import type { SimPod } from '../cluster/shapes.js';

const ADDRESS_URL = 'type.googleapis.com/istio.workload.Address';
const AUTHZ_URL = 'type.googleapis.com/istio.security.Authorization';
/** istiod closes xDS streams after its max connection age (30 minutes): a Reconnect each time. */
const MAX_CONNECTION_AGE_S = 1800;
/** ztunnel retries a failed xDS connection about this often. */
const RETRY_INTERVAL_S = 5;
/** unsorted on purpose: ztunnel's DNS histogram declares its buckets in this order */
const DNS_BUCKETS = [0.005, 0.001, 0.01, 0.1, 1.0, 5.0];

export interface ZtunnelSnapshot {
  counters: ZtunnelCounters;
  series: readonly TrafficSeries[];
  /** pods whose traffic this ztunnel carries now */
  captured: readonly SimPod[];
}

export function ztunnelMetrics(s: ZtunnelSnapshot): string {
  const c = s.counters;
  const w = new OpenMetricsWriter();
  w.family('istio_build', 'gauge', 'Istio component build info').gauge('istio_build', [['component', 'ztunnel'], ['tag', ISTIO_VERSION]], 1);

  // xDS client
  const reconnects = Math.floor(c.connectedSeconds / MAX_CONNECTION_AGE_S);
  const connectionErrors = c.outages > 0 ? c.outages + Math.floor(c.disconnectedSeconds / RETRY_INTERVAL_S) : 0;
  w.family('istio_xds_connection_terminations', 'counter', 'The total number of completed connections to xds server (unstable)');
  if (connectionErrors > 0) w.counter('istio_xds_connection_terminations', [['reason', 'ConnectionError']], connectionErrors);
  if (reconnects > 0) w.counter('istio_xds_connection_terminations', [['reason', 'Reconnect']], reconnects);
  // istiod answers every new stream with its full state: one message per type at once, more as it pushes.
  const addressMessages = c.streams + Math.floor(c.connectedSeconds / 20);
  const authzMessages = c.streams + Math.floor(c.connectedSeconds / 600);
  w.family('istio_xds_message', 'counter', 'Total number of messages received (unstable)');
  if (addressMessages) w.counter('istio_xds_message', [['url', ADDRESS_URL]], addressMessages);
  if (authzMessages) w.counter('istio_xds_message', [['url', AUTHZ_URL]], authzMessages);
  w.family('istio_xds_message_bytes', 'counter', 'Total number of bytes received (unstable)', 'bytes');
  if (addressMessages) w.counter('istio_xds_message_bytes', [['url', ADDRESS_URL]], addressMessages * 1874);
  if (authzMessages) w.counter('istio_xds_message_bytes', [['url', AUTHZ_URL]], authzMessages * 412);

  // proxy traffic: grows only while the data path is configured (xDS held)
  const t = c.connectedSeconds;
  const tcp = (name: string, help: string, value: (x: TrafficSeries, opened: number) => number) => {
    w.family(name, 'counter', help);
    for (const x of s.series) {
      const opened = Math.floor(x.rate * t);
      if (opened > 0) w.counter(name, x.labels, value(x, opened));
    }
  };
  tcp('istio_tcp_connections_opened', 'The total number of TCP connections opened', (_x, opened) => opened);
  tcp('istio_tcp_connections_closed', 'The total number of TCP connections closed', (x, opened) => Math.max(0, opened - x.open));
  tcp('istio_tcp_received_bytes', 'The size of total bytes received during request in case of a TCP connection', (x, o) => o * x.bytesInPerConn);
  tcp('istio_tcp_sent_bytes', 'The size of total bytes sent during response in case of a TCP connection', (x, o) => o * x.bytesOutPerConn);
  w.family('istio_on_demand_dns', 'counter', 'The total number of requests that used on-demand DNS (unstable)');

  // DNS proxy (on by default)
  const dnsSources: Labels[] = s.captured.slice(0, 3).map((p) => [
    ['request_query_type', 'a'],
    ['request_protocol', 'udp'],
    ['source_canonical_service', p.labels.app ?? 'unknown'],
    ['source_canonical_revision', p.labels.version ?? 'unknown'],
  ]);
  const dnsRequests = Math.floor(t / 2);
  const upstream = Math.floor(dnsRequests / 10);
  w.family('istio_dns_requests', 'counter', 'Total number of DNS requests (unstable)');
  if (dnsRequests) for (const l of dnsSources) w.counter('istio_dns_requests', l, dnsRequests);
  w.family('istio_dns_upstream_requests', 'counter', 'Total number of DNS requests forwarded to upstream (unstable)');
  if (upstream) for (const l of dnsSources) w.counter('istio_dns_upstream_requests', l, upstream);
  w.family('istio_dns_upstream_failures', 'counter', 'Total number of DNS requests that failed to forward upstream (unstable)');
  w.family('istio_dns_upstream_request_duration_seconds', 'histogram', 'Total time in seconds Istio takes to get DNS response from upstream (unstable)', 'seconds');
  if (upstream) {
    for (const l of dnsSources) {
      // Each observation lands in the first declared bucket whose bound is >= the value.
      const fast = Math.floor(upstream * 0.7);
      const mid = Math.floor(upstream * 0.25);
      const slow = upstream - fast - mid;
      const perBucket: [number, number][] = DNS_BUCKETS.map((le) => [le, le === 0.005 ? fast : le === 0.01 ? mid : le === 0.1 ? slow : 0]);
      perBucket.push([Number.POSITIVE_INFINITY, 0]);
      w.histogram('istio_dns_upstream_request_duration_seconds', l, fast * 0.0021 + mid * 0.0064 + slow * 0.031, perBucket);
    }
  }

  // in-pod workload manager (root registry)
  const active = s.captured.length;
  const churn = Math.floor(t / 3600);
  w.family('workload_manager_active_proxy_count', 'gauge', 'The total number current workloads with active proxies').gauge('workload_manager_active_proxy_count', [], active);
  w.family('workload_manager_pending_proxy_count', 'gauge', 'The total number current workloads with pending proxies').gauge('workload_manager_pending_proxy_count', [], 0);
  w.family('workload_manager_proxies_started', 'counter', 'The total number of proxies that were started').counter('workload_manager_proxies_started', [], active + churn);
  w.family('workload_manager_proxies_stopped', 'counter', 'The total number of proxies that were stopped').counter('workload_manager_proxies_stopped', [], churn);

  w.family('process_open_fds', 'gauge', 'Number of open file descriptors').gauge('process_open_fds', [], 48 + 6 * active);
  w.family('process_max_fds', 'gauge', 'Maximum number of open file descriptors').gauge('process_max_fds', [], 1048576);
  return w.text();
}
