// Processes the lab runs inside its namespaces: `ip netns exec NS node --import tsx SCRIPT`, which
// execs in place, so the pid we hold is the program's own. Each must print "ready" on stdout
// within a deadline; stop() ends it and waits for its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: where `--import tsx` resolves from. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface NetnsProcess {
  pid: number;
  netns: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readyTimeoutMs?: number;
  /** prepended inside the namespace, e.g. setpriv to drop privileges */
  wrapper?: readonly string[];
  /** told the pid at once, so a signal during start-up still finds the process to kill */
  onSpawn?: (pid: number) => void;
}

/** The command that runs a TypeScript file of this repository inside `netns`. */
export function tsInNetns(netns: string, script: string, args: readonly string[], wrapper: readonly string[] = []): string[] {
  return ['ip', 'netns', 'exec', netns, ...wrapper, process.execPath, '--import', 'tsx', script, ...args];
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startInNetns(netns: string, script: string, args: readonly string[], options: StartOptions = {}): Promise<NetnsProcess> {
  const [file, ...rest] = tsInNetns(netns, script, args, options.wrapper);
  const child = spawn(file as string, rest, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4096)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end(); // the endpoint exits when its stdin closes
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited(child);
      clearTimeout(timer);
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not ready in time')), options.readyTimeoutMs ?? 15_000);
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (e) => (clearTimeout(timer), reject(e)));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`exited with ${code}`))));
    });
  } catch (err) {
    await stop();
    throw new Error(`${path.basename(script)} in ${netns}: ${(err as Error).message}: ${stderr.trim()}`, { cause: err });
  }
  return { pid: child.pid as number, netns, stop };
}

/** Runs a TypeScript file of this repository to completion inside `netns`; resolves its stdout. */
export function runTsInNetns(netns: string, script: string, args: readonly string[], options: { wrapper?: readonly string[]; timeoutMs?: number } = {}): Promise<string> {
  const [file, ...rest] = tsInNetns(netns, script, args, options.wrapper);
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, rest, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 30_000 });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4096)));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(script)} in ${netns} exited ${code ?? signal}: ${err.trim()}`)),
    );
  });
}
