// What the promtool unit tests in rules/tests/ cover (promtool runs them: test/tools/rules/promtool.test.ts):
// every alert has a boundary case at its `for`.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { durationSeconds, loadAlerts, ruleTestFiles } from '../../support/rule-files.js';

describe('rules: the promtool unit tests', () => {
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
