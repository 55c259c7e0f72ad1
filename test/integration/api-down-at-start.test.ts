// An exporter that cannot list the Kubernetes API must not look healthy: /readyz stays 503 and no
// "nothing is wrong" verdict is served until the API answers; then it catches up by itself.
import { expect } from 'chai';
import { loadConfig } from '../../src/cli-flags.js';
import { startLab, type Lab } from 'ambient-lab';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { getText, waitFor } from '../support/http.js';

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
    const body = (await getText(`${exporter.url}/metrics`)).body;
    expect(body).not.to.match(/^ambient_issue_affected\{/m);
    expect(body).to.match(/^ambient_kube_api_ready 0$/m);
    expect(body).to.match(/^ambient_exporter_kube_watch_up\{resource="pods"\} 0$/m);
  });

  it('becomes ready with a full verdict once the API answers', async () => {
    await lab.setApiAvailability('up');
    await waitFor('readiness', async () => {
      await exporter.refreshNow();
      return (await getText(`${exporter.url}/readyz`)).status === 200;
    }, 40_000, 100);
    await exporter.ready();
    const body = (await getText(`${exporter.url}/metrics`)).body;
    expect(body).to.match(/^ambient_issue_affected\{issue="cross_node_network"\} 0$/m);
  });
});
