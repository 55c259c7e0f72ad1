// The lab builds what Flannel's VXLAN backend builds, and traffic between pods on two nodes really
// crosses the kernel's VXLAN device.
import { expect } from 'chai';
import { runJson } from '../src/exec.js';
import { OverlayLab, PADDED_BYTES, taggedNames, VXLAN_PORT_TALOS } from '../src/index.js';
import { describeNetlab } from './support/describe-netlab.js';
import { link } from './support/kernel.js';

describeNetlab('netlab: a Flannel VXLAN overlay on the kernel', function () {
  this.timeout(60_000);
  let lab: OverlayLab;
  before(async () => (lab = await OverlayLab.start({ nodes: 3 })));
  after(async () => lab?.stop());

  it('gives every node flannel.1 as Flannel creates it: VNI 1, local public IP, dev eth0, port 8472, nolearning, MTU - 50, its VtepMAC', async () => {
    for (const node of lab.nodes) {
      const dev = await link(node.netns, 'flannel.1');
      expect(dev?.linkinfo?.info_kind, node.name).to.equal('vxlan');
      expect(dev?.linkinfo?.info_data).to.include({ id: 1, local: node.publicIp, link: 'eth0', port: 8472, learning: false });
      expect(dev?.mtu).to.equal(1450);
      expect(dev?.address).to.equal(node.vxlan.mac);
      expect(dev?.flags).to.include('UP');
      const addrs = await runJson<{ addr_info: { local: string; prefixlen: number }[] }[]>(['ip', '-n', node.netns, '-j', '-4', 'addr', 'show', 'dev', 'flannel.1']);
      expect(addrs[0]?.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).to.deep.equal([`${node.subnetIp}/32`]);
    }
  });

  it('programs, for every peer, the FDB entry, the permanent neighbour and the onlink route', async () => {
    for (const node of lab.nodes) {
      const peers = lab.nodes.filter((p) => p !== node);
      const fdb = await runJson<{ mac: string; dst: string; state: string }[]>(['bridge', '-n', node.netns, '-j', 'fdb', 'show', 'dev', 'flannel.1']);
      const neigh = await runJson<{ dst: string; lladdr: string; state: string[] }[]>(['ip', '-n', node.netns, '-j', 'neigh', 'show', 'dev', 'flannel.1']);
      const routes = await runJson<{ dst: string; gateway: string; flags: string[] }[]>(['ip', '-n', node.netns, '-j', 'route', 'show', 'dev', 'flannel.1']);
      expect(fdb.map((e) => `${e.mac} ${e.dst} ${e.state}`).sort()).to.deep.equal(peers.map((p) => `${p.vxlan.mac} ${p.publicIp} permanent`).sort());
      expect(neigh.map((e) => `${e.dst} ${e.lladdr} ${e.state.join()}`).sort()).to.deep.equal(peers.map((p) => `${p.subnetIp} ${p.vxlan.mac} PERMANENT`).sort());
      expect(routes.map((e) => `${e.dst} via ${e.gateway} ${e.flags.join()}`).sort()).to.deep.equal(peers.map((p) => `${p.podCidr} via ${p.subnetIp} onlink`).sort());
    }
  });

  it('annotates each node as Flannel does, with the MAC the device really has', async () => {
    const [first] = lab.nodeObjects();
    expect(first?.metadata.annotations).to.deep.equal({
      'flannel.alpha.coreos.com/backend-data': `{"VNI":1,"VtepMAC":"${lab.node('node-1').vxlan.mac}"}`,
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/public-ip': '10.99.0.11',
    });
    expect(first?.spec.podCIDR).to.equal('10.244.1.0/24');
  });

  it('carries pod-to-pod traffic between nodes through flannel.1, padded responses included', async () => {
    const before = (await link(lab.node('node-1').netns, 'flannel.1'))?.stats64?.tx.packets ?? 0;
    const r = await lab.probe(lab.pod('node-1'), lab.pod('node-2'), { bytes: PADDED_BYTES });
    expect(r).to.include({ outcome: 'ok', status: 200, bytes: PADDED_BYTES });
    const after = (await link(lab.node('node-1').netns, 'flannel.1'))?.stats64?.tx.packets ?? 0;
    expect(after - before, 'packets sent through the VXLAN device').to.be.greaterThan(0);
  });

  it('reaches every node over the underlay, host to host, and every pod from every pod', async () => {
    const pairs = lab.nodes.flatMap((a) => lab.nodes.filter((b) => b !== a).map((b) => [a.name, b.name] as const));
    const results = await Promise.all(
      pairs.flatMap(([a, b]) => [lab.probe(lab.host(a), lab.host(b), { bytes: PADDED_BYTES }), lab.probe(lab.pod(a), lab.pod(b))]),
    );
    expect(results.map((r) => r.outcome)).to.deep.equal(results.map(() => 'ok'));
  });

  it('creates only names carrying its run tag in the host namespace', async () => {
    const mine = await taggedNames((n) => n.startsWith(lab.plan.tag));
    expect(mine.netns).to.have.length(lab.nodes.length * 2);
    expect(mine.links.sort()).to.deep.equal([lab.plan.bridge, ...lab.nodes.map((n) => n.switchPort)].sort());
  });
});

