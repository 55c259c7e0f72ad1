// Exponential back-off with jitter for re-establishing watches: the first retry is fast (a dropped
// connection usually comes straight back), later ones spread out so N exporters do not reconnect
// to a recovering API server in lockstep.

export interface BackoffOptions {
  /** delay before the first retry, before jitter */
  initialMs: number;
  /** ceiling of the delay, before jitter */
  maxMs: number;
  /** growth per consecutive failure */
  factor: number;
  /** fraction of the delay that is random: delay * (1 - jitter * random) */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 30_000, factor: 2, jitter: 0.5 };

export class Backoff {
  private failures = 0;
  private readonly opts: BackoffOptions;

  constructor(
    opts: Partial<BackoffOptions> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.opts = { ...DEFAULT_BACKOFF, ...opts };
  }

  /** consecutive failures so far */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next retry; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.opts;
    const base = Math.min(maxMs, initialMs * factor ** Math.min(this.failures, 64));
    this.failures++;
    return Math.round(base * (1 - jitter * this.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}
