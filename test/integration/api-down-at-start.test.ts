// An exporter that cannot list the Kubernetes API must not look healthy: /readyz stays 503 and no
// "nothing is wrong" verdict is served until the API answers; then it catches up by itself.
import { expect } from 'chai';
import { loadConfig } from '../../src/cli-flags.js';
import { startLab, type Lab } from 'ambient-lab';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { scrapeExposition } from '../support/exposition.js';
import { getText } from '../support/http.js';
import { waitFor } from '../support/wait.js';

describe('exporter started while the API server is down', function () {
  this.timeout(60_000);
  let lab: Lab;
  let exporter: Exporter;

  before(async () => {
    lab = await startLab({ nodes: 2 });
    await lab.setApiAvailability('refuse');
    exporter = await startServe(
      loadConfig({ argv: ['--kubeconfig', lab.kubeconfigPath, '--listen-address', '127.0.0.1:0', '--refresh-interval', '1h', '--scrape-timeout', '400ms', '--node-name', lab.istiodNode] }),
      { firstSyncWaitMs: 200 },
    );
  });

  after(async () => {
    await exporter?.close();
    await lab?.close();
  });

  it('is not ready and serves no verdict, only its own health', async () => {
    await exporter.refreshNow();
    expect((await getText(`${exporter.url}/readyz`)).status).to.equal(503);
    const metrics = await scrapeExposition(`${exporter.url}/metrics`);
    expect(metrics.has('ambient_issue_affected')).to.equal(false);
    expect(metrics.value('ambient_kube_api_ready')).to.equal(0);
    expect(metrics.value('ambient_exporter_kube_watch_up', { resource: 'pods' })).to.equal(0);
  });

  it('becomes ready with a full verdict once the API answers', async () => {
    await lab.setApiAvailability('up');
    await waitFor(async () => {
      await exporter.refreshNow();
      return (await getText(`${exporter.url}/readyz`)).status === 200;
    }, { what: 'readiness', timeoutMs: 40_000, intervalMs: 100 });
    await exporter.ready();
    const metrics = await scrapeExposition(`${exporter.url}/metrics`);
    expect(metrics.value('ambient_issue_affected', { issue: 'cross_node_network' })).to.equal(0);
  });
});
