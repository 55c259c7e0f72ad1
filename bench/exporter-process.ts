// The built exporter as the Deployment runs it, for the benches that measure it in a process of its
// own (memory.ts, scale.ts): the image's node flags, the Deployment's arguments, its serving URL,
// its memory from /proc, and stopping it.
import { type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The node options the image runs the exporter with: the runtime stage's ENV NODE_OPTIONS (the heap cap). */
export function imageNodeFlags(dockerfile = readFileSync(`${ROOT}/Dockerfile`, 'utf8')): string[] {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const value = runtime.match(/^ENV\s+NODE_OPTIONS=(?:"([^"]*)"|(\S+))\s*$/m);
  return (value?.[1] ?? value?.[2] ?? '').split(/\s+/).filter(Boolean);
}

/** The Deployment's container arguments without the ones the bench sets itself. */
function deploymentArgs(): string[] {
  const manifest = readFileSync(`${ROOT}/manifests/base/deployment.yaml`, 'utf8');
  const block = manifest.slice(manifest.indexOf('args:'), manifest.indexOf('env:'));
  return [...block.matchAll(/^\s+- (.+)$/gm)].map((m) => m[1]!.trim());
}

/** `dist/cli.js` with the Deployment's arguments against a lab: its config file from manifests/base, the lab's kubeconfig, istiod's node as its own, an ephemeral loopback port. */
export function deploymentCommand(kubeconfig: string, nodeName: string): string[] {
  return [
    'dist/cli.js',
    ...deploymentArgs().map((a) => a.replace('/etc/ambient-exporter/config.yaml', `${ROOT}/manifests/base/config.yaml`).replace('$(AMBIENT_NODE_NAME)', nodeName)),
    '--kubeconfig',
    kubeconfig,
    '--listen-address',
    '127.0.0.1:0',
  ];
}

/** The URL the exporter serves on, from its `serving` log line (JSON logs, as the Deployment asks). */
export function servingUrl(exporter: ChildProcess): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    exporter.on('exit', (code) => reject(new Error(`exporter exited (${code}) before serving`)));
    exporter.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'serving' && entry.url) resolve(entry.url);
      }
      out = out.slice(out.lastIndexOf('\n') + 1);
    });
  });
}

export function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) the process has used. */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}
