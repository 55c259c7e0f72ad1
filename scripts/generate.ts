// Every generated artefact from its one source: the alert bundle and docs/alerts.md (scripts/rules),
// the dashboards (dashboards/src), docs/metrics.md and the README's tables (the issue modules, the
// declared families, the settings table), and the Prometheus Operator objects (rules + dashboards).
//
//   npm run generate                               write them (and delete generated manifests whose source is gone)
//   npm run generate -- --check                    exit 1, naming each committed file that differs from a fresh generation
//   npm run generate -- --runbook-base-url URL --out-dir DIR
//                                                  the rules, Alertmanager files, dashboards and docs/alerts.md with
//                                                  runbook links under URL (e.g. the exporter's own /runbooks), into DIR
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildDashboards, render as renderDashboard } from '../dashboards/src/index.js';
import { checkManifests, generateManifests, writeManifests } from './generate/manifests.js';
import { METRICS_DOC_FILE, renderMetricsDoc } from './generate/metrics-doc.js';
import { AGENT_DOC_FILE, AGENT_DOC_SECTIONS, README_FILE, renderReadme, renderSections } from './generate/readme.js';
import { KUBE_PROMETHEUS_STACK_VALUES_FILE, renderKubePrometheusStackValues } from './rules/kube-prometheus-stack.js';
import { renderAll as renderRules } from './rules/render.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface GenerateOptions {
  /** where runbook links point; default: the published docs/runbooks */
  runbookBaseUrl?: string | undefined;
}

/** The rule bundle and dashboards: what depends on the runbook base URL. */
export function bundleFiles(opts: GenerateOptions = {}): Map<string, string> {
  const base = opts.runbookBaseUrl === undefined ? {} : { runbookBaseUrl: opts.runbookBaseUrl };
  const files = new Map(Object.entries(renderRules(base)));
  files.set(KUBE_PROMETHEUS_STACK_VALUES_FILE, renderKubePrometheusStackValues());
  for (const { file, dashboard } of buildDashboards(base)) files.set(`dashboards/${file}`, renderDashboard(dashboard));
  return files;
}

/** Every committed generated file except the manifests (which are generated from these). */
export function generatedFiles(root: string = ROOT): Map<string, string> {
  const files = bundleFiles();
  files.set(METRICS_DOC_FILE, renderMetricsDoc());
  files.set(README_FILE, renderReadme(readFileSync(join(root, README_FILE), 'utf8')));
  files.set(AGENT_DOC_FILE, renderSections(AGENT_DOC_FILE, readFileSync(join(root, AGENT_DOC_FILE), 'utf8'), AGENT_DOC_SECTIONS));
  return files;
}

/** Each committed file that differs from a fresh generation, one line each; empty when all are current. */
export function checkGenerated(root: string = ROOT): string[] {
  const files = generatedFiles(root);
  const problems: string[] = [];
  for (const [path, content] of files) {
    const full = join(root, path);
    if (!existsSync(full)) problems.push(`${path}: missing`);
    else if (readFileSync(full, 'utf8') !== content) problems.push(`${path}: differs from its source`);
  }
  return [...problems, ...checkManifests(root, files)];
}

function write(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    process.stdout.write(`wrote ${path}\n`);
  }
}

function main(): number {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      'runbook-base-url': { type: 'string' },
      'out-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run generate [-- --check | --runbook-base-url URL --out-dir DIR]\n');
    return 0;
  }
  const base = values['runbook-base-url'];
  if (base !== undefined && !/^(https?:\/\/\S+|\/\S*)$/.test(base)) {
    process.stderr.write(`--runbook-base-url: not an http(s) URL or an absolute path: ${base}\n`);
    return 2;
  }
  if ((base === undefined) !== (values['out-dir'] === undefined)) {
    process.stderr.write('--runbook-base-url and --out-dir go together: the committed files keep the default base\n');
    return 2;
  }
  if (values.check) {
    const problems = checkGenerated();
    for (const p of problems) process.stderr.write(`${p}\n`);
    if (problems.length > 0) process.stderr.write('out of date: run `npm run generate` and commit the result\n');
    return problems.length > 0 ? 1 : 0;
  }
  if (base !== undefined) {
    const outDir = resolve(values['out-dir']!);
    const files = bundleFiles({ runbookBaseUrl: base });
    write(outDir, files);
    write(outDir, generateManifests(ROOT, files));
    return 0;
  }
  const files = generatedFiles();
  write(ROOT, files);
  const { removed } = writeManifests(ROOT, files);
  for (const p of removed) process.stdout.write(`removed ${p}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
