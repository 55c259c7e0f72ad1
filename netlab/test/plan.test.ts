// The lab's layout and Flannel's command lines, without touching the kernel (runs anywhere).
import { expect } from 'chai';
import { peerCommands, vxlanDeviceCommands } from '../src/flannel.js';
import { newRunTag, ownerPid } from '../src/names.js';
import { planLab, randomVtepMac } from '../src/plan.js';

describe('netlab: plan and names', () => {
  it('run tags carry the owning pid, so the sweeper can tell a dead run from a live one', () => {
    const tag = newRunTag(4_194_303);
    expect(tag).to.match(/^nlab[0-9a-z]{5}[0-9a-z]{2}$/);
    expect(ownerPid(`${tag}-node-1-pod-1`)).to.equal(4_194_303);
    expect(ownerPid('eth0')).to.equal(undefined);
    expect(ownerPid('nlab')).to.equal(undefined);
  });

  it('lays out nodes as Flannel leases them: 10.244.<i>.0/24, the subnet address on flannel.1, cni0 at .1, pods from .2', () => {
    const plan = planLab('nlab0000a00', '/tmp', { nodes: 2, podsPerNode: 2 }, () => '02:00:00:00:00:01');
    const [n1] = plan.nodes;
    expect(n1).to.deep.include({ name: 'node-1', publicIp: '10.99.0.11', podCidr: '10.244.1.0/24', subnetIp: '10.244.1.0', gatewayIp: '10.244.1.1', underlayMtu: 1500 });
    expect(n1?.vxlan).to.deep.equal({ name: 'flannel.1', vni: 1, port: 8472, mtu: 1450, mac: '02:00:00:00:00:01' });
    expect(n1?.pods.map((p) => p.ip)).to.deep.equal(['10.244.1.2', '10.244.1.3']);
  });

  it('plans the IPv6 overlay beside (dual stack) or instead of (IPv6-only) the IPv4 one', () => {
    const dual = planLab('nlab0000a00', '/tmp', { nodes: 2, ipFamilies: ['ipv6', 'ipv4'] }, () => '02:00:00:00:00:02');
    const [n1] = dual.nodes;
    expect(n1?.families).to.deep.equal(['ipv4', 'ipv6']);
    expect(n1?.v6).to.deep.equal({
      publicIp: 'fd99::b',
      podCidr: 'fd44:0:0:1::/64',
      subnetIp: 'fd44:0:0:1::',
      vxlan: { name: 'flannel-v6.1', vni: 1, port: 8472, mtu: 1450, mac: '02:00:00:00:00:02' },
    });
    expect(planLab('t', '/tmp', { nodes: 1, ipFamilies: ['ipv6'] }).nodes[0]?.families).to.deep.equal(['ipv6']);
    expect(() => planLab('t', '/tmp', { ipFamilies: [] })).to.throw(/ipFamilies/);
    expect(planLab('t', '/tmp', { hostAddress: true }).hostIp).to.equal('10.99.0.1');
  });

  it('keeps host interface names within the kernel\'s 15 bytes at the largest size', () => {
    const plan = planLab(newRunTag(4_194_303), '/tmp', { nodes: 200 });
    for (const n of plan.nodes) expect(n.switchPort.length).to.be.at.most(15);
    expect(plan.bridge.length).to.be.at.most(15);
  });

  it('rejects sizes it cannot build', () => {
    expect(() => planLab('t', '/tmp', { nodes: 0 })).to.throw(/nodes must be/);
    expect(() => planLab('t', '/tmp', { underlayMtu: 600 })).to.throw(/underlayMtu/);
  });

  it('VtepMACs are locally administered unicast, as flannel generates them', () => {
    for (let i = 0; i < 50; i++) {
      const first = parseInt(randomVtepMac().slice(0, 2), 16);
      expect(first & 0x01, 'unicast').to.equal(0);
      expect(first & 0x02, 'locally administered').to.equal(2);
    }
  });

  it('creates flannel.1 as Flannel does and programs a peer in Flannel\'s order: neighbour, FDB, then the route', () => {
    const plan = planLab('nlab0000a00', '/tmp', { nodes: 2, vxlanPort: 4789 }, () => '02:00:00:00:00:0a');
    const [a, b] = plan.nodes;
    if (!a || !b) throw new Error('two nodes');
    expect(vxlanDeviceCommands(a)[0]?.join(' ')).to.equal(
      `ip -n ${a.netns} link add flannel.1 address 02:00:00:00:00:0a mtu 1450 type vxlan id 1 local 10.99.0.11 dev eth0 dstport 4789 nolearning`,
    );
    expect(peerCommands(a, b).map((c) => c.slice(3).join(' '))).to.deep.equal([
      'neigh replace 10.244.2.0 lladdr 02:00:00:00:00:0a dev flannel.1 nud permanent',
      'fdb replace 02:00:00:00:00:0a dev flannel.1 dst 10.99.0.12 self permanent',
      'route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
    ]);
  });
});
