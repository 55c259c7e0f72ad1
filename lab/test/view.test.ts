import { expect } from 'chai';
import { istioRelease, type IstioMinor } from '../src/cluster/release.js';
import { buildTopology, type Topology } from '../src/cluster/topology.js';
import { clusterView, RestartLedger, type ClusterView } from '../src/cluster/view.js';
import { effectsOf } from '../src/faults/effects.js';
import { resolveFaults } from '../src/faults/resolve.js';
import { parseFaults } from '../src/faults/catalog.js';
import { ClusterRuntime } from '../src/runtime/cluster.js';
import { IdSource } from '../src/util/ids.js';

const T0 = Date.UTC(2025, 5, 1);
const SECOND = 1000;

function topology(minor: IstioMinor = '1.28'): Topology {
  return buildTopology({ nodes: 3, ids: new IdSource('test'), startedAt: T0, release: istioRelease(minor) });
}

const topo = topology();
const ctxOf = (t: Topology) => ({
  nodes: t.nodes.map((n) => n.name),
  namespaces: t.namespaces.map((n) => n.name),
  defaultNode: 'lab-node-1',
  istiodNode: t.istiodNode,
  flannel: t.flannel !== undefined,
  istioMinor: t.release.minor,
});

/** A lab's view at `at` (ms after T0) with `faults` active since T0. */
function viewAt(faults: string, at = 0, t = topo): ClusterView {
  const rt = new ClusterRuntime(t, T0);
  const active = resolveFaults(parseFaults(faults), ctxOf(t), [], T0);
  rt.apply(effectsOf(active), T0);
  return clusterView(t, active, rt.states(T0 + at), new RestartLedger());
}

/** node -> compact health string, for whole-cluster comparisons */
function healthTable(faults: string, at = 0): Record<string, string> {
  const v = viewAt(faults, at);
  return Object.fromEntries(
    [...v.health].map(([n, h]) => [
      n,
      [
        h.ztunnelRunning ? (h.ztunnelPending.length ? `pending(${h.ztunnelPending.join(',')})` : 'ready') : 'down',
        h.ztunnelPodReady ? 'Ready' : 'NotReady',
        h.xdsConnected ? 'xds' : 'no-xds',
        h.podNetworkReachable ? 'net' : 'cut',
        h.flannelReady ? 'flannel' : 'flannel-crash',
        `cni${h.cniZtunnelConnected ?? '-'}`,
      ].join(' '),
    ]),
  );
}

const HEALTHY = 'ready Ready xds net flannel cni1';
/** a ztunnel that synced before stays Ready when it loses istiod (`state manager` is one-shot) */
const LOST_XDS = 'ready Ready no-xds net flannel cni1';

