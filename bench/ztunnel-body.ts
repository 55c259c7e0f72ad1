// A realistic busy ztunnel's /stats/prometheus body: `series` istio_tcp_* series carrying the full
// CommonTrafficLabels set (ztunnel src/proxy/metrics.rs), plus the families the exporter reads.
const TCP_FAMILIES = ['istio_tcp_connections_opened', 'istio_tcp_connections_closed', 'istio_tcp_received_bytes', 'istio_tcp_sent_bytes'];

function trafficLabels(i: number): string {
  const src = `client-${i % 250}`;
  const dst = `server-${Math.floor(i / 250) % 50}`;
  const ns = `team-${i % 17}`;
  const labels: [string, string][] = [
    ['reporter', i % 2 === 0 ? 'source' : 'destination'],
    ['source_workload', src],
    ['source_canonical_service', src],
    ['source_canonical_revision', 'v1'],
    ['source_workload_namespace', ns],
    ['source_principal', `spiffe://cluster.local/ns/${ns}/sa/${src}`],
    ['source_app', src],
    ['source_version', 'v1'],
    ['source_cluster', 'Kubernetes'],
    ['destination_service', `${dst}.${ns}.svc.cluster.local`],
    ['destination_service_namespace', ns],
    ['destination_service_name', dst],
    ['destination_workload', dst],
    ['destination_canonical_service', dst],
    ['destination_canonical_revision', `v${i % 3}`],
    ['destination_workload_namespace', ns],
    ['destination_principal', `spiffe://cluster.local/ns/${ns}/sa/${dst}`],
    ['destination_app', dst],
    ['destination_version', `v${i % 3}`],
    ['destination_cluster', 'Kubernetes'],
    ['request_protocol', 'tcp'],
    ['response_flags', i % 97 === 0 ? 'CONNECT' : '-'],
    ['connection_security_policy', 'mutual_tls'],
    ['source_region', 'eu-west-1'],
    ['source_zone', `eu-west-1${'abc'[i % 3]}`],
    ['destination_region', 'eu-west-1'],
    ['destination_zone', `eu-west-1${'abc'[(i + 1) % 3]}`],
  ];
  return labels.map(([k, v]) => `${k}="${v}"`).join(',');
}

/** A ztunnel body with `series` istio_tcp_* series (50,000: about 48 MB), then the families the exporter keeps. */
export function ztunnelBody(series: number): string {
  const out: string[] = ['# HELP istio_build Istio component build info', '# TYPE istio_build gauge', 'istio_build{component="ztunnel",tag="1.28.0"} 1'];
  const perFamily = Math.ceil(series / TCP_FAMILIES.length);
  let n = 0;
  for (const fam of TCP_FAMILIES) {
    out.push(`# HELP ${fam} ${fam.replaceAll('_', ' ')}`, `# TYPE ${fam} counter`);
    for (let i = 0; i < perFamily && n < series; i++, n++) out.push(`${fam}_total{${trafficLabels(i)}} ${(i * 7919) % 100000}`);
  }
  out.push(
    '# HELP istio_xds_connection_terminations The total number of completed connections to xds server (unstable)',
    '# TYPE istio_xds_connection_terminations counter',
    'istio_xds_connection_terminations_total{reason="Reconnect"} 4',
    'istio_xds_connection_terminations_total{reason="ConnectionError"} 1',
    '# HELP istio_xds_message_bytes Total number of bytes received (unstable)',
    '# TYPE istio_xds_message_bytes counter',
    '# UNIT istio_xds_message_bytes bytes',
    'istio_xds_message_bytes_total{url="type.googleapis.com/istio.workload.Address"} 123456789',
    '# TYPE workload_manager_active_proxy_count gauge',
    'workload_manager_active_proxy_count 118',
    '# TYPE workload_manager_pending_proxy_count gauge',
    'workload_manager_pending_proxy_count 0',
    '# EOF',
  );
  return `${out.join('\n')}\n`;
}

