import { expect } from 'chai';
import { AddressPlan } from '../src/cluster/addresses.js';
import { buildTopology } from '../src/cluster/topology.js';
import { IdSource } from '../src/util/ids.js';

const T0 = Date.UTC(2025, 5, 1);
const build = (nodes: number, flannelLayout: 'upstream' | 'talos' = 'upstream', addressBlock = 0) =>
  buildTopology({ nodes, flannelLayout, ids: new IdSource('t'), startedAt: T0, addressBlock });

describe('lab topology', () => {
  it('runs Flannel as upstream kube-flannel by default, or as Talos does', () => {
    const upstream = build(2).pods.filter((p) => p.role === 'flannel');
    expect(upstream.map((p) => [p.namespace, p.owner.name, p.hostNetwork])).to.deep.equal([
      ['kube-flannel', 'kube-flannel-ds', true],
      ['kube-flannel', 'kube-flannel-ds', true],
    ]);
    expect(upstream[0]?.labels).to.include({ app: 'flannel', 'k8s-app': 'flannel', tier: 'node' });

    const talos = build(2, 'talos');
    const pod = talos.pods.find((p) => p.role === 'flannel');
    expect([pod?.namespace, pod?.owner.name]).to.deep.equal(['kube-system', 'kube-flannel']);
    expect(pod?.labels).to.include({ 'k8s-app': 'flannel', tier: 'node' });
    expect(pod?.labels).to.not.have.property('app');
    expect(talos.namespaces.map((n) => n.name)).to.not.include('kube-flannel');
  });

  it('gives every node and pod its own loopback address inside the plan, at 200 nodes too', () => {
    const t = build(200);
    const podIPs = t.pods.filter((p) => !p.hostNetwork).map((p) => p.ip);
    expect(new Set(podIPs).size).to.equal(podIPs.length);
    expect(new Set(t.nodes.map((n) => n.ip)).size).to.equal(200);
    for (const p of t.pods.filter((x) => !x.hostNetwork)) {
      const node = t.nodeByName.get(p.node)!;
      expect(p.ip.split('.').slice(0, 3).join('.')).to.equal(node.podCidr.split('.').slice(0, 3).join('.'));
    }
    for (const p of t.pods.filter((x) => x.hostNetwork)) expect(p.ip).to.equal(t.nodeByName.get(p.node)!.ip);
    expect(t.nodes[199]?.ip).to.equal('127.10.0.200');
    expect(t.istiodService.clusterIP).to.equal('127.30.0.20');
  });

  it('moves every address with the address block', () => {
    const plan = new AddressPlan(1);
    expect([plan.nodeIP(0), plan.podIP(0, 0), plan.istiodClusterIP]).to.deep.equal(['127.50.0.1', '127.60.0.2', '127.70.0.20']);
    expect(build(1, 'upstream', 5).nodes[0]?.ip).to.equal('127.210.0.1');
    expect(() => new AddressPlan(6)).to.throw(/address block/);
  });

  it('spreads application pods over all nodes and enrolls the three expected namespaces', () => {
    const t = build(8);
    const apps = t.pods.filter((p) => p.role === 'app');
    expect(new Set(apps.map((p) => p.node)).size).to.equal(8);
    const ambient = t.namespaces.filter((n) => n.labels['istio.io/dataplane-mode'] === 'ambient').map((n) => n.name);
    expect(ambient.sort()).to.deep.equal(['bookinfo', 'payments', 'shop']);
    expect(apps[0]?.name).to.match(/^[a-z0-9-]+-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
