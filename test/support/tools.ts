// The external programs the tools tier runs (test/tools/, never test/unit/): where each is, and how
// to run one. `npm test` installs Prometheus' (scripts/ensure-prometheus.sh), so a missing one fails
// its tests with the script to run; kubectl is optional (its tests are skipped, and counted so).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** execFile as a promise: { stdout, stderr }, rejecting with them on a non-zero exit. */
export const run = promisify(execFile);

/** Installed by scripts/ensure-prometheus.sh; each may be pointed elsewhere by its variable. */
const INSTALLED = {
  promtool: { env: 'PROMTOOL', path: '/usr/bin/promtool' },
  prometheus: { env: 'PROMETHEUS_BIN', path: '/usr/bin/prometheus' },
  amtool: { env: 'AMTOOL', path: '/usr/bin/amtool' },
  alertmanager: { env: 'ALERTMANAGER_BIN', path: '/usr/bin/prometheus-alertmanager' },
} as const;

export type InstalledTool = keyof typeof INSTALLED;

/** Where the tool is (its variable, else the Debian package's path), whether or not it is there. */
export function toolPath(name: InstalledTool): string {
  const { env, path } = INSTALLED[name];
  return process.env[env] ?? path;
}

/** The tool's path; throws, naming the script that installs it, when it is missing. */
export function requireTool(name: InstalledTool): string {
  const path = toolPath(name);
  if (!existsSync(path)) throw new Error(`${path} not found: run scripts/ensure-prometheus.sh (npm test runs it first)`);
  return path;
}

/** The path of a binary on PATH, or undefined. */
export function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, binary);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}
