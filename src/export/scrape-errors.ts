// Failed scrapes since start, by component and reason: every combination present from 0, so a
// rate() over the counter works from the first scrape (the exporter's and the agent's alike).
import { SCRAPE_ERROR_REASONS } from '../model.js';

export interface ScrapeErrorRow {
  component: string;
  reason: string;
  value: number;
}

export class ScrapeErrorCounts {
  private readonly rows = new Map<string, ScrapeErrorRow>();

  constructor(components: readonly string[]) {
    for (const component of components) {
      for (const reason of SCRAPE_ERROR_REASONS) this.rows.set(`${component}/${reason}`, { component, reason, value: 0 });
    }
  }

  /** Counts each failed result once (components not counted here are ignored). */
  count(results: readonly { up: boolean; error?: string | undefined; component: string }[]): void {
    for (const r of results) {
      if (r.up || !r.error) continue;
      const row = this.rows.get(`${r.component}/${r.error}`);
      if (row) row.value += 1;
    }
  }

  /** A copy of the counts, for a view. */
  snapshot(): ScrapeErrorRow[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
}
