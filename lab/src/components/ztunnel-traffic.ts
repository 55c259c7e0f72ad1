// The istio_tcp_* series a ztunnel reports: one label set per (reporter, source, destination)
// among the ambient workloads, with the full CommonTrafficLabels of ztunnel 1.25+ (locality included).
import type { Labels } from './exposition.js';
import type { Topology } from '../cluster/topology.js';
import type { SimPod } from '../cluster/shapes.js';
import { APP_NAMESPACES } from '../cluster/workloads.js';

export interface TrafficSeries {
  labels: Labels;
  /** connections opened per second while traffic flows */
  rate: number;
  /** connections open at any time (opened - closed) */
  open: number;
  bytesInPerConn: number;
  bytesOutPerConn: number;
}

const AMBIENT = new Set(APP_NAMESPACES.filter((n) => n.ambient).map((n) => n.name));

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

function seriesLabels(reporter: 'source' | 'destination', src: SimPod, dst: SimPod, flags: string): Labels {
  const app = dst.labels.app ?? 'unknown';
  const [srcLabels, dstLabels] = [workloadLabels('source', src), workloadLabels('destination', dst)];
  return [
    ['reporter', reporter],
    ...srcLabels,
    ['destination_service', `${app}.${dst.namespace}.svc.cluster.local`],
    ['destination_service_namespace', dst.namespace],
    ['destination_service_name', app],
    ...dstLabels,
    ['request_protocol', 'tcp'],
    ['response_flags', flags],
    ['connection_security_policy', 'mutual_tls'],
    ['source_region', 'unknown'],
    ['source_zone', 'unknown'],
    ['destination_region', 'unknown'],
    ['destination_zone', 'unknown'],
  ];
}

const FLAGS = ['-', '-', '-', 'CONNECT', '-', 'DENY'];

/** Up to `count` distinct series for the ztunnel on `node`; none when it carries no workloads. */
export function trafficSeries(t: Topology, node: string, count: number): TrafficSeries[] {
  const mesh = t.pods.filter((p) => p.role === 'app' && AMBIENT.has(p.namespace));
  const local = mesh.filter((p) => p.node === node);
  if (local.length === 0 || mesh.length === 0 || count <= 0) return [];
  const out: TrafficSeries[] = [];
  const seen = new Set<string>();
  for (let i = 0, attempts = 0; out.length < count && attempts < count * 8; i++, attempts++) {
    const f = (salt: string) => t.ids.fraction(`traffic/${node}/${i}/${salt}`);
    const here = local[i % local.length]!;
    const there = mesh[Math.floor(f('peer') * mesh.length)]!;
    const reporter = i % 2 === 0 ? 'destination' : 'source';
    // ztunnel reports inbound only with flags; outbound failures are recorded as '-'.
    const flags = reporter === 'destination' ? FLAGS[Math.floor(f('flags') * FLAGS.length)]! : '-';
    const labels = reporter === 'destination' ? seriesLabels(reporter, there, here, flags) : seriesLabels(reporter, here, there, flags);
    const key = labels.map(([, v]) => v).join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      labels,
      rate: flags === '-' ? 0.2 + f('rate') * 3 : 0.01 + f('rate') * 0.05,
      open: flags === '-' ? Math.floor(f('open') * 4) : 0,
      bytesInPerConn: flags === '-' ? 800 + Math.floor(f('in') * 4000) : 0,
      bytesOutPerConn: flags === '-' ? 2000 + Math.floor(f('out') * 20000) : 0,
    });
  }
  return out;
}
