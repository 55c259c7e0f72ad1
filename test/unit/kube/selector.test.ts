import { expect } from 'chai';
import { matchesSelector, parseSelector, SelectorError } from '../../../src/kube/selector.js';

describe('kube/selector', () => {
  const labels = { a: 'b', c: 'x', e: 'y', g: '', 'team.example.com/mesh': 'on' };

  const cases: [selector: string, match: boolean][] = [
    ['', true],
    ['a=b', true],
    ['a==b', true],
    ['a=c', false],
    ['a!=c', true],
    ['a!=b', false],
    ['missing!=b', true],
    ['e in (x,y)', true],
    ['e in (x, z)', false],
    ['missing in (x)', false],
    ['e notin (x,z)', true],
    ['e notin (y)', false],
    ['missing notin (y)', true],
    ['g', true],
    ['g=', true],
    ['missing', false],
    ['!missing', true],
    ['!a', false],
    ['a=b,c!=d,e in (x,y),!f,g', true],
    ['a=b,c!=d,e in (x,y),!f,h', false],
    [' a = b , team.example.com/mesh=on ', true],
    ['team.example.com/mesh in (off)', false],
  ];
  for (const [selector, match] of cases) {
    it(`${JSON.stringify(selector)} ${match ? 'matches' : 'does not match'}`, () => {
      expect(matchesSelector(labels, selector)).to.equal(match);
    });
  }

  it('parses requirements once for reuse', () => {
    expect(parseSelector('a=b,e in (x,y),!f,g')).to.deep.equal([
      { key: 'a', operator: '=', values: ['b'] },
      { key: 'e', operator: 'in', values: ['x', 'y'] },
      { key: 'f', operator: '!', values: [] },
      { key: 'g', operator: 'exists', values: [] },
    ]);
    const parsed = parseSelector('a=b');
    expect(matchesSelector({ a: 'b' }, parsed)).to.equal(true);
  });

  for (const bad of ['a=b,', 'e in (x', 'e in x)', 'a b', 'e in ()', '=b', 'a=b c']) {
    it(`rejects ${JSON.stringify(bad)} with a message naming the selector`, () => {
      expect(() => parseSelector(bad)).to.throw(SelectorError, `"${bad}"`);
    });
  }
});
