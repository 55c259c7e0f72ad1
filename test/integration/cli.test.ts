// The command line as an operator meets it: a bad setting stops start-up with one line and exit
// code 2; SIGTERM stops a running exporter cleanly with exit code 0.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FAULT_CATALOG, FAULT_NAMES, startObjectApi } from 'ambient-lab';
import { scrapeExposition } from '../support/exposition.js';
import { getText } from '../support/http.js';
import { startTcpServer, withFreePort, type LocalServer } from '../support/net.js';
import { waitFor } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BAD_SERVER_KUBECONFIG = join(mkdtempSync(join(tmpdir(), 'cli-test-')), 'kubeconfig');
writeFileSync(
  BAD_SERVER_KUBECONFIG,
  'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "not a url"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
);

function run(
  args: string[],
  as: { uid?: number; gid?: number } = {},
): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill: (sig: NodeJS.Signals) => void; stdout: NodeJS.ReadableStream } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '' }, ...as });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { done, kill: (sig) => child.kill(sig), stdout: child.stdout };
}

type Running = ReturnType<typeof run> & { port: number };

/**
 * Runs a serving command on a free port, waiting for `path` to answer 200; tried again on another
 * port when the process exits first (the port was taken between picking it and binding it).
 */
function serving(args: (port: number) => string[], path: string, what: string): Promise<Running> {
  return withFreePort(async (port) => {
    const proc = run(args(port));
    const exited = proc.done.then(({ code, stderr }) => {
      throw new Error(`exited ${code} before ${what}: ${stderr}`);
    });
    try {
      await Promise.race([waitFor(async () => (await getText(`http://127.0.0.1:${port}${path}`)).status === 200, { what, timeoutMs: 20_000, intervalMs: 100 }), exited]);
    } catch (err) {
      proc.kill('SIGKILL');
      await proc.done;
      throw err;
    }
    return { ...proc, port };
  });
}

