// The samples the issue modules keep are named as the real components expose them: each occurs in a body
// written from the upstream sources (test/fixtures/scrape, see the header of each), parsed by the
// exporter's own parser with that component's filter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Component } from '../../../src/model.js';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import { parseExposition } from '../../../src/scrape/parser.js';
import { ROOT } from '../rules/files.js';

const FIXTURES: Record<Component, string> = {
  ztunnel: 'ztunnel-1.28.openmetrics.txt',
  istiod: 'istiod-1.28.prometheus.txt',
  'istio-cni': 'istio-cni-1.28.prometheus.txt',
};

async function* chunks(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

describe('scrape/families', () => {
  for (const [component, file] of Object.entries(FIXTURES) as [Component, string][]) {
    it(`every ${component} sample the exporter keeps occurs in a ${component} body, under its exposed name`, async () => {
      const body = readFileSync(join(ROOT, 'test/fixtures/scrape', file), 'utf8');
      const { samples } = await parseExposition(chunks(body), keptSamplesOf(component));
      const found = new Set(samples.map((s) => s.name));
      expect([...keptSamplesOf(component)].filter((name) => !found.has(name))).to.deep.equal([]);
      // and nothing else is kept: ztunnel's traffic families are skipped
      expect([...found].filter((name) => !keptSamplesOf(component).has(name))).to.deep.equal([]);
    });
  }
});
