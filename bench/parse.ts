// Parse throughput on a large, realistic ztunnel body: 50k istio_tcp_* series carrying the full
// CommonTrafficLabels set, plus the families the exporter keeps. The body is fed in 64 KiB Buffer
// chunks, as it arrives from a socket. Run: npx tsx bench/parse.ts [series] [runs]
import { keptSamplesOf } from '../src/issues/registry.js';
import { keepAllSamples, parseExposition, type SampleFilter } from '../src/scrape/parser.js';

const SERIES = Number(process.argv[2] ?? 50_000);
const RUNS = Number(process.argv[3] ?? 7);
const CHUNK = 64 * 1024;

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

function ztunnelBody(series: number): string {
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

async function* chunks(buf: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function measure(label: string, body: Buffer, filter: SampleFilter): Promise<void> {
  await parseExposition(chunks(body), filter); // warm-up
  const mbps: number[] = [];
  let kept = 0;
  let ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const out = await parseExposition(chunks(body), filter);
    const elapsed = performance.now() - t0;
    kept = out.samples.length;
    ms.push(elapsed);
    mbps.push(body.length / 1e6 / (elapsed / 1000));
  }
  ms = ms.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(34)} median ${median(mbps).toFixed(1).padStart(6)} MB/s  ${median(ms).toFixed(1).padStart(7)} ms/body  ` +
      `(min ${ms[0]!.toFixed(1)}, max ${ms[ms.length - 1]!.toFixed(1)})  samples kept ${kept}`,
  );
}

const body = Buffer.from(ztunnelBody(SERIES), 'utf8');
console.log(`ztunnel body: ${SERIES} istio_tcp_* series, ${(body.length / 1e6).toFixed(1)} MB, ${RUNS} runs, ${CHUNK / 1024} KiB chunks, node ${process.version}`);
await measure('ztunnel families (what scrapes do)', body, keptSamplesOf('ztunnel'));
await measure('every sample (full label parsing)', body, keepAllSamples);

// A hostile target: 16 MiB with no newline is refused once the line passes MAX_LINE_LENGTH.
const noNewline = Buffer.alloc(16 << 20, 'a');
const t0 = performance.now();
await parseExposition(chunks(noNewline), keptSamplesOf('ztunnel')).catch(() => undefined);
console.log(`16 MiB without a newline (rejected)  ${(performance.now() - t0).toFixed(1)} ms`);
