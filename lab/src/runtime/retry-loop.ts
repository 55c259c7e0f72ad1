// A client that keeps (re)connecting with exponential back-off, simulated on the lab clock: each
// attempt's fate is decided when it starts (answer, immediate refusal, or silence until the connect
// timeout), failures are counted when they happen, and an established connection holds until it is
// told it ended. Both of ztunnel's loops have this shape:
//  - xDS to istiod: on a connection error the back-off doubles from 10 ms up to 15 s before the sleep,
//    a connect gives up after 5 s (istio/ztunnel src/xds/client.rs run_loop, INITIAL_BACKOFF /
//    MAX_BACKOFF; src/tls/control.rs grpc_connector set_connect_timeout), a failure is a
//    `ConnectionError` termination; a stream that ends is retried at once.
//  - the istio-cni node agent's socket: the same doubling from 10 ms up to 15 s
//    (src/inpod/workloadmanager.rs WorkloadProxyNetworkHandler::connect); a missing socket fails at once.
import type { PathMode } from '../faults/effects.js';

export interface RetryPolicy {
  /** the back-off before the first doubling: the first failure sleeps twice this */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** how long an attempt that meets silence takes to fail */
  connectTimeoutMs: number;
}

export const XDS_RETRY: RetryPolicy = { initialBackoffMs: 10, maxBackoffMs: 15_000, connectTimeoutMs: 5_000 };
export const AGENT_RETRY: RetryPolicy = { initialBackoffMs: 10, maxBackoffMs: 15_000, connectTimeoutMs: 5_000 };

export class RetryLoop {
  /** when the current connection was established; undefined while not connected */
  private connectedAt: number | undefined;
  /** the next attempt, while trying; undefined when connected or stopped */
  private nextAttemptAt: number | undefined;
  /** an attempt started but not finished when last advanced: its fate was decided at its start */
  private inFlight: PathMode | undefined;
  private backoffMs: number;
  /** failed attempts so far */
  failures = 0;
  /** connections established so far */
  connections = 0;
  /** when the first connection was established */
  firstConnectedAt: number | undefined;
  /** when the last connection ended (undefined: never ended) */
  endedAt: number | undefined;
  /** time spent connected, before the current connection */
  private heldMs = 0;

  constructor(private readonly policy: RetryPolicy) {
    this.backoffMs = policy.initialBackoffMs;
  }

  /** Begins trying at `at` (a fresh process, or a loop that was stopped). */
  start(at: number): void {
    this.connectedAt = undefined;
    this.nextAttemptAt = at;
    this.inFlight = undefined;
    this.backoffMs = this.policy.initialBackoffMs;
  }

  /** The connection ended at `at` (the peer went away or the path broke): retry at once. */
  disconnect(at: number): void {
    if (this.connectedAt === undefined) return;
    this.heldMs += Math.max(0, at - this.connectedAt);
    this.endedAt = at;
    this.start(at);
  }

  /** Connected since `at`, as a process running since before the lab started is. */
  assumeConnected(at: number): void {
    this.connectedAt = at;
    this.nextAttemptAt = undefined;
    this.inFlight = undefined;
    this.connections = 1;
    this.firstConnectedAt = at;
  }

  get connected(): boolean {
    return this.connectedAt !== undefined;
  }

  /** when the current connection was established (undefined while not connected) */
  get connectedSince(): number | undefined {
    return this.connectedAt;
  }

  get trying(): boolean {
    return this.nextAttemptAt !== undefined;
  }

  /** Milliseconds spent connected up to `now`. */
  heldUntil(now: number): number {
    return this.heldMs + (this.connectedAt !== undefined ? Math.max(0, now - this.connectedAt) : 0);
  }

  /**
   * Runs the attempts due by `now`; `modeAt` says what an attempt started at a given time meets.
   * Returns when a connection was established during this call, if one was.
   */
  advance(now: number, modeAt: (t: number) => PathMode): number | undefined {
    for (;;) {
      const at = this.nextAttemptAt;
      if (at === undefined || at > now) return undefined;
      const mode = this.inFlight ?? modeAt(at);
      if (mode === 'ok') {
        this.connectedAt = at;
        this.nextAttemptAt = undefined;
        this.inFlight = undefined;
        this.backoffMs = this.policy.initialBackoffMs;
        this.connections += 1;
        this.firstConnectedAt ??= at;
        return at;
      }
      const failedAt = mode === 'refuse' ? at : at + this.policy.connectTimeoutMs;
      if (failedAt > now) {
        this.inFlight = mode;
        return undefined;
      }
      this.inFlight = undefined;
      this.failures += 1;
      this.backoffMs = Math.min(this.policy.maxBackoffMs, this.backoffMs * 2);
      this.nextAttemptAt = failedAt + this.backoffMs;
    }
  }
}
