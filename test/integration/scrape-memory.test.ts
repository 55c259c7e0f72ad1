// A target that streams a huge body of a family the exporter keeps, as plain text or as a small
// gzip body that inflates to it, costs one failed scrape with a reason of its own and a bounded
// amount of memory: the per-target sample limit stops the parse at the first sample over it.
// Memory is measured in a child process (peak RSS), so the figures are the scrape's alone.
import { execFile } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Target } from '../../src/model.js';
import type { ScrapeChildInput, ScrapeChildOutput } from '../support/scrape-child.js';
import { startHttpServer, type LocalServer } from '../support/http.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEPT_LINE = 'workload_manager_active_proxy_count 1\n';
const MiB = 1 << 20;

/** `bytes` of `line` repeated, written with backpressure; stops early when the client goes away. */
function streamLines(res: import('node:http').ServerResponse, line: string, bytes: number): void {
  const chunk = Buffer.from(line.repeat(Math.ceil(65536 / line.length)));
  let left = bytes;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
  pump();
}

/**
 * A gzip body of about `compressedBytes` that inflates over 300-fold: one compressed member
 * of 1 MiB of `line`, repeated (gunzip reads concatenated members as one stream).
 */
function gzipBomb(line: string, compressedBytes: number): Buffer {
  const member = gzipSync(Buffer.from(line.repeat(Math.ceil(MiB / line.length))), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(compressedBytes / member.length) }, () => member));
}

async function scrapeInChild(input: ScrapeChildInput): Promise<ScrapeChildOutput> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/scrape-child.ts', JSON.stringify(input)], {
    cwd: ROOT,
    maxBuffer: MiB,
  });
  return JSON.parse(stdout) as ScrapeChildOutput;
}

describe('integration: a target streaming a huge kept family', function () {
  this.timeout(60_000);
  const servers: LocalServer[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it('costs sample_limit errors and tens of MiB at most, not hundreds', async () => {
    const bomb = gzipBomb(KEPT_LINE, 171 * 1024);
    const plain = await startHttpServer((_q, r) => streamLines(r, KEPT_LINE, 60 * MiB));
    const gzip = await startHttpServer((_q, r) => r.writeHead(200, { 'Content-Encoding': 'gzip' }).end(bomb));
    servers.push(plain, gzip);
    const targets: Target[] = [
      { component: 'ztunnel', node: 'n1', pod: 'plain-60mb', url: plain.url('/stats/prometheus'), static: false },
      { component: 'ztunnel', node: 'n2', pod: 'gzip-171kb', url: gzip.url('/stats/prometheus'), static: false },
    ];
    // The exporter's default body cap (64 MiB): without a sample limit both bodies are read whole.
    const out = await scrapeInChild({ targets, rounds: 3, options: { timeoutMs: 20_000, maxBytes: 64 * MiB } });
    expect(bomb.length).to.be.within(160 * 1024, 180 * 1024);
    const growth = out.peakRssMiB - out.baselineRssMiB;
    expect(growth, `peak RSS ${out.peakRssMiB.toFixed(0)} MiB from ${out.baselineRssMiB.toFixed(0)} MiB`).to.be.below(64);
    expect(out.outcomes).to.deep.equal([
      ['sample_limit', 'sample_limit', 'sample_limit'],
      ['sample_limit', 'sample_limit', 'sample_limit'],
    ]);
  });
});
