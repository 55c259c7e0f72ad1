// The HTTP server's lifecycle: listen on the configured address (a failure is a configuration error
// naming the key), and close without waiting for idle keep-alive clients.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ConfigError } from '../config.js';

export interface Listener {
  url: string;
  close(): Promise<void>;
}

export function splitListenAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(addr.slice(i + 1)) };
}

export async function listen(app: Express, listenAddress: string): Promise<Listener> {
  const { host, port } = splitListenAddress(listenAddress);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', (err) => reject(new ConfigError(`config: listenAddress (--listen-address, AMBIENT_LISTEN_ADDRESS): ${err.message}`)));
  });
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
