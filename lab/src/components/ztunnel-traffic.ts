// The istio_tcp_* series a ztunnel reports: one label set per (reporter, source, destination) among
// the ambient workloads, with the full CommonTrafficLabels (locality from 1.25). How ztunnel fills
// `response_flags` (src/proxy/metrics.rs): a connection's labels are taken when it opens, with flags
// `-`, and its opened and byte counters keep them; only at close does `record_with_flag` set a flag,
// so a flag other than `-` appears on `istio_tcp_connections_closed_total` (and on 1.29+'s
// `istio_tcp_connections_failed_total`) only. Before 1.29 only the inbound path set flags
// (outbound failures were recorded as `-`).
import type { Labels } from './exposition.js';
import type { Topology } from '../cluster/topology.js';
import type { SimPod } from '../cluster/shapes.js';
import { APP_NAMESPACES, enrolledBy } from '../cluster/workloads.js';

export type ResponseFlag = 'DENY' | 'CONNECT';

export interface TrafficSeries {
  reporter: 'source' | 'destination';
  /** the series' labels with the given response_flags */
  labels(flags: string): Labels;
  /** connections opened per second while traffic flows */
  rate: number;
  /** connections open at any time (opened - closed) */
  open: number;
  bytesInPerConn: number;
  bytesOutPerConn: number;
  /** the share of opened connections that fail, and the flag ztunnel closes them with */
  failure: { flag: ResponseFlag; fraction: number } | undefined;
}

const AMBIENT = new Set(APP_NAMESPACES.filter((n) => n.ambient).map((n) => n.name));
const inMesh = (p: SimPod) => p.role === 'app' && enrolledBy(p.labels, AMBIENT.has(p.namespace));

function workloadLabels(prefix: 'source' | 'destination', p: SimPod): [string, string][] {
  const app = p.labels.app ?? 'unknown';
  const version = p.labels.version ?? 'unknown';
  return [
    [`${prefix}_workload`, p.deployment ?? p.name],
    [`${prefix}_canonical_service`, app],
    [`${prefix}_canonical_revision`, version],
    [`${prefix}_workload_namespace`, p.namespace],
    [`${prefix}_principal`, `spiffe://cluster.local/ns/${p.namespace}/sa/${p.serviceAccount}`],
    [`${prefix}_app`, app],
    [`${prefix}_version`, version],
    [`${prefix}_cluster`, 'Kubernetes'],
  ];
}

function seriesLabels(t: Topology, reporter: 'source' | 'destination', src: SimPod, dst: SimPod): (flags: string) => Labels {
  const app = dst.labels.app ?? 'unknown';
  const [srcLabels, dstLabels] = [workloadLabels('source', src), workloadLabels('destination', dst)];
  const locality: [string, string][] = t.release.localityLabels
    ? [
        ['source_region', 'unknown'],
        ['source_zone', 'unknown'],
        ['destination_region', 'unknown'],
        ['destination_zone', 'unknown'],
      ]
    : [];
  return (flags) => [
    ['reporter', reporter],
    ...srcLabels,
    ['destination_service', `${app}.${dst.namespace}.svc.cluster.local`],
    ['destination_service_namespace', dst.namespace],
    ['destination_service_name', app],
    ...dstLabels,
    ['request_protocol', 'tcp'],
    ['response_flags', flags],
    ['connection_security_policy', 'mutual_tls'],
    ...locality,
  ];
}

/**
 * Which series fail some connections, and how, by position (series alternate destination and
 * source): inbound denials and connect failures, and outbound connect failures that only 1.29+ flags.
 */
const FAILURES: readonly (ResponseFlag | undefined)[] = [undefined, undefined, 'CONNECT', 'DENY', undefined];

/** Up to `count` distinct series for the ztunnel on `node`; none when it carries no workloads. */
export function trafficSeries(t: Topology, node: string, count: number): TrafficSeries[] {
  const mesh = t.pods.filter(inMesh);
  const local = mesh.filter((p) => p.node === node);
  if (local.length === 0 || mesh.length === 0 || count <= 0) return [];
  const out: TrafficSeries[] = [];
  const seen = new Set<string>();
  for (let i = 0, attempts = 0; out.length < count && attempts < count * 8; i++, attempts++) {
    const f = (salt: string) => t.ids.fraction(`traffic/${node}/${i}/${salt}`);
    const here = local[i % local.length]!;
    const there = mesh[Math.floor(f('peer') * mesh.length)]!;
    const reporter = i % 2 === 0 ? 'destination' : 'source';
    const labels = reporter === 'destination' ? seriesLabels(t, reporter, there, here) : seriesLabels(t, reporter, here, there);
    const key = labels('-')
      .map(([, v]) => v)
      .join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    const flag = FAILURES[i % FAILURES.length];
    const flagged = flag !== undefined && (reporter === 'destination' || t.release.outboundFlags);
    out.push({
      reporter,
      labels,
      rate: 0.2 + f('rate') * 3,
      open: Math.floor(f('open') * 4),
      bytesInPerConn: 800 + Math.floor(f('in') * 4000),
      bytesOutPerConn: 2000 + Math.floor(f('out') * 20000),
      // a denial is the destination's verdict; the source sees its connection fail
      failure: flagged ? { flag: reporter === 'source' ? 'CONNECT' : flag, fraction: 0.01 + f('fail') * 0.04 } : undefined,
    });
  }
  return out;
}
