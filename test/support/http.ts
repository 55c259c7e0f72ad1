// HTTP for tests: a server the test owns (port 0, sockets tracked), an endless body, and GETs with
// a deadline (by node:http, for what a raw client sees; by fetch, for status, type and body).
import http from 'node:http';
import { listenOn, tracked, type LocalServer } from './net.js';

export type { LocalServer } from './net.js';

export async function startHttpServer(handler: http.RequestListener, opts: { host?: string; port?: number } = {}): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer(handler);
  server.on('clientError', (_err, socket) => socket.destroy());
  const port = await listenOn(server, host, opts.port ?? 0);
  return tracked(server, host, port);
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

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET with a deadline covering connect and body, on a fresh connection; rejects with 'refused', 'timeout' or the error. */
export function httpGet(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(err.code === 'ECONNREFUSED' ? 'refused' : err.message));
    });
  });
}

/** A GET summarised as "200 ready\n"-style text, or 'refused' / 'timeout'. */
export async function httpOutcome(url: string, timeoutMs: number): Promise<string> {
  try {
    const r = await httpGet(url, timeoutMs);
    return `${r.status} ${r.body}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** GET by fetch (10 s deadline): status, content type and body. */
export async function getText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}
