// Whether this machine can run the lab, decided once per process by trying what the lab needs:
// root, the tools, a network namespace, and veth, bridge and VXLAN links inside it. The answer
// carries one line saying why not, for the test runner to print.
import { execFileSync } from 'node:child_process';
import { newRunTag } from './names.js';

export type Availability = { ok: true } | { ok: false; reason: string };

// setpriv (util-linux) runs the node checks unprivileged inside lab nodes
const TOOLS = ['ip', 'bridge', 'tc', 'sysctl', 'setpriv'];

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer | string; message?: string };
  const text = (e.stderr ? String(e.stderr) : '') || e.message || String(err);
  return text.trim().split('\n')[0] ?? '';
}

function tryCommand(argv: string[]): string | undefined {
  try {
    execFileSync(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 });
    return undefined;
  } catch (err) {
    return firstLine(err);
  }
}

function check(): Availability {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux (this is ${process.platform})` };
  const uid = process.getuid?.();
  if (uid !== 0) return { ok: false, reason: `needs root for network namespaces (running as uid ${uid})` };
  for (const tool of TOOLS) {
    // -V prints the version in iproute2 and procps; ENOENT means the tool is missing
    const err = tryCommand([tool, '-V']);
    if (err?.includes('ENOENT')) return { ok: false, reason: `needs \`${tool}\` (iproute2/procps), not found on PATH` };
  }
  const ns = `${newRunTag()}-preflight`;
  const err0 = tryCommand(['ip', 'netns', 'add', ns]);
  if (err0) return { ok: false, reason: `cannot create a network namespace (ip netns add): ${err0}` };
  try {
    const steps: [string, string[]][] = [
      ['veth', ['ip', '-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']],
      ['bridge', ['ip', '-n', ns, 'link', 'add', 'b0', 'type', 'bridge']],
      ['vxlan', ['ip', '-n', ns, 'link', 'add', 'x0', 'type', 'vxlan', 'id', '1', 'dstport', '8472', 'dev', 'a0', 'nolearning']],
      ['gso_max_segs', ['ip', '-n', ns, 'link', 'set', 'a1', 'gso_max_segs', '1']],
      ['tc ingress qdisc', ['tc', '-n', ns, 'qdisc', 'add', 'dev', 'a0', 'ingress']],
      ['ip -j', ['ip', '-n', ns, '-j', 'link', 'show', 'x0']],
    ];
    for (const [what, argv] of steps) {
      const err = tryCommand(argv);
      if (err) return { ok: false, reason: `kernel or iproute2 lacks ${what}: ${err}` };
    }
    return { ok: true };
  } finally {
    tryCommand(['ip', 'netns', 'del', ns]);
  }
}

let cached: Availability | undefined;

export function netlabAvailability(): Availability {
  cached ??= check();
  return cached;
}
