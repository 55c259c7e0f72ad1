// The exporter's cost at scale with node agents and without: the lab with N nodes, and in the
// "agents" run one simulated agent per node (in this process: a server on each node's address
// answering /summary with what an agent of a healthy node serves). The exporter runs alone, built
// (`node dist/cli.js serve`), and is measured from /proc and its own /metrics.
//   npm run build && npx tsx bench/central-agents.ts [nodes] [rounds] [trafficSeries] [interval]
// e.g. `npx tsx bench/central-agents.ts 1000 5 50 15s`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startLab, type Lab } from 'ambient-lab';
import { buildSummary } from '../src/agent/build-summary.js';
import type { AgentRound } from '../src/agent/round.js';
import { keptSamplesOf } from '../src/issues/registry.js';
import { scrapeTarget } from '../src/scrape/fetch.js';
import { agentPodObjects } from '../test/support/agent-pods.js';
import { healthyChecks } from './simulated-agents.js';

const NODES = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const TRAFFIC = Number(process.argv[4] ?? 50);
const INTERVAL = process.argv[5] ?? '15s';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function proc(pid: number): { rssMiB: number; hwmMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100 };
}

/** What a healthy node's agent serves: every check ok, its ztunnel's and istio-cni's kept samples. */
async function agentSummaries(lab: Lab, nodes: { name: string; ip: string }[]): Promise<Map<string, string>> {
  const targets = lab.scrapeTargets();
  const opts = { timeoutMs: 5_000, maxBytes: 64 * 1024 * 1024 };
  const out = new Map<string, string>();
  for (const n of nodes) {
    const mine = targets.filter((t) => t.node === n.name && t.component !== 'istiod');
    const scrapes = await Promise.all(
      mine.map((t) => scrapeTarget({ component: t.component, node: t.node, pod: t.pod, url: t.url, static: false }, { ...opts, filter: keptSamplesOf(t.component) })),
    );
    const round: AgentRound = {
      number: 1,
      startedAtMs: Date.now(),
      finishedAtMs: Date.now(),
      durationSeconds: 0.1,
      kube: { synced: true, watchUp: { node: true, nodes: true, pods: true } },
      checks: healthyChecks(NODES - 1),
      scrapes,
      peers: { plan: undefined, notProbed: 'no_plan', results: [] },
    };
    out.set(n.name, JSON.stringify(buildSummary(round, n.name, '0.1.0')));
  }
  return out;
}

/** One listener per node address on the agent port, as the DaemonSet's pods would be. */
async function serveAgents(nodes: { name: string; ip: string }[], summaries: Map<string, string>): Promise<() => Promise<void>> {
  const servers = await Promise.all(
    nodes.map(
      (n) =>
        new Promise<http.Server>((resolve, reject) => {
          const body = summaries.get(n.name)!;
          const s = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
          s.keepAliveTimeout = 65_000;
          s.once('error', reject);
          s.listen(9480, n.ip, () => resolve(s));
        }),
    ),
  );
  return async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
  };
}

async function run(withAgents: boolean): Promise<void> {
  const labStart = performance.now();
  const lab = await startLab({ nodes: NODES, ztunnelTrafficSeries: TRAFFIC, syncIntervalMs: 0, ...(withAgents ? { extraObjects: (n) => agentPodObjects(n) } : {}) });
  const list = (await (await fetch(`${lab.apiUrl}/api/v1/nodes`)).json()) as { items: { metadata: { name: string }; status: { addresses: { type: string; address: string }[] } }[] };
  const nodes = list.items.map((n) => ({ name: n.metadata.name, ip: n.status.addresses.find((a) => a.type === 'InternalIP')!.address }));
  const targets = lab.scrapeTargets();
  const bodyBytes = async (component: string) => (await (await fetch(targets.find((t) => t.component === component)!.url)).arrayBuffer()).byteLength;
  const [ztunnelBytes, cniBytes] = [await bodyBytes('ztunnel'), await bodyBytes('istio-cni')];
  let stopAgents: (() => Promise<void>) | undefined;
  let summaryBytes = 0;
  if (withAgents) {
    const summaries = await agentSummaries(lab, nodes);
    summaryBytes = summaries.get(nodes[0]!.name)!.length;
    stopAgents = await serveAgents(nodes, summaries);
  }
  const labMs = performance.now() - labStart;
  const port = 19479 + (withAgents ? 1 : 0);
  const exporter = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'serve', '--kubeconfig', lab.kubeconfigPath, '--listen-address', `127.0.0.1:${port}`,
    '--refresh-interval', INTERVAL, '--node-name', lab.istiodNode, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    const rows: { duration: number; cpu: number; rss: number; bytes: number; series: number }[] = [];
    let lastRound = 0;
    let lastCpu = 0;
    const intervalMs = Number(/^(\d+)s$/.exec(INTERVAL)?.[1] ?? 15) * 1000;
    while (rows.length < ROUNDS + 1) {
      if (exporter.exitCode !== null) throw new Error(`the exporter exited with ${exporter.exitCode}`);
      // look for the next round only when it is due: serving /metrics costs the exporter CPU too
      const due = lastRound * 1000 + intervalMs - Date.now();
      await new Promise((r) => setTimeout(r, Math.max(250, due)));
      const body = await (await fetch(url).catch(() => undefined))?.text();
      const at = Number(/^ambient_exporter_last_refresh_timestamp_seconds (\S+)$/m.exec(body ?? '')?.[1] ?? 0);
      if (!body || at === 0 || at === lastRound) continue;
      lastRound = at;
      const p = proc(exporter.pid!);
      const series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      rows.push({ duration: Number(/^ambient_exporter_refresh_duration_seconds (\S+)$/m.exec(body)?.[1]), cpu: p.cpuSeconds - lastCpu, rss: p.rssMiB, bytes: body.length, series });
      lastCpu = p.cpuSeconds;
    }
    const end = proc(exporter.pid!);
    const steady = rows.slice(1); // the first round includes start-up and the informers' first list
    const fetched = withAgents ? NODES * summaryBytes : NODES * (ztunnelBytes + cniBytes);
    console.log(`${withAgents ? 'with agents   ' : 'without agents'} ${NODES} nodes, ${TRAFFIC} traffic label sets per ztunnel, refresh ${INTERVAL}, ${steady.length} rounds (lab ready in ${(labMs / 1000).toFixed(1)} s)`);
    console.log(`  read per round:          ${withAgents ? `${NODES} summaries of ${(summaryBytes / 1024).toFixed(1)} KiB` : `${NODES} ztunnel bodies of ${(ztunnelBytes / 1024).toFixed(1)} KiB + ${NODES} istio-cni bodies of ${(cniBytes / 1024).toFixed(1)} KiB`} = ${(fetched / 1e6).toFixed(1)} MB, plus istiod and ${NODES} ztunnel readiness probes`);
    console.log(`  round duration, median:  ${(median(steady.map((r) => r.duration)) * 1000).toFixed(0)} ms`);
    console.log(`  CPU per round, median:   ${(median(steady.map((r) => r.cpu)) * 1000).toFixed(0)} ms`);
    console.log(`  RSS, median:             ${median(steady.map((r) => r.rss)).toFixed(0)} MiB (peak VmHWM ${end.hwmMiB.toFixed(0)} MiB)`);
    console.log(`  /metrics:                ${(steady[0]!.bytes / 1024).toFixed(0)} KiB, ${steady[0]!.series} series`);
  } finally {
    exporter.kill('SIGTERM');
    await new Promise((r) => exporter.once('exit', r));
    await stopAgents?.();
    await lab.close();
  }
}

await run(false);
await run(true);
