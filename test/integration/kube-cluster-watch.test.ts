// The informers against the lab's API server (startObjectApi) on loopback: first sync, watch
// events, pagination, routine stream rotation, 410 relists, and the API going away and coming back.

import { expect } from 'chai';
import { loadKubeConfig } from '../../src/kube/client.js';
import { startClusterWatch, type ClusterWatch, type ClusterWatchOptions } from '../../src/kube/cluster-watch.js';
import { WATCHED_RESOURCES } from '../../src/kube/resources.js';
import type { ClusterState } from '../../src/model.js';
import { startObjectApi, type KubeObject, type ObjectApi } from 'ambient-lab';
import * as fx from '../support/kube-objects.js';
import { waitFor } from '../support/wait.js';

const ISTIO_NS = 'istio-system';
const OPTS: Omit<ClusterWatchOptions, 'logger'> = {
  istioNamespace: ISTIO_NS,
  enrollment: { namespaces: [], exclude: ['kube-system', 'istio-system'] },
  backoff: { initialMs: 20, maxMs: 200 },
  healthyAfterMs: 50,
};

const allUp = (s: ClusterState): boolean => Object.values(s.watchUp).every(Boolean);
const allDown = (s: ClusterState): boolean => Object.values(s.watchUp).every((v) => !v);
const podNames = (pods: { name: string }[]): string[] => pods.map((p) => p.name);

/** The objects the API serves, changed one at a time (each change reaches watchers as its event). */
class ApiObjects {
  private readonly objects = new Map<string, KubeObject>();
  constructor(private readonly api: ObjectApi) {}

  private static key(kind: string, name: string, namespace?: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  upsert(obj: object): void {
    const o = structuredClone(obj) as KubeObject;
    this.objects.set(ApiObjects.key(o.kind, o.metadata.name, o.metadata.namespace), o);
    this.api.apply([...this.objects.values()]);
  }

  remove(kind: string, name: string, namespace?: string): void {
    this.objects.delete(ApiObjects.key(kind, name, namespace));
    this.api.apply([...this.objects.values()]);
  }
}

function seed(objects: ApiObjects): void {
  objects.upsert(fx.node);
  objects.upsert(fx.notReadyNode);
  objects.upsert(fx.bookinfoNamespace);
  for (const pod of [fx.ztunnelPod, fx.cniPod, fx.upstreamFlannelPod, fx.talosFlannelPod, fx.containerCreatingPod, fx.crashLoopPod]) objects.upsert(pod);
  objects.upsert(fx.sandboxEventLegacy);
  objects.upsert({ ...fx.sandboxEventLegacy, metadata: { ...fx.sandboxEventLegacy.metadata, name: 'other' }, reason: 'Scheduled' });
  objects.upsert(fx.istiodService);
  objects.upsert(fx.istiodEndpointSlice);
  // Another Service's slice in the same namespace: the watch's label selector must keep it out.
  objects.upsert({ ...fx.istiodEndpointSlice, metadata: { name: 'other-x', namespace: ISTIO_NS, labels: { 'kubernetes.io/service-name': 'other' } } });
}

describe('kube/cluster-watch against the lab API server', function () {
  this.timeout(15_000);
  let api: ObjectApi;
  let objects: ApiObjects;
  let watch: ClusterWatch | undefined;
  const logs: { level: string; msg: string | undefined; obj: object }[] = [];
  const logger = {
    debug: (obj: object, msg?: string) => logs.push({ level: 'debug', msg, obj }),
    info: (obj: object, msg?: string) => logs.push({ level: 'info', msg, obj }),
    warn: (obj: object, msg?: string) => logs.push({ level: 'warn', msg, obj }),
    error: (obj: object, msg?: string) => logs.push({ level: 'error', msg, obj }),
  };

  const start = (extra: Partial<ClusterWatchOptions> = {}): ClusterWatch => {
    watch = startClusterWatch(loadKubeConfig({ kubeconfig: api.kubeconfigPath }).kubeConfig, { ...OPTS, logger, ...extra });
    return watch;
  };

  beforeEach(async () => {
    logs.length = 0;
    api = await startObjectApi({ objects: [] });
    objects = new ApiObjects(api);
    seed(objects);
  });

  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await api.close();
  });