describe('cli', function () {
  this.timeout(30_000);

  const bad: [string[], RegExp][] = [
    [['serve', '--refresh-interval', 'often'], /^ambient-exporter: config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\): "often" is not a positive duration/],
    [['serve', '--no-kube', '--target', 'envoy:n1=http://127.0.0.1:1/metrics'], /^ambient-exporter: config: targets \(--target, AMBIENT_TARGETS\): target "envoy:n1=.*COMPONENT must be one of/],
    [['serve', '--kubeconfig', '/nonexistent/kubeconfig'], /^ambient-exporter: config: kubeconfig: .*\/nonexistent\/kubeconfig/],
    [['lab', '--fault', 'dns-down'], /^ambient-exporter: faults: unknown fault "dns-down"; known faults: healthy, /],
    [['agent'], /^ambient-exporter: config: nodeName \(--node-name, AMBIENT_NODE_NAME\): is required/],
    [['agent', '--node-name', 'w1', '--vxlan-port', '0'], /^ambient-exporter: config: vxlanPort \(--vxlan-port, AMBIENT_VXLAN_PORT\): /],
    [['agent', '--node-name', 'w1', '--kubeconfig', '/nonexistent/kubeconfig'], /^ambient-exporter: config: kubeconfig: .*\/nonexistent\/kubeconfig/],
    [['serve', '--refresh-interval', '10000h'], /^ambient-exporter: config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\): "10000h" is longer than 24h/],
    [['serve', '--kubeconfig', BAD_SERVER_KUBECONFIG], /^ambient-exporter: config: kubeconfig: kubeconfig .* \(--kubeconfig\): cluster "c" has server not a url, which is not an http:\/\/ or https:\/\/ URL$/],
    [['lab', '--istio-version', '1.99'], /^ambient-exporter: istioVersion: the lab simulates Istio 1\.24, 1\.28, 1\.30, got "1\.99"$/],
    [['lab', '--layout', 'eks'], /^ambient-exporter: layout: expected one of upstream, talos, gke, got "eks"$/],
    [['lab', '--fault', 'cni-refusing:ipset-exist'], /^ambient-exporter: fault "cni-refusing": reason "ipset-exist" happens on Istio 1\.24 only .*this lab runs 1\.28$/],
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

  describe('a listen address that cannot be used', () => {
    let taken: LocalServer;
    let takenPort: number;
    before(async () => {
      taken = await startTcpServer(() => undefined);
      takenPort = taken.port;
    });
    after(() => taken.close());

    const KEY = /^ambient-exporter: config: listenAddress \(--listen-address, AMBIENT_LISTEN_ADDRESS\): /;
    const STATIC = ['--no-kube', '--target', 'ztunnel:n1=http://127.0.0.1:1/stats/prometheus'];
    const cases: [string, () => string[], RegExp][] = [
      ['in use', () => ['serve', ...STATIC, '--listen-address', `127.0.0.1:${takenPort}`], /127\.0\.0\.1:\d+ is already in use/],
      ['a port above 65535', () => ['serve', ...STATIC, '--listen-address', '127.0.0.1:70000'], /port 70000 is not between 0 and 65535/],
      ['a host that does not resolve', () => ['serve', ...STATIC, '--listen-address', 'no-such-host.invalid:9479'], /host no-such-host\.invalid does not resolve/],
      ['an address of another machine', () => ['serve', ...STATIC, '--listen-address', '192.0.2.1:9479'], /192\.0\.2\.1 is not an address of this machine/],
      ['in use, for demo', () => ['demo', '--nodes', '1', '--listen-address', `127.0.0.1:${takenPort}`], /127\.0\.0\.1:\d+ is already in use/],
    ];
    for (const [name, args, pattern] of cases) {
      it(`exits 2 with one line naming the key: ${name}`, async () => {
        const { code, stderr } = await run(args()).done;
        const lines = stderr.trim().split('\n');
        expect(lines, stderr).to.have.length(1);
        expect(lines[0]).to.match(KEY).and.to.match(pattern);
        expect(code).to.equal(2);
      });
    }

    it('exits 2 with one line naming the key: a privileged port without the privilege', async function () {
      const unprivilegedFrom = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
      const root = process.getuid?.() === 0;
      if (unprivilegedFrom <= 80 || (!root && process.getuid === undefined)) this.skip(); // this kernel lets anyone bind port 80
      // As root, run as nobody (65534), as the image runs as a non-root user.
      const { code, stderr } = await run(['serve', ...STATIC, '--listen-address', '127.0.0.1:80'], root ? { uid: 65534, gid: 65534 } : {}).done;
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.match(KEY).and.to.match(/no permission to listen on 127\.0\.0\.1:80/);
      expect(code).to.equal(2);
    });
  });

  for (const command of ['lab', 'demo']) {
    it(`${command} --help lists every lab fault with its target${command === 'demo' ? ', and where the exporter listens' : ''}`, async () => {
      const { code, stdout } = await run([command, '--help']).done;
      expect(code).to.equal(0);
      const help = stdout.replace(/\s+/g, ' ');
      const target = { none: '', cluster: '', node: '[@NODE]', namespace: '[@NAMESPACE]' } as const;
      for (const name of FAULT_NAMES) expect(help, name).to.match(new RegExp(`[ :,]${name}${target[FAULT_CATALOG[name].scope].replace(/[[\]]/g, '\\$&')}[,( ]`));
      if (command === 'demo') expect(help).to.contain('--listen-address <host:port> where the exporter listens (status page on /, metrics on /metrics) (default: "127.0.0.1:9479")');
    });
  }

  it("the README's table of the demo's flags names every flag of demo --help, with its default", async () => {
    const { stdout } = await run(['demo', '--help']).done;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const options = [...stdout.replace(/\s+/g, ' ').matchAll(/(--[a-z-]+) <[^>]+> .*?\(default: "([^"]*)"\)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(options.map(([flag]) => flag)).to.deep.equal(['--nodes', '--fault', '--listen-address']);
    for (const [flag, def] of options) expect(readme, flag).to.match(new RegExp(`\\| \`${flag} [^|]*\` \\| \`${def}\` \\|`));
  });

  it('lab takes the Istio version, layout, address family and revision, says so, and stops on SIGINT', async () => {
    const proc = run(['lab', '--nodes', '2', '--istio-version', '1.30', '--layout', 'gke', '--ip-family', 'ipv6', '--revision', 'canary', '--fault', 'cni-refusing:unauthorized']);
    let out = '';
    const banner = new Promise<string>((resolve) => {
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C stops the lab.')) resolve(out);
      });
    });
    expect((await banner).split('\n')[0]).to.equal(
      'ambient lab: 2 node(s), Istio 1.30.2 (ztunnel and istio-cni in kube-system, Service istiod-canary), istiod on lab-node-0, faults: cni-refusing:unauthorized@lab-node-1',
    );
    proc.kill('SIGINT');
    expect((await proc.done).code).to.equal(0);
  });

  it('--help lists the commands that exist, agent and diagnose among them', async () => {
    const { code, stdout } = await run(['--help']).done;
    expect(code).to.equal(0);
    const commands = [...stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
    expect(commands).to.deep.equal(['serve', 'lab', 'demo', 'agent', 'diagnose', 'help']);
    const agent = await run(['agent', '--help']).done;
    expect(agent.stdout).to.contain('--node-name <NODE>').and.contain('--scrape-sample-limit <N>').and.contain('--vxlan-port <PORT>');
    const diagnose = await run(['diagnose', '--help']).done;
    expect(diagnose.stdout).to.contain('--output <format>').and.contain('--pre-install').and.contain('exit 0 healthy, 1 problems found, 2 could not check');
    expect(diagnose.stdout, 'serve-only settings are not offered').not.to.contain('--listen-address');
  });

  it('serves until SIGTERM, then exits 0', async () => {
    const proc = await serving(
      (port) => ['serve', '--no-kube', '--target', 'ztunnel:n1=http://127.0.0.1:1/stats/prometheus', '--listen-address', `127.0.0.1:${port}`, '--refresh-interval', '1s', '--scrape-timeout', '200ms'],
      '/readyz',
      'the exporter to be ready',
    );
    const metrics = await scrapeExposition(`http://127.0.0.1:${proc.port}/metrics`);
    expect(metrics.lines('ambient_exporter_scrape_up')).to.deep.equal(['ambient_exporter_scrape_up{component="ztunnel",node="n1",pod="127.0.0.1:1"} 0']);
    proc.kill('SIGTERM');
    const { code, stdout } = await proc.done;
    expect(code).to.equal(0);
    const logs = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(logs.map((l) => l.msg)).to.include.members(['serving', 'shutting down']);
  });

  it('SIGTERM during a round on a hanging target, with a client trickling its headers, exits 0 within seconds', async () => {
    // A target that accepts and never answers, scraped with a 25 s timeout: the round in progress
    // would hold shutdown for 25 s, the slow client for Node's 60 s header timeout.
    const hanging = await startTcpServer(() => undefined);
    const proc = await serving(
      (port) => ['serve', '--no-kube', '--target', `ztunnel:n1=${hanging.url('/stats/prometheus')}`, '--listen-address', `127.0.0.1:${port}`, '--refresh-interval', '30s', '--scrape-timeout', '25s'],
      '/healthz',
      'the exporter to listen',
    );
    let trickle: NodeJS.Timeout | undefined;
    const slow = new Socket();
    try {
      await waitFor(() => hanging.connections() > 0, { what: 'the first round to dial the hanging target' }); // the round is now waiting on it
      await new Promise<void>((r) => slow.connect(proc.port, '127.0.0.1', r));
      slow.on('error', () => undefined); // the exporter cuts it: that is the point
      slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
      trickle = setInterval(() => slow.write('X'), 500);
      const signalledAt = Date.now();
      proc.kill('SIGTERM');
      const { code, stdout } = await proc.done;
      const tookMs = Date.now() - signalledAt;
      expect(code, stdout).to.equal(0); // 1 would mean the 10 s deadline had to force it
      expect(tookMs, 'well before the 25 s scrape timeout and the 30 s termination grace period').to.be.below(10_000);
    } finally {
      clearInterval(trickle);
      slow.destroy();
      await hanging.close();
    }
  });

  it('agent: serves its summary until SIGTERM, then exits 0', async () => {
    const api = await startObjectApi({ objects: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1', uid: 'u', creationTimestamp: '2026-01-01T00:00:00Z' } }] });
    try {
      const proc = await serving(
        (port) => ['agent', '--node-name', 'w1', '--kubeconfig', api.kubeconfigPath, '--listen-address', `127.0.0.1:${port}`, '--refresh-interval', '1s', '--scrape-timeout', '200ms', '--start-jitter', '0s'],
        '/readyz',
        'the agent to be ready',
      );
      const summary = JSON.parse((await getText(`http://127.0.0.1:${proc.port}/summary`)).body) as { node: string; schemaVersion: number; checks: unknown[] };
      expect(summary).to.deep.include({ node: 'w1', schemaVersion: 1 });
      expect(summary.checks).to.not.be.empty;
      proc.kill('SIGTERM');
      const { code, stdout } = await proc.done;
      expect(code).to.equal(0);
      expect(stdout.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg)).to.include.members(['agent serving', 'shutting down']);
    } finally {
      await api.close();
    }
  });
});
