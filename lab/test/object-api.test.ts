// The API server alone, serving objects a caller gives (startObjectApi), and objects added beside
// the simulated cluster's (extraObjects): listed and selected like the lab's own.
import { expect } from 'chai';
import { connect } from 'node:net';
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

  it('counts lists and watches, expires watches after a compaction or while told to, and goes away and back on the same port', async () => {
    const api = await startObjectApi({ objects: [node('a')] });
    /** The first line of a watch from `rv`: its event type and, for an ERROR, the status code. */
    const firstEvent = async (rv: string): Promise<string> => {
      const ctl = new AbortController();
      const res = await fetch(`${api.url}/api/v1/nodes?watch=true&resourceVersion=${rv}`, { signal: ctl.signal });
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('\n')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      ctl.abort();
      const e = JSON.parse(text.split('\n')[0]!) as { type: string; object: { code?: number } };
      return e.type === 'ERROR' ? `ERROR ${e.object.code}` : e.type;
    };
    try {
      const list = (await (await fetch(`${api.url}/api/v1/nodes`)).json()) as { metadata: { resourceVersion: string } };
      const rv = list.metadata.resourceVersion;
      api.apply([node('a'), node('b')]);
      expect(await firstEvent(rv), 'a change after the listed version').to.equal('ADDED');
      api.expireWatches(true);
      expect(await firstEvent(rv), 'expired while told to').to.equal('ERROR 410');
      api.expireWatches(false);
      api.compact();
      expect(await firstEvent(rv), 'expired: compacted').to.equal('ERROR 410');
      expect(api.requests).to.deep.equal({ list: 1, watch: 3 });

      const port = new URL(api.url).port;
      await api.setAvailability('refuse');
      const refused = await new Promise<string>((resolve) => {
        const s = connect(Number(port), '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      expect(refused).to.equal('ECONNREFUSED');
      await api.setAvailability('up');
      expect(new URL(api.url).port).to.equal(port);
      expect(await names(`${api.url}/api/v1/nodes`)).to.deep.equal(['a', 'b']);
    } finally {
      await api.close();
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
