// ztunnel's :15020 exposition: the families of istio-ambient-facts §1.2 (and their 1.29+ additions),
// written the way prometheus_client (Rust) writes them, in the shape of the lab's Istio release.
import type { IstioRelease } from '../cluster/release.js';
import type { SimPod } from '../cluster/shapes.js';
import type { ZtunnelCounters } from '../runtime/processes.js';
import { OpenMetricsWriter, type Labels } from './exposition.js';
import type { TrafficSeries } from './ztunnel-traffic.js';

const ADDRESS_URL = 'type.googleapis.com/istio.workload.Address';
const AUTHZ_URL = 'type.googleapis.com/istio.security.Authorization';
/** istiod closes xDS streams after its max connection age (30 minutes): a Reconnect each time, reconnected at once. */
const MAX_CONNECTION_AGE_S = 1800;
/** where simulated DNS lookups' durations fall (seconds): each lands in the first declared bucket >= it */
const DNS_LATENCIES: readonly [number, number][] = [
  [0.002, 0.7],
  [0.006, 0.25],
  [0.031, 0.05],
];

export interface ZtunnelSnapshot {
  release: IstioRelease;
  counters: ZtunnelCounters;
  series: readonly TrafficSeries[];
  /** pods whose traffic this ztunnel carries now */
  proxied: readonly SimPod[];
}

function dnsBuckets(bounds: readonly number[], total: number): [number, number][] {
  const perBucket = new Map<number, number>();
  let assigned = 0;
  DNS_LATENCIES.forEach(([latency, share], i) => {
    const n = i === DNS_LATENCIES.length - 1 ? total - assigned : Math.floor(total * share);
    assigned += n;
    const bound = bounds.find((b) => b >= latency) ?? Number.POSITIVE_INFINITY;
    perBucket.set(bound, (perBucket.get(bound) ?? 0) + n);
  });
  return [...bounds.map((b): [number, number] => [b, perBucket.get(b) ?? 0]), [Number.POSITIVE_INFINITY, perBucket.get(Number.POSITIVE_INFINITY) ?? 0]];
}

