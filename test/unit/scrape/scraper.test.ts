import { expect } from 'chai';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import type { Target } from '../../../src/model.js';
import { createScrapeAgents, destroyScrapeAgents, type ScrapeAgents } from '../../../src/scrape/fetch.js';
import { mapWithConcurrency } from '../../../src/scrape/pool.js';
import { scrapeAll } from '../../../src/scrape/scraper.js';
import { startHttpServer, type LocalServer } from '../../support/http.js';
import { blackholedEndpoint, closedPort } from '../../support/net.js';

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
  let agents: ScrapeAgents | undefined;
  afterEach(async () => {
    if (agents) destroyScrapeAgents(agents);
    agents = undefined;
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const metricsBody = '# TYPE ztunnel_connected gauge\nztunnel_connected 1\n';
  const t = (pod: string, url: string): Target => ({ component: 'istio-cni', node: pod, pod, url, static: false });

  it('scrapes every target, good and bad, in input order, without throwing', async () => {
    agents = createScrapeAgents();
    const good = await startHttpServer((_q, r) => r.end(metricsBody));
    const broken = await startHttpServer((_q, r) => r.writeHead(503).end());
    servers.push(good, broken);
    const targets = [t('a', good.url()), t('b', broken.url()), t('c', `http://127.0.0.1:${await closedPort()}/metrics`), t('d', good.url())];
    const results = await scrapeAll(targets, { keep: keptSamplesOf, concurrency: 2, timeoutMs: 2000, maxBytes: 1 << 20, agents });
    expect(results.map((r) => [r.target.pod, r.up, r.error ?? null])).to.deep.equal([
      ['a', true, null],
      ['b', false, 'http_status'],
      ['c', false, 'connect'],
      ['d', true, null],
    ]);
    expect(results[0]!.samples).to.deep.equal([{ name: 'ztunnel_connected', labels: {}, value: 1 }]);
  });

  it("reuses the owner's connections round after round", async () => {
    agents = createScrapeAgents();
    const good = await startHttpServer((_q, r) => r.end(metricsBody));
    servers.push(good);
    for (let round = 0; round < 3; round++) {
      const [r] = await scrapeAll([t('a', good.url())], { keep: keptSamplesOf, concurrency: 1, timeoutMs: 2000, maxBytes: 1 << 20, agents });
      expect(r!.up).to.equal(true);
    }
    expect(good.connections()).to.equal(1);
  });

  it('without agents of its own, a round closes the connections it opened', async () => {
    let closed!: () => void;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    const good = await startHttpServer((q, r) => {
      q.socket.once('close', closed);
      r.end(metricsBody);
    });
    servers.push(good);
    const [r] = await scrapeAll([t('a', good.url())], { keep: keptSamplesOf, concurrency: 1, timeoutMs: 2000, maxBytes: 1 << 20 });
    expect(r!.up).to.equal(true);
    await hungUp; // the server saw the client close its keep-alive connection
  });

  it('gives up on a connect that does not complete within connectTimeoutMs, well before timeoutMs', async function () {
    // A listener whose accept queue is full drops further SYNs, as a blackholed pod IP does.
    const hole = await blackholedEndpoint();
    if (!hole) this.skip();
    try {
      const [r] = await scrapeAll([t('a', hole.url)], { keep: keptSamplesOf, concurrency: 1, timeoutMs: 5000, connectTimeoutMs: 200, maxBytes: 1 << 20 });
      expect(r).to.include({ up: false, error: 'timeout', reachable: false });
      expect(r!.durationSeconds).to.be.at.least(0.19).and.below(1);
    } finally {
      await hole.close();
    }
  });

  it('returns [] for no targets', async () => {
    expect(await scrapeAll([], { keep: keptSamplesOf, concurrency: 4, timeoutMs: 100, maxBytes: 1024 })).to.deep.equal([]);
  });
});
