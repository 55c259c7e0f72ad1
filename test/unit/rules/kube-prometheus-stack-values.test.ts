// The Helm values for kube-prometheus-stack's Alertmanager: the chart's own inhibitions kept (Helm
// replaces lists), ours after them, and routes that take the ambient alerts out of the chart's 'null'
// receiver: checked by amtool, routing asked of amtool as Alertmanager would route.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHART_INHIBIT_RULES } from '../../../scripts/rules/kube-prometheus-stack.js';
import { RULES_DIR, loadAlerts, loadYaml, run, which } from './files.js';

interface Values {
  alertmanager: { config: { inhibit_rules: unknown[]; route: { receiver: string }; receivers: Array<{ name: string }> } };
}

const valuesPath = join(RULES_DIR, 'alertmanager/kube-prometheus-stack-values.yaml');
const snippetPath = join(RULES_DIR, 'alertmanager/inhibit-rules.yaml');
const amtool = which('amtool');

describe('rules: kube-prometheus-stack Alertmanager values', () => {
  const values = loadYaml<Values>(valuesPath);
  const config = values.alertmanager.config;

  it("keeps the chart's four inhibitions first, then every inhibition of the snippet", () => {
    const snippet = loadYaml<{ inhibit_rules: unknown[] }>(snippetPath);
    expect(config.inhibit_rules.slice(0, CHART_INHIBIT_RULES.length)).to.deep.equal(CHART_INHIBIT_RULES);
    expect(config.inhibit_rules.slice(CHART_INHIBIT_RULES.length)).to.deep.equal(snippet.inhibit_rules);
  });

  describe('amtool', function () {
    let dir: string;
    let file: string;
    before(function () {
      if (!amtool) this.skip(); // prometheus-alertmanager not installed (scripts/ensure-prometheus.sh installs it)
      dir = mkdtempSync(join(tmpdir(), 'ambient-kps-'));
      file = join(dir, 'alertmanager.yaml');
      // what the chart writes into the Alertmanager's secret: the `alertmanager.config` value
      writeFileSync(file, stringify(config));
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    it('accepts the configuration', async () => {
      const { stdout } = await run(amtool as string, ['check-config', file]);
      expect(stdout).to.contain('SUCCESS');
      expect(stdout).to.contain(`${config.inhibit_rules.length} inhibit rules`);
    });

    const routeOf = async (labels: string[]): Promise<string> =>
      (await run(amtool as string, ['config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();

    it('routes every ambient alert by its severity, and leaves the chart\'s own routing as it was', async () => {
      for (const a of loadAlerts()) {
        const severity = a.labels?.severity ?? '';
        const expected = severity === 'critical' ? 'ambient-pager' : severity === 'warning' ? 'ambient-ticket' : 'null';
        expect(await routeOf([`alertname=${a.alert}`, `severity=${severity}`]), a.alert).to.equal(expected);
      }
      expect(await routeOf(['alertname=Watchdog', 'severity=none'])).to.equal('null');
      expect(await routeOf(['alertname=KubePodCrashLooping', 'severity=warning', 'namespace=default'])).to.equal('null');
    });
  });
});
