import { expect } from 'chai';
import { crashLoopState, goDuration, rfc3339 } from '../src/util/time.js';

describe('lab time rules', () => {
  it('grows crash-loop back-off 10s, 20s, 40s ... up to 5m', () => {
    const t0 = 1_000_000;
    expect(crashLoopState(t0, t0 + 1_000)).to.include({ restarts: 1, backoffSeconds: 10 });
    expect(crashLoopState(t0, t0 + 13_000)).to.include({ restarts: 2, backoffSeconds: 20 });
    const late = crashLoopState(t0, t0 + 3_600_000);
    expect(late.backoffSeconds).to.equal(300);
    expect(late.restarts).to.be.greaterThan(10);
    expect(crashLoopState(t0, t0 + 1_000, 4).restarts).to.equal(5);
  });

  it('formats like Go and Kubernetes', () => {
    expect(goDuration(10)).to.equal('10s');
    expect(goDuration(160)).to.equal('2m40s');
    expect(goDuration(300)).to.equal('5m0s');
    expect(rfc3339(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).to.equal('2025-01-02T03:04:05Z');
  });
});
