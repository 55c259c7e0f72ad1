// The shipped rule files pass `promtool check rules`, and every promtool unit test in
// rules/tests/ passes (boundary tests for every alert, recording rule values).
import { expect } from 'chai';
import { basename } from 'node:path';
import { ruleFiles, ruleTestFiles } from '../../support/rule-files.js';
import { requireTool, run } from '../../support/tools.js';

describe('rules: promtool', () => {
  for (const file of ruleFiles()) {
    it(`promtool check rules ${basename(file)}`, async () => {
      const { stdout } = await run(requireTool('promtool'), ['check', 'rules', file]);
      expect(stdout).to.match(/SUCCESS: \d+ rules found/);
    });
  }

  for (const file of ruleTestFiles()) {
    it(`promtool test rules ${basename(file)}`, async () => {
      const { stdout } = await run(requireTool('promtool'), ['test', 'rules', file]);
      expect(stdout).to.contain('SUCCESS');
    });
  }
});
