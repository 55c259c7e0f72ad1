import { expect } from 'chai';
import { MAX_PENDING_TASKS, MAX_TASK_NAME_LENGTH, parsePendingTasks, probeZtunnelReadiness } from '../../../src/probes/ztunnel-readiness.js';
import { endlessBody, startHttpServer, type LocalServer } from '../../support/http.js';
import { blackholedEndpoint, closedPort } from '../../support/net.js';

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

    it('caps what a target can put into label values: sorted, unique, at most 8 names of at most 64 characters', () => {
      expect(MAX_PENDING_TASKS).to.equal(8);
      expect(MAX_TASK_NAME_LENGTH).to.equal(64);
      const many = Array.from({ length: 100 }, (_, i) => `task ${String(99 - i).padStart(2, '0')}`);
      expect(parsePendingTasks(`not ready, pending: ${many.join(', ')}`)).to.deep.equal(Array.from({ length: 8 }, (_, i) => `task 0${i}`));
      expect(parsePendingTasks('not ready, pending: b, a, b, a')).to.deep.equal(['a', 'b']);
      const long = parsePendingTasks(`not ready, pending: ${'x'.repeat(10_000)}, state manager`);
      expect(long).to.deep.equal(['state manager', 'x'.repeat(64)]);
      // Cut on characters, never inside a surrogate pair.
      const [emoji] = parsePendingTasks(`not ready, pending: ${'🙂'.repeat(100)}`);
      expect(Array.from(emoji!)).to.have.length(64);
      expect(emoji).to.equal('🙂'.repeat(64));
    });
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

    it('gives up on a hanging connect after connectTimeoutMs: unreachable, not ready', async function () {
      const hole = await blackholedEndpoint();
      if (!hole) this.skip();
      try {
        const r = await probeZtunnelReadiness({ ...who, ip: hole.host }, { timeoutMs: 5000, connectTimeoutMs: 150, port: hole.port });
        expect(r).to.deep.include({ reachable: false, ready: false, pendingTasks: [] });
        expect(r.durationSeconds).to.be.at.least(0.14).and.below(1);
      } finally {
        await hole.close();
      }
    });

    it('reads at most a few KiB of an endless body', async () => {
      let finished: Promise<number> | undefined;
      server = await startHttpServer((_req, res) => (finished = endlessBody(res, 'not ready, pending: state manager, ', 500)));
      const r = await probeZtunnelReadiness({ ...who, ip: '127.0.0.1' }, { timeoutMs: 2000, port: server.port });
      expect(r).to.deep.include({ reachable: true, ready: false });
      expect(r.pendingTasks).to.include('state manager').and.have.length.at.most(8);
      expect(await finished!).to.be.below(64 << 20); // the server saw the client hang up
    });
  });
});
