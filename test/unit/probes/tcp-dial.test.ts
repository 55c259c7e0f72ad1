import { expect } from 'chai';
import { BlackholePool } from 'ambient-lab';
import { dialTcp } from '../../../src/probes/tcp-dial.js';
import { closedPort, startTcpServer } from '../../support/net.js';

describe('probes/tcp-dial', () => {
  it('succeeds against a listening port and closes the connection', async () => {
    let closedByClient = false;
    let onClose: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (onClose = resolve));
    const server = await startTcpServer((socket) =>
      socket.on('close', () => {
        closedByClient = true;
        onClose();
      }),
    );
    try {
      const r = await dialTcp('127.0.0.1', server.port, 1000);
      expect(r.success).to.equal(true);
      expect(r.answered).to.equal(true);
      expect(r.durationSeconds).to.be.greaterThan(0).and.below(1);
      await closed;
      expect(closedByClient).to.equal(true);
    } finally {
      await server.close();
    }
  });

  it('fails on a refused port, which still answered (the address is reachable)', async () => {
    const r = await dialTcp('127.0.0.1', await closedPort(), 1000);
    expect(r.success).to.equal(false);
    expect(r.answered).to.equal(true);
    expect(r.durationSeconds).to.be.below(1);
  });

  it('fails, without throwing, on a port out of range', async () => {
    expect((await dialTcp('127.0.0.1', 70000, 1000)).success).to.equal(false);
  });

  it('is no answer when the SYN is dropped (a blackholed address): the connect times out', async () => {
    const holes = new BlackholePool();
    const port = await closedPort();
    try {
      await holes.set([{ host: '127.0.0.1', port }]);
      const r = await dialTcp('127.0.0.1', port, 200);
      expect(r).to.include({ success: false, answered: false });
    } finally {
      await holes.close();
    }
  });
});
