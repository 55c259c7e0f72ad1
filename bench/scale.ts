// The exporter and its node agents at 1,000 and 5,000 nodes, as in a cluster:
//  - the lab (in this process) with N nodes carrying Flannel's annotations, their pods, and one
//    agent pod per node; its API server counts every request (`apiserver_request_total` and
//    `apiserver_longrunning_requests` on its /metrics);
//  - N simulated agents (simulated-agents.ts) in processes of 1,000 (scale-agents.ts): each its
//    two field-selected informers (the agent's own code), its summary on its node's address :9480,
//    its plan accepted. Their local scrapes' samples come from a 50-node lab of the same seed (node
//    i gets those of node i mod 50): the big lab leaves the node metrics ports closed
//    (nodeMetricsPortsClosed), as no process holds 5 sockets for each of 5,000 nodes here (the
//    open-file limit is 20,000 and cannot be raised); the exporter has no reason to touch them, and
//    its scrape errors would say if it tried;
//  - the built exporter (`node dist/cli.js serve`) in a process of its own, as the Deployment runs
//    it (the image's NODE_OPTIONS, the Deployment's arguments and config file), measured from /proc
//    and its own /metrics.
// Phases: the exporter alone until its first round (its own LISTs and WATCHes); every agent started
// (with the start jitter); `--rounds` refresh rounds at steady state; then two rollouts of every
// agent at once, without jitter and with it.
//
//   npm run build && npx tsx bench/scale.ts [nodes ...] [--rounds N] [--jitter 10s] [--node-flags "--max-old-space-size=640"]
//   npm run bench:scale   (1,000 and 5,000 nodes)
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from 'ambient-lab';
import type { NodeObject } from '../src/agent/checks/index.js';
import { AGENT_PORT } from '../src/config.js';
import { keptSamplesOf } from '../src/issues/registry.js';
import { toNodeInfo, type RawNode } from '../src/kube/convert.js';
import type { ScrapeResult } from '../src/model.js';
import { nodeObjectOf } from '../src/agent/plan.js';
import { computePlans, planPeerOf } from '../src/peers/plan.js';
import { scrapeTarget } from '../src/scrape/fetch.js';
import { mapWithConcurrency } from '../src/scrape/pool.js';
import { agentPodObjects } from '../test/support/agent-pods.js';
import { deploymentCommand, imageNodeFlags, procCpuSeconds, procStatusKiB, servingUrl, stop } from './exporter-process.js';
import type { AgentsCommand, AgentsReply } from './scale-agents.js';
import type { SimulatedNode } from './simulated-agents.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
function option(name: string, fallback: string): { value: string; at: number[] } {
  const i = args.indexOf(name);
  return i === -1 ? { value: fallback, at: [] } : { value: args[i + 1] ?? '', at: [i, i + 1] };
}
const roundsOpt = option('--rounds', '4');
const jitterOpt = option('--jitter', '10s');
/** the exporter's node flags: the image's (its heap cap) unless given, e.g. --node-flags "--max-old-space-size=640" */
const flagsOpt = option('--node-flags', '');
const ROUNDS = Number(roundsOpt.value);
const JITTER_MS = Number(/^(\d+)s$/.exec(jitterOpt.value)?.[1] ?? 10) * 1000;
const taken = new Set([...roundsOpt.at, ...jitterOpt.at, ...flagsOpt.at]);
const SIZES = args.filter((_a, i) => !taken.has(i)).map(Number);
if (SIZES.length === 0) SIZES.push(1000, 5000);
/** Probers per node (issue 12: a small K) for the plans the agents hold until the exporter sends its own. */
const K = 3;
const REFRESH_MS = 15_000;
/** Agents per process (scale-agents.ts): about 4 sockets each, within a 20,000 open-file limit. */
const AGENTS_PER_PROCESS = 1000;
/** Nodes of the lab whose ztunnels and istio-cni the agents' samples come from. */
const SAMPLE_NODES = 50;

