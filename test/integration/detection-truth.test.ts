// What a real cluster shows under each situation of issue 8's table, reproduced by the lab, judged by
// the exporter end to end: exactly the root causes on /metrics (`ambient_node_issue`,
// `ambient_namespace_issue`), on the right nodes and nothing on the healthy ones, and their clearing.
// The lab and the exporter share one clock the test moves, so back-offs and the exporter's time
// windows (xDS errors, pods not proxied for 3 minutes) pass without waiting.
import { expect } from 'chai';
import { startLab, type Lab, type LabOptions } from 'ambient-lab';
import { startLabExporter, testClock, type LabExporter } from '../support/lab-exporter.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

interface Pair extends Pick<LabExporter, 'expectRootCauses'> {
  lab: Lab;
  /** moves the shared clock on, and lets the lab write what changed */
  later(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function startPair(labOptions: LabOptions = {}, exporterArgs: string[] = []): Promise<Pair> {
  const clock = testClock(Date.UTC(2025, 5, 1, 12));
  const lab = await startLab({ nodes: 3, syncIntervalMs: 0, now: clock.now, ...labOptions });
  const exporter = await startLabExporter(lab, { args: exporterArgs, now: clock.now }).catch(async (err: unknown) => {
    await lab.close();
    throw err;
  });
  return {
    lab,
    expectRootCauses: (want, also) => exporter.expectRootCauses(want, also),
    async later(ms) {
      clock.advance(ms);
      await lab.sync();
    },
    async close() {
      await exporter.close();
      await lab.close();
    },
  };
}

describe('detection truth: issue 8, row by row, the lab against the exporter', function () {
  this.timeout(60_000);

  describe('upstream layout, Istio 1.28', () => {
    let p: Pair;
    let n0: string, n1: string, n2: string;

    before(async () => {
      p = await startPair();
      [n0, n1, n2] = p.lab.nodes as [string, string, string];
      await p.expectRootCauses([]);
    });

    after(() => p?.close());

    afterEach(async () => {
      await p.lab.setFaults([]);
      await p.later(MINUTE);
      await p.expectRootCauses([]);
    });

    it("row 1: the exporter's own node cut off (its ztunnel and Flannel stay Ready): one finding, about its own node", async () => {
      await p.lab.setFaults([{ name: 'node-cut-off' }]);
      await p.later(MINUTE);
      const body = await p.expectRootCauses([`${n0} cross_node_network exporter_node_cut_off`]);
      for (const n of [n0, n1, n2]) expect(body.value('ambient_ztunnel_pod_ready', { node: n }), `${n} ztunnel Ready`).to.equal(1);
      expect(body.value('ambient_flannel_pod_ready', { node: n0 })).to.equal(1);
    });

    it('row 2: a ztunnel restarted while istiod is unreachable never syncs: istiod is the root cause of its node too, its refused pods included', async () => {
      await p.lab.setFaults([{ name: 'istiod-unreachable' }]);
      await p.later(MINUTE);
      const all = [n0, n1, n2].map((n) => `${n} ztunnel_istiod_connectivity xds_dial_failed`);
      await p.expectRootCauses(all);
      await p.lab.restart('ztunnel', n1);
      await p.later(5 * MINUTE);
      const body = await p.expectRootCauses(all, (m) => m.has('ambient_pods_blocked_by_cni', { node: n1 }));
      expect(body.value('ambient_ztunnel_readiness_pending', { node: n1, task: 'state manager' })).to.equal(1);
      expect(body.value('ambient_ztunnel_readiness_pending', { node: n1, task: 'workload proxy manager' })).to.equal(1);
      expect(body.value('ambient_ztunnel_pod_ready', { node: n1 })).to.equal(0);
      expect(body.value('ambient_cni_ztunnel_connected', { node: n1 })).to.equal(0);
      expect(body.value('ambient_pods_blocked_by_cni', { node: n1, namespace: 'bookinfo' })).to.equal(1);
      // istiod back: the ztunnel syncs at its next attempt, connects to istio-cni, the pods start
      await p.lab.setFaults([]);
      await p.later(15 * SECOND);
      await p.expectRootCauses([]);
    });

    it('row 2, without the restart: running ztunnels that lost istiod stay Ready, and the cause stays istiod’s', async () => {
      await p.lab.setFaults([{ name: 'istiod-port-missing' }]);
      await p.later(5 * MINUTE);
      const body = await p.expectRootCauses([n0, n1, n2].map((n) => `${n} ztunnel_istiod_connectivity service_port_missing`));
      for (const n of [n0, n1, n2]) expect(body.value('ambient_ztunnel_pod_ready', { node: n }), n).to.equal(1);
    });

    it('row 3: istio-cni restarted, no ztunnel connected since (ztunnel_connected absent): not connected until ztunnel reconnects', async () => {
      await p.lab.restart('istio-cni', n2);
      await p.later(2.2 * SECOND); // listening again, ztunnel's next attempt is at 2.54 s
      await p.expectRootCauses([`${n2} cni_pod_creation_blocked ztunnel_not_connected`]);
      await p.later(SECOND);
      await p.expectRootCauses([]);
    });

    it('row 3, lasting: istio-cni restarted while its ztunnel crash-loops records no ztunnel at all', async () => {
      await p.lab.setFaults([{ name: 'cni-blocked', node: n2 }]);
      await p.lab.restart('istio-cni', n2);
      await p.later(MINUTE);
      await p.expectRootCauses([`${n2} cni_pod_creation_blocked ztunnel_not_connected`]);
    });

    it('row 5: pods that bypass the mesh after a reboot: a finding once ztunnel has proxied fewer pods than run enabled for 3 minutes', async () => {
      await p.lab.setFaults([{ name: 'pods-not-proxied', node: n1 }]);
      await p.later(MINUTE);
      await p.expectRootCauses([]); // pod churn is not a finding
      await p.later(3 * MINUTE);
      await p.expectRootCauses([`${n1} namespace_not_enrolled pods_not_proxied`]);
    });

    it('row 5, combined with a Flannel outage elsewhere: each node its own root cause', async () => {
      await p.lab.setFaults([
        { name: 'pods-not-proxied', node: n1 },
        { name: 'flannel-down', node: n2 },
      ]);
      await p.later(MINUTE);
      await p.expectRootCauses([`${n2} cross_node_network flannel_not_ready`]);
      await p.later(3 * MINUTE);
      await p.expectRootCauses([`${n1} namespace_not_enrolled pods_not_proxied`, `${n2} cross_node_network flannel_not_ready`]);
    });

    for (const [reason, label] of [
      ['not-retryable', 'not_retryable'],
      ['agent-socket-missing', 'agent_unreachable'],
      ['unauthorized', 'unauthorized'],
      ['ack-error', 'ztunnel_refused'],
    ] as const) {
      it(`row 6: istio-cni refusing pods (${reason}) blocks them, with a bounded reason`, async () => {
        await p.lab.setFaults([{ name: 'cni-refusing', reason, node: n1 }]);
        await p.later(MINUTE);
        const body = await p.expectRootCauses([`${n1} cni_pod_creation_blocked cni_agent_errors`]);
        expect(body.value('ambient_pods_refused_by_cni', { node: n1, namespace: 'bookinfo', reason: label })).to.equal(1);
        // Unauthorized refuses every new pod, the agent's refusals only the enrolled ones
        expect(body.value('ambient_pods_refused_by_cni', { node: n1, namespace: 'legacy' })).to.equal(reason === 'unauthorized' ? 1 : undefined);
      });
    }

    it('row 7: flanneld crash-looping while the kernel VXLAN path forwards is no finding', async () => {
      await p.lab.setFaults([{ name: 'flannel-crash-loop', node: n1 }]);
      await p.later(MINUTE);
      const body = await p.expectRootCauses([], (m) => m.value('ambient_flannel_pod_ready', { node: n1 }) === 0);
      expect(body.value('ambient_flannel_pod_ready', { node: n1 })).to.equal(0);
      expect(body.value('ambient_node_pod_network_reachable', { node: n1 })).to.equal(1);
    });

    it('row 7, contrast: flanneld down with its VXLAN device gone: the node is cut off', async () => {
      await p.lab.setFaults([{ name: 'flannel-down', node: n1 }]);
      await p.later(MINUTE);
      await p.expectRootCauses([`${n1} cross_node_network flannel_not_ready`]);
    });

    it('row 10: a pod opted in by its own label in an unlabelled namespace counts as enrolled, one opted out in an enrolled namespace does not', async () => {
      const body = await p.expectRootCauses([], (m) => m.has('ambient_pods', { namespace: 'legacy', redirection: 'enabled' }));
      // legacy is not labelled; its inventory-sync pod is, and istio-cni enrolled it
      expect(body.value('ambient_pods', { namespace: 'legacy', redirection: 'enabled' })).to.equal(1);
      // shop's loadgen opts out: not a pod left on plain TCP
      expect(body.value('ambient_pods', { namespace: 'shop', redirection: 'none' })).to.equal(0);
      // once istio-cni leaves legacy's running pods alone, the opted-in one is on plain TCP
      await p.lab.setFaults([{ name: 'pods-not-captured', namespace: 'legacy' }]);
      await p.expectRootCauses(['legacy pods_not_captured']);
    });
  });

  describe('row 4: the GKE layout (ztunnel and istio-cni in kube-system, istiod in istio-system)', () => {
    let p: Pair;
    before(async () => {
      p = await startPair({ layout: 'gke' });
    });
    after(() => p?.close());

    it('finds ztunnel and istio-cni in kube-system and judges their faults', async () => {
      const [n0, n1, n2] = p.lab.nodes as [string, string, string];
      const body = await p.expectRootCauses([]);
      for (const n of [n0, n1, n2]) {
        expect(body.value('ambient_ztunnel_pod_ready', { node: n }), `ztunnel on ${n}`).to.equal(1);
        expect(body.value('ambient_cni_ztunnel_connected', { node: n }), `istio-cni on ${n}`).to.equal(1);
      }
      await p.lab.setFaults([{ name: 'cni-blocked', node: n2 }]);
      await p.expectRootCauses([`${n2} cni_pod_creation_blocked ztunnel_not_connected`]);
      await p.lab.setFaults([{ name: 'istiod-unreachable' }]);
      await p.later(MINUTE);
      await p.expectRootCauses([n0, n1, n2].map((n) => `${n} ztunnel_istiod_connectivity xds_dial_failed`));
      await p.lab.setFaults([]);
      await p.later(MINUTE);
      await p.expectRootCauses([]);
    });
  });

  describe('row 8: IPv6-only Flannel VXLAN (backend-v6-data only)', () => {
    let p: Pair;
    before(async () => {
      p = await startPair({ ipFamily: 'ipv6' });
    });
    after(() => p?.close());

    it('is a configured overlay: no finding; a Flannel outage is still found', async () => {
      const n1 = p.lab.nodes[1]!;
      const body = await p.expectRootCauses([]);
      expect(body.value('ambient_node_overlay_configured', { node: n1 })).to.equal(1);
      await p.lab.setFaults([{ name: 'flannel-down', node: n1 }]);
      await p.expectRootCauses([`${n1} cross_node_network flannel_not_ready`]);
    });
  });

  describe('row 9: a revisioned istiod (the ztunnels dial istiod-canary, there is no Service istiod)', () => {
    let p: Pair;
    before(async () => {
      p = await startPair({ revision: 'canary' });
    });
    after(() => p?.close());

    it('checks the Service the ztunnels dial: healthy is healthy, its missing port is found', async () => {
      const nodes = p.lab.nodes;
      const body = await p.expectRootCauses([]);
      expect(body.value('ambient_istiod_xds_target_info', { service: 'istiod-canary', port: '15012', source: 'ztunnel' })).to.equal(1);
      await p.lab.setFaults([{ name: 'istiod-port-missing' }]);
      await p.expectRootCauses(nodes.map((n) => `${n} ztunnel_istiod_connectivity service_port_missing`));
    });
  });

  for (const version of ['1.24', '1.30'] as const) {
    describe(`Istio ${version} bodies and texts`, () => {
      let p: Pair;
      before(async () => {
        p = await startPair({ istioVersion: version });
      });
      after(() => p?.close());

      it('healthy, a restart during an istiod outage, istio-cni restarted, its refusals, and pods not proxied: each judged as on 1.28', async () => {
        const [n0, n1, n2] = p.lab.nodes as [string, string, string];
        await p.expectRootCauses([]);

        await p.lab.setFaults([{ name: 'istiod-unreachable' }]);
        await p.lab.restart('ztunnel', n1);
        await p.later(5 * MINUTE);
        await p.expectRootCauses([n0, n1, n2].map((n) => `${n} ztunnel_istiod_connectivity xds_dial_failed`));
        await p.lab.setFaults([]);
        await p.later(MINUTE);
        await p.expectRootCauses([]);

        await p.lab.restart('istio-cni', n2);
        await p.later(2.2 * SECOND);
        await p.expectRootCauses([`${n2} cni_pod_creation_blocked ztunnel_not_connected`]);
        await p.later(MINUTE);
        await p.expectRootCauses([]);

        // 1.24 returns the iptables failure raw (no `pod add cannot be retried`): still istio-cni refusing
        const reasons = version === '1.24' ? ([['ipset-exist', 'probe_set_error'], ['not-retryable', 'other']] as const) : ([['not-retryable', 'not_retryable']] as const);
        for (const [reason, label] of reasons) {
          await p.lab.setFaults([{ name: 'cni-refusing', reason, node: n1 }]);
          await p.expectRootCauses([`${n1} cni_pod_creation_blocked cni_agent_errors`], (m) => m.sum('ambient_pods_refused_by_cni', { node: n1, reason: label }) > 0);
        }
        await p.lab.setFaults([{ name: 'cni-blocked', node: n1 }]);
        await p.expectRootCauses([`${n1} cni_pod_creation_blocked ztunnel_not_connected`]);

        await p.lab.setFaults([{ name: 'pods-not-proxied', node: n2 }]);
        await p.later(MINUTE);
        await p.expectRootCauses([]);
        await p.later(3 * MINUTE);
        await p.expectRootCauses([`${n2} namespace_not_enrolled pods_not_proxied`]);
        await p.lab.setFaults([]);
        await p.later(MINUTE);
        await p.expectRootCauses([]);
      });
    });
  }
});
