// The node agent's cost on one node: RSS and CPU per round while it streams a busy ztunnel's body
// (50,000 traffic series, about 48 MB) every round and checks a Flannel device programmed for a
// large cluster. Needs root: the agent runs in a network namespace of its own with a real
// flannel.1 and the FDB, neighbour and route entries of every peer, as on a node.
//   npm run build && npx tsx bench/agent.ts [series] [nodes] [rounds] [interval]
// e.g. `npx tsx bench/agent.ts 50000 1000 8 6s`. The built agent (`node dist/cli.js agent`) is
// measured from /proc: VmRSS after each round, VmHWM (peak) at the end, utime+stime per round.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startObjectApi, type KubeObject } from 'ambient-lab';
import { ztunnelBody } from './ztunnel-body.js';

const SERIES = Number(process.argv[2] ?? 50_000);
const NODES = Number(process.argv[3] ?? 1000);
const ROUNDS = Number(process.argv[4] ?? 8);
const INTERVAL = process.argv[5] ?? '6s';
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

if (process.getuid?.() !== 0) {
  console.log('bench/agent.ts needs root (a network namespace with a real VXLAN device); skipped');
  process.exit(0);
}
if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
  console.log('building dist/ first (npm run build)');
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

const ns = `agbench${process.pid}`;
const hostIf = `agb${process.pid}`.slice(0, 15);
const HOST = '10.98.0.1';
const NODE_IP = '10.98.0.2';
const ZTUNNEL_IP = '10.98.0.3';
const sh = (argv: string[], input?: string) => execFileSync(argv[0]!, argv.slice(1), { input, stdio: ['pipe', 'pipe', 'inherit'] }).toString();
const inNs = (argv: string[], input?: string) => sh(['ip', 'netns', 'exec', ns, ...argv], input);
const mac = (i: number) => `02:00:${[(i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
const peerIp = (i: number) => `10.97.${i >> 8}.${i & 255}`;
const peerCidr = (i: number) => `10.${100 + (i >> 8)}.${i & 255}.0/24`;
const peerSubnet = (i: number) => `10.${100 + (i >> 8)}.${i & 255}.0`;

function setUp(): void {
  sh(['ip', 'netns', 'add', ns]);
  sh(['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  sh(['ip', 'addr', 'add', `${HOST}/24`, 'dev', hostIf]);
  sh(['ip', 'link', 'set', hostIf, 'up']);
  inNs(['ip', 'link', 'set', 'lo', 'up']);
  inNs(['ip', 'addr', 'add', `${NODE_IP}/24`, 'dev', 'eth0']);
  inNs(['ip', 'addr', 'add', `${ZTUNNEL_IP}/24`, 'dev', 'eth0']);
  inNs(['ip', 'link', 'set', 'eth0', 'up']);
  inNs(['ip', 'link', 'add', 'flannel.1', 'address', mac(0), 'mtu', '1450', 'type', 'vxlan', 'id', '1', 'local', NODE_IP, 'dev', 'eth0', 'dstport', '8472', 'nolearning']);
  inNs(['ip', 'addr', 'add', '10.100.0.0/32', 'dev', 'flannel.1']);
  inNs(['ip', 'link', 'set', 'flannel.1', 'up']);
  // every peer's entries, as flanneld programs them (netlab/src/flannel.ts has the upstream order)
  const ipBatch: string[] = [];
  const fdbBatch: string[] = [];
  for (let i = 1; i < NODES; i++) {
    ipBatch.push(`neigh replace ${peerSubnet(i)} lladdr ${mac(i)} dev flannel.1 nud permanent`);
    fdbBatch.push(`fdb replace ${mac(i)} dev flannel.1 dst ${peerIp(i)} self permanent`);
    ipBatch.push(`route replace ${peerCidr(i)} via ${peerSubnet(i)} dev flannel.1 onlink`);
  }
  if (ipBatch.length) inNs(['ip', '-batch', '-'], `${ipBatch.join('\n')}\n`);
  if (fdbBatch.length) inNs(['bridge', '-batch', '-'], `${fdbBatch.join('\n')}\n`);
}

function tearDown(): void {
  for (const argv of [['ip', 'link', 'del', hostIf], ['ip', 'netns', 'del', ns]]) {
    try {
      execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function objects(): KubeObject[] {
  const meta = (name: string, namespace?: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: `uid-${name}`,
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels,
    annotations,
  });
  const nodes: KubeObject[] = Array.from({ length: NODES }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(`node-${i}`, undefined, { 'kubernetes.io/hostname': `node-${i}` }, {
      'flannel.alpha.coreos.com/backend-data': JSON.stringify({ VNI: 1, VtepMAC: mac(i) }),
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/public-ip': i === 0 ? NODE_IP : peerIp(i),
    }),
    spec: { podCIDR: i === 0 ? '10.100.0.0/24' : peerCidr(i), podCIDRs: [i === 0 ? '10.100.0.0/24' : peerCidr(i)] },
    status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: i === 0 ? NODE_IP : peerIp(i) }] },
  }));
  const pod = (name: string, ip: string, labels: Record<string, string>, hostNetwork: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, 'istio-system', labels),
    spec: { nodeName: 'node-0', hostNetwork, containers: [{ name: 'main' }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'main', state: { running: {} } }] },
  });
  return [...nodes, pod('ztunnel-node-0', ZTUNNEL_IP, { app: 'ztunnel' }, false), pod('istio-cni-node-node-0', NODE_IP, { 'k8s-app': 'istio-cni-node' }, true)];
}

function proc(pid: number): { rssMiB: number; hwmMiB: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime, stime (fields 14, 15)
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024, cpuSeconds: ticks / 100 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-bench-'));
  const bodyFile = path.join(dir, 'ztunnel.txt');
  writeFileSync(bodyFile, ztunnelBody(SERIES));
  const bodyMB = readFileSync(bodyFile).length / 1e6;
  writeFileSync(path.join(dir, '10-flannel.conflist'), JSON.stringify({ cniVersion: '0.3.1', name: 'cbr0', plugins: [{ type: 'flannel' }, { type: 'istio-cni' }] }));
  const cniBody = path.join(ROOT, 'test', 'fixtures', 'versions', '1.28', 'istio-cni-connected.txt');
  tearDown();
  setUp();
  const api = await startObjectApi({ host: HOST, objects: objects() });
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(api.kubeconfigPath));
  const standIn = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', path.join(ROOT, 'netlab', 'src', 'stand-in.ts'),
    '--http', `${ZTUNNEL_IP}:15020:/stats/prometheus=${bodyFile}`, '--http', `${NODE_IP}:15014:/metrics=${cniBody}`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => standIn.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const agent = spawn('ip', ['netns', 'exec', ns, process.execPath, path.join(ROOT, 'dist', 'cli.js'), 'agent', '--node-name', 'node-0', '--kubeconfig', kubeconfig,
    '--listen-address', `${NODE_IP}:9480`, '--refresh-interval', INTERVAL, '--cni-conf-dir', dir, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://${NODE_IP}:9480/summary`;
  try {
    const samples: { round: number; duration: number; rssMiB: number; cpuSeconds: number; bytes: number; problems: string[] }[] = [];
    let last = 0;
    while (samples.length < ROUNDS + 1) {
      if (agent.exitCode !== null) throw new Error(`the agent exited with ${agent.exitCode}`);
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(url).catch(() => undefined);
      if (!res?.ok) continue;
      const text = await res.text();
      const s = JSON.parse(text) as { round: { number: number; durationSeconds: number }; checks: { check: string; status: string; reason: string }[] };
      if (s.round.number === last) continue;
      last = s.round.number;
      const p = proc(agent.pid!);
      samples.push({ round: last, duration: s.round.durationSeconds, rssMiB: p.rssMiB, cpuSeconds: p.cpuSeconds, bytes: text.length, problems: s.checks.filter((c) => c.status !== 'ok').map((c) => `${c.check}=${c.reason}`) });
    }
    const end = proc(agent.pid!);
    const steady = samples.slice(1); // the first round includes start-up and the first list
    const cpuPerRound = (steady[steady.length - 1]!.cpuSeconds - samples[0]!.cpuSeconds) / (steady.length);
    console.log(`agent (node dist/cli.js agent), ${NODES} nodes in the API (${NODES - 1} peers programmed on flannel.1), ztunnel body ${SERIES} series = ${bodyMB.toFixed(1)} MB, refresh ${INTERVAL}, ${steady.length} rounds`);
    console.log(`checks not ok:             ${steady[steady.length - 1]!.problems.join(', ') || 'none'}`);
    console.log(`round duration, median:    ${(median(steady.map((x) => x.duration)) * 1000).toFixed(0)} ms`);
    console.log(`CPU per round:             ${(cpuPerRound * 1000).toFixed(0)} ms`);
    console.log(`RSS after a round, median: ${median(steady.map((x) => x.rssMiB)).toFixed(0)} MiB (peak VmHWM ${end.hwmMiB.toFixed(0)} MiB)`);
    console.log(`summary size:              ${(steady[0]!.bytes / 1024).toFixed(1)} KiB`);
  } finally {
    agent.kill('SIGTERM');
    standIn.stdin.end();
    await api.close();
    tearDown();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
