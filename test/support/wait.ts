// Waiting in tests: poll a condition until it holds, or await an event, bounded by a deadline. No
// fixed sleeps: a test waits exactly as long as the thing it waits for takes, and a deadline names
// what never came.
import type { EventEmitter } from 'node:events';

export interface WaitOptions {
  /** what is awaited, for the timeout message; a function is called at timeout (to show the last state) */
  what: string | (() => string | Promise<string>);
  /** default 10 s */
  timeoutMs?: number;
  /** pause between checks (default 50 ms; 0 checks again as soon as the event loop has turned) */
  intervalMs?: number;
}

async function timeoutError(opts: WaitOptions, timeoutMs: number, lastError?: unknown): Promise<Error> {
  const what = typeof opts.what === 'function' ? await opts.what() : opts.what;
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  return new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

/**
 * Calls `check` until it returns a value other than undefined, null or false, and returns that
 * value. A check that throws counts as not yet; the last error is in the timeout's message.
 */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: WaitOptions): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) throw await timeoutError(opts, timeoutMs, lastError);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/** The arguments of the next `event` from `emitter`; rejects at the deadline (intervalMs is unused). */
export async function waitForEvent(emitter: EventEmitter, event: string, opts: WaitOptions): Promise<unknown[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let listener: ((...args: unknown[]) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<unknown[]>((resolve) => {
        listener = (...args: unknown[]) => resolve(args);
        emitter.once(event, listener);
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => void timeoutError(opts, timeoutMs).then(reject), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (listener) emitter.off(event, listener);
  }
}
