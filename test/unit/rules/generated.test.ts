// The committed rule file, Alertmanager files and docs/alerts.md are what the generator renders
// (no hand edits drift from the source), and a custom runbook base reaches every alert.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RULE_FILE, renderAll, renderRuleFile } from '../../../scripts/rules/render.js';
import { ROOT, type RuleGroup } from '../../support/rule-files.js';

describe('rules: generated files', () => {
  for (const [rel, content] of Object.entries(renderAll())) {
    it(`${rel} is up to date (npm run generate)`, () => {
      expect(readFileSync(join(ROOT, rel), 'utf8')).to.equal(content);
    });
  }

  it('renders every runbook_url under a custom base, and nothing else changes', () => {
    const base = 'https://wiki.example.com/ambient/runbooks/';
    const custom = parse(renderRuleFile({ runbookBaseUrl: base })) as { groups: RuleGroup[] };
    const shipped = parse(readFileSync(join(ROOT, RULE_FILE), 'utf8')) as { groups: RuleGroup[] };
    const urls = custom.groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.annotations?.runbook_url, r.alert] : [])));
    for (let i = 0; i < urls.length; i += 2) expect(urls[i]).to.equal(`https://wiki.example.com/ambient/runbooks/${urls[i + 1]}.md`);
    const strip = (gs: RuleGroup[]) =>
      JSON.stringify(gs, (k, v: unknown) => (k === 'runbook_url' ? undefined : v));
    expect(strip(custom.groups)).to.equal(strip(shipped.groups));
  });

  it('documents the sed one-liner with the base actually shipped', () => {
    const doc = readFileSync(join(ROOT, 'docs/alerts.md'), 'utf8');
    const rules = readFileSync(join(ROOT, RULE_FILE), 'utf8');
    const sed = /sed -i 's#([^#]+)#[^#]+#' (\S+)/.exec(doc);
    expect(sed, 'sed line in docs/alerts.md').to.not.equal(null);
    expect(rules).to.contain(`runbook_url: ${sed?.[1] ?? ''}`);
    expect(sed?.[2]).to.equal(RULE_FILE);
  });
});
