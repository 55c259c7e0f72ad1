// istiod: :15014 monitoring (/metrics in Go text format, /version), :8080 readiness (/ready), and
// the xDS/webhook ports as plain TCP listeners (the real ones speak gRPC and TLS).
import type { RequestListener } from 'node:http';
import type { Change } from '../kube-api/store.js';
import { APP_NAMESPACES } from '../cluster/workloads.js';
import { GrowingCounter } from '../util/counter.js';
import type { LabContext } from './context.js';
import { PROMETHEUS_TEXT_CONTENT_TYPE, PrometheusTextWriter } from './exposition.js';
import { cumulativeBuckets } from './histogram.js';

const DAY_S = 86_400;
const MIB = 1024 * 1024;
const REGISTRY_TYPES: Record<string, string> = {
  pods: 'Pods',
  services: 'Services',
  'discovery.k8s.io/endpointslices': 'EndpointSlice',
  nodes: 'Nodes',
  namespaces: 'Namespaces',
};
const EVENT_NAMES = { ADDED: 'add', MODIFIED: 'update', DELETED: 'delete' } as const;

/** pilot_info's and /version's form: `<tag>-<git sha>-Clean`. */
export function istiodFullVersion(tag: string): string {
  return `${tag}-a3f9c1e5d27b4b0c8e6f2d1a9b7c5e3f4d2a1b0c-Clean`;
}

export class IstiodRuntime {
  readonly startMs: number;
  /** sum over time of connected ztunnels (ztunnel-seconds): pushes grow with it */
  private readonly ztunnelSeconds: GrowingCounter;
  private readonly registryEvents = new Map<string, number>();
  private connected = 0;

  constructor(
    now: number,
    connected: number,
    readonly version: string,
  ) {
    this.startMs = now - 2 * DAY_S * 1000;
    this.ztunnelSeconds = new GrowingCounter(connected * 7200, now, connected);
    this.connected = connected;
  }

  setConnected(n: number, now: number): void {
    this.connected = n;
    this.ztunnelSeconds.setRate(n, now);
  }

  /** Counts a Kubernetes change the way pilot_k8s_reg_events does. */
  observe(c: Change): void {
    const type = REGISTRY_TYPES[c.resource];
    if (!type) return;
    const event = c.type === 'MODIFIED' && c.previous && sameSpec(c) ? 'updatesame' : EVENT_NAMES[c.type];
    const key = `${type}|${event}`;
    this.registryEvents.set(key, (this.registryEvents.get(key) ?? 0) + 1);
  }

