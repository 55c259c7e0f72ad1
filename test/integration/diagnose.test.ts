// `ambient-exporter diagnose` against the lab, as an operator runs it: each fault reported in its
// layer with the next command and exit 1, a healthy lab exit 0, an API that cannot be listed one line
// and exit 2; the JSON output for scripts; --pre-install's checks before an install.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLab, type FaultName, type Lab } from 'ambient-lab';
import { loadConfig } from '../../src/cli-flags.js';
import { runDiagnose, type Diagnosis } from '../../src/diagnosis/run.js';
import type { Report, ReportItem } from '../../src/diagnosis/types.js';
import { causeOf } from '../../src/issues/registry.js';
import { labExporterArgv } from '../support/lab-exporter.js';
import { waitFor } from '../support/wait.js';
import { startPolicyApi, type PolicyApi } from '../support/policy-api.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG: '', NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const problems = (r: Report): { section: string; item: ReportItem }[] =>
  r.sections.flatMap((s) => s.checks.flatMap((c) => c.items.filter((i) => i.status === 'problem').map((item) => ({ section: s.id, item }))));

describe('diagnose against the lab', function () {
  this.timeout(90_000);
  let lab: Lab;
  let n0: string;
  let n1: string;
  const args = (): string[] => labExporterArgv(lab);
  const diagnose = (extra: string[] = [], preInstall = false, secondLookMs = 0): Promise<Diagnosis> =>
    runDiagnose(loadConfig({ argv: [...args(), ...extra] }), { output: 'json', preInstall, color: false, listTimeoutMs: 10_000, secondLookMs });

  before(async () => {
    lab = await startLab({ nodes: 3 });
    [n0, n1] = lab.nodes as [string, string];
    expect(lab.istiodNode).to.equal(n0);
    expect(lab.faultNode).to.equal(n1);
  });

  after(async () => {
    await lab?.setApiAvailability('up');
    await lab?.close();
  });

  it('healthy lab: every check passes, exit 0 (the command line)', async () => {
    const { code, stdout, stderr } = await cli(['diagnose', ...args()]);
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^ambient-exporter diagnose · \d{4}-\d\d-\d\dT/);
    // the source document's troubleshooting order
    const headings = lines.filter((l) => /^[A-Z]/.test(l));
    expect(headings.slice(1).map((h) => h.split(':')[0])).to.deep.equal(['Network', 'Control plane', 'Data plane', 'Application']);
    // every check passes, but the node agents' three, which do not apply to a cluster without agents
    const checks = lines.filter((l) => /^ {2}[^ ]/.test(l));
    expect(checks.filter((l) => !l.startsWith('  ✔ '))).to.deep.equal([
      "  – Every node reached by its peers' node agents: pod network, host network, full-size packets: no node agent read (ambient-exporter agent not deployed): not checked",
      "  – Each node's VXLAN device, port, MTU and peer entries, as its node agent sees them: no node agent read (ambient-exporter agent not deployed): not checked",
      "  – istio-cni's plugin in the CNI configuration of every node it runs on (node agents): no node agent reported on a node running istio-cni: not checked",
    ]);
    expect(lines.at(-1)).to.equal('✔ Healthy: every check passed (exit 0)');
  });

  // runbook: the alert that pages after the inhibitions, when not the cause's own (cni-blocked
  // crash-loops the node's ztunnel: AmbientZtunnelNotReady holds the CNI alert back)
  // secondLookMs: istiod-unreachable is the exporter's failed dials confirmed by the ztunnels'
  // failing streams, which takes a second round (the lab's ztunnels count a failed connect every 5 s
  // at first: its 5 s connect timeout, src/runtime/retry-loop.ts)
  const FAULTS: {
    fault: FaultName;
    section: string;
    cause: string;
    where: (n: { n0: string; n1: string }) => ReportItem['where'];
    runbook?: string;
    secondLookMs?: number;
  }[] = [
    { fault: 'istiod-port-missing', section: 'controlPlane', cause: 'service_port_missing', where: () => ({ nodes: ['lab-node-0', 'lab-node-1', 'lab-node-2'] }) },
    { fault: 'istiod-unreachable', section: 'controlPlane', cause: 'xds_dial_failed', where: () => ({ nodes: ['lab-node-0', 'lab-node-1', 'lab-node-2'] }), secondLookMs: 6_000 },
    { fault: 'cross-node', section: 'network', cause: 'exporter_node_cut_off', where: ({ n0: node }) => ({ node }) },
    { fault: 'flannel-down', section: 'network', cause: 'flannel_not_ready', where: ({ n1: node }) => ({ node }) },
    { fault: 'cni-blocked', section: 'dataPlane', cause: 'ztunnel_not_connected', where: ({ n1: node }) => ({ node }), runbook: 'AmbientZtunnelNotReady' },
    { fault: 'namespace-unlabeled', section: 'application', cause: 'label_missing', where: () => ({ namespace: 'shop' }) },
    { fault: 'pods-not-captured', section: 'application', cause: 'pods_not_captured', where: () => ({ namespace: 'payments' }) },
  ];
  for (const f of FAULTS) {
    it(`${f.fault}: one problem in the ${f.section} layer, with evidence, the paging alert's runbook and the next command; exit 1`, async () => {
      await lab.setFaults([{ name: f.fault }]);
      try {
        const active = lab.faults()[0]!;
        const where = f.fault.startsWith('namespace') || f.fault.startsWith('pods') ? { namespace: active.namespace } : f.where({ n0, n1 });
        // the lab's components follow a fault within a moment: diagnose again until they have
        const d = await waitFor(async () => {
          const r = await diagnose([], false, f.secondLookMs);
          return problems(r.report).length === 1 && problems(r.report)[0]!.item.cause === f.cause ? r : undefined;
        }, { what: `${f.fault} reported`, timeoutMs: 40_000, intervalMs: 100 });
        expect(d.exitCode).to.equal(1);
        const [{ section, item }] = problems(d.report) as [{ section: string; item: ReportItem }];
        expect(section).to.equal(f.section);
        expect(item.where).to.deep.equal(where);
        expect(item.runbook).to.equal(f.runbook ?? causeOf(item.issue!, item.cause!)!.pagedBy);
        expect(item.evidence.length).to.be.greaterThan(20);
        expect(item.next.length).to.be.greaterThan(0);
        for (const cmd of item.next) expect(cmd).to.match(/^(kubectl|istioctl|talosctl) /);
        const json = JSON.parse(d.output) as { exitCode: number; verdict: string };
        expect(json).to.include({ exitCode: 1, verdict: 'problems' });
      } finally {
        await lab.setFaults([]);
      }
    });
  }

  it('one fault on the command line: the problem under its layer with its next command, exit 1; --output json the same, for scripts', async () => {
    await lab.setFaults([{ name: 'flannel-down' }]);
    try {
      await waitFor(async () => (await diagnose()).exitCode === 1, { what: 'flannel-down seen', timeoutMs: 20_000, intervalMs: 100 });
      // earlier tests left xDS error counts behind: one round, no second look to wait for
      const text = await cli(['diagnose', ...args(), '--second-look', '0s']);
      expect(text.code).to.equal(1);
      const network = text.stdout.split('\n\n').find((s) => s.startsWith('Network:'))!;
      expect(network).to.contain(`  ✖ Flannel Ready on every node\n      ✖ node ${n1}: flannel_not_ready: Flannel pod kube-flannel/`);
      expect(network).to.match(/next: {4}kubectl -n kube-flannel describe pod kube-flannel-ds-/);
      expect(text.stdout.trimEnd().split('\n').at(-1)).to.match(/^✖ 1 problem found.* \(exit 1\)$/);

      const json = await cli(['diagnose', ...args(), '--second-look', '0s', '--output', 'json']);
      expect(json.code).to.equal(1);
      const doc = JSON.parse(json.stdout) as Report & { kind: string; exitCode: number };
      expect(doc).to.include({ kind: 'AmbientDiagnosis', version: 1, verdict: 'problems', problems: 1, exitCode: 1 });
      expect(doc.sections.map((s) => s.id)).to.deep.equal(['access', 'network', 'controlPlane', 'dataPlane', 'application']);
    } finally {
      await lab.setFaults([]);
    }
  });

  it('ztunnels that counted xDS errors: a second look, said on stderr, judges whether they still grow (here they do not: exit 0)', async () => {
    // istiod unreachable long enough for the running ztunnels to count failed connects, then back
    await lab.setFaults([{ name: 'istiod-unreachable' }]);
    try {
      await waitFor(async () => JSON.stringify((await diagnose()).report).includes('counted xDS connection errors'), { what: 'xDS errors counted', timeoutMs: 20_000, intervalMs: 100 });
    } finally {
      await lab.setFaults([]);
    }
    await waitFor(async () => (await diagnose()).exitCode !== 1, { what: 'istiod back', timeoutMs: 20_000, intervalMs: 100 });
    // one round: the counts cannot be judged, and it says so (exit 2: a check could not be made)
    const once = await cli(['diagnose', ...args(), '--second-look', '0s']);
    expect(once.stdout).to.contain('counted xDS connection errors since it started; one round cannot tell whether its stream fails now');
    expect(once.code).to.equal(2);
    // a second look: the counts no longer grow, the check passes
    const twice = await cli(['diagnose', ...args(), '--second-look', '2s']);
    expect(twice.stderr).to.match(/^ambient-exporter: diagnose: ztunnel on \d nodes? counted xDS connection errors; looking again in 2s to see whether they still grow\n$/);
    expect(twice.stdout).to.not.contain('one round cannot tell');
    expect(twice.code, twice.stdout).to.equal(0);
  });

  it('API unreachable: one line on stderr naming the API, nothing on stdout, exit 2', async () => {
    await lab.setApiAvailability('refuse');
    try {
      const { code, stdout, stderr } = await cli(['diagnose', ...args(), '--list-timeout', '2s']);
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^ambient-exporter: diagnose: could not list the Kubernetes API at ${lab.apiUrl.replaceAll('.', '\\.')} within 2s: .*ECONNREFUSED`));
    } finally {
      await lab.setApiAvailability('up');
    }
  });

  it('a kubeconfig that cannot be used: one line, exit 2', async () => {
    const { code, stdout, stderr } = await cli(['diagnose', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr.trimEnd().split('\n')).to.have.length(1);
    expect(stderr).to.match(/^ambient-exporter: config: kubeconfig: .*\/nonexistent\/kubeconfig/);
  });

  describe('--pre-install', () => {
    let api: PolicyApi;
    before(async () => {
      api = await startPolicyApi(lab.apiUrl, lab.kubeconfigPath);
    });
    after(async () => api?.close());
    const preInstall = (): Promise<Diagnosis> =>
      runDiagnose(loadConfig({ argv: [...args(), '--kubeconfig', api.kubeconfigPath] }), { output: 'text', preInstall: true, color: false, listTimeoutMs: 10_000, secondLookMs: 0 });

    it('healthy: pods reachable on every node, Flannel healthy, no NetworkPolicy in the way; exit 0', async () => {
      api.policies.clear();
      const d = await preInstall();
      expect(d.report.sections.map((s) => s.id)).to.deep.equal(['access', 'network', 'controlPlane']);
      expect(d.output).to.contain('  ✔ Pods on every node reachable over the pod network: pods answered on 3 of 3 nodes');
      expect(d.output).to.contain('  ✔ Flannel Ready on every node');
      expect(d.output).to.contain("  ✔ No NetworkPolicy keeps ztunnel from istiod's port 15012: no NetworkPolicy in istio-system");
      expect(d.exitCode).to.equal(0);
    });

    it('a default-deny NetworkPolicy in istio-system: the problem names it, with the command to read it; exit 1', async () => {
      api.policies.set('istio-system', [{ metadata: { name: 'default-deny', namespace: 'istio-system' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }]);
      const d = await preInstall();
      expect(d.exitCode).to.equal(1);
      const [{ section, item }] = problems(d.report) as [{ section: string; item: ReportItem }];
      expect(section).to.equal('controlPlane');
      expect(item.evidence).to.equal("NetworkPolicy default-deny leaves no way for istiod's ingress to istiod's port 15012 from ztunnel");
      expect(item.next).to.deep.equal(['kubectl -n istio-system get networkpolicy', 'kubectl -n istio-system get networkpolicy default-deny -o yaml']);
    });

    it('Flannel down on a node: the CNI problem once, the silent node explained by it; exit 1', async () => {
      api.policies.clear();
      await lab.setFaults([{ name: 'flannel-down' }]);
      try {
        const d = await waitFor(async () => {
          const r = await preInstall();
          return r.exitCode === 1 ? r : undefined;
        }, { what: 'flannel-down seen', timeoutMs: 20_000, intervalMs: 100 });
        expect(problems(d.report).map((p) => `${p.section} ${p.item.cause}`)).to.deep.equal(['network flannel_not_ready']);
        expect(d.output).to.contain(`explained by cross_node_network flannel_not_ready on this node`);
      } finally {
        await lab.setFaults([]);
      }
    });
  });
});
