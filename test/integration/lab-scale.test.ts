// A 200-node lab starts and serves every object and every component, and its faults still apply
// across all nodes. (How fast is measured in bench/, not asserted here.)
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import { httpGet } from '../support/http.js';
import { dial } from '../support/net.js';

describe('lab at 200 nodes', function () {
  this.timeout(60_000);
  let lab: Lab;

  before(async () => {
    lab = await startLab({ nodes: 200, syncIntervalMs: 0 });
  });

  after(() => lab?.close());

  it('serves every node and pod through the API', async () => {
    const nodes = (await (await fetch(`${lab.apiUrl}/api/v1/nodes`)).json()) as { items: { metadata: { name: string } }[] };
    expect(nodes.items).to.have.length(200);
    const ztunnels = (await (await fetch(`${lab.apiUrl}/api/v1/pods?labelSelector=app%3Dztunnel`)).json()) as { items: { status: { podIP: string } }[] };
    expect(ztunnels.items).to.have.length(200);
    expect(new Set(ztunnels.items.map((p) => p.status.podIP)).size).to.equal(200);
  });

  it('answers a scrape from every component', async () => {
    const targets = lab.scrapeTargets();
    expect(targets).to.have.length(200 + 200 + 1);
    const statuses = await Promise.all(targets.map(async (t) => (await httpGet(t.url, 10_000)).status));
    expect(statuses.every((s) => s === 200)).to.equal(true);
  });

  it('cuts off every node but istiod\'s under cross-node, and restores them', async () => {
    const ztunnel = (node: string) => new URL(lab.scrapeTargets().find((t) => t.component === 'ztunnel' && t.node === node)!.url).hostname;
    await lab.setFaults([{ name: 'cross-node' }]);
    const sample = ['lab-node-0', 'lab-node-1', 'lab-node-100', 'lab-node-199'];
    expect(await Promise.all(sample.map((n) => dial(ztunnel(n), 15021, 300)))).to.deep.equal(['connected', 'timeout', 'timeout', 'timeout']);
    expect(lab.portMode(ztunnel('lab-node-57'), 15020)).to.equal('blackhole');
    await lab.setFaults([]);
    expect(await Promise.all(sample.map((n) => dial(ztunnel(n), 15021, 2000)))).to.deep.equal(['connected', 'connected', 'connected', 'connected']);
  });
});
