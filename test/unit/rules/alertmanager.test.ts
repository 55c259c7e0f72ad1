// The Alertmanager snippet users merge and the complete example carry the same inhibitions, route
// every severity and name alerts that exist (amtool's check of both: test/tools/rules/amtool.test.ts).
import { expect } from 'chai';
import { join } from 'node:path';
import { RULES_DIR, loadAlerts, loadYaml } from '../../support/rule-files.js';

interface InhibitRule { source_matchers: string[]; target_matchers: string[]; equal: string[] }
interface AmConfig {
  route: { receiver: string; routes?: Array<{ receiver: string; matchers: string[] }> };
  receivers: Array<{ name: string }>;
  inhibit_rules: InhibitRule[];
}

const snippetPath = join(RULES_DIR, 'alertmanager/inhibit-rules.yaml');
const examplePath = join(RULES_DIR, 'alertmanager/alertmanager.example.yaml');

describe('rules: Alertmanager configuration', () => {
  const snippet = loadYaml<{ inhibit_rules: InhibitRule[] }>(snippetPath);
  const example = loadYaml<AmConfig>(examplePath);

  it('the example holds exactly the inhibitions of the snippet', () => {
    expect(snippet.inhibit_rules.length).to.be.greaterThan(0);
    expect(example.inhibit_rules).to.deep.equal(snippet.inhibit_rules);
  });

  it('the example routes each severity to its own receiver', () => {
    const routes = example.route.routes ?? [];
    for (const sev of ['critical', 'warning', 'info']) {
      const route = routes.find((r) => r.matchers.includes(`severity="${sev}"`));
      expect(route, `route for ${sev}`).to.not.equal(undefined);
      expect(example.receivers.map((r) => r.name)).to.include(route?.receiver);
    }
    const used = new Set(loadAlerts().map((a) => a.labels?.severity));
    for (const sev of used) expect(routes.some((r) => r.matchers.includes(`severity="${sev}"`)), `${sev} routed`).to.equal(true);
  });

  it('every inhibition names alerts that exist and compares cluster', () => {
    const names = new Set(loadAlerts().map((a) => a.alert));
    for (const rule of snippet.inhibit_rules) {
      expect(rule.equal).to.include('cluster');
      for (const m of [...rule.source_matchers, ...rule.target_matchers]) {
        const match = /^alertname(=~|=)"([^"]+)"$/.exec(m);
        if (!match) continue;
        for (const n of (match[2] as string).split('|')) expect(names.has(n), n).to.equal(true);
      }
    }
  });
});
