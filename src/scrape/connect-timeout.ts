// A deadline on the TCP connect alone. Node has none (socket timeouts count idleness, and the
// per-target budget covers headers and body too), so without it a blackholed pod IP, whose SYNs go
// unanswered, holds a scrape or probe slot for the whole per-target budget.
import type { Socket } from 'node:net';

/** Default connect deadline for scrapes and probes. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;

/** The connect deadline to use: the configured one (default 1 s), never more than the attempt's whole budget. */
export function connectBudget(connectTimeoutMs: number | undefined, timeoutMs: number): number {
  const wanted = connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return Math.max(0, Math.min(wanted, timeoutMs));
}

/** The error a request is destroyed with when its connect deadline passes. */
export class ConnectTimeoutError extends Error {
  override name = 'ConnectTimeoutError';
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`connect did not complete within ${ms}ms`);
  }
}

/**
 * Call `onTimeout` if `socket` is still connecting (DNS lookup included) after `ms`. Does nothing for
 * a socket that is already connected, e.g. a pooled keep-alive one; the timer goes with the connect
 * or the close.
 */
export function armConnectTimeout(socket: Socket, ms: number, onTimeout: () => void): void {
  if (!socket.connecting) return;
  const timer = setTimeout(() => {
    if (socket.connecting) onTimeout();
  }, ms);
  const clear = (): void => clearTimeout(timer);
  socket.once('connect', clear);
  socket.once('close', clear);
}
