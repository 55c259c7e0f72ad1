// Real loopback servers for scrape and probe tests: each binds 127.0.0.1 (or another 127.x) on
// port 0 and tracks its sockets, so a test can count connections and close everything it opened.
import http from 'node:http';
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

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function track(server: net.Server, host: string, port: number): LocalServer {
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

export async function startHttpServer(handler: http.RequestListener, opts: { host?: string; port?: number } = {}): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer(handler);
  server.on('clientError', (_err, socket) => socket.destroy());
  const port = await listen(server, host, opts.port ?? 0);
  return track(server, host, port);
}

/** A TCP server that does not speak HTTP: `onConnection` decides what the client gets. */
export async function startTcpServer(onConnection: (socket: net.Socket) => void, opts: { host?: string; port?: number } = {}): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = net.createServer(onConnection);
  const port = await listen(server, host, opts.port ?? 0);
  return track(server, host, port);
}

/** A port on which nothing listens (bound, then released): connecting is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, host, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Serve an endless body, written with backpressure. Resolves `finished` with the bytes written
 * once the client goes away: proof that the client aborted the stream.
 */
export function endlessBody(res: http.ServerResponse, line = 'filler_metric{a="b"} 1\n', status = 200): Promise<number> {
  const chunk = Buffer.from(line.repeat(Math.ceil(16384 / line.length)));
  let written = 0;
  return new Promise((resolve) => {
    res.on('close', () => resolve(written));
    const pump = (): void => {
      while (!res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    res.writeHead(status, { 'Content-Type': 'text/plain; version=0.0.4' });
    pump();
  });
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
