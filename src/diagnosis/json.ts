// A Report for scripts (`diagnose --output json`): the Report as it is, plus the exit code, on one
// stable shape documented in docs/diagnose.md (`version` changes when a field changes meaning).
import { exitCodeOf } from './exit-code.js';
import type { Report } from './types.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify({ kind: 'AmbientDiagnosis', ...report, exitCode: exitCodeOf(report) }, null, 2)}\n`;
}
