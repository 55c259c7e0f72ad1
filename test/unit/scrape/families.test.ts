// The samples the issue modules keep are named as the real components expose them: each occurs in a body
// written from the upstream sources (test/fixtures/scrape, see the header of each), parsed by the
// exporter's own parser with that component's filter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Component } from '../../../src/model.js';
import { keptNamesOf, keptSamplesOf } from '../../../src/issues/registry.js';
import { parseExposition } from '../../../src/scrape/parser.js';
import { ROOT } from '../../support/rule-files.js';

/** Bodies of each component; families added in later versions are found in those versions' bodies. */
const FIXTURES: Record<Component, string[]> = {
  // istio_tcp_connections_failed_total: ztunnel 1.29+
  ztunnel: ['scrape/ztunnel-1.28.openmetrics.txt', 'versions/1.30/ztunnel-healthy.txt'],
  istiod: ['scrape/istiod-1.28.prometheus.txt'],
  // istio_cni_plugin_requests_total: istio-cni 1.31+
  'istio-cni': ['scrape/istio-cni-1.28.prometheus.txt', 'scrape/istio-cni-1.31.prometheus.txt'],
};

async function* chunks(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

describe('scrape/families', () => {
  for (const [component, files] of Object.entries(FIXTURES) as [Component, string[]][]) {
    it(`every ${component} sample the exporter keeps occurs in a ${component} body, under its exposed name`, async () => {
      const found = new Set<string>();
      for (const file of files) {
        const body = readFileSync(join(ROOT, 'test/fixtures', file), 'utf8');
        const { samples } = await parseExposition(chunks(body), keptSamplesOf(component));
        for (const s of samples) found.add(s.name);
      }
      expect([...keptNamesOf(component)].filter((name) => !found.has(name))).to.deep.equal([]);
      // and nothing else is kept: ztunnel's traffic families are skipped
      expect([...found].filter((name) => !keptNamesOf(component).has(name))).to.deep.equal([]);
    });
  }
});