export function ztunnelMetrics(s: ZtunnelSnapshot): string {
  const { release: r, counters: c } = s;
  const w = new OpenMetricsWriter(r.omitEmptyFamilies);
  w.family('istio_build', 'gauge', 'Istio component build info').gauge('istio_build', [['component', 'ztunnel'], ['tag', r.version]], 1);

  // proxy traffic: flows on cached state from the pod snapshot on, with or without xDS
  const t = c.trafficSeconds;
  const flows = s.series.map((x) => {
    const opened = Math.floor(x.rate * t);
    const failed = x.failure ? Math.floor(opened * x.failure.fraction) : 0;
    return { x, opened, failed, closedOk: Math.max(0, opened - failed - x.open) };
  });
  const perSeries = (name: string, help: string, value: (f: (typeof flows)[number]) => number) => {
    w.family(name, 'counter', help);
    for (const f of flows) if (f.opened > 0) w.counter(name, f.x.labels('-'), value(f));
  };
  perSeries('istio_tcp_connections_opened', 'The total number of TCP connections opened', (f) => f.opened);
  w.family('istio_tcp_connections_closed', 'counter', 'The total number of TCP connections closed');
  for (const f of flows) {
    if (f.opened === 0) continue;
    w.counter('istio_tcp_connections_closed', f.x.labels('-'), f.closedOk);
    if (f.x.failure && f.failed > 0) w.counter('istio_tcp_connections_closed', f.x.labels(f.x.failure.flag), f.failed);
  }
  if (r.failedAndSocketFamilies) {
    w.family('istio_tcp_connections_failed', 'counter', 'The total number of TCP connections that failed to establish (unstable)');
    for (const f of flows) if (f.x.failure && f.failed > 0) w.counter('istio_tcp_connections_failed', f.x.labels(f.x.failure.flag), f.failed);
    w.family('istio_tcp_sockets_open', 'gauge', 'The current number of open TCP sockets (unstable)');
    for (const reporter of ['destination', 'source'] as const) {
      const open = flows.filter((f) => f.x.reporter === reporter && f.opened > 0).reduce((a, f) => a + f.x.open, 0);
      if (flows.some((f) => f.x.reporter === reporter && f.opened > 0)) w.gauge('istio_tcp_sockets_open', [['reporter', reporter]], open);
    }
  }
  perSeries('istio_tcp_received_bytes', 'The size of total bytes received during request in case of a TCP connection', (f) => f.opened * f.x.bytesInPerConn);
  perSeries('istio_tcp_sent_bytes', 'The size of total bytes sent during response in case of a TCP connection', (f) => f.opened * f.x.bytesOutPerConn);
  w.family('istio_on_demand_dns', 'counter', 'The total number of requests that used on-demand DNS (unstable)');

  // xDS client (src/xds/client.rs): failed connects are ConnectionError, max-age closes Reconnect
  const reconnects = Math.floor(c.xdsHeldSeconds / MAX_CONNECTION_AGE_S);
  w.family('istio_xds_connection_terminations', 'counter', 'The total number of completed connections to xds server (unstable)');
  if (c.connectionErrors > 0) w.counter('istio_xds_connection_terminations', [['reason', 'ConnectionError']], c.connectionErrors);
  if (reconnects > 0) w.counter('istio_xds_connection_terminations', [['reason', 'Reconnect']], reconnects);
  // istiod answers every new stream with its full state: one message per type at once, more as it pushes.
  const streams = c.streams + reconnects;
  const addressMessages = streams > 0 ? streams + Math.floor(c.xdsHeldSeconds / 20) : 0;
  const authzMessages = streams > 0 ? streams + Math.floor(c.xdsHeldSeconds / 600) : 0;
  w.family('istio_xds_message', 'counter', 'Total number of messages received (unstable)');
  if (addressMessages) w.counter('istio_xds_message', [['url', ADDRESS_URL]], addressMessages);
  if (authzMessages) w.counter('istio_xds_message', [['url', AUTHZ_URL]], authzMessages);
  w.family('istio_xds_message_bytes', 'counter', 'Total number of bytes received (unstable)', 'bytes');
  if (addressMessages) w.counter('istio_xds_message_bytes', [['url', ADDRESS_URL]], addressMessages * 1874);
  if (authzMessages) w.counter('istio_xds_message_bytes', [['url', AUTHZ_URL]], authzMessages * 412);

  // DNS proxy (on by default), for the pods it proxies
  const dnsSources: Labels[] = s.proxied.slice(0, 3).map((p) => [
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
    const sum = DNS_LATENCIES.reduce((a, [latency, share]) => a + latency * share * upstream, 0);
    for (const l of dnsSources) w.histogram('istio_dns_upstream_request_duration_seconds', l, Math.round(sum * 1e6) / 1e6, dnsBuckets(r.dnsBuckets, upstream));
  }

  // in-pod workload manager (root registry; plain gauges and counters, never left out)
  const active = s.proxied.length;
  const churn = Math.floor(t / 3600);
  w.family('workload_manager_active_proxy_count', 'gauge', 'The total number current workloads with active proxies').gauge('workload_manager_active_proxy_count', [], active);
  w.family('workload_manager_pending_proxy_count', 'gauge', 'The total number current workloads with pending proxies').gauge('workload_manager_pending_proxy_count', [], 0);
  w.family('workload_manager_proxies_started', 'counter', 'The total number of proxies that were started').counter('workload_manager_proxies_started', [], active + churn);
  w.family('workload_manager_proxies_stopped', 'counter', 'The total number of proxies that were stopped').counter('workload_manager_proxies_stopped', [], churn);

  if (r.processFds) {
    w.family('process_open_fds', 'gauge', 'Number of open file descriptors').gauge('process_open_fds', [], 48 + 6 * active);
    w.family('process_max_fds', 'gauge', 'Maximum number of open file descriptors').gauge('process_max_fds', [], 1048576);
  }
  return w.text();
}
