// The kube/ layer against the lab's simulated API server: what a first sync yields, how a fault
// reaches the snapshot through watch events alone, and recovery after the API goes away.

import { expect } from 'chai';
import { loadKubeConfig } from '../../src/kube/client.js';
import { startClusterWatch, type ClusterWatch } from '../../src/kube/cluster-watch.js';
import { WATCHED_RESOURCES } from '../../src/kube/resources.js';
import { startLab, type Lab } from 'ambient-lab';
import { PORTS } from '../../src/istio.js';
import type { ClusterState, PodInfo } from '../../src/model.js';
import { waitFor } from '../support/wait.js';

const ISTIO_NS = 'istio-system';
const EXCLUDE = ['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'kube-flannel'];

const allUp = (s: ClusterState): boolean => WATCHED_RESOURCES.every((r) => s.watchUp[r.name] === true);
const allDown = (s: ClusterState): boolean => WATCHED_RESOURCES.every((r) => s.watchUp[r.name] === false);
const nodesOf = (pods: PodInfo[]): string[] => pods.map((p) => p.node).sort();
const onNode = (pods: PodInfo[], node: string): PodInfo[] => pods.filter((p) => p.node === node);

/** Log lines of the watch, kept to see retries happen. */
const logs: { msg: string | undefined; obj: Record<string, unknown> }[] = [];
const keep = (obj: object, msg?: string): void => void logs.push({ msg, obj: obj as Record<string, unknown> });
const logger = { debug: keep, info: keep, warn: keep, error: keep };
const failedRetries = (): number => logs.filter((l) => l.msg?.endsWith('retrying')).length;

async function watchLab(lab: Lab): Promise<ClusterWatch> {
  const { kubeConfig } = loadKubeConfig({ kubeconfig: lab.kubeconfigPath });
  const watch = startClusterWatch(kubeConfig, {
    istioNamespace: ISTIO_NS,
    enrollment: { namespaces: lab.enrollment.namespaces, exclude: EXCLUDE },
    logger,
  });
  await watch.synced();
  return watch;
}

describe('kube watch against the lab API server', function () {
  this.timeout(30_000);
  let lab: Lab | undefined;
  let watch: ClusterWatch | undefined;

  beforeEach(() => {
    logs.length = 0;
  });

  afterEach(async () => {
    await watch?.stop();
    await lab?.close();
    watch = undefined;
    lab = undefined;
  });

  it('first sync yields the nodes, the Istio and Flannel pods, and Service istiod', async () => {
    lab = await startLab({ nodes: 3 });
    watch = await watchLab(lab);
    const s = watch.snapshot();

    expect(s.synced).to.equal(true);
    expect(allUp(s), 'every watch open once synced').to.equal(true);
    expect(s.nodes.map((n) => n.name)).to.deep.equal([...lab.nodes].sort());
    expect(s.nodes.every((n) => n.ready && n.internalIP !== '')).to.equal(true);
    expect(nodesOf(s.ztunnelPods)).to.deep.equal([...lab.nodes].sort());
    expect(nodesOf(s.cniPods)).to.deep.equal([...lab.nodes].sort());
    expect(s.cniPods.every((p) => p.hostNetwork)).to.equal(true);
    expect(nodesOf(s.flannelPods)).to.deep.equal([...lab.nodes].sort());
    expect(s.flannelPods.every((p) => p.namespace === 'kube-flannel')).to.equal(true);
    expect(nodesOf(s.istiodPods)).to.deep.equal([lab.istiodNode]);
    expect([...s.ztunnelPods, ...s.cniPods, ...s.istiodPods, ...s.flannelPods].every((p) => p.ready && p.started)).to.equal(true);

    expect(s.istiodService?.ports.map((p) => p.port)).to.include(PORTS.istiodXds);
    expect(s.istiodEndpoints).to.have.length.of.at.least(1);
    expect(s.istiodEndpoints.every((e) => e.ready && e.node === lab!.istiodNode && e.ports['https-dns'] === PORTS.istiodXds)).to.equal(true);

    // Healthy: workloads are the pods of the expected (and labelled) namespaces, and legacy's pod
    // enrolled by its own label, all running.
    expect(s.workloadPods).to.not.be.empty;
    expect([...new Set(s.workloadPods.map((p) => p.namespace))].sort()).to.deep.equal([...lab.enrollment.namespaces, 'legacy'].sort());
    expect(s.workloadPods.every((p) => p.started)).to.equal(true);
    expect(s.sandboxEvents).to.deep.equal([]);
  });

  it('finds Flannel in kube-system in the Talos layout', async () => {
    lab = await startLab({ nodes: 2, layout: 'talos' });
    watch = await watchLab(lab);
    const flannel = watch.snapshot().flannelPods;
    expect(nodesOf(flannel)).to.deep.equal([...lab.nodes].sort());
    expect(flannel.every((p) => p.namespace === 'kube-system' && p.labels.app === undefined)).to.equal(true);
  });

  it('shows cni-blocked through watch events: ztunnel crash-looping, pods stuck, sandbox events', async () => {
    lab = await startLab({ nodes: 3 });
    watch = await watchLab(lab);
    const node = lab.faultNode;
    let notified = 0;
    watch.onChange(() => notified++);

    await lab.setFaults([{ name: 'cni-blocked', node }]);
    const s = await waitFor(() => {
      const s = watch!.snapshot();
      const ztunnel = onNode(s.ztunnelPods, node)[0];
      const stuck = onNode(s.workloadPods, node).filter((p) => p.waitingReason === 'ContainerCreating');
      return ztunnel && !ztunnel.ready && stuck.length > 0 && s.sandboxEvents.length > 0 ? s : undefined;
    }, { what: 'cni-blocked in the snapshot' });
    expect(onNode(s.ztunnelPods, node)[0]!.waitingReason).to.equal('CrashLoopBackOff');
    expect(s.ztunnelPods.filter((p) => p.node !== node).every((p) => p.ready)).to.equal(true);
    const stuck = onNode(s.workloadPods, node).filter((p) => !p.started);
    expect(stuck.every((p) => p.phase === 'Pending' && p.ip === '')).to.equal(true);
    expect(s.sandboxEvents.every((e) => e.message.includes('no ztunnel connection'))).to.equal(true);
    expect(s.sandboxEvents.map((e) => e.pod)).to.include.members(stuck.map((p) => p.name));
    expect(notified).to.be.greaterThan(0);

    await lab.setFaults([]);
    await waitFor(() => {
      const s = watch!.snapshot();
      return s.ztunnelPods.every((p) => p.ready) && s.workloadPods.every((p) => p.started);
    }, { what: 'recovery in the snapshot' });
  });

  it('keeps an expected namespace\'s pods as workloads when its label is removed', async () => {
    lab = await startLab({ nodes: 2 });
    watch = await watchLab(lab);
    await lab.setFaults([{ name: 'namespace-unlabeled', namespace: 'shop' }]);
    const s = await waitFor(() => {
      const s = watch!.snapshot();
      return s.namespaces.find((n) => n.name === 'shop')?.labels['istio.io/dataplane-mode'] === undefined ? s : undefined;
    }, { what: 'label removed' });
    expect(s.workloadPods.some((p) => p.namespace === 'shop')).to.equal(true);
  });

  for (const mode of ['refuse', 'unavailable'] as const) {
    it(`turns watchUp false while the API is away (${mode}) and recovers by itself, with what changed meanwhile`, async () => {
      lab = await startLab({ nodes: 3 });
      watch = await watchLab(lab);
      const node = lab.faultNode;

      await lab.setApiAvailability(mode);
      const down = await waitFor(() => (allDown(watch!.snapshot()) ? watch!.snapshot() : undefined), { what: 'every watch down', timeoutMs: 10_000 });
      expect(down.synced, 'the last known state is still served').to.equal(true);
      expect(down.ztunnelPods).to.have.length(3);
      // Stay away long enough for reconnects to fail and back off (every informer at least twice).
      const before = failedRetries();
      await waitFor(() => failedRetries() >= before + 2 * WATCHED_RESOURCES.length, { what: 'reconnects failing', timeoutMs: 10_000 });
      expect(allDown(watch.snapshot())).to.equal(true);

      // A change while the API is away, and a history that no longer reaches back to it: the
      // informers have to relist to see it.
      await lab.setFaults([{ name: 'cni-blocked', node }]);
      lab.compactApiHistory();
      await lab.setApiAvailability('up');

      const s = await waitFor(() => {
          const s = watch!.snapshot();
          return allUp(s) && onNode(s.ztunnelPods, node)[0]?.ready === false ? s : undefined;
        }, { what: 'watches back up with the change', timeoutMs: 20_000 });
      expect(onNode(s.workloadPods, node).some((p) => p.waitingReason === 'ContainerCreating')).to.equal(true);
    });
  }
});
