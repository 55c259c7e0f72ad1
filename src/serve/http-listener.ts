// The HTTP server's lifecycle: listen on the configured address (a failure is a configuration error
// naming the key, exit 2), and close without waiting for idle keep-alive clients or slow ones.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { listenError } from '../config.js';

export interface Listener {
  url: string;
  /** stop accepting, let requests in flight finish for up to `graceMs`, then cut every connection */
  close(graceMs?: number): Promise<void>;
}

/** How long requests in flight may take to finish once shutdown begins (a /metrics answer takes milliseconds). */
export const CLOSE_GRACE_MS = 2_000;
/**
 * A client sending its headers slower than this is dropped. Node's default (60 s) would let a slow
 * client hold a connection, and so shutdown, past the pod's 30 s termination grace period; Prometheus
 * sends its request at once.
 */
const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, headers and body; the largest body is a node agent's plan or padded probe (under 1 MiB). */
const REQUEST_TIMEOUT_MS = 30_000;

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
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return {
    url,
    close: (graceMs = CLOSE_GRACE_MS) =>
      new Promise<void>((resolve) => {
        // server.close() waits for every open connection, including one still trickling in its headers;
        // after the grace period those are cut so shutdown does not depend on what clients do.
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
