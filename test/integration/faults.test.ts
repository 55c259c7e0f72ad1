// The exporter against the lab, one scenario per fault of the contract: each is detected with the
// right root cause on the right nodes or namespaces, healthy shows nothing, and clearing a fault
// clears it within one refresh once the watch has seen the change.
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import type { Exposition } from '../support/exposition.js';
import { getText } from '../support/http.js';
import { startLabExporter, type LabExporter } from '../support/lab-exporter.js';
import { waitFor } from '../support/wait.js';

interface Expectation {
  fault: string;
  nodes: string[]; // node issue cause
  namespaces: string[]; // namespace cause
}

/** ambient_issue_affected by issue. */
const affectedOf = (m: Exposition): Record<string, number> => Object.fromEntries(m.select('ambient_issue_affected').map((s): [string, number] => [s.labels.issue ?? '', s.value]));

describe('exporter against the lab: every fault', function () {
  this.timeout(60_000);
  let lab: Lab;
  let pair: LabExporter;
  let expectations: Expectation[];

  before(async () => {
    lab = await startLab({ nodes: 3 });
    const [n0, n1, n2] = lab.nodes as [string, string, string];
    expect(lab.istiodNode).to.equal(n0);
    expect(lab.faultNode).to.equal(n1);
    pair = await startLabExporter(lab); // on n0, istiod's node
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
    await pair?.close();
    await lab?.close();
  });

  it('healthy lab: no issue anywhere, all four issues reported as 0', async () => {
    const affected = affectedOf(await pair.expectRootCauses([]));
    expect(affected).to.deep.equal({ ztunnel_istiod_connectivity: 0, cross_node_network: 0, cni_pod_creation_blocked: 0, namespace_not_enrolled: 0 });
  });

  it("healthy lab: istiod's CA expiry, and every ztunnel and istio-cni at istiod's version (istio-cni's from its image)", async () => {
    const m = await pair.metrics();
    const nowS = Date.now() / 1000;
    const expiry = m.select('ambient_istiod_cert_expiry_timestamp_seconds');
    expect(expiry.map((s) => s.labels.certificate).sort()).to.deep.equal(['cert_chain', 'root_cert']);
    for (const s of expiry) expect(s.value, s.labels.certificate).to.be.greaterThan(nowS + 30 * 86_400);
    const skew = m.select('ambient_data_plane_version_skew');
    expect(m.select('ambient_data_plane_version_skew', { component: 'ztunnel' })).to.have.length(3);
    expect(m.select('ambient_data_plane_version_skew', { component: 'istio-cni' })).to.have.length(3);
    for (const s of skew) {
      expect(s.labels.istiod_version, s.labels.pod).to.equal('1.28.2');
      expect(s.value, s.labels.pod).to.equal(0);
    }
    const cni = m.select('ambient_cni_info');
    expect(cni).to.have.length(3);
    expect(cni.every((s) => s.labels.version === '1.28.2-distroless')).to.equal(true);
  });

  for (const fault of ['istiod-port-missing', 'istiod-unreachable', 'cross-node', 'flannel-down', 'cni-blocked', 'namespace-unlabeled', 'pods-not-captured']) {
    it(`${fault}: detected with its root cause, and cleared after the fault is switched off`, async () => {
      await lab.setFaults([{ name: fault as never }]);
      const active = lab.faults()[0]!;
      const e = expectations.find((x) => x.fault === fault)!;
      const want =
        fault === 'namespace-unlabeled' ? [`${active.namespace} label_missing`] : fault === 'pods-not-captured' ? [`${active.namespace} pods_not_captured`] : e.nodes;
      const affected = affectedOf(await pair.expectRootCauses(want));
      const issueOf = (w: string) => (w.split(' ').length === 2 ? 'namespace_not_enrolled' : w.split(' ')[1]!);
      for (const issue of Object.keys(affected)) expect(affected[issue], issue).to.equal(want.filter((w) => issueOf(w) === issue).length);

      await lab.setFaults([]);
      await pair.expectRootCauses([]);
    });
  }

  it('API server down: keeps serving, says so in the API and watch gauges, and recovers by itself', async () => {
    const gauges = async () => {
      const m = await pair.metrics();
      return { watchUp: m.select('ambient_exporter_kube_watch_up').map((s) => s.value), apiReady: m.value('ambient_kube_api_ready') };
    };
    await lab.setApiAvailability('refuse');
    await waitFor(async () => {
      const g = await gauges();
      return g.apiReady === 0 && g.watchUp.length === 6 && g.watchUp.every((v) => v === 0) ? g : undefined;
    }, { what: 'API and watches reported down', timeoutMs: 20_000, intervalMs: 100 });
    expect((await getText(`${pair.exporter.url}/healthz`)).status).to.equal(200);
    await lab.setApiAvailability('up');
    await waitFor(async () => {
      const g = await gauges();
      return g.apiReady === 1 && g.watchUp.every((v) => v === 1) ? g : undefined;
    }, { what: 'API and watches back', timeoutMs: 40_000, intervalMs: 200 });
    await pair.expectRootCauses([]);
  });
});
