// A plain TCP connect: the cheapest evidence that an address accepts connections.
import net from 'node:net';

export interface DialOutcome {
  success: boolean;
  /** the address answered: connected, or actively refused (RST); a timeout or an unreachable network is no answer */
  answered: boolean;
  durationSeconds: number;
}

/**
 * Connect to host:port and close at once. Resolves (never rejects) within about `timeoutMs`, which
 * is a connect budget: runProbes passes the connect timeout, so a blackholed address costs that.
 */
export function dialTcp(host: string, port: number, timeoutMs: number): Promise<DialOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let socket: net.Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (success: boolean, answered = success): void => {
      if (timer === undefined) return; // already finished
      clearTimeout(timer);
      timer = undefined;
      socket?.destroy();
      resolve({ success, answered, durationSeconds: (performance.now() - started) / 1000 });
    };
    timer = setTimeout(() => finish(false), timeoutMs);
    try {
      socket = net.connect({ host, port });
      socket.once('connect', () => finish(true));
      socket.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code === 'ECONNREFUSED'));
    } catch {
      finish(false); // e.g. a port out of range
    }
  });
}
