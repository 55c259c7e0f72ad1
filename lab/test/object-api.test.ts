// The API server alone, serving objects a caller gives (startObjectApi), and objects added beside
// the simulated cluster's (extraObjects): listed and selected like the lab's own.
import { expect } from 'chai';
import { startLab, startObjectApi, type KubeObject } from '../src/index.js';

const node = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', annotations },
});
const pod = (name: string, nodeName: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'agents', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'agent' } },
  spec: { nodeName },
  status: { phase: 'Running' },
});

const names = async (url: string): Promise<string[]> => ((await (await fetch(url)).json()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);

describe('lab API server on given objects', () => {
  it('serves them with field selectors, and apply() replaces the whole set', async () => {
    const api = await startObjectApi({ objects: [node('a'), node('b'), pod('p-a', 'a'), pod('p-b', 'b')] });
    try {
      expect(await names(`${api.url}/api/v1/nodes`)).to.deep.equal(['a', 'b']);
      expect(await names(`${api.url}/api/v1/nodes?fieldSelector=metadata.name%3Db`)).to.deep.equal(['b']);
      expect(await names(`${api.url}/api/v1/pods?fieldSelector=spec.nodeName%3Da`)).to.deep.equal(['p-a']);
      api.apply([node('a', { x: 'y' }), pod('p-a', 'a')]);
      expect(await names(`${api.url}/api/v1/nodes`)).to.deep.equal(['a']);
      const a = (await (await fetch(`${api.url}/api/v1/nodes/a`)).json()) as KubeObject;
      expect(a.metadata.annotations).to.deep.equal({ x: 'y' });
    } finally {
      await api.close();
    }
  });

  it("adds the caller's objects beside the simulated cluster's, given its nodes", async () => {
    const lab = await startLab({ nodes: 2, syncIntervalMs: 0, extraObjects: (nodes) => nodes.map((n) => pod(`agent-${n.name}`, n.name)) });
    try {
      expect(await names(`${lab.apiUrl}/api/v1/namespaces/agents/pods`)).to.deep.equal(['agent-lab-node-0', 'agent-lab-node-1']);
      // still there after a fault change rewrites the cluster's objects
      await lab.setFaults([{ name: 'flannel-down' }]);
      expect(await names(`${lab.apiUrl}/api/v1/pods?fieldSelector=spec.nodeName%3Dlab-node-1&labelSelector=app%3Dagent`)).to.deep.equal(['agent-lab-node-1']);
    } finally {
      await lab.close();
    }
  });

  it('counts requests on its /metrics as the API server names them: verb, resource, scope, and the watches open', async () => {
    const api = await startObjectApi({ objects: [node('a'), node('b'), pod('p-a', 'a')] });
    const watch = new AbortController();
    try {
      await names(`${api.url}/api/v1/nodes?fieldSelector=metadata.name%3Da`);
      await names(`${api.url}/api/v1/namespaces/agents/pods`);
      await fetch(`${api.url}/api/v1/nodes/a`);
      const stream = await fetch(`${api.url}/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Da`, { signal: watch.signal });
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      const row = (m: string, labels: string) => metrics.split('\n').find((l) => l.startsWith(`${m}{${labels}`))?.split(' ')[1];
      expect(row('apiserver_request_total', 'verb="LIST",group="",version="v1",resource="nodes",scope="cluster"')).to.equal('1');
      expect(row('apiserver_request_total', 'verb="LIST",group="",version="v1",resource="pods",scope="namespace"')).to.equal('1');
      expect(row('apiserver_request_total', 'verb="GET",group="",version="v1",resource="nodes",scope="resource"')).to.equal('1');
      expect(row('apiserver_request_total', 'verb="WATCH",group="",version="v1",resource="pods",scope="cluster"')).to.equal('1');
      expect(row('apiserver_longrunning_requests', 'verb="WATCH",group="",version="v1",resource="pods",scope="cluster"')).to.equal('1');
      watch.abort();
      await stream.body?.cancel().catch(() => undefined);
      const deadline = Date.now() + 5_000;
      let open = '1';
      while (open !== '0' && Date.now() < deadline) {
        const text = await (await fetch(`${api.url}/metrics`)).text();
        open = /^apiserver_longrunning_requests\{verb="WATCH"[^}]*resource="pods"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? '';
        if (open !== '0') await new Promise((r) => setTimeout(r, 20));
      }
      expect(open).to.equal('0');
    } finally {
      watch.abort();
      await api.close();
    }
  });
});
