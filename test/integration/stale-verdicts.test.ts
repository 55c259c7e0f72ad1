// The API goes away mid-run (issue: verdicts kept being served from the last state, so a fault fixed
// during the outage stayed reported and the status page said all was well). Past --max-state-age the
// exporter withdraws every verdict, says how old its view is, and its page says it is blind; once the
// API is back, the verdicts return on the current state.
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import { loadConfig } from '../../src/cli-flags.js';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { scrapeExposition, type Exposition } from '../support/exposition.js';
import { getText } from '../support/http.js';
import { labExporterArgv } from '../support/lab-exporter.js';
import { waitFor } from '../support/wait.js';

describe('exporter whose API goes away mid-run', function () {
  this.timeout(60_000);
  let lab: Lab;
  let exporter: Exporter;

  before(async () => {
    lab = await startLab({ nodes: 3 });
    // rounds are driven by the test (refreshNow)
    exporter = await startServe(loadConfig({ argv: labExporterArgv(lab, ['--listen-address', '127.0.0.1:0', '--refresh-interval', '1h', '--max-state-age', '2s']) }));
    await exporter.ready();
  });

  after(async () => {
    await exporter?.close();
    await lab?.close();
  });

  const metrics = async (): Promise<Exposition> => {
    await exporter.refreshNow();
    return scrapeExposition(`${exporter.url}/metrics`);
  };

  it('a fault fixed during the outage is not reported on stale state: the verdicts are withdrawn, then come back current', async () => {
    await lab.setFaults([{ name: 'namespace-unlabeled' }]);
    const ns = lab.faults()[0]!.namespace!;
    await waitFor(async () => (await metrics()).value('ambient_issue_affected', { issue: 'namespace_not_enrolled' }) === 1, { what: 'the fault reported', timeoutMs: 15_000, intervalMs: 50 });
    expect((await metrics()).value('ambient_exporter_cluster_state_age_seconds')).to.equal(0);

    await lab.setApiAvailability('refuse');
    await lab.setFaults([]); // fixed while the exporter cannot see it

    const blind = await waitFor(async () => {
      const m = await metrics();
      return m.has('ambient_issue_affected') ? undefined : m;
    }, { what: 'verdicts withdrawn', timeoutMs: 20_000, intervalMs: 200 });
    expect(blind.has('ambient_namespace_issue', { namespace: ns })).to.equal(false);
    expect(blind.has('ambient_ztunnel_pod_ready')).to.equal(false);
    expect(blind.value('ambient_exporter_cluster_state_age_seconds')).to.be.greaterThan(2);
    expect(blind.value('ambient_exporter_kube_watch_up', { resource: 'pods' })).to.equal(0);
    // still serving its own health and the page; readiness stays (the Service keeps routing to the page that explains it)
    expect((await getText(`${exporter.url}/readyz`)).status).to.equal(200);
    const page = (await getText(`${exporter.url}/`)).body;
    expect(page).to.match(/<h1 id="verdict">.*Blind<\/h1>/);
    expect(page).to.contain('runbooks/AmbientExporterBlind');
    expect(page).not.to.contain(`namespace ${ns}`);

    await lab.setApiAvailability('up');
    const back = await waitFor(async () => {
      const m = await metrics();
      return m.value('ambient_issue_affected', { issue: 'namespace_not_enrolled' }) === 0 ? m : undefined;
    }, { what: 'verdicts back on the current state', timeoutMs: 40_000, intervalMs: 200 });
    expect(back.value('ambient_exporter_cluster_state_age_seconds')).to.equal(0);
    expect(back.has('ambient_namespace_issue')).to.equal(false);
    expect((await getText(`${exporter.url}/`)).body).to.match(/<h1 id="verdict">.*Healthy<\/h1>/);
  });
});
