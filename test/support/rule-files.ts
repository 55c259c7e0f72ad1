// Paths and loaders shared by the rule tests.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RULES_DIR = join(ROOT, 'rules');
export const RUNBOOKS_DIR = join(ROOT, 'docs/runbooks');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RecordingRule {
  record: string;
  expr: string;
}
export interface RuleGroup {
  name: string;
  rules: Array<AlertRule | RecordingRule>;
}

export function ruleFiles(): string[] {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.rules.yaml'))
    .map((f) => join(RULES_DIR, f));
}

export function ruleTestFiles(): string[] {
  const dir = join(RULES_DIR, 'tests');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.yaml'))
    .map((f) => join(dir, f));
}

export function loadGroups(): RuleGroup[] {
  return ruleFiles().flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: RuleGroup[] }).groups);
}

export function loadAlerts(): AlertRule[] {
  return loadGroups().flatMap((g) => g.rules.filter((r): r is AlertRule => 'alert' in r));
}

export function loadRecordings(): RecordingRule[] {
  return loadGroups().flatMap((g) => g.rules.filter((r): r is RecordingRule => 'record' in r));
}

export function loadYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8')) as T;
}

/** Prometheus durations as used in rules (e.g. 90s, 5m, 1h30m) in seconds. */
export function durationSeconds(d: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let rest = d;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|y)/.exec(rest);
    if (!m) throw new Error(`bad duration ${d}`);
    total += Number(m[1]) * (units[m[2] as string] ?? 0);
    rest = rest.slice(m[0].length);
  }
  return total;
}
