import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { FAULT_CATALOG, FAULT_NAMES } from '../src/index.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('lab README', () => {
  it("lists every fault of the catalog, in the catalog's order, with its target", () => {
    const rows = [...README.matchAll(/^\| `([a-z-]+)` \| (none|cluster|node|namespace)\b/gm)].map((m) => [m[1], m[2]]);
    expect(rows).to.deep.equal(FAULT_NAMES.map((name) => [name, FAULT_CATALOG[name].scope]));
  });
});
