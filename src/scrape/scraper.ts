// One scrape round over every target, with bounded concurrency. Never throws.
import type { ScrapeResult, Target } from '../model.js';
import { createScrapeAgents, destroyScrapeAgents, scrapeTarget, type FetchOptions, type ScrapeAgents } from './fetch.js';
import type { SampleFilter, SampleLimits } from './parser.js';
import { mapWithConcurrency } from './pool.js';

export interface ScrapeAllOptions {
  /** targets scraped at once */
  concurrency: number;
  /** per-target budget for connect + headers + body */
  timeoutMs: number;
  /** per-target budget for the TCP connect alone (default 1000, capped at timeoutMs) */
  connectTimeoutMs?: number;
  /** per-target body cap in bytes */
  maxBytes: number;
  /** per-target bounds on kept samples and their labels (default DEFAULT_SAMPLE_LIMITS) */
  limits?: SampleLimits;
  /** the samples to keep from a component's scrape */
  keep: (component: Target['component']) => SampleFilter;
  /**
   * The caller's keep-alive pools (createScrapeAgents), reused round after round and destroyed by the
   * caller. Without them the round uses pools of its own and closes them when it ends.
   */
  agents?: ScrapeAgents;
}

/** Scrape every target; results come back in the order of `targets`. */
export async function scrapeAll(targets: readonly Target[], opts: ScrapeAllOptions): Promise<ScrapeResult[]> {
  const agents = opts.agents ?? createScrapeAgents();
  const fetchOpts: Omit<FetchOptions, 'filter'> = {
    timeoutMs: opts.timeoutMs,
    maxBytes: opts.maxBytes,
    agents,
    ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
    ...(opts.limits === undefined ? {} : { limits: opts.limits }),
  };
  try {
    return await mapWithConcurrency(targets, opts.concurrency, async (target) => {
      try {
        return await scrapeTarget(target, { ...fetchOpts, filter: opts.keep(target.component) });
      } catch {
        // scrapeTarget classifies every failure itself; this only guards the round against a bug.
        return { target, up: false, durationSeconds: 0, error: 'connect', reachable: false, samples: [] };
      }
    });
  } finally {
    if (!opts.agents) destroyScrapeAgents(agents);
  }
}
