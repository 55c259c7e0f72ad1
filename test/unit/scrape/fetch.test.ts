import { readFileSync } from 'node:fs';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import type { Target } from '../../../src/model.js';
import { SCRAPE_ACCEPT, scrapeTarget, type FetchOptions } from '../../../src/scrape/fetch.js';
import { endlessBody, startHttpServer, type LocalServer } from '../../support/http.js';
import { blackholedEndpoint, closedPort, startTcpServer } from '../../support/net.js';

const ztunnelBody = readFileSync(new URL('../../fixtures/scrape/ztunnel-1.28.openmetrics.txt', import.meta.url), 'utf8');
const istiodBody = readFileSync(new URL('../../fixtures/scrape/istiod-1.28.prometheus.txt', import.meta.url), 'utf8');

const target = (url: string, component: Target['component'] = 'ztunnel'): Target => ({ component, node: 'node-1', pod: 'ztunnel-abc', url, static: false });

describe('scrape/fetch', () => {
  let servers: LocalServer[] = [];
  let agent: http.Agent;
  let opts: FetchOptions;
  const serve = async (handler: http.RequestListener): Promise<LocalServer> => {
    const s = await startHttpServer(handler);
    servers.push(s);
    return s;
  };

  beforeEach(() => {
    agent = new http.Agent({ keepAlive: true });
    opts = { timeoutMs: 2000, maxBytes: 1 << 20, agents: { http: agent }, filter: keptSamplesOf('ztunnel') };
  });
  afterEach(async () => {
    agent.destroy();
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  it('scrapes ztunnel: OpenMetrics body under text/plain, kept families only, asking for OpenMetrics first', async () => {
    let accept: string | undefined;
    const s = await serve((req, res) => {
      accept = req.headers.accept;
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(ztunnelBody);
    });
    const r = await scrapeTarget(target(s.url('/stats/prometheus')), opts);
    expect(r).to.include({ up: true, reachable: true });
    expect(r.error).to.equal(undefined);
    expect(r.samples.map((x) => x.name)).to.deep.equal([
      'istio_build',
      'istio_xds_connection_terminations_total',
      'istio_xds_connection_terminations_total',
      'istio_xds_message_total',
      'istio_xds_message_total',
      'workload_manager_active_proxy_count',
      'workload_manager_pending_proxy_count',
    ]);
    expect(accept).to.equal(SCRAPE_ACCEPT);
    expect(accept?.split(',')[0]?.split(';')[0]).to.equal('application/openmetrics-text');
    expect(r.durationSeconds).to.be.greaterThan(0).and.lessThan(2);
  });

  it('scrapes istiod with the istiod families', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(istiodBody));
    const r = await scrapeTarget(target(s.url(), 'istiod'), { ...opts, filter: keptSamplesOf('istiod') });
    expect(r.up).to.equal(true);
    expect(r.samples.map((x) => x.name)).to.deep.equal([
      'citadel_server_cert_chain_expiry_timestamp',
      'citadel_server_root_cert_expiry_timestamp',
      'istio_build',
      'pilot_info',
      'pilot_xds',
      'pilot_xds',
    ]);
  });

  it('decompresses a gzip body', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(istiodBody)));
    const r = await scrapeTarget(target(s.url(), 'istiod'), { ...opts, filter: keptSamplesOf('istiod') });
    expect(r.up).to.equal(true);
    expect(r.samples).to.have.length(6);
  });

  it('reuses the keep-alive connection across scrapes', async () => {
    const s = await serve((_req, res) => res.end(istiodBody));
    for (let i = 0; i < 3; i++) expect((await scrapeTarget(target(s.url(), 'istiod'), opts)).up).to.equal(true);
    expect(s.connections()).to.equal(1);
  });

  it('retries once on a fresh connection when a pooled one was closed by the target', async () => {
    // The second request on a connection is answered with a reset, as by a server that dropped an idle connection.
    const perSocket = new WeakMap<object, number>();
    const s = await serve((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > 1) req.socket.resetAndDestroy();
      else res.end(istiodBody);
    });
    expect((await scrapeTarget(target(s.url(), 'istiod'), opts)).up).to.equal(true);
    const second = await scrapeTarget(target(s.url(), 'istiod'), opts);
    expect(second).to.include({ up: true, reachable: true });
    expect(s.connections()).to.equal(2);
  });

  it('does not count a reused keep-alive connection as reachable when nothing answers on it', async () => {
    // Answers the first request on a connection, then goes silent on it: what a pod behind a network
    // that broke after the connection was pooled looks like from here.
    const perSocket = new WeakMap<object, number>();
    const s = await serve((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n === 1) res.end(istiodBody);
    });
    expect(await scrapeTarget(target(s.url(), 'istiod'), opts)).to.include({ up: true, reachable: true });
    const second = await scrapeTarget(target(s.url(), 'istiod'), { ...opts, timeoutMs: 200 });
    expect(s.connections(), 'the second scrape went out on the pooled connection').to.equal(1);
    expect(second).to.include({ up: false, error: 'timeout', reachable: false });
  });

  it('counts a reused keep-alive connection as reachable once a response arrives on it', async () => {
    let n = 0;
    const s = await serve((_req, res) => (++n === 1 ? res.end(istiodBody) : res.writeHead(503).end()));
    await scrapeTarget(target(s.url(), 'istiod'), opts);
    const second = await scrapeTarget(target(s.url(), 'istiod'), opts);
    expect(s.connections()).to.equal(1);
    expect(second).to.include({ up: false, error: 'http_status', reachable: true });
  });

  describe('connect timeout', () => {
    it('gives up on a connect that hangs after connectTimeoutMs, not the whole budget: timeout, unreachable', async function () {
      const hole = await blackholedEndpoint();
      if (!hole) this.skip();
      try {
        const r = await scrapeTarget(target(hole.url), { ...opts, timeoutMs: 5000, connectTimeoutMs: 150 });
        expect(r).to.include({ up: false, error: 'timeout', reachable: false });
        expect(r.durationSeconds).to.be.at.least(0.14).and.below(1);
        const capped = await scrapeTarget(target(hole.url), { ...opts, timeoutMs: 150, connectTimeoutMs: 5000 });
        expect(capped, 'never longer than the whole budget').to.include({ up: false, error: 'timeout', reachable: false });
        expect(capped.durationSeconds).to.be.at.least(0.14).and.below(1);
      } finally {
        await hole.close();
      }
    });

    it('does not cut a connected target that is slow to answer', async () => {
      const s = await serve((_req, res) => setTimeout(() => res.end(istiodBody), 300));
      const r = await scrapeTarget(target(s.url(), 'istiod'), { ...opts, timeoutMs: 2000, connectTimeoutMs: 50 });
      expect(r).to.include({ up: true, reachable: true });
      expect(r.durationSeconds).to.be.at.least(0.29);
    });
  });

  const failures: { name: string; reason: string; reachable: boolean; handler?: http.RequestListener; url?: () => Promise<string> }[] = [
    { name: 'HTTP 500', reason: 'http_status', reachable: true, handler: (_q, r) => r.writeHead(500).end('internal error') },
    { name: 'HTTP 404', reason: 'http_status', reachable: true, handler: (_q, r) => r.writeHead(404).end('404 page not found\n') },
    { name: 'a redirect (not followed)', reason: 'http_status', reachable: true, handler: (_q, r) => r.writeHead(302, { Location: '/elsewhere' }).end() },
    { name: 'an HTML page with 200', reason: 'parse', reachable: true, handler: (_q, r) => r.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><html></html>\n') },
    { name: 'an OpenMetrics body cut before # EOF', reason: 'parse', reachable: true, handler: (_q, r) => r.end(ztunnelBody.replace('# EOF\n', '')) },
    { name: 'a declared Content-Length over the cap', reason: 'too_large', reachable: true, handler: (_q, r) => r.writeHead(200, { 'Content-Length': String(2 << 20) }).end() },
    { name: 'a reset before any response', reason: 'connect', reachable: true, handler: (q) => q.socket.resetAndDestroy() },
    {
      name: 'a reset in the middle of the body',
      reason: 'connect',
      reachable: true,
      handler: (q, r) => {
        r.writeHead(200);
        r.write(istiodBody.slice(0, 500), () => q.socket.resetAndDestroy());
      },
    },
    { name: 'a refused connection', reason: 'connect', reachable: true, url: async () => `http://127.0.0.1:${await closedPort()}/metrics` },
    // The target answered, with bytes that do not decode: that is garbage, not a broken connection.
    {
      name: 'a corrupt gzip body',
      reason: 'parse',
      reachable: true,
      handler: (_q, r) => {
        const gz = gzipSync(istiodBody);
        gz.fill(0x55, 20, 60); // the deflate stream, past the 10-byte header
        r.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gz);
      },
    },
    { name: 'more kept samples than the sample limit', reason: 'sample_limit', reachable: true, handler: (_q, r) => r.end('istio_build{component="ztunnel"} 1\n'.repeat(201)) },
    { name: 'a kept sample with a label value over the length limit', reason: 'label_limit', reachable: true, handler: (_q, r) => r.end(`istio_build{tag="${'x'.repeat(10_000)}"} 1\n`) },
    { name: 'a body that is not gzip although declared so', reason: 'parse', reachable: true, handler: (_q, r) => r.writeHead(200, { 'Content-Encoding': 'gzip' }).end(istiodBody) },
    {
      name: 'a bad chunk size',
      reason: 'parse',
      reachable: true,
      handler: (q) => q.socket.end(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n${istiodBody.slice(0, 16)}\r\nzz\r\nnot a chunk\r\n`),
    },
  ];
  for (const f of failures) {
    it(`fails with ${f.reason} on ${f.name}`, async () => {
      const url = f.url ? await f.url() : (await serve(f.handler!)).url();
      const r = await scrapeTarget(target(url), opts);
      expect({ up: r.up, error: r.error, reachable: r.reachable, samples: r.samples }).to.deep.equal({ up: false, error: f.reason, reachable: f.reachable, samples: [] });
    });
  }

  it('fails with parse when the target answers with bytes that are not HTTP', async () => {
    const s = await startTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    servers.push(s);
    const r = await scrapeTarget(target(s.url()), opts);
    expect(r).to.include({ up: false, error: 'parse', reachable: true });
  });

  it('fails with timeout when headers never come, within the budget', async () => {
    const s = await serve(() => undefined);
    const r = await scrapeTarget(target(s.url()), { ...opts, timeoutMs: 200 });
    expect(r).to.include({ up: false, error: 'timeout', reachable: true });
    expect(r.durationSeconds).to.be.at.least(0.19).and.below(1);
  });

  it('fails with timeout when the body trickles past the budget', async () => {
    let timer: NodeJS.Timeout | undefined;
    const s = await serve((_q, r) => {
      r.writeHead(200);
      timer = setInterval(() => r.write('slow_metric 1\n'), 20);
      r.on('close', () => clearInterval(timer));
    });
    const r = await scrapeTarget(target(s.url()), { ...opts, timeoutMs: 300 });
    clearInterval(timer);
    expect(r).to.include({ up: false, error: 'timeout', reachable: true });
    expect(r.durationSeconds).to.be.at.least(0.29).and.below(1.5);
  });

  it('aborts an endless body as soon as the cap is passed', async () => {
    let finished: Promise<number> | undefined;
    const s = await serve((_q, r) => (finished = endlessBody(r)));
    const r = await scrapeTarget(target(s.url()), { ...opts, maxBytes: 256 * 1024 });
    expect(r).to.include({ up: false, error: 'too_large', reachable: true });
    const written = await finished!; // resolves only once the client dropped the connection
    expect(written).to.be.greaterThan(256 * 1024).and.below(64 << 20);
  });

  it('never throws, even for a URL it cannot use', async () => {
    const r = await scrapeTarget(target('http://[invalid/metrics'), opts);
    expect(r).to.include({ up: false, error: 'connect', reachable: false });
  });
});
