import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { KubeApiTransport } from '../../../src/kube/api-transport.js';
import { probeApiHealth } from '../../../src/probes/api-health.js';
import { startHttpServer, type LocalServer } from '../../support/http.js';
import { closedPort } from '../../support/net.js';

const TLS_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/tls');
const transports: KubeApiTransport[] = [];

/** The exporter's connection pool to an API server at `server`, closed after each test. */
function kubeConfig(server: string, cluster: Record<string, unknown> = {}, user: Record<string, unknown> = { token: 'secret-token' }): KubeApiTransport {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server, ...cluster }],
    users: [{ name: 'exporter', ...user }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'exporter' }],
    currentContext: 'lab',
  });
  const api = new KubeApiTransport(kc);
  transports.push(api);
  return api;
}

describe('probes/api-health', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    for (const t of transports.splice(0)) t.close();
    await server?.close();
    server = undefined;
  });

  it('builds <server>/readyz, keeping a path prefix', () => {
    expect(kubeConfig('https://10.0.0.1:6443').url('/readyz').toString()).to.equal('https://10.0.0.1:6443/readyz');
    expect(kubeConfig('https://rancher.example/k8s/clusters/c-1/').url('/readyz').toString()).to.equal('https://rancher.example/k8s/clusters/c-1/readyz');
  });

  it('reuses one connection round after round', async () => {
    server = await startHttpServer((_req, res) => res.writeHead(200).end('ok'));
    const api = kubeConfig(`http://127.0.0.1:${server.port}`, { skipTLSVerify: true });
    for (let round = 0; round < 5; round++) expect((await probeApiHealth(api, 1000)).ready).to.equal(true);
    expect(server.connections()).to.equal(1);
  });

  it('gives up a silent connection and answers again on a new one', async () => {
    let n = 0;
    server = await startHttpServer((_req, res) => (++n === 2 ? undefined : res.writeHead(200).end('ok')));
    const api = kubeConfig(`http://127.0.0.1:${server.port}`, { skipTLSVerify: true });
    expect((await probeApiHealth(api, 1000)).ready).to.equal(true);
    expect((await probeApiHealth(api, 150)).ready, 'the second request is never answered').to.equal(false);
    expect((await probeApiHealth(api, 1000)).ready).to.equal(true);
    expect(server.connections()).to.equal(2);
  });

  it('200 on /readyz with the kubeconfig bearer token: ready', async () => {
    let seen: { path?: string; auth?: string } = {};
    server = await startHttpServer((req, res) => {
      seen = { path: req.url, auth: req.headers.authorization };
      res.writeHead(200).end('ok');
    });
    const r = await probeApiHealth(kubeConfig(`http://127.0.0.1:${server.port}`, { skipTLSVerify: true }), 1000);
    expect(r.ready).to.equal(true);
    expect(r.durationSeconds).to.be.greaterThan(0).and.below(1);
    expect(seen).to.deep.equal({ path: '/readyz', auth: 'Bearer secret-token' });
  });

  it('basic auth users are sent as Authorization: Basic', async () => {
    let auth: string | undefined;
    server = await startHttpServer((req, res) => {
      auth = req.headers.authorization;
      res.end('ok');
    });
    await probeApiHealth(kubeConfig(`http://127.0.0.1:${server.port}`, { skipTLSVerify: true }, { username: 'admin', password: 'pw' }), 1000);
    expect(auth).to.equal(`Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });

  it('500 from /readyz: not ready', async () => {
    server = await startHttpServer((_req, res) => res.writeHead(500).end('[-]etcd failed'));
    expect((await probeApiHealth(kubeConfig(`http://127.0.0.1:${server.port}`, { skipTLSVerify: true }), 1000)).ready).to.equal(false);
  });

  it('API server down or silent: not ready within the timeout', async () => {
    const refused = await probeApiHealth(kubeConfig(`http://127.0.0.1:${await closedPort()}`, { skipTLSVerify: true }), 1000);
    expect(refused.ready).to.equal(false);
    server = await startHttpServer(() => undefined);
    const silent = await probeApiHealth(kubeConfig(`http://127.0.0.1:${server.port}`, { skipTLSVerify: true }), 150);
    expect(silent.ready).to.equal(false);
    expect(silent.durationSeconds).to.be.at.least(0.14).and.below(1);
  });

  it('without a kubeconfig: not ready, no time spent', async () => {
    expect(await probeApiHealth(undefined, 1000)).to.deep.equal({ ready: false, durationSeconds: 0 });
  });

  describe('over TLS', function () {
    // a committed throwaway certificate (test/fixtures/tls/README.md): the unit tier runs no openssl
    const cert = readFileSync(join(TLS_FIXTURES, 'cert.pem'));
    const key = readFileSync(join(TLS_FIXTURES, 'key.pem'));
    let tls: https.Server;
    let port: number;
    beforeEach(async () => {
      tls = https.createServer({ cert, key }, (_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      port = (tls.address() as AddressInfo).port;
    });
    afterEach(async () => {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    });

    it('trusts the cluster CA from the kubeconfig', async () => {
      const kc = kubeConfig(`https://127.0.0.1:${port}`, { caData: cert.toString('base64') });
      expect((await probeApiHealth(kc, 2000)).ready).to.equal(true);
    });

    it('rejects a server certificate the kubeconfig does not trust', async () => {
      expect((await probeApiHealth(kubeConfig(`https://127.0.0.1:${port}`), 2000)).ready).to.equal(false);
    });

    it('honours insecure-skip-tls-verify', async () => {
      expect((await probeApiHealth(kubeConfig(`https://127.0.0.1:${port}`, { skipTLSVerify: true }), 2000)).ready).to.equal(true);
    });

    it('keeps the TLS connection for the next round: one handshake, not one per round', async () => {
      let handshakes = 0;
      tls.on('secureConnection', () => handshakes++);
      const api = kubeConfig(`https://127.0.0.1:${port}`, { caData: cert.toString('base64') });
      for (let round = 0; round < 4; round++) expect((await probeApiHealth(api, 2000)).ready).to.equal(true);
      expect(handshakes).to.equal(1);
    });
  });
});
