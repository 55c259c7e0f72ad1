import { expect } from 'chai';
import { humanDuration, wantsTable } from '../src/kube-api/table.js';

describe('lab Table responses', () => {
  it('formats ages as kubectl does', () => {
    const s = 1000;
    expect([5 * s, 119 * s, 150 * s, 600 * s, 7200 * s, 16200 * s, 30 * 3600 * s, 50 * 3600 * s, 9 * 86400 * s].map(humanDuration)).to.deep.equal([
      '5s',
      '119s',
      '2m30s',
      '10m',
      '120m',
      '4h30m',
      '30h',
      '2d2h',
      '9d',
    ]);
  });

  it("recognises kubectl's Accept header and nothing else", () => {
    expect(wantsTable('application/json;as=Table;v=1;g=meta.k8s.io,application/json')).to.equal(true);
    expect(wantsTable('application/json')).to.equal(false);
    expect(wantsTable(undefined)).to.equal(false);
  });
});
