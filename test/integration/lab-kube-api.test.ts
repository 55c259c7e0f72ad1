// The lab's Kubernetes API as @kubernetes/client-node 1.4.0 sees it: lists with selectors, informers
// and watches, 410 Expired and relist, and the API server going away and coming back.
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';

/** Records informer callbacks and lets a test await a condition on them (no sleeps). */
class Recorder<T> {
  readonly seen: T[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  push(x: T): void {
    this.seen.push(x);
    this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
  }

  until(check: (seen: T[]) => boolean): Promise<void> {
    if (check(this.seen)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check: () => check(this.seen), resolve }));
  }
}

const ready = (p: k8s.V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
const waiting = (p: k8s.V1Pod) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? '';

describe('lab Kubernetes API with client-node', function () {
  this.timeout(15_000);
  let lab: Lab;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const informers: { stop(): Promise<void> | void }[] = [];

  beforeEach(async () => {
    lab = await startLab({ nodes: 3, syncIntervalMs: 0 });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterEach(async () => {
    for (const i of informers.splice(0)) await i.stop();
    await lab.close();
  });

  it('lists every watched resource with the selectors the exporter uses', async () => {
    expect((await core.listNode()).items.map((n) => n.metadata?.name)).to.deep.equal(['lab-node-0', 'lab-node-1', 'lab-node-2']);
    const namespaces = (await core.listNamespace()).items;
    expect(namespaces.find((n) => n.metadata?.name === 'bookinfo')?.metadata?.labels).to.include({ 'istio.io/dataplane-mode': 'ambient' });
    expect(namespaces.find((n) => n.metadata?.name === 'legacy')?.metadata?.labels).to.not.have.property('istio.io/dataplane-mode');
    expect((await core.listPodForAllNamespaces({ labelSelector: 'app=ztunnel' })).items).to.have.length(3);
    expect((await core.listPodForAllNamespaces({ labelSelector: 'k8s-app in (istio-cni-node)', fieldSelector: 'spec.nodeName=lab-node-2' })).items).to.have.length(1);
    expect((await core.listPodForAllNamespaces({ labelSelector: 'app=flannel,tier=node' })).items).to.have.length(3);
    expect((await core.listEventForAllNamespaces({ fieldSelector: 'reason=FailedCreatePodSandBox' })).items).to.have.length(0);
    const svc = await core.listNamespacedService({ namespace: 'istio-system', fieldSelector: 'metadata.name=istiod' });
    expect(svc.items[0]?.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).to.deep.equal([
      ['grpc-xds', 15010, 15010],
      ['https-dns', 15012, 15012],
      ['https-webhook', 443, 15017],
      ['http-monitoring', 15014, 15014],
    ]);
    const slices = await kc.makeApiClient(k8s.DiscoveryV1Api).listNamespacedEndpointSlice({ namespace: 'istio-system', labelSelector: 'kubernetes.io/service-name=istiod' });
    expect(slices.items[0]?.endpoints[0]?.conditions?.ready).to.equal(true);
    expect(slices.items[0]?.ports?.find((p) => p.name === 'https-dns')?.port).to.equal(15012);
    const list = await core.listPodForAllNamespaces();
    expect(Number(list.metadata?.resourceVersion)).to.equal(lab.resourceVersion());
  });

  it('serves objects shaped like a real cluster', async () => {
    const [ztunnel] = (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'app=ztunnel', fieldSelector: 'spec.nodeName=lab-node-1' })).items;
    expect(ztunnel?.metadata?.uid).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ztunnel?.metadata?.ownerReferences?.[0]).to.include({ kind: 'DaemonSet', name: 'ztunnel', controller: true });
    expect(ztunnel?.metadata?.labels).to.include({ app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'istio.io/dataplane-mode': 'none' });
    expect(ztunnel?.spec?.hostNetwork).to.equal(undefined);
    expect(ztunnel?.status?.podIP).to.match(/^127\.\d+\.1\.\d+$/);
    const nodeIP = `127.${10 + 40 * lab.addressBlock}.0.2`;
    expect(ztunnel?.status?.hostIP).to.equal(nodeIP);
    expect(ztunnel?.status?.containerStatuses?.[0]).to.include({ name: 'istio-proxy', ready: true, restartCount: 0 });

    const cni = (await core.listPodForAllNamespaces({ labelSelector: 'k8s-app=istio-cni-node', fieldSelector: 'spec.nodeName=lab-node-1' })).items[0];
    expect(cni?.spec?.hostNetwork).to.equal(true);
    expect(cni?.status?.podIP).to.equal(cni?.status?.hostIP);

    const node = await core.readNode({ name: 'lab-node-1' });
    expect(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).to.equal(nodeIP);
    const ann = node.metadata?.annotations ?? {};
    expect(ann['flannel.alpha.coreos.com/backend-type']).to.equal('vxlan');
    expect(ann['flannel.alpha.coreos.com/kube-subnet-manager']).to.equal('true');
    expect(JSON.parse(ann['flannel.alpha.coreos.com/backend-data'] ?? '{}')).to.have.keys('VNI', 'VtepMAC');

    const app = (await core.listNamespacedPod({ namespace: 'bookinfo' })).items[0];
    expect(app?.metadata?.annotations).to.include({ 'ambient.istio.io/redirection': 'enabled' });
    expect(app?.metadata?.ownerReferences?.[0]?.kind).to.equal('ReplicaSet');

    try {
      await core.readNamespacedPod({ namespace: 'istio-system', name: 'nope' });
      expect.fail('expected 404');
    } catch (err) {
      expect((err as k8s.ApiException<string>).code).to.equal(404);
    }
  });

  it('delivers a fault switch to an informer as watch events', async () => {
    const rec = new Recorder<[string, k8s.V1Pod]>();
    const informer = k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces({ labelSelector: 'app=ztunnel' }), 'app=ztunnel');
    informers.push(informer);
    informer.on('add', (p) => rec.push(['add', p]));
    informer.on('update', (p) => rec.push(['update', p]));
    await informer.start();
    await rec.until((s) => s.filter(([t]) => t === 'add').length === 3);

    await lab.setFaults([{ name: 'cni-blocked', node: 'lab-node-2' }]);
    await rec.until((s) => s.some(([t, p]) => t === 'update' && p.spec?.nodeName === 'lab-node-2' && waiting(p) === 'CrashLoopBackOff'));
    expect(rec.seen.filter(([t]) => t === 'update').map(([, p]) => p.spec?.nodeName)).to.deep.equal(['lab-node-2']);

    await lab.setFaults([]);
    await rec.until((s) => s.some(([t, p]) => t === 'update' && p.spec?.nodeName === 'lab-node-2' && ready(p)));
    expect(informer.list().every(ready)).to.equal(true);
  });

  it('delivers sandbox failure events through a field-selected ListWatch, and removes them when cleared', async () => {
    const rec = new Recorder<[string, k8s.CoreV1Event]>();
    const lw = new k8s.ListWatch<k8s.CoreV1Event>(
      '/api/v1/events',
      new k8s.Watch(kc),
      () => core.listEventForAllNamespaces({ fieldSelector: 'reason=FailedCreatePodSandBox' }),
      false,
      undefined,
      'reason=FailedCreatePodSandBox',
    );
    informers.push(lw);
    lw.on('add', (e) => rec.push(['add', e]));
    lw.on('delete', (e) => rec.push(['delete', e]));
    await lw.start();
    await lab.setFaults([{ name: 'cni-blocked' }]);
    await rec.until((s) => s.filter(([t]) => t === 'add').length === 2);
    const ev = rec.seen[0]![1];
    expect(ev.type).to.equal('Warning');
    expect(ev.involvedObject.kind).to.equal('Pod');
    expect(ev.source?.host).to.equal('lab-node-1');
    expect(ev.message).to.match(
      /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="istio-cni" name="istio-cni" failed \(add\): istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event \(status code 500\): no ztunnel connection$/,
    );
    await lab.setFaults([]);
    await rec.until((s) => s.filter(([t]) => t === 'delete').length === 2);
  });

  it('answers a watch from a compacted resourceVersion with 410 Expired, and the informer relists', async () => {
    const watch = new k8s.Watch(kc);
    const oldRv = String(lab.resourceVersion());
    await lab.setFaults([{ name: 'istiod-port-missing' }]);
    lab.compactApiHistory();
    const error = await new Promise<{ type: string; obj: k8s.V1Status }>((resolve) => {
      void watch.watch('/api/v1/pods', { resourceVersion: oldRv }, (type, obj) => resolve({ type, obj }), () => {});
    });
    expect(error.type).to.equal('ERROR');
    expect(error.obj).to.include({ kind: 'Status', code: 410, reason: 'Expired', status: 'Failure' });
    expect(error.obj.message).to.match(/^too old resource version: \d+ \(\d+\)$/);

    // An informer whose objects never change keeps an old resourceVersion; once it is compacted
    // away, the informer's next watch gets 410 and it lists again.
    let lists = 0;
    const rec = new Recorder<string>();
    const informer = k8s.makeInformer(kc, '/api/v1/pods', () => {
      lists++;
      rec.push(`list ${lists}`);
      return core.listPodForAllNamespaces({ labelSelector: 'app=istiod' });
    }, 'app=istiod');
    informers.push(informer);
    await informer.start();
    await lab.setFaults([{ name: 'cni-blocked' }]);
    lab.compactApiHistory();
    lab.endWatches();
    await rec.until(() => lists === 2);
    expect(informer.list().map((p) => p.metadata?.labels?.app)).to.deep.equal(['istiod']);
  });

  it('goes away and comes back: refused connections, then 503s, then service again', async () => {
    const rec = new Recorder<string>();
    const informer = k8s.makeInformer(kc, '/api/v1/nodes', () => core.listNode());
    informers.push(informer);
    informer.on('error', () => rec.push('error'));
    informer.on('add', () => rec.push('add'));
    await informer.start();
    await rec.until((s) => s.filter((x) => x === 'add').length === 3);

    await lab.setApiAvailability('refuse');
    await rec.until((s) => s.includes('error'));
    const refused = await fetch(`${lab.apiUrl}/readyz`).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(refused).to.equal('ECONNREFUSED');

    await lab.setApiAvailability('unavailable');
    const r = await fetch(`${lab.apiUrl}/readyz`);
    expect(r.status).to.equal(503);
    try {
      await core.listNode();
      expect.fail('expected 503');
    } catch (err) {
      expect((err as k8s.ApiException<string>).code).to.equal(503);
    }

    await lab.setApiAvailability('up');
    expect((await fetch(`${lab.apiUrl}/readyz`)).status).to.equal(200);
    await informer.start();
    await lab.setFaults([{ name: 'cni-blocked' }]);
    expect(informer.list()).to.have.length(3);
  });

  it("answers kubectl's Table requests with kubectl's columns", async () => {
    const accept = 'application/json;as=Table;v=1;g=meta.k8s.io,application/json;as=Table;v=1beta1;g=meta.k8s.io,application/json';
    const getTable = async (path: string) => {
      const r = await fetch(`${lab.apiUrl}${path}`, { headers: { Accept: accept } });
      expect(r.headers.get('content-type')).to.equal('application/json;as=Table;v=1;g=meta.k8s.io');
      return (await r.json()) as { kind: string; columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[]; object: { metadata: { name: string } } }[] };
    };
    await lab.setFaults([{ name: 'cni-blocked' }]);
    const pods = await getTable('/api/v1/namespaces/istio-system/pods?labelSelector=app%3Dztunnel');
    expect(pods.kind).to.equal('Table');
    expect(pods.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).to.deep.equal(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    const byNode = Object.fromEntries(pods.rows.map((r) => [r.cells[6], r.cells.slice(1, 4)]));
    expect(byNode['lab-node-0']).to.deep.equal(['1/1', 'Running', '0']);
    expect(byNode['lab-node-1']?.slice(0, 2)).to.deep.equal(['0/1', 'CrashLoopBackOff']);
    expect(byNode['lab-node-1']?.[2]).to.match(/^1 \(\d+s ago\)$/);
    const stuck = await getTable('/api/v1/pods?fieldSelector=status.phase%3DPending');
    expect(stuck.rows.map((r) => r.cells[2])).to.deep.equal(['ContainerCreating', 'ContainerCreating']);
    const nodes = await getTable('/api/v1/nodes/lab-node-1');
    expect(nodes.rows[0]?.cells.slice(0, 3)).to.deep.equal(['lab-node-1', 'Ready', '<none>']);
    const svc = await getTable('/api/v1/namespaces/istio-system/services');
    expect(svc.rows[0]?.cells[4]).to.equal('15010/TCP,15012/TCP,443/TCP,15014/TCP');

    const res = await fetch(`${lab.apiUrl}/api/v1/namespaces?watch=true&timeoutSeconds=1`, { headers: { Accept: accept } });
    const first = JSON.parse((await res.text()).split('\n')[0]!) as { type: string; object: { kind: string } };
    expect(first).to.deep.include({ type: 'ADDED' });
    expect(first.object.kind).to.equal('Table');
  });

  it('serves discovery, health, bookmarks, timeouts and paging like the real API server', async () => {
    const get = async (path: string) => (await fetch(`${lab.apiUrl}${path}`)).json() as Promise<Record<string, unknown>>;
    expect(await get('/api')).to.include({ kind: 'APIVersions' });
    expect(JSON.stringify(await get('/apis'))).to.contain('discovery.k8s.io/v1');
    expect(JSON.stringify(await get('/api/v1'))).to.contain('"name":"pods"');
    expect(await get('/version')).to.include({ major: '1' });
    expect(await (await fetch(`${lab.apiUrl}/readyz?verbose`)).text()).to.contain('readyz check passed');
    expect(await (await fetch(`${lab.apiUrl}/livez`)).text()).to.equal('ok');

    const res = await fetch(`${lab.apiUrl}/api/v1/nodes?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${lab.resourceVersion()}`);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { resourceVersion: string } } });
    expect(lines.at(-1)?.type).to.equal('BOOKMARK');
    expect(lines.at(-1)?.object.metadata.resourceVersion).to.equal(String(lab.resourceVersion()));

    const page1 = (await core.listPodForAllNamespaces({ limit: 5 }));
    expect(page1.items).to.have.length(5);
    expect(page1.metadata?.remainingItemCount).to.be.greaterThan(0);
    const page2 = await core.listPodForAllNamespaces({ limit: 500, _continue: page1.metadata?._continue });
    expect(page1.items.length + page2.items.length).to.equal((await core.listPodForAllNamespaces()).items.length);

    const bad = await fetch(`${lab.apiUrl}/api/v1/pods?fieldSelector=spec.bogus%3Dx`);
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.include({ kind: 'Status', reason: 'BadRequest', message: 'field label not supported: spec.bogus' });
  });
});
