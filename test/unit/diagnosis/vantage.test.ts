// Where diagnose runs from: outside the pod network (a laptop with a kubeconfig) every pod-network
// connection fails, and that says nothing about the cluster. Only the answers are judged then, by
// the same detection; inside (the node known), silence stays evidence.
import { expect } from 'chai';
import type { Config } from '../../../src/config.js';
import { loadConfig } from '../../../src/cli-flags.js';
import { answersOnly, offPodNetwork } from '../../../src/diagnosis/vantage.js';
import { deriveSignals } from '../../../src/issues/derive.js';
import { deriveRound, type Evidence } from '../../../src/serve/round.js';
import { agentReport, check, failedScrape, healthyChecks, healthyInput, readiness, silentAgent, withAgents } from '../../support/builders.js';

/** The healthy cluster seen from a laptop: every pod-network connection times out, istio-cni (host network) answers. */
function fromALaptop(): Evidence {
  const i = healthyInput();
  return {
    state: i.state,
    scrapes: i.scrapes.map((s) => (s.target.component === 'istio-cni' ? s : failedScrape(s.target, 'timeout', false))),
    probes: {
      ...i.probes,
      istiodDials: i.probes.istiodDials.map((d) => ({ ...d, success: false })),
      ztunnelReadiness: i.probes.ztunnelReadiness.map((r) => readiness(r.node, [], { reachable: false, ready: false })),
    },
  };
}

const config = (argv: string[]): Config => loadConfig({ argv: ['--enroll-namespace', 'bookinfo', ...argv] });

describe('diagnosis: vantage', () => {
  it('nothing on the pod network answered and no node given: outside it', () => {
    expect(offPodNetwork(fromALaptop(), undefined)).to.equal(true);
    expect(offPodNetwork(fromALaptop(), 'node-a'), 'a node of the cluster cut off is the cluster\'s fault').to.equal(false);
    expect(offPodNetwork(healthyInput(), undefined), 'answers came back').to.equal(false);
  });

  it('judged on silence the laptop would see every node cut off and istiod unreachable; judged on answers only, nothing', () => {
    const e = fromALaptop();
    const blindly = deriveSignals({ ...healthyInput(), ...e, ownNode: undefined });
    expect(blindly.nodeIssues.map((f) => f.cause)).to.include('pod_network_unreachable');
    const fair = deriveRound(config([]), answersOnly(e), undefined, 1_000);
    expect(fair.nodeIssues).to.deep.equal([]);
    expect(fair.issues.cross_node_network.podNetworkReachable).to.deep.equal([]);
  });

  it("with node agents: their local scrapes are no pod-network attempt, and what an agent saw on its node counts from anywhere", () => {
    const i = withAgents(healthyInput());
    const laptop: Evidence = {
      ...fromALaptop(),
      // the agents' local scrapes, and node-b's agent reporting a missing VXLAN device; node-c's agent out of this host's reach
      scrapes: [...fromALaptop().scrapes.filter((s) => s.target.component === 'istiod'), ...i.scrapes.filter((s) => s.source === 'agent')],
      agents: i.agents!.map((a) =>
        a.node === 'node-b'
          ? agentReport('node-b', healthyChecks().map((c) => (c.check === 'flannel_vxlan_device' ? check('flannel_vxlan_device', 'problem', 'vxlan_device_missing') : c)))
          : a.node === 'node-c'
            ? silentAgent('node-c')
            : a,
      ),
    };
    expect(offPodNetwork(laptop, undefined), 'local scrapes prove nothing of this host').to.equal(true);
    const fair = answersOnly(laptop);
    expect(fair.scrapes.filter((s) => s.source === 'agent')).to.have.length(i.scrapes.filter((s) => s.source === 'agent').length);
    expect(fair.agents?.map((a) => a.node)).to.deep.equal(['node-a', 'node-b']);
    const signals = deriveRound(config([]), fair, undefined, 1_000);
    expect(signals.nodeIssues.map((f) => `${f.node} ${f.cause}`), 'node-c is not judged unreachable from here').to.deep.equal(['node-b vxlan_device_missing']);
  });
});
