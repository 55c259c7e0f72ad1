// The HTTP server's lifecycle: listen on the configured address (a failure is a configuration error
// naming the key, exit 2), and close without waiting for idle keep-alive clients.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { listenError } from '../config.js';

export interface Listener {
  url: string;
  close(): Promise<void>;
}

/** `host:port`; no host (`:9480`) is every address, IPv6 and IPv4 where the host has IPv6 (Node's own default). */
export function splitListenAddress(addr: string): { host: string | undefined; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, '') || undefined, port: Number(addr.slice(i + 1)) };
}

export async function listen(app: Express, listenAddress: string): Promise<Listener> {
  const { host, port } = splitListenAddress(listenAddress);
  // http.createServer rather than app.listen: Express 5 calls app.listen's callback on errors too.
  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw listenError(err, listenAddress);
  }
  server.keepAliveTimeout = 65_000; // longer than Prometheus' idle connection reuse
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
