import { expect } from 'chai';
import { parsePendingTasks, probeZtunnelReadiness } from '../../../src/probes/ztunnel-readiness.js';
import { closedPort, endlessBody, startHttpServer, type LocalServer } from '../scrape/local-servers.js';

describe('probes/ztunnel-readiness', () => {
  describe('parsePendingTasks', () => {
    const cases: [string, string[]][] = [
      ['not ready, pending: state manager\n', ['state manager']],
      ['not ready, pending: proxy, state manager, workload proxy manager\n', ['proxy', 'state manager', 'workload proxy manager']],
      ['not ready, pending: dns proxy, state manager', ['dns proxy', 'state manager']],
      ['not ready, pending: \n', []],
      ['ready\n', []],
      ['Service Unavailable', []],
      ['', []],
    ];
    for (const [body, tasks] of cases) it(`${JSON.stringify(body)} -> ${JSON.stringify(tasks)}`, () => expect(parsePendingTasks(body)).to.deep.equal(tasks));
  });

  describe('probeZtunnelReadiness', () => {
    let server: LocalServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });
    const who = { node: 'node-1', pod: 'ztunnel-x' };

    it('200 "ready" on /healthz/ready: ready, nothing pending', async () => {
      let path: string | undefined;
      server = await startHttpServer((req, res) => {
        path = req.url;
        res.writeHead(200).end('ready\n');
      });
      const r = await probeZtunnelReadiness({ ...who, ip: '127.0.0.1' }, { timeoutMs: 1000, port: server.port });
      expect(path).to.equal('/healthz/ready');
      expect(r).to.deep.include({ node: 'node-1', pod: 'ztunnel-x', reachable: true, ready: true, pendingTasks: [] });
    });

    it('500 with pending tasks: not ready, tasks listed', async () => {
      server = await startHttpServer((_req, res) => res.writeHead(500).end('not ready, pending: state manager, workload proxy manager\n'));
      const r = await probeZtunnelReadiness({ ...who, ip: '127.0.0.1' }, { timeoutMs: 1000, port: server.port });
      expect(r).to.deep.include({ reachable: true, ready: false, pendingTasks: ['state manager', 'workload proxy manager'] });
    });

    it('refused: the address answered, ztunnel is not ready', async () => {
      const r = await probeZtunnelReadiness({ ...who, ip: '127.0.0.1' }, { timeoutMs: 1000, port: await closedPort() });
      expect(r).to.deep.include({ reachable: true, ready: false, pendingTasks: [] });
    });

    it('no HTTP answer within the timeout: connected, not ready', async () => {
      server = await startHttpServer(() => undefined);
      const r = await probeZtunnelReadiness({ ...who, ip: '127.0.0.1' }, { timeoutMs: 150, port: server.port });
      expect(r).to.deep.include({ reachable: true, ready: false, pendingTasks: [] });
      expect(r.durationSeconds).to.be.at.least(0.14).and.below(1);
    });

    it('reads at most a few KiB of an endless body', async () => {
      let finished: Promise<number> | undefined;
      server = await startHttpServer((_req, res) => (finished = endlessBody(res, 'not ready, pending: state manager, ', 500)));
      const r = await probeZtunnelReadiness({ ...who, ip: '127.0.0.1' }, { timeoutMs: 2000, port: server.port });
      expect(r).to.deep.include({ reachable: true, ready: false });
      expect(r.pendingTasks[0]).to.equal('state manager');
      expect(await finished!).to.be.below(64 << 20); // the server saw the client hang up
    });
  });
});
