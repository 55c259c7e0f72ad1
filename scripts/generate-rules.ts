// Writes the alert bundle (rule file, Alertmanager snippet and example, docs/alerts.md) from
// scripts/rules/*.ts.
//   npx tsx scripts/generate-rules.ts                       regenerate the committed files
//   npx tsx scripts/generate-rules.ts --check               exit 1 if a committed file differs
//   npx tsx scripts/generate-rules.ts --runbook-base-url URL --out-dir DIR   your own copy

import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderAll } from './rules/render.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function main(): number {
  const { values } = parseArgs({
    options: {
      'runbook-base-url': { type: 'string' },
      'out-dir': { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: generate-rules.ts [--runbook-base-url URL] [--out-dir DIR] [--check]\n');
    return 0;
  }
  const base = values['runbook-base-url'];
  if (base !== undefined && !/^https?:\/\/\S+$/.test(base)) {
    process.stderr.write(`--runbook-base-url: not an http(s) URL: ${base}\n`);
    return 2;
  }
  const outDir = resolve(values['out-dir'] ?? projectRoot);
  const files = renderAll(base === undefined ? {} : { runbookBaseUrl: base });
  const drifted: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const path = join(outDir, rel);
    if (values.check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== content) drifted.push(rel);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    process.stdout.write(`wrote ${path}\n`);
  }
  if (drifted.length > 0) {
    process.stderr.write(`out of date (run npx tsx scripts/generate-rules.ts): ${drifted.join(', ')}\n`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
