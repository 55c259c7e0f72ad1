// Parse throughput on a large, realistic ztunnel body: 50k istio_tcp_* series carrying the full
// CommonTrafficLabels set, plus the families the exporter keeps. The body is fed in 64 KiB Buffer
// chunks, as it arrives from a socket. Run: npx tsx bench/parse.ts [series] [runs]
import { keptSamplesOf } from '../src/issues/registry.js';
import { keepAllSamples, parseExposition, type SampleFilter } from '../src/scrape/parser.js';
import { ztunnelBody } from './ztunnel-body.js';

const SERIES = Number(process.argv[2] ?? 50_000);
const RUNS = Number(process.argv[3] ?? 7);
const CHUNK = 64 * 1024;

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
