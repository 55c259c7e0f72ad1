// The HTTP routes of the pages: /runbooks/<Alert> (with or without .md, as the rules' runbook_url
// spells it when pointed here), /runbooks/ and the redirect of /runbooks, a 404 for any other name or
// path, and headers that keep the pages self-contained.
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExporterMetrics } from '../../../src/export/metrics.js';
import { loadRunbooks } from '../../../src/runbooks/library.js';
import { createApp } from '../../../src/server.js';

describe('server: pages and runbooks', () => {
  let server: Server;
  let base: string;

  before(async () => {
    const app = createApp({
      metrics: new ExporterMetrics({ version: 't', mode: 'cluster', kube: true, defaultMetrics: false }),
      isReady: () => false,
      status: () => ({ version: 't', mode: 'cluster', refreshIntervalSeconds: 15, report: undefined, lastRoundAtMs: undefined, nowMs: Date.now() }),
      runbooks: loadRunbooks(),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const get = (path: string) => fetch(`${base}${path}`, { redirect: 'manual' });

  it('serves a runbook by alert name, with or without .md, as self-contained HTML', async () => {
    for (const path of ['/runbooks/AmbientExporterBlind', '/runbooks/AmbientExporterBlind.md']) {
      const res = await get(path);
      expect(res.status, path).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.headers.get('content-security-policy')).to.match(/^default-src 'none';/);
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(await res.text()).to.contain('<h1>AmbientExporterBlind</h1>');
    }
  });

  it('/runbooks/ is the index; /runbooks is sent there, relative, so links resolve behind a path prefix', async () => {
    const index = await get('/runbooks/');
    expect(index.status).to.equal(200);
    expect(await index.text()).to.contain('<a href="AmbientExporterBlind">AmbientExporterBlind</a>');
    const bare = await get('/runbooks');
    expect(bare.status).to.equal(301);
    expect(bare.headers.get('location')).to.equal('runbooks/');
  });

  it('404 for any other name, a file that is not a runbook, or a path out of the directory', async () => {
    for (const path of ['/runbooks/AmbientNoSuchAlert', '/runbooks/README', '/runbooks/..%2F..%2Fpackage.json', '/runbooks/%2e%2e%2fmetrics.md', '/runbooks/AmbientExporterBlind%00']) {
      const res = await get(path);
      expect(res.status, path).to.equal(404);
      expect(await res.text(), path).to.contain('<h1>Not found</h1>');
    }
    expect((await get('/runbooks/a/b')).status).to.equal(404);
  });

  it('the status page is never cached and says blind before the first round', async () => {
    const res = await get('/');
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(await res.text()).to.match(/<h1 id="verdict">.*Blind<\/h1>/);
  });
});
