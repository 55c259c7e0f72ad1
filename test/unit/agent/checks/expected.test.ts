import { expect } from 'chai';
import { expectedFlannel, expectedOverlays, leaseOf, type NodeObject } from '../../../../src/agent/checks/index.js';

const A = {
  'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"AA:BB:CC:DD:EE:01"}',
  'flannel.alpha.coreos.com/backend-type': 'vxlan',
  'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
  'flannel.alpha.coreos.com/public-ip': '10.0.0.1',
};
const node = (name: string, annotations: Record<string, string>, spec: NodeObject['spec'] = { podCIDR: '10.244.1.0/24' }): NodeObject => ({ metadata: { name, annotations }, spec });

describe('agent checks: expected Flannel state from Node objects', () => {
  const rows: { what: string; node: NodeObject; want: ReturnType<typeof leaseOf> }[] = [
    {
      what: 'a lease as Flannel writes it; the MAC as ip -j prints it (lower case)',
      node: node('a', A),
      want: { node: 'a', family: 'ipv4', vni: 1, vtepMac: 'aa:bb:cc:dd:ee:01', publicIp: '10.0.0.1', podCidr: '10.244.1.0/24', subnetIp: '10.244.1.0' },
    },
    {
      what: 'dual stack: the first IPv4 of podCIDRs',
      node: node('a', A, { podCIDR: 'fd00::/64', podCIDRs: ['fd00::/64', '10.244.7.0/24'] }),
      want: { node: 'a', family: 'ipv4', vni: 1, vtepMac: 'aa:bb:cc:dd:ee:01', publicIp: '10.0.0.1', podCidr: '10.244.7.0/24', subnetIp: '10.244.7.0' },
    },
    {
      what: 'host bits in the CIDR are cleared, as net.ParseCIDR does',
      node: node('a', A, { podCIDR: '10.244.3.9/24' }),
      want: { node: 'a', family: 'ipv4', vni: 1, vtepMac: 'aa:bb:cc:dd:ee:01', publicIp: '10.0.0.1', podCidr: '10.244.3.0/24', subnetIp: '10.244.3.0' },
    },
    { what: 'not managed by the kube subnet manager', node: node('a', { ...A, 'flannel.alpha.coreos.com/kube-subnet-manager': 'false' }), want: 'not_subnet_managed' },
    { what: 'another backend', node: node('a', { ...A, 'flannel.alpha.coreos.com/backend-type': 'host-gw' }), want: 'not_vxlan' },
    { what: 'backend-data not JSON', node: node('a', { ...A, 'flannel.alpha.coreos.com/backend-data': '{' }), want: 'bad_backend_data' },
    { what: 'backend-data without a MAC', node: node('a', { ...A, 'flannel.alpha.coreos.com/backend-data': '{"VNI":1}' }), want: 'bad_backend_data' },
    { what: 'public-ip not IPv4', node: node('a', { ...A, 'flannel.alpha.coreos.com/public-ip': 'fd00::1' }), want: 'bad_public_ip' },
    { what: 'no IPv4 pod CIDR', node: node('a', A, { podCIDRs: ['fd00::/64'] }), want: 'no_ipv4_pod_cidr' },
  ];
  for (const { what, node: n, want } of rows) {
    it(what, () => expect(leaseOf(n)).to.deep.equal(want));
  }

  it('peers are every other node with a lease, sorted; the rest are counted as skipped', () => {
    const nodes = [
      node('c', { ...A, 'flannel.alpha.coreos.com/public-ip': '10.0.0.3' }, { podCIDR: '10.244.3.0/24' }),
      node('a', A),
      node('x', {}),
      node('b', { ...A, 'flannel.alpha.coreos.com/public-ip': '10.0.0.2' }, { podCIDR: '10.244.2.0/24' }),
    ];
    const e = expectedFlannel('a', nodes);
    if (typeof e === 'string') throw new Error(e);
    expect(e.device).to.equal('flannel.1');
    expect(e.peers.map((p) => p.node)).to.deep.equal(['b', 'c']);
    expect(e.skipped).to.deep.equal(['x']);
  });

  it('the VNI names the device', () => {
    const e = expectedFlannel('a', [node('a', { ...A, 'flannel.alpha.coreos.com/backend-data': '{"VNI":4096,"VtepMAC":"aa:bb:cc:dd:ee:01"}' })]);
    expect(typeof e === 'string' ? e : e.device).to.equal('flannel.4096');
  });

  describe('IPv6 (flannel-v6.<VNI>): backend-v6-data and public-ipv6', () => {
    const V6 = {
      'flannel.alpha.coreos.com/backend-v6-data': '{"VNI":1,"VtepMAC":"AA:BB:CC:DD:EE:06"}',
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/public-ipv6': 'FD99:0000::000b',
    };
    const v6only = { podCIDR: 'fd44:0:0:1::/64', podCIDRs: ['fd44:0:0:1::/64'] };

    it('a lease in canonical text: the address as inet_ntop prints it, the subnet address with host bits cleared', () => {
      expect(leaseOf(node('a', V6, { podCIDRs: ['fd44:0:0:1::7/64'] }), 'ipv6')).to.deep.equal({
        node: 'a', family: 'ipv6', vni: 1, vtepMac: 'aa:bb:cc:dd:ee:06', publicIp: 'fd99::b', podCidr: 'fd44:0:0:1::/64', subnetIp: 'fd44:0:0:1::',
      });
    });

    it('an IPv6-only node runs flannel-v6.1 alone, its IPv4 lease is absent', () => {
      const e = expectedOverlays('a', [node('a', V6, v6only)]);
      if (typeof e === 'string') throw new Error(e);
      expect(e.map((x) => `${x.family} ${x.device}`)).to.deep.equal(['ipv6 flannel-v6.1']);
      expect(leaseOf(node('a', V6, v6only), 'ipv4')).to.equal('bad_backend_data');
    });

    it('a stale backend-data from an earlier IPv4 configuration does not count on a node with IPv6 pod CIDRs only', () => {
      const e = expectedOverlays('a', [node('a', { ...A, ...V6 }, v6only)]);
      expect(typeof e === 'string' ? e : e.map((x) => x.device)).to.deep.equal(['flannel-v6.1']);
    });

    it('a dual-stack node runs both devices, IPv4 first; peers are those with a lease of the same family', () => {
      const dual = { podCIDRs: ['10.244.1.0/24', 'fd44:0:0:1::/64'] };
      const e = expectedOverlays('a', [
        node('a', { ...A, ...V6 }, dual),
        node('b', { ...A, 'flannel.alpha.coreos.com/public-ip': '10.0.0.2' }, { podCIDR: '10.244.2.0/24' }),
        node('c', { ...V6, 'flannel.alpha.coreos.com/public-ipv6': 'fd99::c' }, { podCIDRs: ['fd44:0:0:3::/64'] }),
      ]);
      if (typeof e === 'string') throw new Error(e);
      expect(e.map((x) => [x.device, x.peers.map((p) => p.node), x.skipped])).to.deep.equal([
        ['flannel.1', ['b'], ['c']],
        ['flannel-v6.1', ['c'], ['b']],
      ]);
    });

    it('public-ipv6 not IPv6, or no IPv6 pod CIDR', () => {
      expect(leaseOf(node('a', { ...V6, 'flannel.alpha.coreos.com/public-ipv6': '10.0.0.1' }, v6only), 'ipv6')).to.equal('bad_public_ip');
      expect(leaseOf(node('a', V6), 'ipv6')).to.equal('no_ipv6_pod_cidr');
    });

    it('neither lease: nothing to compare with', () => {
      expect(expectedOverlays('a', [node('a', {})])).to.equal('node_not_flannel_vxlan');
      expect(expectedOverlays('z', [node('a', A)])).to.equal('node_not_found');
    });
  });
});
