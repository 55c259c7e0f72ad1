// The exporter's calls to the API server reuse connections: LIST pages go one after another on one
// connection, /readyz rides the same pool round after round, and only watches hold connections of
// their own (one each, for their lifetime). Counted at a proxy in front of the lab's API server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/cli-flags.js';
import { loadKubeConfig } from '../../src/kube/client.js';
import { startClusterWatch, type ClusterWatch } from '../../src/kube/cluster-watch.js';
import { WATCHED_RESOURCES } from '../../src/kube/resources.js';
import { startLab, type Lab } from 'ambient-lab';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { startApiProxy, type ApiProxy } from '../support/api-proxy.js';

describe('connections to the Kubernetes API', function () {
  this.timeout(30_000);
  let lab: Lab;
  let proxy: ApiProxy;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    lab = await startLab({ nodes: 3 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-connections-'));
  });
  beforeEach(async () => {
    proxy = await startApiProxy(lab.apiUrl);
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, proxy.kubeconfig());
  });
  afterEach(() => proxy.close());
  after(async () => {
    await lab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists in pages over one connection, besides one per open watch', async () => {
    let watch: ClusterWatch | undefined;
    try {
      watch = startClusterWatch(loadKubeConfig({ kubeconfig }).kubeConfig, {
        istioNamespace: 'istio-system',
        enrollment: { namespaces: [], exclude: [] },
        pageSize: 2, // the lab's pods take many pages
      });
      await watch.synced();
      const pages = proxy.requests.other;
      expect(pages, 'many LIST pages').to.be.greaterThan(3 * WATCHED_RESOURCES.length);
      // The informers list concurrently: at most one connection each for their pages, and one per watch.
      expect(proxy.connections()).to.be.at.most(2 * WATCHED_RESOURCES.length);
    } finally {
      await watch?.stop();
    }
  });

  it('does not open a new connection per refresh round', async () => {
    let exporter: Exporter | undefined;
    try {
      exporter = await startServe(loadConfig({ argv: ['--kubeconfig', kubeconfig, '--listen-address', '127.0.0.1:0', '--refresh-interval', '1h', '--node-name', lab.istiodNode] }));
      await exporter.ready();
      await exporter.refreshNow();
      const afterFirstRounds = proxy.connections();
      const readyzBefore = proxy.requests.other;
      for (let round = 0; round < 5; round++) await exporter.refreshNow();
      expect(proxy.requests.other - readyzBefore, 'one /readyz per round').to.equal(5);
      expect(proxy.connections(), 'no new connection for /readyz').to.equal(afterFirstRounds);
    } finally {
      await exporter?.close();
    }
  });
});
