// The exporter against the lab, one scenario per fault of the contract: each is detected with the
// right root cause on the right nodes or namespaces, healthy shows nothing, and clearing a fault
// clears it within one refresh once the watch has seen the change.
import { expect } from 'chai';
import { loadConfig } from '../../src/cli-flags.js';
import { startLab, type Lab } from 'ambient-lab';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { getText, waitFor } from '../support/http.js';

interface Expectation {
  fault: string;
  nodes: string[]; // node issue cause
  namespaces: string[]; // namespace cause
}

/** The root-cause series as sorted "where issue cause" strings, plus the at-a-glance counts. */
function rootCauses(body: string): { findings: string[]; affected: Record<string, number> } {
  const findings: string[] = [];
  const affected: Record<string, number> = {};
  for (const line of body.split('\n')) {
    let m = /^ambient_node_issue\{node="([^"]+)",issue="([^"]+)",cause="([^"]+)"\} 1$/.exec(line);
    if (m) findings.push(`${m[1]} ${m[2]} ${m[3]}`);
    m = /^ambient_namespace_issue\{namespace="([^"]+)",issue="[^"]+",cause="([^"]+)"\} 1$/.exec(line);
    if (m) findings.push(`${m[1]} ${m[2]}`);
    m = /^ambient_issue_affected\{issue="([^"]+)"\} (\d+)$/.exec(line);
    if (m) affected[m[1]!] = Number(m[2]);
  }
  return { findings: findings.sort(), affected };
}

