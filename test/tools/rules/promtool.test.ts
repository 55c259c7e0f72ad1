// The shipped rule files pass `promtool check rules`, and every promtool unit test in
// rules/tests/ passes (boundary tests for every alert, recording rule values).
import { expect } from 'chai';
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { durationSeconds, loadAlerts, ruleFiles, ruleTestFiles, run, which } from '../../support/rule-files.js';

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

  it('every alert has a `for` boundary case: silent one evaluation before it fires, in the same test, at or after `for`', () => {
    interface AlertTest { alertname: string; eval_time: string; exp_alerts?: unknown[] }
    interface UnitTest { name: string; alert_rule_test?: AlertTest[] }
    const tests = ruleTestFiles().flatMap((f) => {
      const doc = parse(readFileSync(f, 'utf8')) as { evaluation_interval?: string; tests: UnitTest[] };
      const step = durationSeconds(doc.evaluation_interval ?? '1m');
      return doc.tests.map((t) => ({ ...t, step }));
    });
    const missing = loadAlerts()
      .filter((a) => {
        const forSeconds = durationSeconds(a.for ?? '0s');
        return !tests.some((t) => {
          const mine = (t.alert_rule_test ?? []).filter((c) => c.alertname === a.alert);
          const silentAt = new Set(mine.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => durationSeconds(c.eval_time)));
          return mine.some((c) => {
            const at = durationSeconds(c.eval_time);
            return (c.exp_alerts ?? []).length > 0 && at >= forSeconds && silentAt.has(at - t.step);
          });
        });
      })
      .map((a) => a.alert);
    expect(missing, 'alerts without a silent case one evaluation before a firing case at or after `for`').to.deep.equal([]);
  });
});
