import { expect } from 'chai';
import { Backoff } from '../../../src/kube/backoff.js';

describe('kube/backoff', () => {
  it('starts fast, doubles, and stops growing at the cap', () => {
    const b = new Backoff({ initialMs: 200, maxMs: 30_000, jitter: 0 });
    const delays = Array.from({ length: 10 }, () => b.next());
    expect(delays).to.deep.equal([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    expect(b.attempts).to.equal(10);
    b.reset();
    expect(b.next()).to.equal(200);
  });

  it('jitter only ever shortens the delay, by at most the jitter fraction', () => {
    expect(new Backoff({ initialMs: 1000, jitter: 0.5 }, () => 0).next()).to.equal(1000);
    expect(new Backoff({ initialMs: 1000, jitter: 0.5 }, () => 0.999999).next()).to.equal(500);
    const b = new Backoff({ initialMs: 1000, maxMs: 4000, jitter: 0.5 });
    for (let i = 0; i < 20; i++) {
      const d = b.next();
      expect(d).to.be.within(i === 0 ? 500 : 1000, i >= 2 ? 4000 : 1000 * 2 ** i);
    }
  });
});
