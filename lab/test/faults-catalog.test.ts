import { expect } from 'chai';
import { FAULT_NAMES, FaultError, formatFaults, parseFaults } from '../src/index.js';

describe('lab fault lists', () => {
  it('parses a comma-separated list', () => {
    expect(parseFaults('cni-blocked,cross-node')).to.deep.equal([{ name: 'cni-blocked' }, { name: 'cross-node' }]);
  });

  it('reads targets after @ as a node or a namespace, by fault', () => {
    expect(parseFaults('flannel-down@lab-node-2, namespace-unlabeled@payments')).to.deep.equal([
      { name: 'flannel-down', node: 'lab-node-2' },
      { name: 'namespace-unlabeled', namespace: 'payments' },
    ]);
  });

  it('treats healthy and the empty string as no faults', () => {
    expect(parseFaults('healthy')).to.deep.equal([]);
    expect(parseFaults('')).to.deep.equal([]);
  });

  it('names the unknown fault and lists the known ones', () => {
    expect(() => parseFaults('cni-blocked,dns-broken')).to.throw(FaultError, /unknown fault "dns-broken"; known faults: healthy, istiod-port-missing/);
  });

  it('refuses healthy next to a fault and a target on a cluster-wide fault', () => {
    expect(() => parseFaults('healthy,cross-node')).to.throw(FaultError, /cannot be combined/);
    expect(() => parseFaults('cross-node@lab-node-1')).to.throw(FaultError, /takes no target/);
  });

  it('reads a reason after a colon, and refuses one the fault does not know or take', () => {
    expect(parseFaults('cni-refusing:unauthorized@lab-node-2')).to.deep.equal([{ name: 'cni-refusing', reason: 'unauthorized', node: 'lab-node-2' }]);
    expect(parseFaults('cni-refusing')).to.deep.equal([{ name: 'cni-refusing' }]);
    expect(() => parseFaults('cni-refusing:tired')).to.throw(FaultError, /unknown reason "tired"; known reasons: not-retryable, agent-socket-missing/);
    expect(() => parseFaults('cni-blocked:unauthorized')).to.throw(FaultError, /takes no reason/);
  });

  it('formats back to the same text', () => {
    const text = 'istiod-unreachable,cni-blocked@lab-node-1,pods-not-captured@legacy,cni-refusing:ack-error@lab-node-2';
    expect(formatFaults(parseFaults(text))).to.equal(text);
    expect(formatFaults([])).to.equal('healthy');
  });

  it('knows every fault of the contract, the first eight in their original order', () => {
    expect(FAULT_NAMES).to.deep.equal([
      'healthy',
      'istiod-port-missing',
      'istiod-unreachable',
      'cross-node',
      'flannel-down',
      'cni-blocked',
      'namespace-unlabeled',
      'pods-not-captured',
      'node-cut-off',
      'flannel-crash-loop',
      'pods-not-proxied',
      'cni-refusing',
    ]);
  });
});
