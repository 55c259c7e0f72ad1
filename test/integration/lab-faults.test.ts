// Each lab fault changes exactly what its row of the troubleshooting table says a real cluster
// shows, in the Kubernetes API and in the components' answers, and clearing it restores the rest.
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { startLab, type FaultSpec, type Lab } from 'ambient-lab';
import { dial, httpOutcome, samples, httpGet } from '../support/net.js';

/** Short: a blackholed port must be told from a refused one without slowing the suite down. */
const DIAL_MS = 500;
const APP_NAMESPACES = ['bookinfo', 'shop', 'payments', 'legacy'];

type Facts = Record<string, string>;

function podState(p: k8s.V1Pod | undefined): string {
  if (!p) return 'absent';
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?';
  return `ready=${ready} ${p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? 'running'}`;
}

/** Everything an operator (or the exporter) can observe, flattened to comparable facts. */
async function observe(lab: Lab, core: k8s.CoreV1Api, discovery: k8s.DiscoveryV1Api): Promise<Facts> {
  const facts: Facts = {};
  const pods = (await core.listPodForAllNamespaces()).items;
  const on = (node: string, pred: (p: k8s.V1Pod) => boolean) => pods.find((p) => p.spec?.nodeName === node && pred(p));
  const checks: Promise<void>[] = [];
  for (const node of lab.nodes) {
    const ztunnel = on(node, (p) => p.metadata?.labels?.app === 'ztunnel');
    facts[`${node} ztunnel pod`] = podState(ztunnel);
    facts[`${node} flannel pod`] = podState(on(node, (p) => p.metadata?.labels?.['k8s-app'] === 'flannel'));
    const cni = on(node, (p) => p.metadata?.labels?.['k8s-app'] === 'istio-cni-node');
    facts[`${node} istio-cni pod`] = podState(cni);
    facts[`${node} pods Pending`] = String(pods.filter((p) => p.spec?.nodeName === node && p.status?.phase === 'Pending').length);
    const zip = ztunnel?.status?.podIP ?? '';
    checks.push(
      httpOutcome(`http://${zip}:15021/healthz/ready`, DIAL_MS).then((o) => void (facts[`${node} ztunnel :15021`] = o)),
      dial(zip, 15020, DIAL_MS).then((o) => void (facts[`${node} ztunnel :15020`] = o)),
      httpGet(`http://${cni?.status?.podIP}:15014/metrics`, 2000).then(
        (r) => void (facts[`${node} istio-cni ztunnel_connected`] = String(samples(r.body, 'ztunnel_connected').get(''))),
      ),
    );
  }
  const svc = await core.readNamespacedService({ namespace: 'istio-system', name: 'istiod' });
  facts['Service istiod ports'] = (svc.spec?.ports ?? []).map((p) => `${p.name}:${p.port}`).join(',');
  const slice = (await discovery.listNamespacedEndpointSlice({ namespace: 'istio-system', labelSelector: 'kubernetes.io/service-name=istiod' })).items[0];
  facts['EndpointSlice istiod ports'] = (slice?.ports ?? []).map((p) => `${p.name}:${p.port}`).join(',');
  const istiod = pods.find((p) => p.metadata?.labels?.app === 'istiod');
  facts['istiod pod'] = podState(istiod);
  const vip = svc.spec?.clusterIP ?? '';
  for (const [what, host, port] of [
    ['ClusterIP :15012', vip, 15012],
    ['ClusterIP :15014', vip, 15014],
    ['istiod pod :15012', istiod?.status?.podIP ?? '', 15012],
    ['istiod pod :15014', istiod?.status?.podIP ?? '', 15014],
  ] as const) {
    checks.push(dial(host, port, DIAL_MS).then((o) => void (facts[what] = o)));
  }
  for (const ns of (await core.listNamespace()).items) {
    const name = ns.metadata?.name ?? '';
    facts[`namespace ${name} dataplane-mode`] = ns.metadata?.labels?.['istio.io/dataplane-mode'] ?? '-';
  }
  for (const ns of APP_NAMESPACES) {
    for (const r of ['enabled', 'pending', 'none']) {
      const n = pods.filter((p) => p.metadata?.namespace === ns && (p.metadata?.annotations?.['ambient.istio.io/redirection'] ?? 'none') === r).length;
      facts[`${ns} pods redirection=${r}`] = String(n);
    }
  }
  const events = (await core.listEventForAllNamespaces({ fieldSelector: 'reason=FailedCreatePodSandBox' })).items;
  facts['FailedCreatePodSandBox events naming "no ztunnel connection"'] = String(events.filter((e) => e.message?.includes('no ztunnel connection')).length);
  await Promise.all(checks);
  return facts;
}