if (!existsSync(`${ROOT}/dist/cli.js`)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

// ---------------------------------------------------------------------------------------------
// The API server's counters

type Counts = Map<string, number>;

/** `VERB resource` -> requests, and `open VERB resource` -> watches open, from the lab API server's /metrics. */
async function apiCounts(lab: Lab): Promise<Counts> {
  const text = await (await fetch(`${lab.apiUrl}/metrics`)).text();
  const out: Counts = new Map();
  for (const m of text.matchAll(/^(apiserver_request_total|apiserver_longrunning_requests)\{verb="(\w+)",group="[^"]*",version="[^"]*",resource="([^"]*)"[^}]*\} (\d+)$/gm)) {
    const key = `${m[1] === 'apiserver_longrunning_requests' ? 'open ' : ''}${m[2]} ${m[3] || '(non-resource)'}`;
    out.set(key, (out.get(key) ?? 0) + Number(m[4]));
  }
  return out;
}

function delta(after: Counts, before: Counts, filter: (key: string) => boolean = (k) => !k.startsWith('open ')): Counts {
  const out: Counts = new Map();
  for (const [k, v] of after) if (filter(k) && v - (before.get(k) ?? 0) !== 0) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

const sum = (c: Counts, verb: string): number => [...c].filter(([k]) => k.startsWith(`${verb} `)).reduce((a, [, v]) => a + v, 0);
const show = (c: Counts, scale = 1): string =>
  [...c]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k} ${Math.round(v * scale)}`)
    .join(', ') || 'none';

// ---------------------------------------------------------------------------------------------
// Set-up

/** What a local scrape of each node's ztunnel and istio-cni keeps: from a small lab of the same seed, renamed to the node's pods. */
async function localScrapes(lab: Lab, nodes: number): Promise<Map<string, ScrapeResult[]>> {
  const small = await startLab({ nodes: Math.min(nodes, SAMPLE_NODES), syncIntervalMs: 0 });
  try {
    const opts = { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 };
    const scraped = await mapWithConcurrency(
      small.scrapeTargets().filter((t) => t.component !== 'istiod'),
      16,
      (t) => scrapeTarget({ component: t.component, node: t.node, pod: t.pod, url: t.url, static: false }, { ...opts, filter: keptSamplesOf(t.component) }),
    );
    const out = new Map<string, ScrapeResult[]>();
    for (const t of lab.scrapeTargets().filter((x) => x.component !== 'istiod')) {
      const i = Number(t.node.slice(t.node.lastIndexOf('-') + 1)) % SAMPLE_NODES;
      const from = scraped.find((s) => s.target.component === t.component && s.target.node === `lab-node-${i}`);
      if (from) out.set(t.node, [...(out.get(t.node) ?? []), { ...from, target: { ...from.target, node: t.node, pod: t.pod, url: t.url } }]);
    }
    return out;
  } finally {
    await small.close();
  }
}

/** Each node, its own Node object, its local scrapes, and the plan the exporter would send it. */
async function simulatedNodes(lab: Lab, nodes: number): Promise<SimulatedNode[]> {
  const list = (await (await fetch(`${lab.apiUrl}/api/v1/nodes`)).json()) as { items: RawNode[] };
  const infos = list.items.map((raw) => toNodeInfo(raw));
  const plans = computePlans({ nodes: infos, withAgent: new Set(infos.map((n) => n.name)), k: K, port: AGENT_PORT });
  const scrapes = await localScrapes(lab, nodes);
  return infos.map((n) => {
    const self: NodeObject = nodeObjectOf(planPeerOf(n));
    return { name: n.name, ip: n.internalIP, self, scrapes: scrapes.get(n.name) ?? [], plan: plans.byNode.get(n.name) };
  });
}

/** The agents, in processes of AGENTS_PER_PROCESS. */
class AgentProcesses {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (v: number | undefined) => void; reject: (e: Error) => void }>();

  private constructor(private readonly children: ChildProcess[]) {
    for (const c of children) {
      c.on('message', (r: AgentsReply) => {
        const w = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        if (r.error) w?.reject(new Error(r.error));
        else w?.resolve(r.value);
      });
    }
  }

  static async start(nodes: SimulatedNode[], lab: Lab): Promise<AgentProcesses> {
    const children: ChildProcess[] = [];
    for (let i = 0; i < nodes.length; i += AGENTS_PER_PROCESS) {
      children.push(fork(`${ROOT}/bench/scale-agents.ts`, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    }
    const all = new AgentProcesses(children);
    await Promise.all(
      children.map((c, i) =>
        all.ask(c, {
          cmd: 'init',
          nodes: nodes.slice(i * AGENTS_PER_PROCESS, (i + 1) * AGENTS_PER_PROCESS),
          kubeconfigPath: lab.kubeconfigPath,
          options: { istioNamespace: lab.istio.namespace, refreshIntervalMs: REFRESH_MS, port: AGENT_PORT },
        }),
      ),
    );
    return all;
  }

  private ask(c: ChildProcess, m: Omit<AgentsCommand, 'id'> & Record<string, unknown>): Promise<number | undefined> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      c.send({ ...m, id });
    });
  }

  private async each(m: Omit<AgentsCommand, 'id'> & Record<string, unknown>): Promise<number> {
    return (await Promise.all(this.children.map((c) => this.ask(c, m)))).reduce<number>((a, v) => a + (v ?? 0), 0);
  }

  start = (jitterMs: number) => this.each({ cmd: 'start', jitterMs });
  stop = () => this.each({ cmd: 'stop' });
  synced = () => this.each({ cmd: 'synced' });

  async close(): Promise<void> {
    await this.each({ cmd: 'close' }).catch(() => 0);
    await Promise.all(this.children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.once('exit', r))));
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

async function untilSynced(agents: AgentProcesses, nodes: number, deadlineMs: number): Promise<number> {
  const started = performance.now();
  while ((await agents.synced()) < nodes) {
    if (performance.now() - started > deadlineMs) throw new Error(`only ${await agents.synced()} of ${nodes} agents listed in ${deadlineMs / 1000} s`);
    await sleep(500);
  }
  return (performance.now() - started) / 1000;
}

/** Every agent stops and starts again (a DaemonSet rollout of all pods at once), each after a random wait up to jitterMs. */
async function rollout(lab: Lab, agents: AgentProcesses, nodes: number, jitterMs: number): Promise<string> {
  const before = await apiCounts(lab);
  await agents.stop();
  const started = performance.now();
  await agents.start(jitterMs);
  let prev = before;
  let peakList = 0;
  let peakWatch = 0;
  while ((await agents.synced()) < nodes || performance.now() - started < jitterMs) {
    if (performance.now() - started > 10 * 60_000) throw new Error(`rollout: not every agent listed in 10 min`);
    await sleep(1000);
    const now = await apiCounts(lab);
    const d = delta(now, prev);
    peakList = Math.max(peakList, sum(d, 'LIST'));
    peakWatch = Math.max(peakWatch, sum(d, 'WATCH'));
    prev = now;
  }
  const seconds = (performance.now() - started) / 1000;
  const d = delta(prev, before);
  return [
    `rollout of all ${nodes} agents, start jitter ${jitterMs / 1000} s: every agent listed after ${seconds.toFixed(1)} s`,
    `    requests: ${show(d)}`,
    `    LIST ${sum(d, 'LIST')}, WATCH ${sum(d, 'WATCH')} in ${seconds.toFixed(0)} s: ${Math.round((sum(d, 'LIST') / seconds) * 60)} LIST/min, ${Math.round((sum(d, 'WATCH') / seconds) * 60)} WATCH/min; peak second: ${peakList} LIST, ${peakWatch} WATCH`,
  ].join('\n');
}

/** The exporter's own TCP connections to a port (ss): with agents, none should go to ztunnel's 15020. */
function connectionsTo(pid: number, port: number): number {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`pid=${pid},`)).length;
}

async function measure(nodes: number): Promise<void> {
  const t0 = performance.now();
  const lab = await startLab({ nodes, syncIntervalMs: 0, nodeMetricsPortsClosed: true, extraObjects: (n) => agentPodObjects(n) });
  const labSeconds = (performance.now() - t0) / 1000;
  const sim = await simulatedNodes(lab, nodes);
  const agents = await AgentProcesses.start(sim, lab);
  console.log(`${nodes} nodes: lab ready in ${labSeconds.toFixed(1)} s, agents' data in ${((performance.now() - t0) / 1000 - labSeconds).toFixed(1)} s; ${sim.reduce((a, n) => a + (n.plan?.targets.length ?? 0), 0) / nodes} targets per node (K ${K})`);

  const flags = flagsOpt.at.length ? flagsOpt.value.split(/\s+/).filter(Boolean) : imageNodeFlags();
  console.log(`  the exporter's node flags: ${flags.join(' ') || '(none)'}`);
  const beforeExporter = await apiCounts(lab);
  const exporter = spawn(process.execPath, [...flags, ...deploymentCommand(lab.kubeconfigPath, lab.istiodNode)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await servingUrl(exporter);
    exporter.stdout.resume();
    const metrics = async () => (await fetch(`${url}/metrics`).catch(() => undefined))?.text();
    const lastRound = (body: string | undefined) => Number(/^ambient_exporter_last_refresh_timestamp_seconds (\S+)$/m.exec(body ?? '')?.[1] ?? 0);
    let last = 0;
    const firstDeadline = Date.now() + 5 * 60_000;
    while (last === 0) {
      if (Date.now() > firstDeadline) throw new Error('no first round in 5 min');
      await sleep(500);
      last = lastRound(await metrics());
    }
    const own = delta(await apiCounts(lab), beforeExporter);
    console.log(`  the exporter alone, start-up to its first round: ${show(own)}`);

    const agentsStarted = await apiCounts(lab);
    const startT = performance.now();
    await agents.start(JITTER_MS);
    const syncSeconds = await untilSynced(agents, nodes, 10 * 60_000);
    console.log(`  agents' first start (jitter ${JITTER_MS / 1000} s): every agent listed after ${syncSeconds.toFixed(1)} s; requests: ${show(delta(await apiCounts(lab), agentsStarted))}`);
    // let the exporter finish a round with every agent serving before measuring
    await sleep(Math.max(0, JITTER_MS + 1000 - (performance.now() - startT)));

    const rows: { duration: number; cpu: number; rss: number; bytes: number; series: number }[] = [];
    let cpu = procCpuSeconds(exporter.pid!);
    let steadyFrom: Counts | undefined;
    let steadyAt = 0;
    let skip = 1; // the round running while the agents came up
    while (rows.length < ROUNDS) {
      if (exporter.exitCode !== null) throw new Error(`the exporter exited with ${exporter.exitCode}`);
      // Rounds start every interval, so the next one ends about an interval after the last ended.
      // Ask no sooner, and then every 2 s: at 5,000 nodes rendering /metrics (110,000 series)
      // costs the exporter a second of CPU, which polling would add to every round.
      await sleep(Math.max(2000, last * 1000 + REFRESH_MS + 1000 - Date.now()));
      const body = await metrics();
      const at = lastRound(body);
      if (!body || at === last) continue;
      last = at;
      const cpuNow = procCpuSeconds(exporter.pid!);
      if (skip-- > 0) {
        cpu = cpuNow;
        steadyFrom = await apiCounts(lab);
        steadyAt = performance.now();
        continue;
      }
      const series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      rows.push({ duration: Number(/^ambient_exporter_refresh_duration_seconds (\S+)$/m.exec(body)?.[1]), cpu: cpuNow - cpu, rss: procStatusKiB(exporter.pid!, 'VmRSS') / 1024, bytes: body.length, series });
      cpu = cpuNow;
    }
    const steadyNow = await apiCounts(lab);
    const minutes = (performance.now() - steadyAt) / 60_000;
    const steady = delta(steadyNow, steadyFrom!);
    const open = delta(steadyNow, new Map(), (k) => k.startsWith('open '));
    const lastBody = (await metrics()) ?? '';
    const agentsUp = (lastBody.match(/^ambient_exporter_scrape_up\{[^}]*component="agent"[^}]*\} 1$/gm) ?? []).length;
    const hwm = procStatusKiB(exporter.pid!, 'VmHWM') / 1024;
    const series = rows.at(-1)!.series;
    console.log(`  exporter, ${rows.length} rounds at steady state (refresh ${REFRESH_MS / 1000} s, ${agentsUp} agents read):`);
    console.log(`    round duration, median (max): ${median(rows.map((r) => r.duration)).toFixed(2)} s (${Math.max(...rows.map((r) => r.duration)).toFixed(2)} s)`);
    console.log(`    CPU per round, median (max):  ${median(rows.map((r) => r.cpu)).toFixed(2)} s (${Math.max(...rows.map((r) => r.cpu)).toFixed(2)} s)`);
    console.log(`    RSS, median; peak (VmHWM):    ${median(rows.map((r) => r.rss)).toFixed(0)} MiB; ${hwm.toFixed(0)} MiB`);
    console.log(`    /metrics:                     ${(rows.at(-1)!.bytes / 1024).toFixed(0)} KiB, ${series} series (${(series / nodes).toFixed(1)} per node)`);
    console.log(`    its connections to :15020 (ztunnel metrics): ${connectionsTo(exporter.pid!, 15020)}; to :${AGENT_PORT} (agents): ${connectionsTo(exporter.pid!, AGENT_PORT)}`);
    console.log(`  API at steady state, over ${minutes.toFixed(1)} min: ${show(steady, 1 / minutes)} per minute`);
    console.log(`    watches open: ${show(open)} (agents: ${nodes} each of nodes and pods)`);
    console.log(`  ${await rollout(lab, agents, nodes, 0)}`);
    await sleep(REFRESH_MS);
    console.log(`  ${await rollout(lab, agents, nodes, JITTER_MS)}`);
    console.log(`  exporter peak RSS (VmHWM) over the whole run: ${(procStatusKiB(exporter.pid!, 'VmHWM') / 1024).toFixed(0)} MiB; CPU ${procCpuSeconds(exporter.pid!).toFixed(1)} s in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await stop(exporter);
    await agents.close();
    await lab.close();
  }
}

for (const n of SIZES) await measure(n);
