import { expect } from 'chai';
import { ObjectStore } from '../src/kube-api/store.js';
import { project } from '../src/kube-api/watch.js';
import { API_RESOURCES } from '../src/kube-api/resources.js';
import { parseLabelSelector } from '../src/kube-api/selectors.js';
import type { KubeObject } from '../src/kube-api/types.js';

const pods = API_RESOURCES.find((r) => r.plural === 'pods')!;
const pod = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: name, creationTimestamp: '2025-01-01T00:00:00Z', labels },
});

describe('lab object store', () => {
  it('stamps every write with the next global resourceVersion', () => {
    const s = new ObjectStore(100, 1000);
    expect(s.put(pod('a')).metadata.resourceVersion).to.equal('1001');
    expect(s.put(pod('b')).metadata.resourceVersion).to.equal('1002');
    expect(s.put(pod('a', { x: 'y' })).metadata.resourceVersion).to.equal('1003');
    expect(s.delete(pod('b'))).to.equal(true);
    expect(s.currentRv()).to.equal(1004);
    expect(s.list(pods).map((p) => p.metadata.name)).to.deep.equal(['a']);
  });

  it('replays the changes after a version, and expires versions older than its history', () => {
    const s = new ObjectStore(4, 0);
    for (let i = 0; i < 30; i++) s.put(pod(`p${i}`));
    const kept = s.changesSince(s.currentRv() - 2);
    expect(kept).to.not.equal('expired');
    expect((kept as { rv: number }[]).map((c) => c.rv)).to.deep.equal([29, 30]);
    expect(s.changesSince(1)).to.equal('expired');
    s.compact();
    expect(s.changesSince(s.currentRv() - 1)).to.equal('expired');
    expect(s.changesSince(s.currentRv())).to.deep.equal([]);
  });

  it('shows a watcher ADDED/DELETED when an object starts or stops matching its selector', () => {
    const s = new ObjectStore(100);
    const seen: string[] = [];
    const q = { resource: pods, namespace: undefined, labels: parseLabelSelector('app=ztunnel'), fields: [] };
    s.subscribe((c) => {
      const e = project(q, c);
      if (e) seen.push(`${e.type} ${e.object.metadata.name}`);
    });
    s.put(pod('z', { app: 'other' }));
    s.put(pod('z', { app: 'ztunnel' }));
    s.put(pod('z', { app: 'ztunnel', v: '2' }));
    s.put(pod('z', { app: 'other' }));
    s.put(pod('z', { app: 'ztunnel' }));
    s.delete(pod('z'));
    expect(seen).to.deep.equal(['ADDED z', 'MODIFIED z', 'DELETED z', 'ADDED z', 'DELETED z']);
  });
});
