// Every dashboard query parses as PromQL: promtool checks them as recording rules, Grafana variables
// substituted.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildDashboards, panelQueries, substitute } from '../../../dashboards/src/index.js';
import { requireTool, run } from '../../support/tools.js';

const queries = buildDashboards().flatMap((g) => panelQueries(g.dashboard));

/** Writes each expression as a recording rule and runs `promtool check rules` on the file. */
async function promtoolCheck(exprs: string[]): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboards-promql-'));
  try {
    const rules = exprs.map((expr, i) => ({ record: `dashboard_query:${i}`, expr }));
    const file = join(dir, 'dashboard-queries.rules.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard-queries', rules }] }));
    const promtool = requireTool('promtool');
    try {
      const { stdout, stderr } = await run(promtool, ['check', 'rules', file]);
      return { ok: true, output: stdout + stderr };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? err.message}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dashboards: PromQL (promtool)', () => {
  it('every query parses (promtool check rules on a rule file of all queries, variables substituted)', async () => {
    const exprs = queries.map((q) => substitute(q.expr));
    const result = await promtoolCheck(exprs);
    expect(result.ok, result.output).to.equal(true);
    expect(result.output).to.contain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('the promtool check does reject a query that does not parse', async () => {
    const result = await promtoolCheck(['sum by (node) (rate(x[1m])', 'up']);
    expect(result.ok).to.equal(false);
    expect(result.output).to.match(/unclosed left parenthesis|parse error/);
  });
});
