// One scrape round against a good target and targets that misbehave in every way a pod can.
// Each bad target must cost exactly one failed result with the right reason, the round must end
// within the per-target budget, and the endless body must be cut off at the byte cap.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { keptSamplesOf } from '../../src/issues/registry.js';
import type { ScrapeResult, Target } from '../../src/model.js';
import { scrapeAll } from '../../src/scrape/scraper.js';
import { endlessBody, startHttpServer, type LocalServer } from '../support/http.js';
import { closedPort, startTcpServer } from '../support/net.js';

const ztunnelBody = readFileSync(new URL('../fixtures/scrape/ztunnel-1.28.openmetrics.txt', import.meta.url), 'utf8');

const TIMEOUT_MS = 600;
const MAX_BYTES = 1 << 20;

describe('integration: hostile scrape targets', () => {
  const servers: LocalServer[] = [];
  const timers: NodeJS.Timeout[] = [];
  let oversizeFinished: Promise<number> | undefined;
  let results: Map<string, ScrapeResult>;
  let roundSeconds: number;

  before(async () => {
    const serve = async (handler: Parameters<typeof startHttpServer>[0]): Promise<string> => {
      const s = await startHttpServer(handler);
      servers.push(s);
      return s.url('/stats/prometheus');
    };
    const good = await serve((_q, r) => r.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(ztunnelBody));
    const hang = await serve(() => undefined);
    const trickle = await serve((_q, r) => {
      r.writeHead(200);
      const t = setInterval(() => r.write('istio_build{component="ztunnel",tag="1.28.0"} 1\n'), 25);
      timers.push(t);
      r.on('close', () => clearInterval(t));
    });
    const reset = await serve((q) => q.socket.resetAndDestroy());
    const resetMidBody = await serve((q, r) => {
      r.writeHead(200);
      r.write(ztunnelBody.slice(0, 2000), () => q.socket.resetAndDestroy());
    });
    const error500 = await serve((_q, r) => r.writeHead(500).end('internal server error\n'));
    const garbage = await serve((_q, r) => r.writeHead(200).end('\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR binary junk'));
    const oversize = await serve((_q, r) => (oversizeFinished = endlessBody(r)));
    const notHttp = await startTcpServer((socket) => socket.end('220 smtp.example ESMTP ready\r\n'));
    servers.push(notHttp);
    const refused = `http://127.0.0.1:${await closedPort()}/stats/prometheus`;

    const targets: Target[] = Object.entries({ good, hang, trickle, reset, resetMidBody, error500, garbage, oversize, notHttp: notHttp.url(), refused }).map(
      ([pod, url]) => ({ component: 'ztunnel', node: `node-${pod}`, pod, url, static: false }),
    );
    const started = performance.now();
    const round = await scrapeAll(targets, { keep: keptSamplesOf, concurrency: targets.length, timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES });
    roundSeconds = (performance.now() - started) / 1000;
    results = new Map(round.map((r) => [r.target.pod, r]));
    expect(round.map((r) => r.target.pod)).to.deep.equal(targets.map((t) => t.pod));
  });

  after(async () => {
    timers.forEach(clearInterval);
    await Promise.all(servers.map((s) => s.close()));
  });

  const get = (pod: string): ScrapeResult => results.get(pod)!;

  it('scrapes the good target', () => {
    const r = get('good');
    expect(r).to.include({ up: true, reachable: true });
    expect(r.samples.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)).to.deep.equal([
      'istio_build{"component":"ztunnel","tag":"1.28.0"} 1',
      'istio_xds_connection_terminations_total{"reason":"Reconnect"} 3',
      'istio_xds_connection_terminations_total{"reason":"ConnectionError"} 12',
      'istio_xds_message_total{"url":"type.googleapis.com/istio.workload.Address"} 41',
      'istio_xds_message_total{"url":"type.googleapis.com/istio.security.Authorization"} 7',
      'workload_manager_active_proxy_count{} 5',
      'workload_manager_pending_proxy_count{} 1',
    ]);
  });

  const expected: [pod: string, reason: string, reachable: boolean][] = [
    ['hang', 'timeout', true],
    ['trickle', 'timeout', true],
    ['reset', 'connect', true],
    ['resetMidBody', 'connect', true],
    ['error500', 'http_status', true],
    ['garbage', 'parse', true],
    ['notHttp', 'parse', true],
    ['oversize', 'too_large', true],
    ['refused', 'connect', true],
  ];
  for (const [pod, reason, reachable] of expected) {
    it(`${pod}: one failed result with reason ${reason}`, () => {
      const r = get(pod);
      expect({ up: r.up, error: r.error, reachable: r.reachable, samples: r.samples.length }).to.deep.equal({ up: false, error: reason, reachable, samples: 0 });
    });
  }

  it('finishes the round within the per-target budget (all targets in parallel)', () => {
    const slack = 0.5;
    for (const r of results.values()) expect(r.durationSeconds, r.target.pod).to.be.below(TIMEOUT_MS / 1000 + slack);
    // The two slow targets were cut at the budget, not before.
    expect(get('hang').durationSeconds).to.be.at.least(TIMEOUT_MS / 1000 - 0.01);
    expect(roundSeconds).to.be.below(TIMEOUT_MS / 1000 + slack);
  });

  it('cuts the endless body off at the byte cap, long before the timeout', async () => {
    expect(get('oversize').durationSeconds).to.be.below(TIMEOUT_MS / 1000);
    // The server's write loop ends only when the client drops the connection.
    const written = await oversizeFinished!;
    expect(written).to.be.above(MAX_BYTES).and.below(MAX_BYTES + (32 << 20));
  });
});
