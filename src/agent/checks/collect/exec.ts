// Runs a read-only network tool (argument array, no shell) and says why it failed in the checks'
// bounded vocabulary: not installed, not permitted, failed, timed out, or printed something that
// is not JSON. Output is capped, so a huge table costs a failure, not unbounded memory.
import { execFile, type ExecFileException } from 'node:child_process';
import type { Collected, CollectFailure } from '../types.js';

const TIMEOUT_MS = 5_000;
/** An FDB with 5,000 peers is about 0.5 MB of JSON. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

const PERMISSION = /operation not permitted|permission denied/i;

const firstLine = (text: string): string => text.trim().split('\n')[0]?.slice(0, 300) ?? '';

function failure(err: ExecFileException, stderr: string, timeoutMs: number): { failure: CollectFailure; detail: string } {
  if (err.code === 'ENOENT') return { failure: 'command_missing', detail: err.message };
  if (err.code === 'EACCES' || PERMISSION.test(stderr)) return { failure: 'permission_denied', detail: firstLine(stderr) || err.message };
  if (err.killed || err.signal === 'SIGTERM') return { failure: 'timeout', detail: `no answer in ${timeoutMs} ms` };
  return { failure: 'command_failed', detail: firstLine(stderr) || firstLine(err.message) };
}

export function collectText(argv: readonly string[], timeoutMs = TIMEOUT_MS): Promise<Collected<string>> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    execFile(file ?? '', args, { timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve(err ? { ok: false, ...failure(err, stderr, timeoutMs) } : { ok: true, value: stdout });
    });
  });
}

/** A `-j` command's output, parsed. An empty output is an empty list (iproute2 prints nothing for no entries). */
export async function collectJson(argv: readonly string[]): Promise<Collected<unknown>> {
  const text = await collectText(argv);
  if (!text.ok) return text;
  if (text.value.trim() === '') return { ok: true, value: [] };
  try {
    return { ok: true, value: JSON.parse(text.value) as unknown };
  } catch {
    return { ok: false, failure: 'unparseable_output', detail: `${argv.join(' ')}: not JSON` };
  }
}
