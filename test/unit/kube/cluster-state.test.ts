import { expect } from 'chai';
import { buildClusterState, podRole, type KubeStores } from '../../../src/kube/cluster-state.js';
import { toEndpointSliceInfo, toPodInfo, toServiceInfo, type EndpointSliceInfo } from '../../../src/kube/convert.js';
import { isEnrollmentExpected, type EnrollmentPolicy } from '../../../src/kube/enrollment.js';
import { WATCHED_RESOURCES } from '../../../src/kube/resources.js';
import type { NamespaceInfo, PodInfo } from '../../../src/model.js';
import { pod as buildPod } from '../../support/builders.js';
import * as fx from '../../support/kube-objects.js';

const ISTIO_NS = 'istio-system';
const DEFAULT_EXCLUDE = ['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'kube-flannel'];
const NO_POLICY: EnrollmentPolicy = { namespaces: [], exclude: DEFAULT_EXCLUDE };

function pod(namespace: string, name: string, extra: Partial<PodInfo> = {}): PodInfo {
  return buildPod({ namespace, name, uid: `${namespace}/${name}`, node: 'worker-1', ip: '10.244.1.10', ...extra });
}

const ns = (name: string, labels: Record<string, string> = {}): NamespaceInfo => ({ name, labels });
const all = (v: boolean): Record<string, boolean> => Object.fromEntries(WATCHED_RESOURCES.map((r) => [r.name, v]));

function stores(over: Partial<KubeStores> = {}): KubeStores {
  return {
    nodes: [],
    namespaces: [],
    pods: [],
    events: [],
    services: [],
    endpointSlices: [],
    watchUp: all(true),
    listed: all(true),
    ...over,
  };
}

const names = (pods: PodInfo[]): string[] => pods.map((p) => `${p.namespace}/${p.name}`);

describe('kube/cluster-state', () => {
  describe('component classification', () => {
    const cases: [string, PodInfo, ReturnType<typeof podRole>][] = [
      ['ztunnel DaemonSet pod', toPodInfo(fx.ztunnelPod), 'ztunnel'],
      ['istio-cni node pod', toPodInfo(fx.cniPod), 'istio-cni'],
      ['istiod pod', pod(ISTIO_NS, 'istiod-6c8b9d7f4-abcde', { labels: { app: 'istiod', istio: 'pilot' } }), 'istiod'],
      ['upstream kube-flannel pod (app=flannel, k8s-app=flannel)', toPodInfo(fx.upstreamFlannelPod), 'flannel'],
      ['Talos flannel pod (kube-system, k8s-app=flannel only)', toPodInfo(fx.talosFlannelPod), 'flannel'],
      ['flannel with only app=flannel', pod('custom-net', 'flannel-x', { labels: { app: 'flannel' } }), 'flannel'],
      ['app=ztunnel outside the Istio namespace is a workload', pod('bookinfo', 'ztunnel-lookalike', { labels: { app: 'ztunnel' } }), 'other'],
      // GKE: ztunnel and istio-cni in kube-system, istiod in istio-system
      ['istio-cni in kube-system (GKE layout)', pod('kube-system', 'istio-cni-node-1', { labels: { 'k8s-app': 'istio-cni-node' } }), 'istio-cni'],
      ['ztunnel chart pod in kube-system (GKE layout)', pod('kube-system', 'ztunnel-1', { labels: { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel' } }), 'ztunnel'],
      ['app=istiod outside the Istio namespace is a workload', pod('kube-system', 'istiod-x', { labels: { app: 'istiod' } }), 'other'],
      ['a workload pod', toPodInfo(fx.crashLoopPod), 'other'],
    ];
    for (const [name, p, role] of cases) {
      it(`${name} -> ${role}`, () => expect(podRole(p, ISTIO_NS)).to.equal(role));
    }

    it('uses the configured Istio namespace', () => {
      const z = pod('istio', 'ztunnel-1', { labels: { app: 'ztunnel' } });
      expect(podRole(z, 'istio')).to.equal('ztunnel');
      expect(podRole(z, ISTIO_NS)).to.equal('other');
    });

    it('sorts pods into the state lists; finished pods leave the component lists', () => {
      const s = buildClusterState(
        stores({
          pods: [
            toPodInfo(fx.ztunnelPod),
            pod(ISTIO_NS, 'ztunnel-evicted', { labels: { app: 'ztunnel' }, phase: 'Failed', started: false, ready: false }),
            toPodInfo(fx.cniPod),
            pod(ISTIO_NS, 'istiod-1', { labels: { app: 'istiod' } }),
            toPodInfo(fx.upstreamFlannelPod),
            toPodInfo(fx.talosFlannelPod),
          ],
        }),
        { istioNamespace: ISTIO_NS, enrollment: NO_POLICY },
      );
      expect(names(s.ztunnelPods)).to.deep.equal(['istio-system/ztunnel-7xk2p']);
      expect(names(s.cniPods)).to.deep.equal(['istio-system/istio-cni-node-q9r4m']);
      expect(names(s.istiodPods)).to.deep.equal(['istio-system/istiod-1']);
      // By node: talos-cp-1 before worker-1.
      expect(names(s.flannelPods)).to.deep.equal(['kube-system/kube-flannel-r5t8n', 'kube-flannel/kube-flannel-ds-8hx7w']);
      expect(s.workloadPods, 'the evicted ztunnel is no workload either').to.deep.equal([]);
    });
  });

  describe('DaemonSet rollouts: terminating and surge pods', () => {
    const T = 1_772_000_000_000;
    const build = (pods: PodInfo[]) => buildClusterState(stores({ pods }), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY });

    it('leaves terminating pods out of every component list, and out of the workloads', () => {
      const s = build([
        pod(ISTIO_NS, 'ztunnel-old', { node: 'worker-1', labels: { app: 'ztunnel' }, createdAt: T, terminating: true, ready: false }),
        pod(ISTIO_NS, 'ztunnel-new', { node: 'worker-1', labels: { app: 'ztunnel' }, createdAt: T + 60_000 }),
        pod(ISTIO_NS, 'istiod-old', { labels: { app: 'istiod' }, terminating: true }),
        pod(ISTIO_NS, 'istio-cni-node-old', { labels: { 'k8s-app': 'istio-cni-node' }, terminating: true }),
        pod('kube-flannel', 'kube-flannel-ds-old', { labels: { app: 'flannel', 'k8s-app': 'flannel' }, terminating: true, started: false }),
      ]);
      expect(names(s.ztunnelPods)).to.deep.equal(['istio-system/ztunnel-new']);
      expect(s.istiodPods).to.deep.equal([]);
      expect(s.cniPods).to.deep.equal([]);
      expect(s.flannelPods).to.deep.equal([]);
      expect(s.workloadPods).to.deep.equal([]);
    });

    it('keeps two live pods of one component on a node, newest first; nodes in order', () => {
      const z = (name: string, node: string, createdAt: number) => pod(ISTIO_NS, name, { node, labels: { app: 'ztunnel' }, createdAt });
      const s = build([z('ztunnel-a', 'worker-2', T), z('ztunnel-z', 'worker-1', T), z('ztunnel-b', 'worker-1', T + 1000), z('ztunnel-c', 'worker-1', T + 1000)]);
      expect(names(s.ztunnelPods)).to.deep.equal(['istio-system/ztunnel-b', 'istio-system/ztunnel-c', 'istio-system/ztunnel-z', 'istio-system/ztunnel-a']);
      // What a consumer that keeps one pod per node sees: the first of each node.
      const firstPerNode = new Map<string, string>();
      for (const p of s.ztunnelPods) if (!firstPerNode.has(p.node)) firstPerNode.set(p.node, p.name);
      expect([...firstPerNode]).to.deep.equal([
        ['worker-1', 'ztunnel-b'],
        ['worker-2', 'ztunnel-a'],
      ]);
    });
  });

  describe('workload pods and the enrollment policy', () => {
    const namespaces = [
      ns('bookinfo', { 'istio.io/dataplane-mode': 'ambient' }),
      ns('shop', { team: 'shop', mesh: 'required' }),
      ns('payments', { mesh: 'required' }),
      ns('legacy'),
      ns('kube-system', { mesh: 'required' }),
      ns(ISTIO_NS),
    ];
    const pods = [
      pod('bookinfo', 'productpage-1'),
      pod('shop', 'web-1'),
      pod('payments', 'api-1'),
      pod('legacy', 'app-1'),
      pod('legacy', 'stuck-1', { phase: 'Pending', started: false, ready: false, waitingReason: 'ContainerCreating', ip: '' }),
      pod('legacy', 'job-done', { phase: 'Succeeded', started: false, ready: false }),
      pod('kube-system', 'coredns-1'),
      pod(ISTIO_NS, 'ztunnel-new', { labels: { app: 'ztunnel' }, started: false, ready: false, waitingReason: 'ContainerCreating' }),
      pod('kube-flannel', 'kube-flannel-ds-new', { labels: { app: 'flannel', 'k8s-app': 'flannel' }, started: false, ready: false }),
    ];
    const cases: [string, EnrollmentPolicy, string[]][] = [
      ['no policy: labelled namespaces only, plus pods not started', NO_POLICY, ['bookinfo/productpage-1', 'legacy/stuck-1']],
      [
        'namespace list',
        { namespaces: ['shop'], exclude: DEFAULT_EXCLUDE },
        ['bookinfo/productpage-1', 'legacy/stuck-1', 'shop/web-1'],
      ],
      [
        'selector (kube-system matches but is excluded)',
        { namespaces: [], selector: 'mesh=required', exclude: DEFAULT_EXCLUDE },
        ['bookinfo/productpage-1', 'legacy/stuck-1', 'payments/api-1', 'shop/web-1'],
      ],
      [
        'list and selector together, with an extra exclusion',
        { namespaces: ['legacy'], selector: 'mesh in (required),team', exclude: [...DEFAULT_EXCLUDE, 'legacy'] },
        ['bookinfo/productpage-1', 'legacy/stuck-1', 'shop/web-1'],
      ],
      [
        'exclusion does not hide a namespace that is labelled anyway',
        { namespaces: [], exclude: ['bookinfo'] },
        ['bookinfo/productpage-1', 'legacy/stuck-1'],
      ],
    ];
    for (const [name, enrollment, want] of cases) {
      it(name, () => {
        const s = buildClusterState(stores({ namespaces, pods }), { istioNamespace: ISTIO_NS, enrollment });
        expect(names(s.workloadPods)).to.deep.equal(want);
      });
    }

    it('isEnrollmentExpected: listed or selected, never excluded', () => {
      const policy: EnrollmentPolicy = { namespaces: ['legacy', 'kube-system'], selector: 'mesh=required', exclude: DEFAULT_EXCLUDE };
      const expected = namespaces.filter((n) => isEnrollmentExpected(n, policy)).map((n) => n.name);
      expect(expected).to.deep.equal(['shop', 'payments', 'legacy']);
    });

    it('a CrashLoopBackOff pod anywhere counts as not started', () => {
      const s = buildClusterState(stores({ pods: [toPodInfo(fx.crashLoopPod)] }), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY });
      expect(names(s.workloadPods)).to.deep.equal(['bookinfo/ratings-v1-7d8c9b6f5-mm2lp']);
    });
  });

  describe('istiod Service and endpoints', () => {
    it('picks Service istiod in the Istio namespace and its endpoint addresses', () => {
      const other: EndpointSliceInfo = { namespace: ISTIO_NS, name: 'other-abc', service: 'other', addresses: [{ ip: '10.9.9.9', ready: true, node: '', pod: '', ports: {} }] };
      const s = buildClusterState(
        stores({
          services: [toServiceInfo({ metadata: { name: 'istiod', namespace: 'elsewhere' } }), toServiceInfo(fx.istiodService)],
          endpointSlices: [toEndpointSliceInfo(fx.istiodEndpointSlice), other],
        }),
        { istioNamespace: ISTIO_NS, enrollment: NO_POLICY },
      );
      expect(s.istiodService?.clusterIP).to.equal('10.96.14.20');
      expect(s.istiodEndpoints.map((e) => [e.ip, e.ready])).to.deep.equal([
        ['10.244.0.7', true],
        ['10.244.2.8', false],
        ['10.244.3.9', true],
      ]);
    });

    it('lists an address present in two slices once, ready if either says so', () => {
      const a = { ip: '10.244.0.7', ready: false, node: 'w', pod: 'istiod-1', ports: { 'https-dns': 15012 } };
      const s = buildClusterState(
        stores({
          endpointSlices: [
            { namespace: ISTIO_NS, name: 'istiod-a', service: 'istiod', addresses: [a] },
            { namespace: ISTIO_NS, name: 'istiod-b', service: 'istiod', addresses: [{ ...a, ready: true }] },
          ],
        }),
        { istioNamespace: ISTIO_NS, enrollment: NO_POLICY },
      );
      expect(s.istiodEndpoints).to.deep.equal([{ ...a, ready: true }]);
    });

    it('picks a revisioned istiod Service by its configured name', () => {
      const rev = { ...fx.istiodService, metadata: { ...fx.istiodService.metadata, name: 'istiod-1-28' }, spec: { ...fx.istiodService.spec, clusterIP: '10.96.28.1' } };
      const slice: EndpointSliceInfo = { namespace: ISTIO_NS, name: 'istiod-1-28-x', service: 'istiod-1-28', addresses: [{ ip: '10.244.9.9', ready: true, node: 'w', pod: 'istiod-1-28-a', ports: {} }] };
      const s = buildClusterState(stores({ services: [toServiceInfo(fx.istiodService), toServiceInfo(rev)], endpointSlices: [toEndpointSliceInfo(fx.istiodEndpointSlice), slice] }), {
        istioNamespace: ISTIO_NS,
        enrollment: NO_POLICY,
        istiodService: 'istiod-1-28',
      });
      expect(s.istiodService?.clusterIP).to.equal('10.96.28.1');
      expect(s.istiodEndpoints.map((e) => e.ip)).to.deep.equal(['10.244.9.9']);
    });

    it('checks the Service the ztunnels dial (XDS_ADDRESS), not the configured one, on a revisioned install', () => {
      const rev = { ...fx.istiodService, metadata: { ...fx.istiodService.metadata, name: 'istiod-canary' }, spec: { ...fx.istiodService.spec, clusterIP: '10.96.28.2' } };
      const ztunnel = (name: string, address: string) =>
        toPodInfo({
          metadata: { name, namespace: ISTIO_NS, labels: { app: 'ztunnel' } },
          spec: { nodeName: name, containers: [{ name: 'istio-proxy', env: [{ name: 'XDS_ADDRESS', value: address }] }] },
          status: { phase: 'Running', podIP: '10.244.0.9' },
        });
      const s = buildClusterState(
        stores({
          pods: [ztunnel('w1', 'istiod-canary.istio-system.svc:15012'), ztunnel('w2', 'istiod-canary.istio-system.svc:15012'), ztunnel('w3', 'istiod.istio-system.svc:15012')],
          services: [toServiceInfo(fx.istiodService), toServiceInfo(rev)],
        }),
        { istioNamespace: ISTIO_NS, enrollment: NO_POLICY },
      );
      expect(s.istiodXds).to.deep.equal({ service: 'istiod-canary', port: 15012, source: 'ztunnel' });
      expect(s.istiodService?.clusterIP).to.equal('10.96.28.2');
    });

    it('keeps the configured Service when the ztunnels name none, or one outside the Istio namespace', () => {
      const other = toPodInfo({
        metadata: { name: 'z', namespace: ISTIO_NS, labels: { app: 'ztunnel' } },
        spec: { containers: [{ name: 'istio-proxy', env: [{ name: 'XDS_ADDRESS', value: 'istiod.other-ns.svc:15012' }] }] },
        status: { phase: 'Running' },
      });
      const s = buildClusterState(stores({ pods: [other], services: [toServiceInfo(fx.istiodService)] }), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY });
      expect(s.istiodXds).to.deep.equal({ service: 'istiod', port: 15012, source: 'config' });
    });

    it('has no Service and no endpoints when absent', () => {
      const s = buildClusterState(stores(), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY });
      expect(s.istiodService).to.equal(undefined);
      expect(s.istiodEndpoints).to.deep.equal([]);
    });
  });

  describe('watch state', () => {
    it('reports every watched resource, missing ones as down', () => {
      const s = buildClusterState(stores({ watchUp: { pods: true } }), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY });
      expect(Object.keys(s.watchUp).sort()).to.deep.equal(WATCHED_RESOURCES.map((r) => r.name).sort());
      expect(s.watchUp.pods).to.equal(true);
      expect(s.watchUp.nodes).to.equal(false);
    });
    it('is synced only when every resource has been listed', () => {
      expect(buildClusterState(stores(), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY }).synced).to.equal(true);
      const partial = { ...all(true), events: false };
      expect(buildClusterState(stores({ listed: partial }), { istioNamespace: ISTIO_NS, enrollment: NO_POLICY }).synced).to.equal(false);
    });
  });

  it('keeps only sandbox events, ordered by namespace, pod and time', () => {
    const e = (namespace: string, p: string, lastSeen: number, reason = 'FailedCreatePodSandBox') => ({ namespace, pod: p, podUid: '', reason, message: '', lastSeen, count: 1 });
    const s = buildClusterState(stores({ events: [e('b', 'x', 2), e('a', 'y', 1), e('b', 'x', 1), e('a', 'z', 1, 'Other')] }), {
      istioNamespace: ISTIO_NS,
      enrollment: NO_POLICY,
    });
    expect(s.sandboxEvents.map((x) => `${x.namespace}/${x.pod}@${x.lastSeen}`)).to.deep.equal(['a/y@1', 'b/x@1', 'b/x@2']);
  });

  it('rejects an invalid enrollment selector', () => {
    expect(() => buildClusterState(stores(), { istioNamespace: ISTIO_NS, enrollment: { namespaces: [], selector: 'a in (', exclude: [] } })).to.throw(
      /invalid label selector/,
    );
  });
});
