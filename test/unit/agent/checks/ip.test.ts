// Addresses compared the way the kernel prints them and Kubernetes stores them.
import { expect } from 'chai';
import { canonicalIpv6, parseIpv6Cidr } from '../../../../src/agent/checks/ipv6.js';
import { canonicalIp } from '../../../../src/agent/checks/ip.js';

describe('agent checks: IPv6 text', () => {
  const rows: [string, string | undefined][] = [
    ['fd99::b', 'fd99::b'],
    ['FD99:0000:0000:0000:0000:0000:0000:000B', 'fd99::b'],
    ['fd44:0:0:1::', 'fd44:0:0:1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs (RFC 5952 4.2.3)
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['fd99::g', undefined],
    ['10.0.0.1', undefined],
    ['fe80::1%eth0', undefined],
  ];
  for (const [text, want] of rows) it(`${text} -> ${String(want)}`, () => expect(canonicalIpv6(text)).to.equal(want));

  it('CIDRs: host bits cleared, a bare address is a /128', () => {
    expect(parseIpv6Cidr('fd44:0:0:1::7/64')).to.deep.equal({ network: 'fd44:0:0:1::', prefix: 64 });
    expect(parseIpv6Cidr('fd44::1')).to.deep.equal({ network: 'fd44::1', prefix: 128 });
    expect(parseIpv6Cidr('fd44::/129')).to.equal(undefined);
  });

  it('an address of the other family is not one', () => {
    expect(canonicalIp('10.0.0.1', 'ipv6')).to.equal(undefined);
    expect(canonicalIp('fd00::1', 'ipv4')).to.equal(undefined);
    expect(canonicalIp('010.0.0.1', 'ipv4')).to.equal('10.0.0.1');
  });
});
