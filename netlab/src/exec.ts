// Runs the host's network tools with argument arrays (never a shell string), so names and
// addresses can never be parsed as shell syntax. Every failure names the full command line.
import { execFile, execFileSync } from 'node:child_process';

/** A command line: the program, then its arguments. */
export type Argv = readonly string[];

export class CommandError extends Error {
  constructor(
    readonly argv: Argv,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`${argv.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || 'no output'}`);
  }
}

export interface RunOptions {
  /** default 10 s: a netlink call that hangs is a harness bug, not something to wait out */
  timeoutMs?: number;
}

export function run(argv: Argv, options: RunOptions = {}): Promise<string> {
  const [file, ...args] = argv;
  if (!file) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: options.timeoutMs ?? 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = typeof err.code === 'number' ? err.code : null;
      reject(new CommandError(argv, stderr || err.message, code));
    });
  });
}

/** Runs each command in order; stops at the first failure. */
export async function runAll(commands: readonly Argv[], options?: RunOptions): Promise<void> {
  for (const argv of commands) await run(argv, options);
}

/** Runs a command and parses its `-j` output. */
export async function runJson<T = unknown>(argv: Argv, options?: RunOptions): Promise<T> {
  const out = await run(argv, options);
  return (out.trim() === '' ? [] : JSON.parse(out)) as T;
}

/**
 * Synchronous, failure-tolerant: for teardown inside signal and exit handlers, where the event
 * loop will not run again. Returns whether the command succeeded.
 */
export function runQuietlySync(argv: Argv): boolean {
  const [file, ...args] = argv;
  if (!file) return false;
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** `ip` inside a named network namespace (`ip -n NS ...`), or in the caller's when ns is undefined. */
export function ip(ns: string | undefined, ...args: string[]): Argv {
  return ns ? ['ip', '-n', ns, ...args] : ['ip', ...args];
}

export function bridgeCmd(ns: string | undefined, ...args: string[]): Argv {
  return ns ? ['bridge', '-n', ns, ...args] : ['bridge', ...args];
}

export function tc(ns: string | undefined, ...args: string[]): Argv {
  return ns ? ['tc', '-n', ns, ...args] : ['tc', ...args];
}

/** Any program inside a namespace: `ip netns exec NS program args...`. */
export function inNetns(ns: string, argv: Argv): Argv {
  return ['ip', 'netns', 'exec', ns, ...argv];
}
