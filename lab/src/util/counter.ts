// A counter whose rate changes with the simulated state: it integrates a piecewise-constant rate,
// so the value read at any instant is exact and repeatable for a given clock.

export class GrowingCounter {
  private base: number;
  private rate = 0;
  private since: number;

  constructor(initial: number, nowMs: number, ratePerSecond = 0) {
    this.base = initial;
    this.since = nowMs;
    this.rate = ratePerSecond;
  }

  value(nowMs: number): number {
    return this.base + (this.rate * Math.max(0, nowMs - this.since)) / 1000;
  }

  setRate(ratePerSecond: number, nowMs: number): void {
    if (ratePerSecond === this.rate) return;
    this.base = this.value(nowMs);
    this.since = nowMs;
    this.rate = ratePerSecond;
  }

  add(amount: number, nowMs: number): void {
    this.base = this.value(nowMs) + amount;
    this.since = nowMs;
  }
}
