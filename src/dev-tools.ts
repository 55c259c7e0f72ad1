// The lab (package ambient-lab, lab/) and the demo (scripts/demo.ts) are development tools: they
// live in a source checkout, never in `npm run build`'s output or the image. The CLI loads them at
// run time with specifiers the compiler does not follow, typed by the local interfaces below
// (test/integration/installation.test.ts checks that the real modules satisfy them).
import { fileURLToPath } from 'node:url';

export interface LabCommandOptions {
  nodes: number;
  faults: string;
  controlAddress: string;
  apiAddress: string;
  /** checked by the lab: 1.24, 1.28 or 1.30 */
  istioVersion?: '1.24' | '1.28' | '1.30';
  /** checked by the lab: upstream, talos or gke */
  layout?: 'upstream' | 'talos' | 'gke';
  /** checked by the lab: ipv4 or ipv6 */
  ipFamily?: 'ipv4' | 'ipv6';
  revision?: string;
}
/** What the CLI uses of the lab package. */
export interface LabModule {
  runLabCommand(opts: LabCommandOptions): Promise<void>;
}

export interface DemoOptions {
  nodes: number;
  fault: string;
  listenAddress: string;
}
/** What the CLI uses of the demo module. */
export interface DemoModule {
  runDemo(opts: DemoOptions): Promise<void>;
}

export const LAB_PACKAGE = 'ambient-lab';
/** scripts/demo.ts of a source checkout, relative to src/ (run by tsx) or dist/ (built): not shipped. */
const DEMO_IN_CHECKOUT = '../scripts/demo.js';

/** A development tool that this installation does not hold; its message is the one line to print. */
export class DevToolMissing extends Error {
  override name = 'DevToolMissing';
}

export function loadLab(): Promise<LabModule> {
  return load<LabModule>(LAB_PACKAGE, 'the lab is a development tool, not part of this installation; run it from a source checkout: npx tsx src/cli.ts lab');
}

export function loadDemo(): Promise<DemoModule> {
  return load<DemoModule>(
    new URL(DEMO_IN_CHECKOUT, import.meta.url).href,
    'the demo runs the lab, a development tool not part of this installation; run it from a source checkout: npm run demo',
  );
}

async function load<T>(specifier: string, missing: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    if (notInstalled(err, specifier)) throw new DevToolMissing(missing, { cause: err });
    throw err;
  }
}

/**
 * Whether loading failed because the tool is not here: the package or file is absent (the image,
 * or the build run elsewhere), or present only as TypeScript source that plain node cannot load
 * (a checkout's dist/ run with node; tsx loads it). Any other failure is a real error.
 */
function notInstalled(err: unknown, specifier: string): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') return true;
  if (code !== 'ERR_MODULE_NOT_FOUND') return false;
  const message = (err as Error).message;
  const names = [`'${LAB_PACKAGE}'`, specifier, specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier];
  return names.some((n) => message.includes(n));
}
