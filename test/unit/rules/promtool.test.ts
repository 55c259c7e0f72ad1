// The shipped rule files pass `promtool check rules`, and every promtool unit test in
// rules/tests/ passes (boundary tests for every alert, recording rule values).
import { expect } from 'chai';
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadAlerts, ruleFiles, ruleTestFiles, run, which } from './files.js';

const promtool = which('promtool');

describe('rules: promtool', function () {
  before(function () {
    if (!promtool) throw new Error('promtool not found on PATH: run scripts/ensure-prometheus.sh');
  });

  for (const file of ruleFiles()) {
    it(`promtool check rules ${basename(file)}`, async () => {
      const { stdout } = await run(promtool as string, ['check', 'rules', file]);
      expect(stdout).to.match(/SUCCESS: \d+ rules found/);
    });
  }

  for (const file of ruleTestFiles()) {
    it(`promtool test rules ${basename(file)}`, async () => {
      const { stdout } = await run(promtool as string, ['test', 'rules', file]);
      expect(stdout).to.contain('SUCCESS');
    });
  }

  it('every alert has a firing case and a silent case in rules/tests', () => {
    interface AlertTest { alertname: string; eval_time: string; exp_alerts?: unknown[] }
    const cases = ruleTestFiles().flatMap((f) => {
      const doc = parse(readFileSync(f, 'utf8')) as { tests: Array<{ alert_rule_test?: AlertTest[] }> };
      return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    });
    const missing = loadAlerts()
      .map((a) => a.alert)
      .filter((name) => {
        const mine = cases.filter((c) => c.alertname === name);
        const fires = mine.some((c) => (c.exp_alerts ?? []).length > 0);
        const silent = mine.some((c) => (c.exp_alerts ?? []).length === 0);
        return !(fires && silent);
      });
    expect(missing, 'alerts without both a firing and a silent promtool case').to.deep.equal([]);
  });
});
