// Await a condition by polling it, bounded by a deadline: no fixed sleeps in tests.

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves with the first truthy value of probe(); rejects naming `what` once the deadline passes. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, opts: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs ?? 5_000} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 10));
  }
}
