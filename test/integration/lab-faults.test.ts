// Each lab fault changes exactly what a real cluster shows under it (istio-ambient-facts §10), in
// the Kubernetes API and in the components' answers, and clearing it restores the rest. The lab
// clock is the test's: each fault is looked at a minute after it began, once the processes settled.
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { startLab, type FaultSpec, type Lab } from 'ambient-lab';
import { Exposition } from '../support/exposition.js';
import { httpGet, httpOutcome } from '../support/http.js';
import { dial } from '../support/net.js';

/** Short: a blackholed port must be told from a refused one without slowing the suite down. */
const DIAL_MS = 500;
const MINUTE = 60_000;
const APP_NAMESPACES = ['bookinfo', 'shop', 'payments', 'legacy'];

type Facts = Record<string, string>;

function podState(p: k8s.V1Pod | undefined): string {
  if (!p) return 'absent';
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?';
  return `ready=${ready} ${p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? 'running'}`;
}

/** Everything an operator (or the exporter) can observe, flattened to comparable facts. */
/** A sample of a component's /metrics, or why there is none ('refused', 'timeout', 'absent'). */
async function metric(url: string, name: string): Promise<string> {
  try {
    const v = Exposition.parse((await httpGet(url, DIAL_MS)).body).value(name);
    return v === undefined ? 'absent' : String(v);
  } catch (err) {
    return (err as Error).message;
  }
}

