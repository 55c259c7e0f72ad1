// ztunnel's readiness endpoint (:15021/healthz/ready): 200 `ready\n`, or
// 500 `not ready, pending: <sorted, comma-separated task names>\n` (istio/ztunnel src/readiness/server.rs).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { ReadinessResult } from '../model.js';
import { PORTS, ZTUNNEL_READINESS_PATH } from '../istio.js';
import { armConnectTimeout, connectBudget, ConnectTimeoutError } from '../scrape/connect-timeout.js';

/** The real body is a few dozen bytes; never buffer more than this. */
export const READINESS_BODY_LIMIT = 4096;

const PENDING_PREFIX = 'not ready, pending:';

/**
 * Task names become label values of exported series, and the body comes from the target: cap how
 * many and how long. ztunnel has a handful of tasks with names of a few words.
 */
export const MAX_PENDING_TASKS = 8;
export const MAX_TASK_NAME_LENGTH = 64;

/** Cut to `max` code points (never half a surrogate pair). */
function truncate(text: string, max: number): string {
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}

/**
 * Task names from a not-ready body: sorted, unique, at most MAX_PENDING_TASKS of at most
 * MAX_TASK_NAME_LENGTH characters each; [] when the body has no pending list.
 */
export function parsePendingTasks(body: string): string[] {
  const text = body.trim();
  if (!text.startsWith(PENDING_PREFIX)) return [];
  const tasks = new Set<string>();
  for (const raw of text.slice(PENDING_PREFIX.length).split(',')) {
    const task = truncate(raw.trim(), MAX_TASK_NAME_LENGTH).trim();
    if (task !== '') tasks.add(task);
  }
  return [...tasks].sort().slice(0, MAX_PENDING_TASKS);
}

export interface ReadinessTarget {
  node: string;
  pod: string;
  ip: string;
}

export interface ReadinessProbeOptions {
  /** budget for connect + response */
  timeoutMs: number;
  /** budget for the TCP connect alone (default 1000, capped at timeoutMs) */
  connectTimeoutMs?: number;
  /** readiness port (default 15021) */
  port?: number;
}

/**
 * GET http://ip:port/healthz/ready on a fresh connection (no keep-alive: each probe is a new check
 * of the pod network). `reachable` is true once the address answered at the TCP level (connected,
 * or refused). A connect that takes longer than the connect budget fails the probe, unreachable.
 * Never rejects.
 */
export function probeZtunnelReadiness(target: ReadinessTarget, opts: ReadinessProbeOptions): Promise<ReadinessResult> {
  const started = performance.now();
  const port = opts.port ?? PORTS.ztunnelReadiness;
  const connectMs = connectBudget(opts.connectTimeoutMs, opts.timeoutMs);
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
      armConnectTimeout(socket, connectMs, () => req?.destroy(new ConnectTimeoutError(connectMs)));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') reachable = true; // refused is an answer from the address
      finish(false);
    });
  });
}