describe('exporter against the lab: every fault', function () {
  this.timeout(60_000);
  let lab: Lab;
  let exporter: Exporter;
  let expectations: Expectation[];

  before(async () => {
    lab = await startLab({ nodes: 3 });
    const [n0, n1, n2] = lab.nodes as [string, string, string];
    expect(lab.istiodNode).to.equal(n0);
    expect(lab.faultNode).to.equal(n1);
    exporter = await startServe(
      loadConfig({
        argv: [
          '--kubeconfig', lab.kubeconfigPath,
          '--listen-address', '127.0.0.1:0',
          '--refresh-interval', '1h', // rounds are driven by the test
          '--scrape-timeout', '400ms',
          '--node-name', n0,
          ...lab.enrollment.namespaces.flatMap((ns) => ['--enroll-namespace', ns]),
        ],
      }),
    );
    await exporter.ready();
    const all = (cause: string) => [n0, n1, n2].map((n) => `${n} ztunnel_istiod_connectivity ${cause}`);
    expectations = [
      { fault: 'istiod-port-missing', nodes: all('service_port_missing'), namespaces: [] },
      { fault: 'istiod-unreachable', nodes: all('xds_dial_failed'), namespaces: [] },
      // the exporter runs on n0 and reaches neither other node: one finding, about its own node
      { fault: 'cross-node', nodes: [`${n0} cross_node_network exporter_node_cut_off`], namespaces: [] },
      { fault: 'flannel-down', nodes: [`${n1} cross_node_network flannel_not_ready`], namespaces: [] },
      { fault: 'cni-blocked', nodes: [`${n1} cni_pod_creation_blocked ztunnel_not_connected`], namespaces: [] },
      { fault: 'namespace-unlabeled', nodes: [], namespaces: [] /* filled below */ },
      { fault: 'pods-not-captured', nodes: [], namespaces: [] },
    ];
  });

  after(async () => {
    await exporter?.close();
    await lab?.close();
  });

  /** Refresh until /metrics shows exactly `want` (the watch delivers changes asynchronously). */
  async function expectRootCauses(want: string[]): Promise<ReturnType<typeof rootCauses>> {
    let last: ReturnType<typeof rootCauses> | undefined;
    try {
      return await waitFor(
        `root causes ${JSON.stringify(want)}`,
        async () => {
          await exporter.refreshNow();
          last = rootCauses((await getText(`${exporter.url}/metrics`)).body);
          return JSON.stringify(last.findings) === JSON.stringify([...want].sort()) ? last : undefined;
        },
        15_000,
        0,
      );
    } catch {
      expect(last?.findings).to.deep.equal([...want].sort());
      throw new Error('unreachable');
    }
  }

  it('healthy lab: no issue anywhere, all four issues reported as 0', async () => {
    const { affected } = await expectRootCauses([]);
    expect(affected).to.deep.equal({ ztunnel_istiod_connectivity: 0, cross_node_network: 0, cni_pod_creation_blocked: 0, namespace_not_enrolled: 0 });
  });

  it("healthy lab: istiod's CA expiry, and every ztunnel and istio-cni at istiod's version (istio-cni's from its image)", async () => {
    await exporter.refreshNow();
    const lines = (await getText(`${exporter.url}/metrics`)).body.split('\n');
    const series = (name: string) => lines.filter((l) => l.startsWith(`${name}{`));
    const nowS = Date.now() / 1000;
    const expiry = series('ambient_istiod_cert_expiry_timestamp_seconds').map((l) => [/certificate="([^"]+)"/.exec(l)?.[1], Number(l.split(' ').pop())] as const);
    expect(expiry.map(([c]) => c).sort()).to.deep.equal(['cert_chain', 'root_cert']);
    for (const [c, at] of expiry) expect(at, c).to.be.greaterThan(nowS + 30 * 86_400);
    const skew = series('ambient_data_plane_version_skew');
    expect(skew.filter((l) => l.includes('component="ztunnel"'))).to.have.length(3);
    expect(skew.filter((l) => l.includes('component="istio-cni"'))).to.have.length(3);
    for (const l of skew) {
      expect(l).to.match(/istiod_version="1\.28\.2"/);
      expect(l.endsWith(' 0'), l).to.equal(true);
    }
    expect(series('ambient_cni_info').every((l) => l.includes('version="1.28.2-distroless"'))).to.equal(true);
  });

  for (const fault of ['istiod-port-missing', 'istiod-unreachable', 'cross-node', 'flannel-down', 'cni-blocked', 'namespace-unlabeled', 'pods-not-captured']) {
    it(`${fault}: detected with its root cause, and cleared after the fault is switched off`, async () => {
      await lab.setFaults([{ name: fault as never }]);
      const active = lab.faults()[0]!;
      const e = expectations.find((x) => x.fault === fault)!;
      const want =
        fault === 'namespace-unlabeled' ? [`${active.namespace} label_missing`] : fault === 'pods-not-captured' ? [`${active.namespace} pods_not_captured`] : e.nodes;
      const { affected } = await expectRootCauses(want);
      const issueOf = (w: string) => (w.split(' ').length === 2 ? 'namespace_not_enrolled' : w.split(' ')[1]!);
      for (const issue of Object.keys(affected)) expect(affected[issue], issue).to.equal(want.filter((w) => issueOf(w) === issue).length);

      await lab.setFaults([]);
      await expectRootCauses([]);
    });
  }

  it('API server down: keeps serving, says so in the API and watch gauges, and recovers by itself', async () => {
    const gauges = async () => {
      await exporter.refreshNow();
      const body = (await getText(`${exporter.url}/metrics`)).body;
      const watchUp = body.split('\n').filter((l) => l.startsWith('ambient_exporter_kube_watch_up{')).map((l) => Number(l.split(' ').pop()));
      const apiReady = Number(body.split('\n').find((l) => l.startsWith('ambient_kube_api_ready '))?.split(' ')[1]);
      return { watchUp, apiReady };
    };
    await lab.setApiAvailability('refuse');
    await waitFor('API and watches reported down', async () => {
      const g = await gauges();
      return g.apiReady === 0 && g.watchUp.length === 6 && g.watchUp.every((v) => v === 0) ? g : undefined;
    }, 20_000, 100);
    expect((await getText(`${exporter.url}/healthz`)).status).to.equal(200);
    await lab.setApiAvailability('up');
    await waitFor('API and watches back', async () => {
      const g = await gauges();
      return g.apiReady === 1 && g.watchUp.every((v) => v === 1) ? g : undefined;
    }, 40_000, 200);
    await expectRootCauses([]);
  });
});