  metrics(now: number): string {
    const w = new PrometheusTextWriter();
    const nowS = now / 1000;
    const zs = this.ztunnelSeconds.value(now);
    const wds = Math.floor(zs / 20);
    const wads = Math.floor(zs / 600);
    const rootExpiry = Math.floor(this.startMs / 1000) + 10 * 365 * DAY_S;
    const chainExpiry = Math.floor(this.startMs / 1000) + 365 * DAY_S;

    w.family('citadel_server_cert_chain_expiry_seconds', 'gauge', 'The time remaining, in seconds, before the cert chain will expire. A negative value indicates the cert is expired.')
      .sample('citadel_server_cert_chain_expiry_seconds', [], Math.round(chainExpiry - nowS));
    w.family('citadel_server_cert_chain_expiry_timestamp', 'gauge', 'The unix timestamp, in seconds, when Citadel cert chain will expire. A negative time indicates the cert is expired.')
      .sample('citadel_server_cert_chain_expiry_timestamp', [], chainExpiry);
    const csr = Math.floor(zs / 3600);
    w.family('citadel_server_csr_count', 'counter', 'The number of CSRs received by Citadel server.').sample('citadel_server_csr_count', [], csr);
    w.family('citadel_server_root_cert_expiry_seconds', 'gauge', 'The time remaining, in seconds, before the root cert will expire. A negative value indicates the cert is expired.')
      .sample('citadel_server_root_cert_expiry_seconds', [], Math.round(rootExpiry - nowS));
    w.family('citadel_server_root_cert_expiry_timestamp', 'gauge', 'The unix timestamp, in seconds, when Citadel root cert will expire. A negative time indicates the cert is expired.')
      .sample('citadel_server_root_cert_expiry_timestamp', [], rootExpiry);
    w.family('citadel_server_success_cert_issuance_count', 'counter', 'The number of certificates issuances that have succeeded.')
      .sample('citadel_server_success_cert_issuance_count', [], csr);
    w.family('go_goroutines', 'gauge', 'Number of goroutines that currently exist.').sample('go_goroutines', [], 420 + 12 * this.connected);
    // client_golang's Go and process collectors, registered with istiod's own metrics (facts §3.2;
    // Istio's control-plane dashboard reads go_memstats_*): heap and CPU grow with the ztunnels served.
    w.family('go_memstats_heap_inuse_bytes', 'gauge', 'Number of heap bytes that are in use.')
      .sample('go_memstats_heap_inuse_bytes', [], 48 * MIB + this.connected * 2 * MIB);
    w.family('istio_build', 'gauge', 'Istio component build info').sample('istio_build', [['component', 'pilot'], ['tag', this.version]], 1);
    w.family('istiod_uptime_seconds', 'gauge', 'Current istiod server uptime in seconds').sample('istiod_uptime_seconds', [], (now - this.startMs) / 1000);
    w.family('pilot_info', 'gauge', 'Pilot version and build information.').sample('pilot_info', [['version', istiodFullVersion(this.version)]], 1);

    w.family('pilot_k8s_reg_events', 'counter', 'Events from k8s registry.');
    for (const [key, n] of [...this.registryEvents].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [type = '', event = ''] = key.split('|');
      w.sample('pilot_k8s_reg_events', [['event', event], ['type', type]], n);
    }

    const pushes = wds + wads;
    w.family('pilot_proxy_convergence_time', 'histogram', 'Delay in seconds between config change and a proxy receiving all required configuration.')
      .histogram('pilot_proxy_convergence_time', [], cumulativeBuckets([0.1, 0.5, 1, 3, 5, 10, 20, 30], [0.96, 0.995, 1], pushes), pushes * 0.021, pushes);
    w.family('pilot_push_triggers', 'counter', 'Total number of times a push was triggered, labeled by reason for the push.')
      .sample('pilot_push_triggers', [['type', 'endpoint']], Math.floor(wds / 4))
      .sample('pilot_push_triggers', [['type', 'proxy']], Math.floor(zs / 7200) + 1)
      .sample('pilot_push_triggers', [['type', 'service']], Math.floor(wds / 40));
    w.family('pilot_services', 'gauge', 'Total services known to pilot.')
      .sample('pilot_services', [], APP_NAMESPACES.flatMap((n) => [...new Set(n.deployments.map((d) => d.app))]).length + 3);
    w.family('pilot_total_xds_internal_errors', 'counter', 'Total number of internal XDS errors in pilot.').sample('pilot_total_xds_internal_errors', [], 0);
    w.family('pilot_total_xds_rejects', 'counter', 'Total number of XDS responses from pilot rejected by proxy.')
      .sample('pilot_total_xds_rejects', [['type', 'wads']], 0)
      .sample('pilot_total_xds_rejects', [['type', 'wds']], 0);
    w.family('pilot_xds', 'gauge', 'Number of endpoints connected to this pilot using XDS.').sample('pilot_xds', [['version', this.version]], this.connected);
    w.family('pilot_xds_config_size_bytes', 'histogram', 'Distribution of configuration sizes pushed to clients')
      .histogram('pilot_xds_config_size_bytes', [['type', 'type.googleapis.com/istio.workload.Address']], cumulativeBuckets([1, 10000, 1e6, 4e6, 1e7, 4e7], [0, 0.9, 1], wds), wds * 2140, wds)
      .histogram('pilot_xds_config_size_bytes', [['type', 'type.googleapis.com/istio.security.Authorization']], cumulativeBuckets([1, 10000, 1e6, 4e6, 1e7, 4e7], [0.2, 1], wads), wads * 380, wads);
    w.family('pilot_xds_push_time', 'histogram', 'Total time in seconds Pilot takes to push lds, rds, cds and eds.')
      .histogram('pilot_xds_push_time', [['type', 'wads']], cumulativeBuckets([0.01, 0.1, 1, 3, 5, 10, 20, 30], [0.97, 1], wads), wads * 0.0011, wads)
      .histogram('pilot_xds_push_time', [['type', 'wds']], cumulativeBuckets([0.01, 0.1, 1, 3, 5, 10, 20, 30], [0.93, 0.998, 1], wds), wds * 0.0034, wds);
    w.family('pilot_xds_pushes', 'counter', 'Pilot build and send errors for lds, rds, cds and eds.')
      .sample('pilot_xds_pushes', [['type', 'wads']], wads)
      .sample('pilot_xds_pushes', [['type', 'wds']], wds);
    w.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.')
      .sample('process_cpu_seconds_total', [], Math.round((0.02 * (now - this.startMs) / 1000 + zs * 0.0004) * 100) / 100);
    w.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.')
      .sample('process_resident_memory_bytes', [], 96 * MIB + this.connected * 3 * MIB);
    w.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.')
      .sample('process_start_time_seconds', [], Math.floor(this.startMs / 1000));
    return w.text();
  }
}

/** A change that only touched metadata.resourceVersion-like noise counts as "updatesame". */
function sameSpec(c: Change): boolean {
  return JSON.stringify(c.object.spec) === JSON.stringify(c.previous?.spec) && JSON.stringify(c.object.status) === JSON.stringify(c.previous?.status) && JSON.stringify(c.object.metadata.labels) === JSON.stringify(c.previous?.metadata.labels);
}

const GO_404 = '404 page not found\n';

export function istiodMonitoringHandler(ctx: LabContext, rt: IstiodRuntime): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      const body = rt.metrics(ctx.now());
      res.writeHead(200, { 'Content-Type': PROMETHEUS_TEXT_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } else if (path === '/version') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(istiodFullVersion(rt.version));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(GO_404);
    }
  };
}

export function istiodDebugHandler(): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ready') res.writeHead(200).end();
    else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(GO_404);
  };
}