  it('lists everything once and classifies it', async () => {
    const w = start();
    await w.synced();
    const s = w.snapshot();
    expect(s.synced).to.equal(true);
    expect(s.watchUp, 'watches are open once synced() resolves').to.deep.equal(Object.fromEntries(WATCHED_RESOURCES.map((r) => [r.name, true])));
    expect(s.nodes.map((n) => [n.name, n.ready])).to.deep.equal([
      ['worker-1', true],
      ['worker-2', false],
    ]);
    expect(podNames(s.ztunnelPods)).to.deep.equal(['ztunnel-7xk2p']);
    expect(podNames(s.cniPods)).to.deep.equal(['istio-cni-node-q9r4m']);
    expect(podNames(s.flannelPods)).to.deep.equal(['kube-flannel-r5t8n', 'kube-flannel-ds-8hx7w'], 'by node: talos-cp-1, worker-1');
    expect(podNames(s.workloadPods)).to.deep.equal(['ratings-v1-7d8c9b6f5-mm2lp', 'reviews-v1-5b9c6d7f8-x2kq4']);
    expect(s.sandboxEvents.map((e) => e.pod)).to.deep.equal(['reviews-v1-5b9c6d7f8-x2kq4']);
    expect(s.istiodService?.ports.find((p) => p.port === 15012)?.name).to.equal('https-dns');
    expect(s.istiodEndpoints.map((e) => e.ip)).to.deep.equal(['10.244.0.7', '10.244.2.8', '10.244.3.9']);
    expect(api.requests.list).to.equal(WATCHED_RESOURCES.length);
  });

  it('pages through large lists', async () => {
    for (let i = 0; i < 7; i++) objects.upsert({ ...fx.crashLoopPod, metadata: { ...fx.crashLoopPod.metadata, name: `extra-${i}`, uid: `u${i}` } });
    const w = start({ pageSize: 3 });
    await w.synced();
    expect(w.snapshot().workloadPods).to.have.length(9);
    expect(api.requests.list).to.equal(WATCHED_RESOURCES.length - 1 + 5); // 13 pods in pages of 3
  });

