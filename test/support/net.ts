// Ports and TCP for tests: servers a test owns (on port 0, so never a port race), a port for a
// child process that must bind its own (tried again when the port was taken meanwhile), a port on
// which nothing listens, a blackholed endpoint, and what a TCP connect meets.
import net from 'node:net';
import { BlackholePool } from 'ambient-lab';

export interface LocalServer {
  host: string;
  port: number;
  /** http://host:port + path */
  url(path?: string): string;
  /** TCP connections accepted so far */
  connections(): number;
  close(): Promise<void>;
}

/** Listens on host:port (0: a port the kernel picks, so no race) and returns the port. */
export function listenOn(server: net.Server, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Tracks a listening server's sockets so a test can count connections and close everything it opened. */
export function tracked(server: net.Server, host: string, port: number): LocalServer {
  const sockets = new Set<net.Socket>();
  let count = 0;
  server.on('connection', (s: net.Socket) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined); // resets are part of the tests
  });
  return {
    host,
    port,
    url: (path = '/metrics') => `http://${host}:${port}${path}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that does not speak HTTP: `onConnection` decides what the client gets. */
export async function startTcpServer(onConnection: (socket: net.Socket) => void, opts: { host?: string; port?: number } = {}): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = net.createServer(onConnection);
  const port = await listenOn(server, host, opts.port ?? 0);
  return tracked(server, host, port);
}

/** A port on which nothing listens (bound, then released): connecting is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  const port = await listenOn(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Runs `start` with a port free a moment ago, for a child process that binds it itself (Prometheus,
 * the CLI). Another process may take the port in between: `start` must fail when its process
 * cannot bind (exits before it is ready), and is then tried again with another port.
 */
export async function withFreePort<T>(start: (port: number) => Promise<T>, opts: { host?: string; attempts?: number } = {}): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (opts.attempts ?? 3); attempt++) {
    try {
      return await start(await closedPort(opts.host));
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/**
 * A loopback endpoint whose connects hang (SYNs dropped), as a blackholed pod IP's do; the lab's
 * mechanism (a listener that never accepts, its queue full). Undefined where this kernel cannot
 * drop them (net.ipv4.tcp_abort_on_overflow=1).
 */
export async function blackholedEndpoint(host = '127.0.0.1'): Promise<{ host: string; port: number; url: string; close(): Promise<void> } | undefined> {
  const port = await closedPort(host);
  const pool = new BlackholePool();
  try {
    await pool.set([{ host, port }]);
  } catch {
    await pool.close();
    return undefined;
  }
  return { host, port, url: `http://${host}:${port}/metrics`, close: () => pool.close() };
}

export type DialOutcome = 'connected' | 'refused' | 'timeout';

/** Connects to host:port: 'connected', 'refused' (RST at once) or 'timeout' (no answer, e.g. blackholed). */
export function dial(host: string, port: number, timeoutMs: number): Promise<DialOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (o: DialOutcome) => {
      clearTimeout(timer);
      s.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    s.once('connect', () => done('connected'));
    s.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'timeout'));
  });
}
