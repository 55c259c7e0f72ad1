import { expect } from 'chai';
import { buildTopology } from '../src/cluster/topology.js';
import { clusterView, RestartLedger } from '../src/cluster/view.js';
import { resolveFaults } from '../src/faults/resolve.js';
import { parseFaults } from '../src/faults/catalog.js';
import { IdSource } from '../src/util/ids.js';

const T0 = Date.UTC(2025, 5, 1);
const topo = buildTopology({ nodes: 3, flannelLayout: 'upstream', ids: new IdSource('test'), startedAt: T0 });
const ctx = { nodes: topo.nodes.map((n) => n.name), namespaces: topo.namespaces.map((n) => n.name), defaultNode: 'lab-node-1' };
const viewOf = (faults: string) => clusterView(topo, resolveFaults(parseFaults(faults), ctx, [], T0), new RestartLedger());

/** node -> compact health string, for whole-cluster comparisons */
function healthTable(faults: string): Record<string, string> {
  const v = viewOf(faults);
  return Object.fromEntries(
    [...v.health].map(([n, h]) => [
      n,
      [h.ztunnelRunning ? (h.ztunnelReady ? 'ready' : `pending(${h.ztunnelPending.join(',')})`) : 'down', h.podNetworkReachable ? 'net' : 'cut', h.flannelReady ? 'flannel' : 'flannel-crash', h.cniZtunnelConnected ? 'cni1' : 'cni0'].join(' '),
    ]),
  );
}

const HEALTHY = 'ready net flannel cni1';
const NO_XDS = 'pending(state manager) net flannel cni1';

describe('lab fault model', () => {
  it('puts istiod on lab-node-0 and defaults node faults to the next node', () => {
    expect(topo.istiodNode).to.equal('lab-node-0');
    expect(resolveFaults(parseFaults('cni-blocked'), ctx, [], T0)[0]).to.include({ node: 'lab-node-1' });
  });

  it('healthy: every ztunnel ready, every node reachable, istio-cni connected', () => {
    expect(healthTable('healthy')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': HEALTHY, 'lab-node-2': HEALTHY });
  });

  it('istiod-port-missing and istiod-unreachable: every ztunnel waits for xDS, nothing else changes', () => {
    for (const f of ['istiod-port-missing', 'istiod-unreachable']) {
      expect(healthTable(f), f).to.deep.equal({ 'lab-node-0': NO_XDS, 'lab-node-1': NO_XDS, 'lab-node-2': NO_XDS });
    }
    expect(viewOf('istiod-port-missing').servicePorts.map((p) => p.port)).to.deep.equal([15010, 443, 15014]);
    expect(viewOf('istiod-unreachable').servicePorts.map((p) => p.port)).to.deep.equal([15010, 15012, 443, 15014]);
  });

  it("cross-node: nodes other than istiod's are cut off and their ztunnels wait for xDS; Flannel stays ready", () => {
    const cut = 'pending(state manager) cut flannel cni1';
    expect(healthTable('cross-node')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': cut, 'lab-node-2': cut });
  });

  it('flannel-down: only the fault node loses Flannel, its pod network and its ztunnel', () => {
    expect(healthTable('flannel-down@lab-node-2')).to.deep.equal({
      'lab-node-0': HEALTHY,
      'lab-node-1': HEALTHY,
      'lab-node-2': 'pending(state manager) cut flannel-crash cni1',
    });
  });

  it('cni-blocked: the fault node has no ztunnel, istio-cni reports it, new ambient pods wait for a sandbox', () => {
    expect(healthTable('cni-blocked')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': 'down net flannel cni0', 'lab-node-2': HEALTHY });
    const late = viewOf('cni-blocked').pods.filter((p) => p.pod.late);
    expect(late.map((p) => [p.pod.namespace, p.pod.node, p.pod.ip, p.look.containers.kind, p.look.annotations['ambient.istio.io/redirection']])).to.deep.equal([
      ['bookinfo', 'lab-node-1', '', 'creating', 'pending'],
      ['shop', 'lab-node-1', '', 'creating', 'pending'],
    ]);
  });

  it('namespace faults change labels and annotations only', () => {
    const unlabeled = viewOf('namespace-unlabeled');
    expect(unlabeled.namespaceLabels.get('shop')).to.not.have.property('istio.io/dataplane-mode');
    expect(unlabeled.pods.filter((p) => p.pod.namespace === 'shop').every((p) => !p.look.annotations['ambient.istio.io/redirection'])).to.equal(true);
    expect(healthTable('namespace-unlabeled')).to.deep.equal(healthTable('healthy'));

    const uncaptured = viewOf('pods-not-captured');
    expect(uncaptured.namespaceLabels.get('payments')).to.include({ 'istio.io/dataplane-mode': 'ambient' });
    expect(uncaptured.pods.filter((p) => p.pod.namespace === 'payments').map((p) => p.look.annotations)).to.deep.equal([{}, {}]);
    expect(uncaptured.pods.filter((p) => p.pod.namespace === 'bookinfo').every((p) => p.look.annotations['ambient.istio.io/redirection'] === 'enabled')).to.equal(true);
  });

  it('a namespace that is not enrolled gets no pending pods under cni-blocked: istio-cni leaves it alone', () => {
    const v = viewOf('cni-blocked,namespace-unlabeled@bookinfo');
    const late = v.pods.filter((p) => p.pod.late);
    expect(late.map((p) => [p.pod.namespace, p.look.containers.kind, p.pod.ip !== ''])).to.deep.equal([
      ['bookinfo', 'running', true],
      ['shop', 'creating', false],
    ]);
  });

  it('is deterministic for a seed', () => {
    const again = buildTopology({ nodes: 3, flannelLayout: 'upstream', ids: new IdSource('test'), startedAt: T0 });
    expect(again.pods.map((p) => [p.name, p.uid, p.ip])).to.deep.equal(topo.pods.map((p) => [p.name, p.uid, p.ip]));
    const other = buildTopology({ nodes: 3, flannelLayout: 'upstream', ids: new IdSource('other'), startedAt: T0 });
    expect(other.pods[0]?.uid).to.not.equal(topo.pods[0]?.uid);
  });
});
