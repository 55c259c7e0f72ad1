// Run scrapes in a process of their own and report its memory, so a test can measure what a scrape
// costs without the test runner's own heap in the figures.
//   node --import tsx test/support/scrape-child.ts '<ScrapeChildInput as JSON>'
// Prints one JSON line (ScrapeChildOutput) on stdout.
import { keptSamplesOf } from '../../src/issues/registry.js';
import type { Target } from '../../src/model.js';
import { scrapeTarget, type FetchOptions } from '../../src/scrape/fetch.js';

export interface ScrapeChildInput {
  targets: Target[];
  /** the fetch options but the filter: each target keeps what the issue modules read from its component */
  options: Omit<FetchOptions, 'filter'>;
  /** how many times each target is scraped, one after another */
  rounds: number;
}

export interface ScrapeChildOutput {
  /** the error reason (or 'up') of every scrape, per target, in order */
  outcomes: string[][];
  /** RSS before the first scrape, MiB */
  baselineRssMiB: number;
  /** the process's peak RSS, MiB */
  peakRssMiB: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ScrapeChildInput;
const baselineRssMiB = process.memoryUsage().rss / (1 << 20);
const outcomes: string[][] = input.targets.map(() => []);
for (let round = 0; round < input.rounds; round++) {
  for (const [i, target] of input.targets.entries()) {
    const r = await scrapeTarget(target, { ...input.options, filter: keptSamplesOf(target.component) });
    outcomes[i]!.push(r.error ?? 'up');
  }
}
const output: ScrapeChildOutput = { outcomes, baselineRssMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(`${JSON.stringify(output)}\n`);
