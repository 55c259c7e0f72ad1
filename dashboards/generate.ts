// `npm run dashboards`: writes every dashboard to dashboards/<file>.json. The committed files must equal
// this output (test/unit/dashboards checks it). RUNBOOK_BASE_URL points runbook links at your own copy.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboards, render } from './src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const runbookBaseUrl = process.env['RUNBOOK_BASE_URL'] || undefined;
for (const { file, dashboard } of buildDashboards({ runbookBaseUrl })) {
  writeFileSync(join(here, file), render(dashboard));
  console.log(`wrote dashboards/${file} (${dashboard.uid})`);
}
