// The exit code of `diagnose`, from its report: 0 healthy (warnings included, as `linkerd check`
// does), 1 problems found, 2 could not check (blind, or a check that could not be made and no
// problem to report instead).
import type { Report } from './types.js';

export const EXIT = { healthy: 0, problems: 1, couldNotCheck: 2 } as const;

export function exitCodeOf(report: Pick<Report, 'verdict'>): number {
  switch (report.verdict) {
    case 'problems':
      return EXIT.problems;
    case 'blind':
    case 'incomplete':
      return EXIT.couldNotCheck;
    default:
      return EXIT.healthy;
  }
}
