// The lab's control endpoint and the `lab` command runner.
import { expect } from 'chai';
import { readFile, stat } from 'node:fs/promises';
import { runLabCommand, startLab, type Lab } from 'ambient-lab';

const put = (url: string, body: unknown) =>
  fetch(url, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

describe('lab control endpoint', function () {
  this.timeout(15_000);
  let lab: Lab;

  before(async () => {
    lab = await startLab({ nodes: 3, syncIntervalMs: 0, faults: 'namespace-unlabeled' });
  });

  after(() => lab.close());

  it('reports the faults the lab started with', async () => {
    const state = (await (await fetch(`${lab.controlUrl}/faults`)).json()) as Record<string, unknown>;
    expect(state).to.include({ text: 'namespace-unlabeled@shop', istiodNode: 'lab-node-0', faultNode: 'lab-node-1', nodes: 3 });
  });

  it('switches faults, applying "node" to node faults that name none', async () => {
    const r = await put(`${lab.controlUrl}/faults`, { faults: ['cni-blocked', 'flannel-down@lab-node-1', 'cross-node'], node: 'lab-node-2' });
    expect(r.status).to.equal(200);
    expect(r.json.faults).to.deep.equal([
      { name: 'cni-blocked', node: 'lab-node-2' },
      { name: 'flannel-down', node: 'lab-node-1' },
      { name: 'cross-node' },
    ]);
    expect(lab.faults()).to.deep.equal(r.json.faults);
    expect((await put(`${lab.controlUrl}/faults`, { faults: [] })).json.text).to.equal('healthy');
  });

  it('rejects unknown faults, nodes and namespaces with a clear 400', async () => {
    const unknown = await put(`${lab.controlUrl}/faults`, { faults: ['dns-down'] });
    expect(unknown.status).to.equal(400);
    expect(unknown.json.error).to.match(/^unknown fault "dns-down"; known faults: /);
    const node = await put(`${lab.controlUrl}/faults`, { faults: ['cni-blocked'], node: 'lab-node-9' });
    expect(node.json.error).to.match(/no node "lab-node-9"/);
    const ns = await put(`${lab.controlUrl}/faults`, { faults: ['namespace-unlabeled@nope'] });
    expect(ns.json.error).to.match(/no namespace "nope"/);
    expect((await put(`${lab.controlUrl}/faults`, 'not json')).status).to.equal(400);
    expect(lab.faults()).to.deep.equal([]);
  });

  it('takes a reason as "name:reason@node" or {"name","reason"}, and rejects one the fault does not know', async () => {
    const r = await put(`${lab.controlUrl}/faults`, { faults: ['cni-refusing:unauthorized@lab-node-2', { name: 'node-cut-off' }] });
    expect(r.json.faults).to.deep.equal([
      { name: 'cni-refusing', node: 'lab-node-2', reason: 'unauthorized' },
      { name: 'node-cut-off', node: 'lab-node-0' },
    ]);
    const bad = await put(`${lab.controlUrl}/faults`, { faults: [{ name: 'cni-refusing', reason: 'sleepy' }] });
    expect([bad.status, bad.json.error]).to.deep.equal([400, 'fault "cni-refusing": unknown reason "sleepy"; known reasons: not-retryable, agent-socket-missing, unauthorized, ipset-exist, ack-error']);
    await put(`${lab.controlUrl}/faults`, { faults: [] });
  });

  it('restarts a node’s ztunnel or istio-cni, refusing unknown components, nodes and crash-looping containers', async () => {
    const post = (body: unknown) =>
      fetch(`${lab.controlUrl}/restart`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    expect(await post({ component: 'ztunnel', node: 'lab-node-2' })).to.deep.equal({ status: 200, json: { restarted: 'ztunnel', node: 'lab-node-2' } });
    expect(await post({ component: 'istio-cni' })).to.deep.equal({ status: 200, json: { restarted: 'istio-cni', node: 'lab-node-1' } });
    expect((await post({ component: 'istiod' })).json.error).to.equal('"component" must be one of ztunnel, istio-cni');
    expect((await post({ component: 'ztunnel', node: 'lab-node-9' })).json.error).to.match(/^no node "lab-node-9"/);
    await put(`${lab.controlUrl}/faults`, { faults: ['cni-blocked@lab-node-2'] });
    const looping = await post({ component: 'ztunnel', node: 'lab-node-2' });
    expect([looping.status, looping.json.error]).to.deep.equal([400, 'the ztunnel on lab-node-2 is crash-looping (cni-blocked): it restarts by itself']);
    await put(`${lab.controlUrl}/faults`, { faults: [] });
  });

  it('takes the API server down and back', async () => {
    expect((await put(`${lab.controlUrl}/api-server`, { available: false, mode: 'unavailable' })).json).to.deep.equal({ availability: 'unavailable' });
    expect((await fetch(`${lab.apiUrl}/readyz`)).status).to.equal(503);
    expect((await put(`${lab.controlUrl}/api-server`, { available: true })).json).to.deep.equal({ availability: 'up' });
    expect((await fetch(`${lab.apiUrl}/readyz`)).status).to.equal(200);
  });

  it('lists scrape targets', async () => {
    const targets = (await (await fetch(`${lab.controlUrl}/targets`)).json()) as unknown[];
    expect(targets).to.deep.equal(lab.scrapeTargets());
  });
});

describe('lab command', function () {
  this.timeout(15_000);

  it('prints where the lab is and how to switch faults, then closes on abort', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let kubeconfig = '';
    let apiUrl = '';
    let written: Promise<string> = Promise.resolve('');
    await runLabCommand({
      nodes: 2,
      faults: 'cross-node',
      syncIntervalMs: 0,
      signal: stop.signal,
      print: (l) => lines.push(l),
      onReady: (lab) => {
        kubeconfig = lab.kubeconfigPath;
        apiUrl = lab.apiUrl;
        written = readFile(kubeconfig, 'utf8');
        void written.finally(() => stop.abort());
      },
    });
    expect(await written).to.contain(`server: ${apiUrl}`);
    const text = lines.join('\n');
    expect(text).to.match(/ambient lab: 2 node\(s\), Istio 1\.28\.2 \(ztunnel and istio-cni in istio-system, Service istiod\), istiod on lab-node-0, faults: cross-node/);
    expect(text).to.match(/kubeconfig: +\/.+kubeconfig/);
    expect(text).to.match(/API server: +http:\/\/127\.0\.0\.1:\d+/);
    expect(text).to.match(/curl -s -X PUT http:\/\/127\.0\.0\.1:\d+\/faults -d '\{"faults":\["cni-blocked"\],"node":"lab-node-1"\}'/);
    expect(text).to.match(/curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/restart -d '\{"component":"ztunnel","node":"lab-node-1"\}'/);
    // the fault catalog, one line per fault
    expect(text).to.match(/^ {2}cni-refusing +istio-cni refuses new pods/m);
    expect(text).to.contain('--enroll-namespace bookinfo --enroll-namespace payments --enroll-namespace shop');
    await stat(kubeconfig).then(
      () => expect.fail('the kubeconfig should be removed on close'),
      () => {},
    );
  });
});
