import { expect } from 'chai';
import { AddressPlan } from '../src/cluster/addresses.js';
import { nodeObject } from '../src/cluster/objects/node.js';
import { podObject } from '../src/cluster/objects/pod.js';
import { istiodServiceObject, ISTIOD_SERVICE_PORTS } from '../src/cluster/objects/service.js';
import { buildTopology } from '../src/cluster/topology.js';
import type { ClusterLayout } from '../src/cluster/shapes.js';
import { IdSource } from '../src/util/ids.js';

const T0 = Date.UTC(2025, 5, 1);
const build = (nodes: number, layout: ClusterLayout = 'upstream', addressBlock = 0) => buildTopology({ nodes, layout, ids: new IdSource('t'), startedAt: T0, addressBlock });
const RUNNING = { containers: { kind: 'running' as const, ready: true, restarts: 0 }, annotations: {} };

describe('lab topology', () => {
  it('runs Flannel as upstream kube-flannel by default (pod labels app and tier only), or as Talos does', () => {
    const upstream = build(2).pods.filter((p) => p.role === 'flannel');
    expect(upstream.map((p) => [p.namespace, p.owner.name, p.hostNetwork])).to.deep.equal([
      ['kube-flannel', 'kube-flannel-ds', true],
      ['kube-flannel', 'kube-flannel-ds', true],
    ]);
    expect(upstream[0]?.labels).to.include({ app: 'flannel', tier: 'node' });
    expect(upstream[0]?.labels).to.not.have.property('k8s-app');

    const talos = build(2, 'talos');
    const pod = talos.pods.find((p) => p.role === 'flannel');
    expect([pod?.namespace, pod?.owner.name]).to.deep.equal(['kube-system', 'kube-flannel']);
    expect(pod?.labels).to.include({ 'k8s-app': 'flannel', tier: 'node' });
    expect(pod?.labels).to.not.have.property('app');
    expect(talos.namespaces.map((n) => n.name)).to.not.include('kube-flannel');
  });

  it('GKE layout: ztunnel and istio-cni in kube-system, istiod in istio-system, no Flannel pods, namespace or annotations', () => {
    const t = build(2, 'gke');
    expect(t.pods.filter((p) => p.role === 'ztunnel' || p.role === 'istio-cni').map((p) => p.namespace)).to.deep.equal(['kube-system', 'kube-system', 'kube-system', 'kube-system']);
    expect(t.istiodPod.namespace).to.equal('istio-system');
    expect(t.pods.filter((p) => p.role === 'flannel')).to.deep.equal([]);
    expect(t.namespaces.map((n) => n.name)).to.not.include('kube-flannel');
    const annotations = Object.keys(nodeObject(t, t.nodes[0]!).metadata.annotations ?? {});
    expect(annotations.filter((a) => a.startsWith('flannel.'))).to.deep.equal([]);
  });

  it('IPv6-only Flannel writes backend-v6-data and public-ipv6, and neither backend-data nor public-ip', () => {
    const t = buildTopology({ nodes: 1, ids: new IdSource('t'), startedAt: T0, ipFamily: 'ipv6' });
    const a = nodeObject(t, t.nodes[0]!).metadata.annotations ?? {};
    expect(Object.keys(a).filter((k) => k.startsWith('flannel.')).sort()).to.deep.equal([
      'flannel.alpha.coreos.com/backend-type',
      'flannel.alpha.coreos.com/backend-v6-data',
      'flannel.alpha.coreos.com/kube-subnet-manager',
      'flannel.alpha.coreos.com/public-ipv6',
    ]);
    expect(JSON.parse(a['flannel.alpha.coreos.com/backend-v6-data'] ?? '')).to.deep.equal({ VNI: 1, VtepMAC: t.nodes[0]!.vtepMac });
  });

  it('ztunnel pods as the chart writes them: its labels, container istio-proxy with XDS_ADDRESS and CA_ADDRESS naming istiod', () => {
    const t = build(1);
    const z = podObject(t, t.pods.find((p) => p.role === 'ztunnel')!, RUNNING, T0);
    expect(z.metadata.labels).to.include({ app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' });
    const c = (z.spec as { containers: { name: string; env: { name: string; value?: string }[] }[] }).containers[0]!;
    expect(c.name).to.equal('istio-proxy');
    expect(c.env.filter((e) => e.name.endsWith('_ADDRESS'))).to.deep.equal([
      { name: 'CA_ADDRESS', value: 'istiod.istio-system.svc:15012' },
      { name: 'XDS_ADDRESS', value: 'istiod.istio-system.svc:15012' },
    ]);
  });

  it('a revisioned istiod: Service and Deployment istiod-<rev>, selected by revision, named by the ztunnels’ XDS_ADDRESS', () => {
    const t = buildTopology({ nodes: 1, ids: new IdSource('t'), startedAt: T0, revision: 'canary' });
    const svc = istiodServiceObject(t, ISTIOD_SERVICE_PORTS);
    expect(svc.metadata.name).to.equal('istiod-canary');
    expect((svc.spec as { selector: Record<string, string> }).selector).to.deep.equal({ app: 'istiod', 'istio.io/rev': 'canary' });
    expect(t.istiodPod.labels).to.include({ app: 'istiod', 'istio.io/rev': 'canary' });
    expect(t.istiodPod.owner.name).to.match(/^istiod-canary-/);
    const env = t.pods.find((p) => p.role === 'ztunnel')?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'XDS_ADDRESS')).to.deep.equal({ name: 'XDS_ADDRESS', value: 'istiod-canary.istio-system.svc:15012' });
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

  it('gives 5,000 nodes distinct pod CIDRs, none in the Services range or the next block', () => {
    const plan = new AddressPlan(0);
    const cidrs = Array.from({ length: 5000 }, (_, i) => plan.podCidr(i));
    expect(new Set(cidrs).size).to.equal(5000);
    const octets = new Set(cidrs.map((c) => Number(c.split('.')[1])));
    expect(octets.has(30)).to.equal(false);
    expect(Math.min(...octets)).to.equal(20);
    expect(Math.max(...octets)).to.be.below(50);
    expect(plan.podCidr(2559)).to.equal('127.29.255.0/24');
    expect(plan.podCidr(2560)).to.equal('127.31.0.0/24');
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