describeNetlab('netlab: Talos port', function () {
  this.timeout(60_000);

  it('runs the overlay on UDP 4789 when asked to', async () => {
    const lab = await OverlayLab.start({ nodes: 2, vxlanPort: VXLAN_PORT_TALOS });
    try {
      expect((await link(lab.node('node-1').netns, 'flannel.1'))?.linkinfo?.info_data?.port).to.equal(4789);
      expect((await lab.probe(lab.pod('node-1'), lab.pod('node-2'))).outcome).to.equal('ok');
    } finally {
      await lab.stop();
    }
  });
});

describeNetlab('netlab: IPv6 overlays', function () {
  this.timeout(60_000);

  it('dual stack: flannel.1 and flannel-v6.1 with separate MACs; the kernel caps the IPv6 device at underlay - 70', async () => {
    const lab = await OverlayLab.start({ nodes: 2, ipFamilies: ['ipv4', 'ipv6'] });
    try {
      const node = lab.node('node-1');
      const v6 = await link(node.netns, 'flannel-v6.1');
      expect(v6?.linkinfo?.info_data).to.include({ id: 1, local6: node.v6?.publicIp, link: 'eth0', port: 8472, learning: false });
      expect(v6?.mtu, 'Flannel asks for 1450; VXLAN over IPv6 needs 70 bytes').to.equal(1430);
      expect(v6?.address).to.equal(node.v6?.vxlan.mac).and.not.equal(node.vxlan.mac);
      const routes = await runJson<{ dst: string; gateway: string; flags: string[] }[]>(['ip', '-n', node.netns, '-j', '-6', 'route', 'show', 'dev', 'flannel-v6.1']);
      expect(routes.filter((r) => r.gateway).map((r) => `${r.dst} via ${r.gateway} ${r.flags.join()}`)).to.deep.equal(['fd44:0:0:2::/64 via fd44:0:0:2:: onlink']);
      const [obj] = lab.nodeObjects();
      expect(obj?.metadata.annotations).to.include({ 'flannel.alpha.coreos.com/public-ipv6': 'fd99::b' });
      expect(obj?.spec.podCIDRs).to.deep.equal(['10.244.1.0/24', 'fd44:0:0:1::/64']);
      expect((await lab.probe(lab.pod('node-1'), lab.pod('node-2'))).outcome, 'the IPv4 pod network still crosses flannel.1').to.equal('ok');
    } finally {
      await lab.stop();
    }
  });

  it('IPv6-only: no flannel.1, and the Node objects carry only the IPv6 lease (as Flannel writes them)', async () => {
    const lab = await OverlayLab.start({ nodes: 2, ipFamilies: ['ipv6'] });
    try {
      expect(await link(lab.node('node-1').netns, 'flannel.1')).to.equal(undefined);
      expect(await link(lab.node('node-1').netns, 'flannel-v6.1')).to.not.equal(undefined);
      const annotations = lab.nodeObjects()[0]?.metadata.annotations ?? {};
      expect(Object.keys(annotations).sort()).to.deep.equal([
        'flannel.alpha.coreos.com/backend-type',
        'flannel.alpha.coreos.com/backend-v6-data',
        'flannel.alpha.coreos.com/kube-subnet-manager',
        'flannel.alpha.coreos.com/public-ipv6',
      ]);
    } finally {
      await lab.stop();
    }
  });
});
