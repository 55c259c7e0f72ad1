// The command line as an operator meets it: a bad setting stops start-up with one line and exit
// code 2; SIGTERM stops a running exporter cleanly with exit code 0.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getText, waitFor } from '../support/http.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: (sig: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { done, kill: (sig) => child.kill(sig) };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('cli', function () {
  this.timeout(30_000);

  const bad: [string[], RegExp][] = [
    [['serve', '--refresh-interval', 'often'], /^ambient-exporter: config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\): "often" is not a positive duration/],
    [['serve', '--no-kube', '--target', 'envoy:n1=http://127.0.0.1:1/metrics'], /^ambient-exporter: config: targets \(--target, AMBIENT_TARGETS\): target "envoy:n1=.*COMPONENT must be one of/],
    [['serve', '--kubeconfig', '/nonexistent/kubeconfig'], /^ambient-exporter: config: kubeconfig: .*\/nonexistent\/kubeconfig/],
    [['lab', '--fault', 'dns-down'], /^ambient-exporter: faults: unknown fault "dns-down"; known faults: healthy, /],
  ];
  for (const [args, pattern] of bad) {
    it(`exits 2 with one line for: ${args.join(' ')}`, async () => {
      const { code, stderr } = await run(args).done;
      expect(code).to.equal(2);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.match(pattern);
    });
  }

  it('--help lists the commands that exist, diagnose among them, and no agent', async () => {
    const { code, stdout } = await run(['--help']).done;
    expect(code).to.equal(0);
    const commands = [...stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect(commands).to.deep.equal(['serve', 'lab', 'demo', 'diagnose', 'help']);
    const diagnose = await run(['diagnose', '--help']).done;
    expect(diagnose.stdout).to.contain('--output <format>').and.contain('--pre-install').and.contain('exit 0 healthy, 1 problems found, 2 could not check');
    expect(diagnose.stdout, 'serve-only settings are not offered').not.to.contain('--listen-address');
  });

  it('serves until SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const proc = run(['serve', '--no-kube', '--target', 'ztunnel:n1=http://127.0.0.1:1/stats/prometheus', '--listen-address', `127.0.0.1:${port}`, '--refresh-interval', '1s', '--scrape-timeout', '200ms']);
    await waitFor('the exporter to be ready', async () => (await getText(`http://127.0.0.1:${port}/readyz`)).status === 200, 20_000, 100);
    const metrics = await getText(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.body).to.include('ambient_exporter_scrape_up{component="ztunnel",node="n1",pod="127.0.0.1:1"} 0');
    proc.kill('SIGTERM');
    const { code, stdout } = await proc.done;
    expect(code).to.equal(0);
    const logs = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logs.map((l) => l.msg)).to.include.members(['serving', 'shutting down']);
  });
});
