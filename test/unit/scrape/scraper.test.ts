import http from 'node:http';
import { expect } from 'chai';
import type { Target } from '../../../src/model.js';
import { mapWithConcurrency } from '../../../src/scrape/pool.js';
import { scrapeAll } from '../../../src/scrape/scraper.js';
import { closedPort, startHttpServer, type LocalServer } from './local-servers.js';

describe('scrape/pool', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const waiting: (() => void)[] = [];
    const run = mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      return n * 10;
    });
    // Release calls newest first, so completion order differs from input order.
    while (true) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = waiting.pop();
      if (!next) break;
      next();
    }
    expect(await run).to.deep.equal([10, 20, 30, 40, 50, 60, 70]);
    expect(maxInFlight).to.equal(3);
  });

  it('handles no items and limits above the item count', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).to.deep.equal([]);
    expect(await mapWithConcurrency(['a'], 100, async (s, i) => `${s}${i}`)).to.deep.equal(['a0']);
  });
});

describe('scrape/scraper', () => {
  let servers: LocalServer[] = [];
  let agent: http.Agent;
  afterEach(async () => {
    agent?.destroy();
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('scrapes every target, good and bad, in input order, without throwing', async () => {
    agent = new http.Agent({ keepAlive: true });
    const good = await startHttpServer((_q, r) => r.end('# TYPE ztunnel_connected gauge\nztunnel_connected 1\n'));
    const broken = await startHttpServer((_q, r) => r.writeHead(503).end());
    servers.push(good, broken);
    const t = (pod: string, url: string): Target => ({ component: 'istio-cni', node: pod, pod, url, static: false });
    const targets = [t('a', good.url()), t('b', broken.url()), t('c', `http://127.0.0.1:${await closedPort()}/metrics`), t('d', good.url())];
    const results = await scrapeAll(targets, { concurrency: 2, timeoutMs: 2000, maxBytes: 1 << 20, agents: { http: agent } });
    expect(results.map((r) => [r.target.pod, r.up, r.error ?? null])).to.deep.equal([
      ['a', true, null],
      ['b', false, 'http_status'],
      ['c', false, 'connect'],
      ['d', true, null],
    ]);
    expect(results[0]!.samples).to.deep.equal([{ name: 'ztunnel_connected', labels: {}, value: 1 }]);
  });

  it('returns [] for no targets', async () => {
    expect(await scrapeAll([], { concurrency: 4, timeoutMs: 100, maxBytes: 1024 })).to.deep.equal([]);
  });
});