describe('lab fault model', () => {
  it('puts istiod on lab-node-0 and defaults node faults to the next node (node-cut-off to istiod’s)', () => {
    expect(topo.istiodNode).to.equal('lab-node-0');
    expect(resolveFaults(parseFaults('cni-blocked'), ctxOf(topo), [], T0)[0]).to.include({ node: 'lab-node-1' });
    expect(resolveFaults(parseFaults('node-cut-off'), ctxOf(topo), [], T0)[0]).to.include({ node: 'lab-node-0' });
    expect(resolveFaults(parseFaults('cni-refusing'), ctxOf(topo), [], T0)[0]).to.include({ node: 'lab-node-1', reason: 'not-retryable' });
  });

  it('healthy: every ztunnel ready, every node reachable, istio-cni connected', () => {
    expect(healthTable('healthy')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': HEALTHY, 'lab-node-2': HEALTHY });
  });

  it('istiod-port-missing and istiod-unreachable: running ztunnels lose xDS and stay Ready', () => {
    for (const f of ['istiod-port-missing', 'istiod-unreachable']) {
      expect(healthTable(f, 60 * SECOND), f).to.deep.equal({ 'lab-node-0': LOST_XDS, 'lab-node-1': LOST_XDS, 'lab-node-2': LOST_XDS });
    }
    expect(viewAt('istiod-port-missing').servicePorts.map((p) => p.port)).to.deep.equal([15010, 443, 15014]);
    expect(viewAt('istiod-unreachable').servicePorts.map((p) => p.port)).to.deep.equal([15010, 15012, 443, 15014]);
  });

  it("cross-node: nodes other than istiod's are cut off; their ztunnels lose xDS and stay Ready, Flannel stays ready", () => {
    const cut = 'ready Ready no-xds cut flannel cni1';
    expect(healthTable('cross-node')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': cut, 'lab-node-2': cut });
  });

  it('flannel-down: the fault node loses Flannel and its pod network; its running ztunnel stays Ready', () => {
    expect(healthTable('flannel-down@lab-node-2')).to.deep.equal({
      'lab-node-0': HEALTHY,
      'lab-node-1': HEALTHY,
      'lab-node-2': 'ready Ready no-xds cut flannel-crash cni1',
    });
  });

  it('flannel-crash-loop: Flannel not ready, the datapath still forwards', () => {
    expect(healthTable('flannel-crash-loop@lab-node-2')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': HEALTHY, 'lab-node-2': 'ready Ready xds net flannel-crash cni1' });
  });

  it("node-cut-off on istiod's node: every other node is cut off from it, all pods stay Ready", () => {
    const cut = 'ready Ready no-xds cut flannel cni1';
    expect(healthTable('node-cut-off')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': cut, 'lab-node-2': cut });
  });

  it('cni-blocked: the fault node has no ztunnel, istio-cni records the disconnect, a rollout waits for its sandbox', () => {
    expect(healthTable('cni-blocked')).to.deep.equal({ 'lab-node-0': HEALTHY, 'lab-node-1': 'down NotReady no-xds net flannel cni0', 'lab-node-2': HEALTHY });
    const late = viewAt('cni-blocked').pods.filter((p) => p.pod.late);
    expect(late.map((p) => [p.pod.namespace, p.pod.node, p.look.containers.kind, p.look.annotations['ambient.istio.io/redirection'], p.sandboxFailures?.map((f) => f.reason)])).to.deep.equal([
      ['bookinfo', 'lab-node-1', 'creating', 'pending', ['no-ztunnel-connection']],
      ['shop', 'lab-node-1', 'creating', 'pending', ['no-ztunnel-connection']],
      // not enrolled: istio-cni lets it through
      ['legacy', 'lab-node-1', 'running', undefined, undefined],
    ]);
  });

  it('a namespace that is not enrolled gets no pending pods under cni-blocked: istio-cni leaves it alone', () => {
    const late = viewAt('cni-blocked,namespace-unlabeled@bookinfo').pods.filter((p) => p.pod.late);
    expect(late.map((p) => [p.pod.namespace, p.look.containers.kind])).to.deep.equal([
      ['bookinfo', 'running'],
      ['shop', 'creating'],
      ['legacy', 'running'],
    ]);
  });

  it('cni-refusing: Unauthorized refuses every new pod, the agent-side reasons only enrolled ones', () => {
    const kinds = (faults: string) => viewAt(faults).pods.filter((p) => p.pod.late).map((p) => `${p.pod.namespace}:${p.look.containers.kind}:${p.look.annotations['ambient.istio.io/redirection'] ?? '-'}`);
    expect(kinds('cni-refusing:unauthorized')).to.deep.equal(['bookinfo:creating:-', 'shop:creating:-', 'legacy:creating:-']);
    expect(kinds('cni-refusing:not-retryable')).to.deep.equal(['bookinfo:creating:-', 'shop:creating:-', 'legacy:running:-']);
    // ztunnel refused the pod after its rules were in place: pending (1.25+)
    expect(kinds('cni-refusing:ack-error')).to.deep.equal(['bookinfo:creating:pending', 'shop:creating:pending', 'legacy:running:-']);
    expect(healthTable('cni-refusing:not-retryable')['lab-node-1']).to.equal(HEALTHY);
  });

  it('cni-refusing:agent-socket-missing: istio-cni crash-loops, ztunnel loses it and goes NotReady after kubelet’s three failed probes', () => {
    const v = viewAt('cni-refusing:agent-socket-missing', 10 * SECOND);
    const h = v.health.get('lab-node-1')!;
    expect([h.agentListening, h.cniZtunnelConnected, h.ztunnelPending, h.ztunnelPodReady]).to.deep.equal([false, undefined, ['workload proxy manager'], true]);
    expect(v.pods.find((p) => p.pod.role === 'istio-cni' && p.pod.node === 'lab-node-1')?.look.containers.kind).to.equal('crashloop');
    expect(viewAt('cni-refusing:agent-socket-missing', 31 * SECOND).health.get('lab-node-1')?.ztunnelPodReady).to.equal(false);
  });

  it('pods-not-proxied: after the reboot ztunnel holds fewer pods than run enabled on the node; they keep redirection enabled', () => {
    const v = viewAt('pods-not-proxied', 60 * SECOND);
    const h = v.health.get('lab-node-1')!;
    expect([h.ztunnelPending, h.ztunnelHoldsPods, h.cniZtunnelConnected]).to.deep.equal([[], true, 1]);
    const enabled = v.pods.filter((p) => p.pod.node === 'lab-node-1' && p.look.annotations['ambient.istio.io/redirection'] === 'enabled');
    expect(h.lostPods.size).to.be.greaterThan(0);
    expect(h.lostPods.size).to.be.lessThan(enabled.length);
    for (const uid of h.lostPods) expect(enabled.map((p) => p.pod.uid)).to.include(uid);
  });

  it('namespace faults change labels and annotations only', () => {
    const unlabeled = viewAt('namespace-unlabeled');
    expect(unlabeled.namespaceLabels.get('shop')).to.not.have.property('istio.io/dataplane-mode');
    expect(unlabeled.pods.filter((p) => p.pod.namespace === 'shop').every((p) => !p.look.annotations['ambient.istio.io/redirection'])).to.equal(true);
    expect(healthTable('namespace-unlabeled')).to.deep.equal(healthTable('healthy'));

    const uncaptured = viewAt('pods-not-captured');
    expect(uncaptured.namespaceLabels.get('payments')).to.include({ 'istio.io/dataplane-mode': 'ambient' });
    expect(uncaptured.pods.filter((p) => p.pod.namespace === 'payments').map((p) => p.look.annotations)).to.deep.equal([{}, {}]);
    expect(uncaptured.pods.filter((p) => p.pod.namespace === 'bookinfo').every((p) => p.look.annotations['ambient.istio.io/redirection'] === 'enabled')).to.equal(true);
  });

  it('refuses faults that do not fit the lab: Flannel faults on GKE, ipset exist after 1.24, two refusal reasons on a node', () => {
    const gke = buildTopology({ nodes: 3, ids: new IdSource('test'), startedAt: T0, layout: 'gke' });
    expect(() => resolveFaults(parseFaults('flannel-down'), ctxOf(gke), [], T0)).to.throw(/runs no Flannel/);
    expect(() => resolveFaults(parseFaults('cni-refusing:ipset-exist'), ctxOf(topo), [], T0)).to.throw(/Istio 1.24 only/);
    const t124 = topology('1.24');
    expect(resolveFaults(parseFaults('cni-refusing:ipset-exist'), ctxOf(t124), [], T0)).to.have.length(1);
    expect(() => resolveFaults(parseFaults('cni-refusing:unauthorized,cni-refusing:ack-error'), ctxOf(topo), [], T0)).to.throw(/one reason per node/);
  });

  it('on 1.24 stuck pods carry no pending annotation (1.25 added it)', () => {
    const late = viewAt('cni-blocked', 0, topology('1.24')).pods.filter((p) => p.pod.late && p.look.containers.kind === 'creating');
    expect(late).to.have.length(2);
    for (const p of late) expect(p.look.annotations).to.deep.equal({});
  });

  it('is deterministic for a seed', () => {
    const again = buildTopology({ nodes: 3, ids: new IdSource('test'), startedAt: T0 });
    expect(again.pods.map((p) => [p.name, p.uid, p.ip])).to.deep.equal(topo.pods.map((p) => [p.name, p.uid, p.ip]));
    const other = buildTopology({ nodes: 3, ids: new IdSource('other'), startedAt: T0 });
    expect(other.pods[0]?.uid).to.not.equal(topo.pods[0]?.uid);
  });
});