  it('applies watch events and caches the snapshot between changes', async () => {
    const w = start();
    await w.synced();
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
    const before = w.snapshot();
    expect(w.snapshot()).to.equal(before);

    let notified = 0;
    w.onChange(() => notified++);
    const fixed = structuredClone(fx.containerCreatingPod) as any;
    fixed.status.phase = 'Running';
    fixed.status.podIP = '10.244.2.31';
    fixed.status.containerStatuses[0].state = { running: { startedAt: fx.T0 } };
    objects.upsert(fixed);
    objects.remove('Pod', fx.crashLoopPod.metadata.name, 'bookinfo');
    objects.upsert({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio.io/dataplane-mode': 'ambient' } } });

    const s = await waitFor(() => {
      const s = w.snapshot();
      return s.namespaces.length === 2 && s.workloadPods.length === 1 && s.workloadPods[0]!.started ? s : undefined;
    }, { what: 'pod update, delete and new namespace' });
    expect(s).to.not.equal(before);
    expect(s.workloadPods[0]).to.include({ name: 'reviews-v1-5b9c6d7f8-x2kq4', ip: '10.244.2.31', waitingReason: '' });
    await waitFor(() => notified > 0, { what: 'change notification' });
    expect(api.requests.list, 'no relist for plain events').to.equal(WATCHED_RESOURCES.length);
  });

  it('keeps a pod whose status.podIP is not an IP literal without an address, and logs it at debug', async () => {
    const w = start();
    await w.synced();
    const bad = structuredClone(fx.ztunnelPod) as any;
    bad.status.podIP = '127.0.0.77/latest/meta-data?';
    objects.upsert(bad);
    const s = await waitFor(() => (w.snapshot().ztunnelPods[0]?.ip === '' ? w.snapshot() : undefined), { what: 'the pod updated' });
    expect(s.ztunnelPods.map((p) => p.name)).to.deep.equal(['ztunnel-7xk2p']);
    expect(logs.find((l) => l.msg === 'not an IP address; ignoring it')).to.deep.include({
      level: 'debug',
      obj: { resource: 'pods', namespace: 'istio-system', object: 'ztunnel-7xk2p', field: 'status.podIP', value: '127.0.0.77/latest/meta-data?' },
    });
  });

  it('follows a DaemonSet surge: the new ztunnel listed first, the old one gone once it terminates', async () => {
    const w = start();
    await w.synced();
    const surge = structuredClone(fx.ztunnelPod) as any;
    surge.metadata = { ...surge.metadata, name: 'ztunnel-9qw3e', uid: 'ztunnel-new', creationTimestamp: '2026-03-01T11:00:00Z' };
    surge.status.podIP = '10.244.1.6';
    objects.upsert(surge);
    const both = await waitFor(() => (w.snapshot().ztunnelPods.length === 2 ? w.snapshot() : undefined), { what: 'surge pod listed' });
    expect(podNames(both.ztunnelPods), 'both scraped; the newest first on its node').to.deep.equal(['ztunnel-9qw3e', 'ztunnel-7xk2p']);

    objects.upsert({ ...fx.ztunnelPod, metadata: { ...fx.ztunnelPod.metadata, deletionTimestamp: '2026-03-01T11:00:05Z', deletionGracePeriodSeconds: 30 } });
    const after = await waitFor(() => (w.snapshot().ztunnelPods.length === 1 ? w.snapshot() : undefined), { what: 'old pod terminating' });
    expect(podNames(after.ztunnelPods)).to.deep.equal(['ztunnel-9qw3e']);
  });

  it('resumes a watch the server ended without listing again', async () => {
    const w = start({ healthyAfterMs: 0 });
    await w.synced();
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
    const watches = api.requests.watch;
    api.endWatches();
    objects.upsert({ ...fx.node, metadata: { ...fx.node.metadata, name: 'worker-9' } });
    await waitFor(() => w.snapshot().nodes.length === 3, { what: 'new node seen' });
    await waitFor(() => allUp(w.snapshot()) && api.requests.watch >= watches + WATCHED_RESOURCES.length, { what: 'every watch up again' });
    expect(api.requests.list).to.equal(WATCHED_RESOURCES.length);
    expect(logs.filter((l) => l.level === 'warn')).to.deep.equal([]);
  });

  it('relists after 410 Gone and drops what was deleted meanwhile', async () => {
    const w = start();
    await w.synced();
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
    await api.setAvailability('refuse');
    await waitFor(() => allDown(w.snapshot()), { what: 'watches down' });
    objects.remove('Pod', fx.crashLoopPod.metadata.name, 'bookinfo');
    api.compact();
    await api.setAvailability('up');
    const s = await waitFor(() => {
      const s = w.snapshot();
      return allUp(s) && s.workloadPods.length === 1 ? s : undefined;
    }, { what: 'relisted state' });
    expect(podNames(s.workloadPods)).to.deep.equal(['reviews-v1-5b9c6d7f8-x2kq4']);
    expect(api.requests.list).to.be.at.least(2 * WATCHED_RESOURCES.length);
  });

  it('relists at once, quietly, when a resumed watch gets 410 Gone', async () => {
    // healthyAfterMs 0: the server's clean close is routine however young the watch is.
    const w = start({ healthyAfterMs: 0 });
    await w.synced();
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
    objects.remove('Pod', fx.crashLoopPod.metadata.name, 'bookinfo');
    api.compact();
    api.endWatches();
    // Every resource but pods (whose DELETED event carried the newest version) resumes from a
    // compacted version, gets 410 and lists again.
    await waitFor(() => api.requests.list === 2 * WATCHED_RESOURCES.length - 1 && allUp(w.snapshot()), { what: 'relisted' });
    expect(podNames(w.snapshot().workloadPods)).to.deep.equal(['reviews-v1-5b9c6d7f8-x2kq4']);
    expect(logs.filter((l) => l.level === 'warn')).to.deep.equal([]);
    expect(logs.filter((l) => l.msg === 'resource version expired; relisting')).to.have.length(WATCHED_RESOURCES.length - 1);
  });

  it('backs off instead of relisting in a loop when even a fresh version gets 410', async () => {
    api.expireWatches(true);
    const w = start({ backoff: { initialMs: 50, maxMs: 100 } });
    await w.synced();
    const t0 = Date.now();
    await waitFor(() => api.requests.list >= 4 * WATCHED_RESOURCES.length, { what: 'a few relists' });
    const perResourcePerSecond = api.requests.list / WATCHED_RESOURCES.length / ((Date.now() - t0) / 1000);
    expect(perResourcePerSecond).to.be.below(40);
    expect(allUp(w.snapshot())).to.equal(false);
    api.expireWatches(false);
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
  });

  it('reports watches down while the API is away and recovers by itself', async () => {
    const w = start();
    await w.synced();
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
    const wentDown = Date.now();
    const current = w.currentAsOf();
    expect(current, 'current while every watch is up').to.be.a('number').and.at.least(wentDown - 1);
    await api.setAvailability('refuse');
    const down = await waitFor(() => (allDown(w.snapshot()) ? w.snapshot() : undefined), { what: 'every watch down' });
    expect(down.synced, 'stays synced: the last known objects are still served').to.equal(true);
    // The view is as of the moment the watches went down, and stays so however long the API is away.
    const asOf = w.currentAsOf()!;
    expect(asOf).to.be.at.least(wentDown).and.at.most(Date.now());
    await waitFor(() => Date.now() > asOf + 30, { what: 'time to pass' });
    expect(w.currentAsOf()).to.equal(asOf);
    expect(down.ztunnelPods).to.have.length(1);
    // Let a few retries fail so back-off grows, then bring the API back with a change made meanwhile.
    await waitFor(() => logs.filter((l) => l.msg?.includes('retrying')).length >= 2 * WATCHED_RESOURCES.length, { what: 'a few failed retries' });
    objects.upsert({ ...fx.ztunnelPod, metadata: { ...fx.ztunnelPod.metadata, name: 'ztunnel-second', uid: 'z2' } });
    await api.setAvailability('up');
    const s = await waitFor(() => (allUp(w.snapshot()) && w.snapshot().ztunnelPods.length === 2 ? w.snapshot() : undefined), { what: 'recovered' });
    expect(podNames(s.ztunnelPods)).to.deep.equal(['ztunnel-7xk2p', 'ztunnel-second']);
    expect(w.currentAsOf(), 'current again once every watch is back').to.be.at.least(Date.now() - 50);
    expect(logs.filter((l) => l.level === 'warn' && l.msg === 'watch failed; retrying')).to.have.length(WATCHED_RESOURCES.length);
    expect(logs.filter((l) => l.level === 'info' && l.msg === 'watch re-established')).to.have.length(WATCHED_RESOURCES.length);
  });

  it('keeps retrying when the API is down at start, and syncs once it is up', async () => {
    await api.setAvailability('refuse');
    const w = start();
    let synced = false;
    void w.synced().then(() => (synced = true));
    await waitFor(() => logs.filter((l) => l.msg?.includes('retrying')).length >= 2 * WATCHED_RESOURCES.length, { what: 'a few failed lists' });
    expect(synced).to.equal(false);
    expect(w.snapshot().synced).to.equal(false);
    expect(w.currentAsOf(), 'no view at all before the first list').to.equal(undefined);
    await api.setAvailability('up');
    await w.synced();
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up' });
  });

  it('stop() before the first sync rejects synced() and ends all traffic', async () => {
    await api.setAvailability('refuse');
    const w = start();
    const synced = w.synced();
    await w.stop();
    let error: unknown;
    await synced.catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/stopped before the first sync/);
    await api.setAvailability('up');
    const before = { ...api.requests };
    await new Promise((resolve) => setTimeout(resolve, 300)); // longer than the retry cap: nothing may come
    expect(api.requests).to.deep.equal(before);
    expect(allDown(w.snapshot())).to.equal(true);
  });
});
