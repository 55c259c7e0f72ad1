// Peak memory of the exporter as the Deployment runs it, against a large lab in a process of its own.
//
//   npm run build && npx tsx bench/memory.ts [nodes ...] [--rounds N] [--node-flags "..."]
//   (default: 500 1000, 8 rounds, the image's node flags; --node-flags "" runs without any)
//
// For each size: the lab (`src/cli.ts lab --nodes N`) starts in its own process; the built exporter
// (`dist/cli.js`) starts with the image's NODE_OPTIONS (Dockerfile: the heap cap) and the
// Deployment's arguments and config file (manifests/base), on a loopback port. Once it has
// finished N refresh rounds, the exporter's peak RSS (VmHWM) and its last heap figures are reported.
// BENCHMARKS.md records the figures; manifests/base/deployment.yaml's memory request and limit are
// sized from them.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deploymentCommand, imageNodeFlags, procStatusKiB, servingUrl, stop } from './exporter-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
/** The value after `--name`, and the indexes it took. */
function option(name: string): { value: string | undefined; at: number[] } {
  const i = args.indexOf(name);
  return i === -1 ? { value: undefined, at: [] } : { value: args[i + 1] ?? '', at: [i, i + 1] };
}
const roundsOpt = option('--rounds');
const flagsOpt = option('--node-flags');
const ROUNDS = roundsOpt.value === undefined ? 8 : Number(roundsOpt.value);
const taken = new Set([...roundsOpt.at, ...flagsOpt.at]);
const SIZES = args.filter((_a, i) => !taken.has(i)).map(Number);
if (SIZES.length === 0) SIZES.push(500, 1000);

/** Start the lab; resolves with its kubeconfig path and istiod's node once its banner is printed. */
function startLabProcess(nodes: number): Promise<{ child: ChildProcess; kubeconfig: string; istiodNode: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'lab', '--nodes', String(nodes)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`lab exited (${code}) before it was ready:\n${out}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const kubeconfig = out.match(/kubeconfig:\s+(\S+)/)?.[1];
      const istiodNode = out.match(/istiod on (\S+),/)?.[1];
      if (kubeconfig && istiodNode && out.includes('Ctrl-C stops the lab')) resolve({ child, kubeconfig, istiodNode });
    });
  });
}

async function metric(url: string, name: string): Promise<number | undefined> {
  try {
    const body = await (await fetch(`${url}/metrics`)).text();
    const m = body.match(new RegExp(`^${name} (\\S+)$`, 'm'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const MiB = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

async function measure(nodes: number): Promise<void> {
  const labStart = performance.now();
  const lab = await startLabProcess(nodes);
  const labSeconds = (performance.now() - labStart) / 1000;
  const flags = flagsOpt.value === undefined ? imageNodeFlags() : flagsOpt.value.split(/\s+/).filter(Boolean);
  const exporter = spawn(process.execPath, [...flags, ...deploymentCommand(lab.kubeconfig, lab.istiodNode)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const rounds: number[] = [];
  let peakSampled = 0;
  try {
    const url = await servingUrl(exporter);
    exporter.stdout.resume(); // keep reading (and dropping) the logs
    let last: number | undefined;
    const deadline = Date.now() + (ROUNDS + 4) * 60_000;
    while (rounds.length < ROUNDS) {
      if (Date.now() > deadline) throw new Error(`fewer than ${ROUNDS} rounds in time`);
      if (exporter.exitCode !== null) throw new Error(`exporter exited with ${exporter.exitCode}`);
      peakSampled = Math.max(peakSampled, procStatusKiB(exporter.pid!, 'VmRSS'));
      const at = await metric(url, 'ambient_exporter_last_refresh_timestamp_seconds');
      if (at !== undefined && at !== last) {
        last = at;
        const d = await metric(url, 'ambient_exporter_refresh_duration_seconds');
        if (d !== undefined) rounds.push(d);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const peak = procStatusKiB(exporter.pid!, 'VmHWM');
    const rss = procStatusKiB(exporter.pid!, 'VmRSS');
    const heapUsed = (await metric(url, 'nodejs_heap_size_used_bytes')) ?? 0;
    const heapTotal = (await metric(url, 'nodejs_heap_size_total_bytes')) ?? 0;
    const external = (await metric(url, 'nodejs_external_memory_bytes')) ?? 0;
    const sorted = [...rounds].sort((a, b) => a - b);
    console.log(`${nodes} nodes (lab started in ${labSeconds.toFixed(1)} s), exporter flags ${flags.join(' ') || '(none)'}, ${ROUNDS} rounds`);
    console.log(`  peak RSS (VmHWM):        ${MiB(peak)}  (sampled max ${MiB(peakSampled)})`);
    console.log(`  RSS after the rounds:    ${MiB(rss)}`);
    console.log(`  heap used / total:       ${(heapUsed / 2 ** 20).toFixed(0)} / ${(heapTotal / 2 ** 20).toFixed(0)} MiB, external ${(external / 2 ** 20).toFixed(0)} MiB`);
    console.log(`  round, median (max):     ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} s (${sorted.at(-1)!.toFixed(2)} s)`);
  } finally {
    await stop(exporter);
    await stop(lab.child);
  }
}

for (const nodes of SIZES) await measure(nodes);
