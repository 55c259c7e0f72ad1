// Helpers for tests that talk to the lab's servers: what a TCP connect meets, and plain HTTP GETs with a deadline.
import http from 'node:http';
import net from 'node:net';

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

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET with a deadline covering connect and body; rejects with the dial outcome when it does not connect. */
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
