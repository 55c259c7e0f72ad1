// Restarting a node's ztunnel or istio-cni in the lab, observed through the API and the components:
// what a real cluster shows while the restarted process finds its peers again (istio-ambient-facts
// §2.1, §5.2, §10).
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import { Exposition } from '../support/exposition.js';
import { httpGet, httpOutcome } from '../support/http.js';

const SECOND = 1000;
const NODE = 'lab-node-1';

describe('lab restarts', function () {
  this.timeout(20_000);
  let lab: Lab;
  let clock: number;
  let core: k8s.CoreV1Api;
  const later = async (ms: number) => {
    clock += ms;
    await lab.sync();
  };
  const url = (component: string) => lab.scrapeTargets().find((t) => t.component === component && t.node === NODE)!.url;
  const readiness = () => httpOutcome(url('ztunnel').replace(':15020/stats/prometheus', ':15021/healthz/ready'), 2000);
  const ztunnelBody = async () => (await httpGet(url('ztunnel'), 2000)).body;
  const connected = async () => Exposition.parse((await httpGet(url('istio-cni'), 2000)).body).value('ztunnel_connected');
  const ztunnelPod = async () => (await core.listPodForAllNamespaces({ labelSelector: 'app=ztunnel', fieldSelector: `spec.nodeName=${NODE}` })).items[0];
  const podsPending = async () => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE},status.phase=Pending` })).items;

  beforeEach(async () => {
    clock = Date.UTC(2025, 5, 1, 12);
    lab = await startLab({ nodes: 3, syncIntervalMs: 0, now: () => clock });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterEach(() => lab.close());

  it('a ztunnel restarted while istiod is unreachable never syncs, blocks new pods, and recovers once istiod is back', async () => {
    await lab.setFaults([{ name: 'istiod-unreachable' }]);
    await later(30 * SECOND);
    expect(await readiness(), 'a running ztunnel stays ready').to.equal('200 ready\n');
    await lab.restart('ztunnel', NODE);
    await later(5 * 60 * SECOND);

    expect(await readiness()).to.equal('500 not ready, pending: state manager, workload proxy manager\n');
    const pod = await ztunnelPod();
    expect(pod?.status?.containerStatuses?.[0]).to.include({ ready: false, restartCount: 1 });
    const body = Exposition.parse(await ztunnelBody());
    expect(body.value('workload_manager_active_proxy_count')).to.equal(0);
    // ten connects time out within the first minute (back-off 20 ms doubling), then one about every 20 s
    expect(body.value('istio_xds_connection_terminations_total', { reason: 'ConnectionError' })).to.be.within(20, 24);
    expect(body.has('istio_xds_connection_terminations_total', { reason: 'Reconnect' }), 'fresh counters').to.equal(false);
    expect(await connected()).to.equal(0);
    const stuck = await podsPending();
    expect(stuck.map((p) => p.metadata?.namespace).sort()).to.deep.equal(['bookinfo', 'shop']);
    const events = (await core.listEventForAllNamespaces({ fieldSelector: 'reason=FailedCreatePodSandBox' })).items;
    expect(events.map((e) => e.message?.split('failed (add): ')[1])).to.deep.equal([
      'istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): no ztunnel connection',
      'istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): no ztunnel connection',
    ]);

    // istiod back (another node's fault left on, so the rollout is not forgotten as it is on healthy):
    // the next attempt (at most 15 s later) syncs, ztunnel connects, and the waiting pods start
    await lab.setFaults([{ name: 'flannel-crash-loop', node: 'lab-node-2' }]);
    await later(15 * SECOND);
    expect(await readiness()).to.equal('200 ready\n');
    expect(await connected()).to.equal(1);
    expect(await podsPending()).to.deep.equal([]);
    const started = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` })).items.filter((p) => p.metadata?.name?.startsWith('reviews-v2-'));
    expect(started.map((p) => [p.status?.phase, p.metadata?.annotations?.['ambient.istio.io/redirection']])).to.deep.include(['Running', 'enabled']);
    expect((await ztunnelPod())?.status?.containerStatuses?.[0]).to.include({ ready: true, restartCount: 1 });
  });

  it('an istio-cni restart leaves ztunnel_connected absent until the running ztunnel reconnects, about 2.5 s later', async () => {
    await lab.restart('istio-cni', NODE);
    expect(await httpOutcome(url('istio-cni'), 2000), 'nothing listens while the container starts').to.equal('refused');
    await later(2.2 * SECOND);
    expect(await connected()).to.equal(undefined);
    expect(await readiness()).to.equal('500 not ready, pending: workload proxy manager\n');
    expect((await ztunnelPod())?.status?.containerStatuses?.[0]?.ready, 'kubelet has not seen three failed probes').to.equal(true);
    await later(0.4 * SECOND);
    expect(await connected()).to.equal(1);
    expect(await readiness()).to.equal('200 ready\n');
  });

  it('an istio-cni restarted while its ztunnel crash-loops records no ztunnel at all: the family stays absent', async () => {
    await lab.setFaults([{ name: 'cni-blocked', node: NODE }]);
    await lab.restart('istio-cni', NODE);
    await later(60 * SECOND);
    const body = Exposition.parse((await httpGet(url('istio-cni'), 2000)).body);
    expect(body.value('istio_cni_install_ready')).to.equal(1);
    expect(body.has('ztunnel_connected')).to.equal(false);
    expect(body.text).to.not.contain('ztunnel_connected'); // nor its HELP and TYPE
  });
});