function diff(before: Facts, after: Facts): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[k] !== after[k]) out[k] = [before[k] ?? '', after[k] ?? ''];
  }
  return out;
}

const READY = 'ready=True running';
const NOT_READY = 'ready=False running';
const PENDING_XDS = '500 not ready, pending: state manager\n';
const ALL_PORTS = 'grpc-xds:15010,https-dns:15012,https-webhook:443,http-monitoring:15014';
const SLICE_PORTS = 'grpc-xds:15010,https-dns:15012,https-webhook:15017,http-monitoring:15014';

const xdsLost = (nodes: string[]) =>
  Object.fromEntries(nodes.flatMap((n) => [[`${n} ztunnel pod`, [READY, NOT_READY]], [`${n} ztunnel :15021`, ['200 ready\n', PENDING_XDS]]]));
const cutOff = (n: string) => ({
  [`${n} ztunnel pod`]: [READY, NOT_READY],
  [`${n} ztunnel :15021`]: ['200 ready\n', 'timeout'],
  [`${n} ztunnel :15020`]: ['connected', 'timeout'],
});

describe('lab faults, as observed through the API and the components', function () {
  this.timeout(20_000);
  let lab: Lab;
  let core: k8s.CoreV1Api;
  let discovery: k8s.DiscoveryV1Api;
  let healthy: Facts;
  const look = () => observe(lab, core, discovery);

  before(async () => {
    lab = await startLab({ nodes: 3, syncIntervalMs: 0 });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
    healthy = await look();
  });

  after(() => lab.close());

  afterEach(async () => {
    await lab.setFaults([]);
    expect(diff(healthy, await look()), 'clearing the fault restores the healthy cluster').to.deep.equal({});
  });

  it('healthy: everything ready, enrolled pods redirected, istio-cni connected to ztunnel', () => {
    expect(lab.istiodNode).to.equal('lab-node-0');
    for (const n of lab.nodes) {
      expect(healthy).to.include({
        [`${n} ztunnel pod`]: READY,
        [`${n} ztunnel :15021`]: '200 ready\n',
        [`${n} ztunnel :15020`]: 'connected',
        [`${n} flannel pod`]: READY,
        [`${n} istio-cni pod`]: READY,
        [`${n} istio-cni ztunnel_connected`]: '1',
      });
    }
    expect(healthy).to.include({
      'Service istiod ports': ALL_PORTS,
      'EndpointSlice istiod ports': SLICE_PORTS,
      'ClusterIP :15012': 'connected',
      'istiod pod :15012': 'connected',
      'namespace bookinfo dataplane-mode': 'ambient',
      'namespace legacy dataplane-mode': '-',
      'bookinfo pods redirection=none': '0',
      'legacy pods redirection=enabled': '0',
      'FailedCreatePodSandBox events naming "no ztunnel connection"': '0',
    });
  });

  const cases: { faults: FaultSpec[]; expected: Record<string, string[]> }[] = [
    {
      faults: [{ name: 'istiod-port-missing' }],
      expected: {
        'Service istiod ports': [ALL_PORTS, 'grpc-xds:15010,https-webhook:443,http-monitoring:15014'],
        'EndpointSlice istiod ports': [SLICE_PORTS, 'grpc-xds:15010,https-webhook:15017,http-monitoring:15014'],
        'ClusterIP :15012': ['connected', 'refused'],
        ...xdsLost(['lab-node-0', 'lab-node-1', 'lab-node-2']),
      },
    },
    {
      faults: [{ name: 'istiod-unreachable' }],
      expected: {
        'ClusterIP :15012': ['connected', 'timeout'],
        'istiod pod :15012': ['connected', 'timeout'],
        ...xdsLost(['lab-node-0', 'lab-node-1', 'lab-node-2']),
      },
    },
    {
      faults: [{ name: 'cross-node' }],
      expected: { ...cutOff('lab-node-1'), ...cutOff('lab-node-2') },
    },
    {
      faults: [{ name: 'flannel-down' }],
      expected: { 'lab-node-1 flannel pod': [READY, 'ready=False CrashLoopBackOff'], ...cutOff('lab-node-1') },
    },
    {
      faults: [{ name: 'cni-blocked', node: 'lab-node-2' }],
      expected: {
        'lab-node-2 ztunnel pod': [READY, 'ready=False CrashLoopBackOff'],
        'lab-node-2 ztunnel :15021': ['200 ready\n', 'refused'],
        'lab-node-2 ztunnel :15020': ['connected', 'refused'],
        'lab-node-2 istio-cni ztunnel_connected': ['1', '0'],
        'lab-node-2 pods Pending': ['0', '2'],
        'bookinfo pods redirection=pending': ['0', '1'],
        'shop pods redirection=pending': ['0', '1'],
        'FailedCreatePodSandBox events naming "no ztunnel connection"': ['0', '2'],
      },
    },
    {
      faults: [{ name: 'namespace-unlabeled' }],
      expected: {
        'namespace shop dataplane-mode': ['ambient', '-'],
        'shop pods redirection=enabled': ['4', '0'],
        'shop pods redirection=none': ['0', '4'],
      },
    },
    {
      faults: [{ name: 'pods-not-captured' }],
      expected: {
        'payments pods redirection=enabled': ['2', '0'],
        'payments pods redirection=none': ['0', '2'],
      },
    },
    {
      faults: [{ name: 'pods-not-captured', namespace: 'legacy' }, { name: 'istiod-port-missing' }],
      expected: {
        'namespace legacy dataplane-mode': ['-', 'ambient'],
        'Service istiod ports': [ALL_PORTS, 'grpc-xds:15010,https-webhook:443,http-monitoring:15014'],
        'EndpointSlice istiod ports': [SLICE_PORTS, 'grpc-xds:15010,https-webhook:15017,http-monitoring:15014'],
        'ClusterIP :15012': ['connected', 'refused'],
        ...xdsLost(['lab-node-0', 'lab-node-1', 'lab-node-2']),
      },
    },
  ];

  for (const c of cases) {
    const title = c.faults.map((f) => f.name + (f.node || f.namespace ? `@${f.node ?? f.namespace}` : '')).join(' + ');
    it(`${title}: changes exactly its row's symptoms`, async () => {
      await lab.setFaults(c.faults);
      expect(diff(healthy, await look())).to.deep.equal(c.expected);
    });
  }

  it('cni-blocked: stuck pods look like kubelet shows them', async () => {
    await lab.setFaults([{ name: 'cni-blocked' }]);
    const stuck = (await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Pending' })).items;
    expect(stuck.map((p) => p.spec?.nodeName)).to.deep.equal(['lab-node-1', 'lab-node-1']);
    for (const p of stuck) {
      expect(p.metadata?.annotations).to.include({ 'ambient.istio.io/redirection': 'pending' });
      expect(p.status?.podIP).to.equal(undefined);
      expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ContainerCreating');
      expect(p.status?.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status).to.equal('False');
      const events = await core.listNamespacedEvent({ namespace: p.metadata?.namespace ?? '', fieldSelector: `involvedObject.name=${p.metadata?.name},reason=FailedCreatePodSandBox` });
      expect(events.items).to.have.length(1);
      expect(events.items[0]?.involvedObject.uid).to.equal(p.metadata?.uid);
    }
    const ztunnel = (await core.listPodForAllNamespaces({ labelSelector: 'app=ztunnel', fieldSelector: 'spec.nodeName=lab-node-1' })).items[0];
    const waiting = ztunnel?.status?.containerStatuses?.[0]?.state?.waiting;
    expect(waiting?.message).to.match(/^back-off 10s restarting failed container=istio-proxy pod=ztunnel-\w+_istio-system\(/);
    expect(ztunnel?.status?.containerStatuses?.[0]?.lastState?.terminated).to.include({ exitCode: 1, reason: 'Error' });
  });

  it('switching the fault node moves the fault', async () => {
    await lab.setFaults([{ name: 'flannel-down', node: 'lab-node-1' }]);
    await lab.setFaults([{ name: 'flannel-down', node: 'lab-node-2' }]);
    const d = diff(healthy, await look());
    expect(Object.keys(d).filter((k) => k.startsWith('lab-node-1'))).to.deep.equal([]);
    expect(d['lab-node-2 flannel pod']).to.deep.equal([READY, 'ready=False CrashLoopBackOff']);
  });
});
