// One probe to a peer's agent (I/O): a fresh TCP connection (no keep-alive: each probe proves a
// handshake) and one HTTP exchange, bounded by one timeout covering connect and exchange. TCP and
// HTTP rather than ICMP, as cilium-health and Mirantis netchecker probe (cilium pkg/health/server/
// prober.go, HTTP to every node's health endpoint): it needs no raw socket (no NET_RAW) and it is
// the traffic that matters, carried by the same path. Never throws: every end is an outcome.
import http from 'node:http';
import type { ProbeOutcome } from './outcomes.js';

/** Where peers answer probes (agent/server.ts). */
export const PROBE_PATH = '/probe';
/**
 * Both messages of a padded probe: far past any overlay MTU (Flannel's 1450 over a 1500 underlay,
 * 8950 with jumbo frames), so each direction sends full-size segments, which an MTU blackhole drops
 * while the handshake and small messages pass.
 */
export const PADDED_BYTES = 16 * 1024;
/** The largest padded body a peer's agent accepts. */
export const PADDED_MAX_BYTES = 64 * 1024;

export interface ProbeAddress {
  ip: string;
  port: number;
}

export interface ProbeDone {
  outcome: ProbeOutcome;
  seconds: number;
}

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

/** `padBytes` > 0: POST that many bytes and expect as many back; else a small GET. */
export function probeOnce(to: ProbeAddress, timeoutMs: number, padBytes = 0): Promise<ProbeDone> {
  const started = performance.now();
  return new Promise((resolve) => {
    let connected = false;
    let done = false;
    let received = 0;
    const finish = (outcome: ProbeOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ outcome, seconds: (performance.now() - started) / 1000 });
    };
    const req = http.request({
      host: to.ip,
      port: to.port,
      path: PROBE_PATH,
      method: padBytes > 0 ? 'POST' : 'GET',
      agent: false,
      headers: { connection: 'close', ...(padBytes > 0 ? { 'content-type': 'application/octet-stream', 'content-length': padBytes } : {}) },
    });
    const timer = setTimeout(() => finish(connected ? 'stalled' : 'connect_timeout'), timeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (code === 'ECONNREFUSED') finish('refused');
      else if (UNREACHABLE.has(code)) finish('unreachable');
      else if (code === 'ECONNRESET' || code === 'EPIPE') finish(connected ? 'reset' : 'refused');
      else finish('error');
    });
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('error', () => finish('reset'));
      res.on('end', () => finish(res.statusCode === 200 && (padBytes === 0 || received === padBytes) ? 'ok' : 'error'));
    });
    req.end(padBytes > 0 ? Buffer.alloc(padBytes, 0x78) : undefined);
  });
}
