// `ambient-exporter demo` from a source checkout (what `npm run demo` runs): the lab and the exporter
// against it, one banner with both, and Ctrl-C stops the exporter first and then the lab, so nothing
// is logged about the Kubernetes API vanishing and the process exits 0.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { scrapeExposition } from '../support/exposition.js';
import { waitFor } from '../support/wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAST_BANNER_LINE = 'Values refresh every 5 s.';

describe('demo', function () {
  this.timeout(60_000);

  it('prints the lab and exporter banner, serves verdicts, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--nodes', '2', '--fault', 'cni-blocked', '--listen-address', '127.0.0.1:0'], {
      cwd: ROOT,
      env: { ...process.env, KUBECONFIG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await waitFor(async () => stdout.includes(LAST_BANNER_LINE) || (child.exitCode !== null ? Promise.reject(new Error(stderr)) : false), { what: 'the demo banner', timeoutMs: 40_000, intervalMs: 50 });
      const banner = stdout.trimEnd().split('\n');
      expect(banner[0]).to.match(/^ambient lab: 2 node\(s\), Istio 1\.28\.2 \(ztunnel and istio-cni in istio-system, Service istiod\), istiod on lab-node-0, faults: cni-blocked@lab-node-1$/);
      expect(banner.some((l) => l.startsWith('  kubeconfig:'))).to.be.true;
      expect(banner.some((l) => l.startsWith('Switch faults while it runs'))).to.be.true;
      expect(banner.some((l) => l.startsWith('Point the exporter') || l.includes('ambient-exporter serve')), 'the lab-only lines are left out').to.be.false;
      expect(banner.at(-2)).to.equal('Ctrl-C stops the lab.');
      expect(banner.at(-1)).to.equal(LAST_BANNER_LINE);
      const url = /^Exporter: +(http:\/\/127\.0\.0\.1:\d+)\/ +\(status page\)$/.exec(banner.find((l) => l.startsWith('Exporter:')) ?? '')?.[1];
      expect(url, stdout).to.be.a('string');
      const control = /^ {2}control: +(\S+)$/.exec(banner.find((l) => l.startsWith('  control:')) ?? '')?.[1];
      expect(control, stdout).to.be.a('string');

      const metrics = await waitFor(
        async () => {
          const m = await scrapeExposition(`${url}/metrics`);
          return m.value('ambient_issue_affected', { issue: 'cni_pod_creation_blocked' }) === 1 ? m : undefined;
        },
        { what: 'the cni-blocked verdict', timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(metrics.has('ambient_exporter_build_info')).to.equal(true);

      const bannerLength = stdout.length;
      child.kill('SIGINT');
      expect(await exited).to.equal(0);
      expect(stdout.slice(bannerLength), 'nothing logged while stopping').to.equal('');
      expect(stderr).to.equal('');
      await Promise.all(
        [url!, control!].map((u) =>
          fetch(u).then(
            () => expect.fail(`${u} still answers`),
            () => undefined,
          ),
        ),
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
