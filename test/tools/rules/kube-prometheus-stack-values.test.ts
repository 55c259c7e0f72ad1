// amtool on the Helm values for kube-prometheus-stack's Alertmanager: the configuration the chart
// writes into the Alertmanager's secret is valid, and routes as intended: every ambient alert out of
// the chart's 'null' receiver by its severity, everything else where the chart sent it.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RULES_DIR, loadAlerts, loadYaml } from '../../support/rule-files.js';
import { requireTool, run } from '../../support/tools.js';

interface Values {
  alertmanager: { config: { inhibit_rules: unknown[] } };
}

describe('rules: amtool on the kube-prometheus-stack Alertmanager values', () => {
  const config = loadYaml<Values>(join(RULES_DIR, 'alertmanager/kube-prometheus-stack-values.yaml')).alertmanager.config;
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ambient-kps-'));
    file = join(dir, 'alertmanager.yaml');
    // what the chart writes into the Alertmanager's secret: the `alertmanager.config` value
    writeFileSync(file, stringify(config));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the configuration', async () => {
    const { stdout } = await run(requireTool('amtool'), ['check-config', file]);
    expect(stdout).to.contain('SUCCESS');
    expect(stdout).to.contain(`${config.inhibit_rules.length} inhibit rules`);
  });

  const routeOf = async (labels: string[]): Promise<string> =>
    (await run(requireTool('amtool'), ['config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();

  it("routes every ambient alert by its severity, and leaves the chart's own routing as it was", async () => {
    for (const a of loadAlerts()) {
      const severity = a.labels?.severity ?? '';
      const expected = severity === 'critical' ? 'ambient-pager' : severity === 'warning' ? 'ambient-ticket' : 'null';
      expect(await routeOf([`alertname=${a.alert}`, `severity=${severity}`]), a.alert).to.equal(expected);
    }
    expect(await routeOf(['alertname=Watchdog', 'severity=none'])).to.equal('null');
    expect(await routeOf(['alertname=KubePodCrashLooping', 'severity=warning', 'namespace=default'])).to.equal('null');
  });
});