async function observe(lab: Lab, core: k8s.CoreV1Api, discovery: k8s.DiscoveryV1Api): Promise<Facts> {
  const facts: Facts = {};
  const pods = (await core.listPodForAllNamespaces()).items;
  const on = (node: string, pred: (p: k8s.V1Pod) => boolean) => pods.find((p) => p.spec?.nodeName === node && pred(p));
  const checks: Promise<void>[] = [];
  for (const node of lab.nodes) {
    const ztunnel = on(node, (p) => p.metadata?.labels?.app === 'ztunnel');
    facts[`${node} ztunnel pod`] = podState(ztunnel);
    facts[`${node} flannel pod`] = podState(on(node, (p) => p.metadata?.labels?.app === 'flannel'));
    const cni = on(node, (p) => p.metadata?.labels?.['k8s-app'] === 'istio-cni-node');
    facts[`${node} istio-cni pod`] = podState(cni);
    facts[`${node} pods Pending`] = String(pods.filter((p) => p.spec?.nodeName === node && p.status?.phase === 'Pending').length);
    const enabled = pods.filter((p) => p.spec?.nodeName === node && p.status?.phase === 'Running' && p.metadata?.annotations?.['ambient.istio.io/redirection'] === 'enabled');
    facts[`${node} running pods redirection=enabled`] = String(enabled.length);
    const zip = ztunnel?.status?.podIP ?? '';
    checks.push(
      httpOutcome(`http://${zip}:15021/healthz/ready`, DIAL_MS).then((o) => void (facts[`${node} ztunnel :15021`] = o)),
      dial(zip, 15020, DIAL_MS).then((o) => void (facts[`${node} ztunnel :15020`] = o)),
      metric(`http://${zip}:15020/metrics`, 'workload_manager_active_proxy_count').then((v) => void (facts[`${node} ztunnel active proxies`] = v)),
      metric(`http://${cni?.status?.podIP}:15014/metrics`, 'ztunnel_connected').then((v) => void (facts[`${node} istio-cni ztunnel_connected`] = v)),
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
  facts['FailedCreatePodSandBox events'] = String(events.length);
  // what istio-cni said, without the sandbox id kubelet puts before it
  facts['istio-cni errors'] = [...new Set(events.map((e) => e.message?.split('failed (add): ')[1] ?? '?'))].sort().join(' | ') || '-';
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
const CRASHING = 'ready=False CrashLoopBackOff';
const ALL_PORTS = 'grpc-xds:15010,https-dns:15012,https-webhook:443,http-monitoring:15014';
const SLICE_PORTS = 'grpc-xds:15010,https-dns:15012,https-webhook:15017,http-monitoring:15014';

const PREFIX = 'istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): ';
/** Seen from istiod's node (the exporter's), a cut-off node's pods do not answer; its pods stay Ready. */
const cutOff = (n: string, proxies: string) => ({
  [`${n} ztunnel :15021`]: ['200 ready\n', 'timeout'],
  [`${n} ztunnel :15020`]: ['connected', 'timeout'],
  [`${n} ztunnel active proxies`]: [proxies, 'timeout'],
});

describe('lab faults, as observed through the API and the components', function () {
  this.timeout(20_000);
  let lab: Lab;
  let core: k8s.CoreV1Api;
  let discovery: k8s.DiscoveryV1Api;
  let healthy: Facts;
  let clock = Date.UTC(2025, 5, 1, 12);
  const look = () => observe(lab, core, discovery);
  /** Lets the lab clock run on and writes what it changed into the API. */
  const later = async (ms = MINUTE) => {
    clock += ms;
    await lab.sync();
  };

  before(async () => {
    lab = await startLab({ nodes: 3, syncIntervalMs: 0, now: () => clock });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
    healthy = await look();
    for (const p of (await core.listPodForAllNamespaces()).items) {
      if (p.metadata?.annotations?.['ambient.istio.io/redirection'] !== 'enabled') continue;
      const [ns, node] = [p.metadata?.namespace ?? '', p.spec?.nodeName ?? ''];
      (podsOf[ns] ??= {})[node] = (podsOf[ns]?.[node] ?? 0) + 1;
    }
  });

  after(() => lab.close());

  afterEach(async () => {
    await lab.setFaults([]);
    await later();
    expect(diff(healthy, await look()), 'clearing the fault restores the healthy cluster').to.deep.equal({});
  });

  it('healthy: everything ready, enrolled pods redirected and proxied, istio-cni connected to ztunnel', () => {
    expect(lab.istiodNode).to.equal('lab-node-0');
    for (const n of lab.nodes) {
      expect(healthy).to.include({
        [`${n} ztunnel pod`]: READY,
        [`${n} ztunnel :15021`]: '200 ready\n',
        [`${n} ztunnel :15020`]: 'connected',
        [`${n} flannel pod`]: READY,
        [`${n} istio-cni pod`]: READY,
        [`${n} istio-cni ztunnel_connected`]: '1',
        [`${n} ztunnel active proxies`]: healthy[`${n} running pods redirection=enabled`],
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
      // shop's loadgen opts out by its own label, legacy's inventory-sync opts in by its own
      'shop pods redirection=none': '1',
      'legacy pods redirection=enabled': '1',
      'FailedCreatePodSandBox events': '0',
    });
  });

  const proxies = (n: string) => healthy[`${n} ztunnel active proxies`] ?? '?';
  const withoutPort = 'grpc-xds:15010,https-webhook:443,http-monitoring:15014';
  const sliceWithoutPort = 'grpc-xds:15010,https-webhook:15017,http-monitoring:15014';

  // Running ztunnels stay Ready through every fault that cuts them off istiod or the overlay.
  const cases: { faults: FaultSpec[]; expected: () => Record<string, string[]> }[] = [
    {
      faults: [{ name: 'istiod-port-missing' }],
      expected: () => ({
        'Service istiod ports': [ALL_PORTS, withoutPort],
        'EndpointSlice istiod ports': [SLICE_PORTS, sliceWithoutPort],
        'ClusterIP :15012': ['connected', 'refused'],
      }),
    },
    {
      faults: [{ name: 'istiod-unreachable' }],
      expected: () => ({ 'ClusterIP :15012': ['connected', 'timeout'], 'istiod pod :15012': ['connected', 'timeout'] }),
    },
    {
      faults: [{ name: 'cross-node' }],
      expected: () => ({ ...cutOff('lab-node-1', proxies('lab-node-1')), ...cutOff('lab-node-2', proxies('lab-node-2')) }),
    },
    {
      faults: [{ name: 'flannel-down' }],
      expected: () => ({ 'lab-node-1 flannel pod': [READY, CRASHING], ...cutOff('lab-node-1', proxies('lab-node-1')) }),
    },
    {
      // the exporter's vantage point (istiod's node) cut off: every other node looks unreachable from it
      faults: [{ name: 'node-cut-off' }],
      expected: () => ({ ...cutOff('lab-node-1', proxies('lab-node-1')), ...cutOff('lab-node-2', proxies('lab-node-2')) }),
    },
    {
      // flanneld deletes nothing on exit: the node's pods still answer
      faults: [{ name: 'flannel-crash-loop', node: 'lab-node-2' }],
      expected: () => ({ 'lab-node-2 flannel pod': [READY, CRASHING] }),
    },
    {
      faults: [{ name: 'cni-blocked', node: 'lab-node-2' }],
      expected: () => ({
        'lab-node-2 ztunnel pod': [READY, CRASHING],
        'lab-node-2 ztunnel :15021': ['200 ready\n', 'refused'],
        'lab-node-2 ztunnel :15020': ['connected', 'refused'],
        'lab-node-2 ztunnel active proxies': [proxies('lab-node-2'), 'refused'],
        'lab-node-2 istio-cni ztunnel_connected': ['1', '0'],
        'lab-node-2 pods Pending': ['0', '2'],
        'bookinfo pods redirection=pending': ['0', '1'],
        'shop pods redirection=pending': ['0', '1'],
        // the rollout's non-ambient pod starts: istio-cni leaves it alone
        'legacy pods redirection=none': ['1', '2'],
        'FailedCreatePodSandBox events': ['0', '2'],
        'istio-cni errors': ['-', `${PREFIX}no ztunnel connection`],
      }),
    },
    {
      faults: [{ name: 'cni-refusing' }],
      expected: () => ({
        'lab-node-1 pods Pending': ['0', '2'],
        'bookinfo pods redirection=none': ['0', '1'],
        'shop pods redirection=none': ['1', '2'],
        'legacy pods redirection=none': ['1', '2'],
        'FailedCreatePodSandBox events': ['0', '2'],
        'istio-cni errors': ['-', `${PREFIX}pod add cannot be retried: exit status 2`],
      }),
    },
    {
      // the plugin's own token is rejected before it asks anything: every new pod, enrolled or not
      faults: [{ name: 'cni-refusing', reason: 'unauthorized' }],
      expected: () => ({
        'lab-node-1 pods Pending': ['0', '3'],
        'bookinfo pods redirection=none': ['0', '1'],
        'shop pods redirection=none': ['1', '2'],
        'legacy pods redirection=none': ['1', '2'],
        'FailedCreatePodSandBox events': ['0', '3'],
        'istio-cni errors': ['-', 'Unauthorized'],
      }),
    },
    {
      // ztunnel refused the pod after its rules were in place: pending
      faults: [{ name: 'cni-refusing', reason: 'ack-error', node: 'lab-node-2' }],
      expected: () => ({
        'lab-node-2 pods Pending': ['0', '2'],
        'bookinfo pods redirection=pending': ['0', '1'],
        'shop pods redirection=pending': ['0', '1'],
        'legacy pods redirection=none': ['1', '2'],
        'FailedCreatePodSandBox events': ['0', '2'],
        'istio-cni errors': ['-', `${PREFIX}got ack error: failure to start proxy : Io(Os { code: 2, kind: NotFound, message: "No such file or directory" })`],
      }),
    },
    {
      // the agent crash-loops: its socket is gone, ztunnel loses it and, after kubelet's three probes, its Ready
      faults: [{ name: 'cni-refusing', reason: 'agent-socket-missing' }],
      expected: () => ({
        'lab-node-1 istio-cni pod': [READY, CRASHING],
        'lab-node-1 istio-cni ztunnel_connected': ['1', 'refused'],
        'lab-node-1 ztunnel pod': [READY, NOT_READY],
        'lab-node-1 ztunnel :15021': ['200 ready\n', '500 not ready, pending: workload proxy manager\n'],
        'lab-node-1 pods Pending': ['0', '2'],
        'bookinfo pods redirection=none': ['0', '1'],
        'shop pods redirection=none': ['1', '2'],
        'legacy pods redirection=none': ['1', '2'],
        'FailedCreatePodSandBox events': ['0', '2'],
        'istio-cni errors': [
          '-',
          'istio-cni cmdAdd failed to contact node Istio CNI agent: failed to send event request: Post "http://unix/cmdadd": dial unix /var/run/istio-cni/pluginevent.sock: connect: no such file or directory',
        ],
      }),
    },
    {
      // after the reboot, ztunnel proxies fewer pods than run there with redirection enabled
      faults: [{ name: 'pods-not-proxied', node: 'lab-node-2' }],
      expected: () => {
        const enabled = Number(healthy['lab-node-2 running pods redirection=enabled']);
        return { 'lab-node-2 ztunnel active proxies': [String(enabled), String(Math.floor(enabled / 2))] }; // every other pod lost
      },
    },
    {
      faults: [{ name: 'namespace-unlabeled' }],
      expected: () => ({
        'namespace shop dataplane-mode': ['ambient', '-'],
        'shop pods redirection=enabled': ['4', '0'],
        'shop pods redirection=none': ['1', '5'],
        ...proxiedLess('shop'),
      }),
    },
    {
      faults: [{ name: 'pods-not-captured' }],
      expected: () => ({
        'payments pods redirection=enabled': ['2', '0'],
        'payments pods redirection=none': ['0', '2'],
        ...proxiedLess('payments'),
      }),
    },
    {
      faults: [{ name: 'pods-not-captured', namespace: 'legacy' }, { name: 'istiod-port-missing' }],
      expected: () => ({
        'namespace legacy dataplane-mode': ['-', 'ambient'],
        'legacy pods redirection=enabled': ['1', '0'],
        'legacy pods redirection=none': ['1', '2'],
        ...proxiedLess('legacy'),
        'Service istiod ports': [ALL_PORTS, withoutPort],
        'EndpointSlice istiod ports': [SLICE_PORTS, sliceWithoutPort],
        'ClusterIP :15012': ['connected', 'refused'],
      }),
    },
  ];

  /** A namespace whose pods lose their redirection: each node's enabled pods and ztunnel's proxies drop with them. */
  function proxiedLess(namespace: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const n of lab.nodes) {
      const lost = podsOf[namespace]?.[n] ?? 0;
      if (lost === 0) continue;
      const enabled = Number(healthy[`${n} running pods redirection=enabled`]);
      out[`${n} running pods redirection=enabled`] = [String(enabled), String(enabled - lost)];
      out[`${n} ztunnel active proxies`] = [String(enabled), String(enabled - lost)];
    }
    return out;
  }
  /** namespace -> node -> its pods there with redirection enabled (filled in before()) */
  const podsOf: Record<string, Record<string, number>> = {};

  for (const c of cases) {
    const title = c.faults.map((f) => f.name + (f.reason ? `:${f.reason}` : '') + (f.node || f.namespace ? `@${f.node ?? f.namespace}` : '')).join(' + ');
    it(`${title}: changes exactly what a real cluster shows, a minute in`, async () => {
      await lab.setFaults(c.faults);
      await later();
      expect(diff(healthy, await look())).to.deep.equal(c.expected());
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
    expect(d['lab-node-2 flannel pod']).to.deep.equal([READY, CRASHING]);
  });
});
