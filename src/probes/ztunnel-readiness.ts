// ztunnel's readiness endpoint (:15021/healthz/ready): 200 `ready\n`, or
// 500 `not ready, pending: <sorted, comma-separated task names>\n` (istio/ztunnel src/readiness/server.rs).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { ReadinessResult } from '../model.js';
import { PORTS, ZTUNNEL_READINESS_PATH } from '../istio.js';

/** The real body is a few dozen bytes; never buffer more than this. */
export const READINESS_BODY_LIMIT = 4096;

const PENDING_PREFIX = 'not ready, pending:';

/** Task names from a not-ready body; [] when the body has no pending list. */
export function parsePendingTasks(body: string): string[] {
  const text = body.trim();
  if (!text.startsWith(PENDING_PREFIX)) return [];
  return text
    .slice(PENDING_PREFIX.length)
    .split(',')
    .map((task) => task.trim())
    .filter((task) => task !== '');
}

export interface ReadinessTarget {
  node: string;
  pod: string;
  ip: string;
}

/**
 * GET http://ip:port/healthz/ready on a fresh connection (no keep-alive: each probe is a new check
 * of the pod network). `reachable` is true once the address answered at the TCP level (connected,
 * or refused). Never rejects.
 */
export function probeZtunnelReadiness(target: ReadinessTarget, opts: { timeoutMs: number; port?: number }): Promise<ReadinessResult> {
  const started = performance.now();
  const port = opts.port ?? PORTS.ztunnelReadiness;
  let reachable = false;
  return new Promise((resolve) => {
    let settled = false;
    let req: http.ClientRequest | undefined;
    const finish = (ready: boolean, pendingTasks: string[] = []): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve({ node: target.node, pod: target.pod, reachable, ready, pendingTasks, durationSeconds: (performance.now() - started) / 1000 });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs);

    const onResponse = (res: http.IncomingMessage): void => {
      let body = '';
      const done = (): void => {
        const ready = res.statusCode === 200;
        finish(ready, ready ? [] : parsePendingTasks(body.slice(0, READINESS_BODY_LIMIT)));
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length >= READINESS_BODY_LIMIT) done();
      });
      res.once('end', done);
      res.on('error', done); // a cut body still carries the status
    };

    try {
      req = http.get({ host: target.ip, port, path: ZTUNNEL_READINESS_PATH, agent: false, headers: { 'User-Agent': 'ambient-exporter' } }, onResponse);
    } catch {
      finish(false); // e.g. an invalid port
      return;
    }
    req.once('socket', (socket: Socket) => {
      if (!socket.connecting) reachable = true;
      else socket.once('connect', () => (reachable = true));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') reachable = true; // refused is an answer from the address
      finish(false);
    });
  });
}
