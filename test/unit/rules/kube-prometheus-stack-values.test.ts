// The Helm values for kube-prometheus-stack's Alertmanager keep the chart's own inhibitions (Helm
// replaces lists) and add ours after them. amtool's view of it: test/tools/rules/kube-prometheus-stack-values.test.ts.
import { expect } from 'chai';
import { join } from 'node:path';
import { CHART_INHIBIT_RULES } from '../../../scripts/rules/kube-prometheus-stack.js';
import { RULES_DIR, loadYaml } from '../../support/rule-files.js';

interface Values {
  alertmanager: { config: { inhibit_rules: unknown[] } };
}

describe('rules: kube-prometheus-stack Alertmanager values', () => {
  it("keeps the chart's four inhibitions first, then every inhibition of the snippet", () => {
    const values = loadYaml<Values>(join(RULES_DIR, 'alertmanager/kube-prometheus-stack-values.yaml'));
    const snippet = loadYaml<{ inhibit_rules: unknown[] }>(join(RULES_DIR, 'alertmanager/inhibit-rules.yaml'));
    const rules = values.alertmanager.config.inhibit_rules;
    expect(rules.slice(0, CHART_INHIBIT_RULES.length)).to.deep.equal(CHART_INHIBIT_RULES);
    expect(rules.slice(CHART_INHIBIT_RULES.length)).to.deep.equal(snippet.inhibit_rules);
  });
});
