// One scrape round over every target, with bounded concurrency. Never throws.
import type { ScrapeResult, Target } from '../model.js';
import { scrapeTarget, type FetchOptions } from './fetch.js';
import { mapWithConcurrency } from './pool.js';

export interface ScrapeAllOptions {
  /** targets scraped at once */
  concurrency: number;
  /** per-target budget for connect + headers + body */
  timeoutMs: number;
  /** per-target body cap in bytes */
  maxBytes: number;
  /** override the shared keep-alive agents (tests) */
  agents?: FetchOptions['agents'];
}

/** Scrape every target; results come back in the order of `targets`. */
export async function scrapeAll(targets: readonly Target[], opts: ScrapeAllOptions): Promise<ScrapeResult[]> {
  const fetchOpts: FetchOptions = { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes, ...(opts.agents ? { agents: opts.agents } : {}) };
  return mapWithConcurrency(targets, opts.concurrency, async (target) => {
    try {
      return await scrapeTarget(target, fetchOpts);
    } catch {
      // scrapeTarget classifies every failure itself; this only guards the round against a bug.
      return { target, up: false, durationSeconds: 0, error: 'connect', reachable: false, samples: [] };
    }
  });
}
