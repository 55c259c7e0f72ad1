// Node agents in the simulated cluster: one agent per lab node (in this process, on the node's
// address, as the DaemonSet would run them), the exporter reading their summaries. The lab has no
// kernel state, so the agents' network checks answer unknown (no host network) and add nothing;
// what they add is their local scrapes of each node's ztunnel and istio-cni, which the exporter
// uses instead of its own. Every fault of the lab gives the same root causes as without agents.
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import { agentPodObjects } from '../support/agent-pods.js';
import { labNodes, startLabAgents, type LabAgents, type LabNode } from '../support/lab-agents.js';
import { startLabExporter, type LabExporter } from '../support/lab-exporter.js';

describe('node agents in the simulated cluster', function () {
  this.timeout(60_000);
  let lab: Lab;
  let pair: LabExporter;
  let agents: LabAgents | undefined;
  let nodes: LabNode[] = [];

  before(async () => {
    lab = await startLab({ nodes: 3, extraObjects: (n) => agentPodObjects(n) });
    nodes = await labNodes(lab);
    agents = await startLabAgents(lab, nodes);
    // every round the test drives reads summaries the agents have just made
    pair = await startLabExporter(lab, { beforeRound: () => agents!.refreshAll() });
  });

  after(async () => {
    await pair?.close();
    await agents?.close();
    await lab?.close();
  });

  it("healthy: the exporter reads every agent, takes each node's ztunnel and istio-cni from it, and finds nothing", async () => {
    const m = await pair.metricsWhen('every agent read', (x) =>
      nodes.every((n) => x.value('ambient_exporter_scrape_up', { component: 'agent', node: n.name, pod: `ambient-exporter-agent-${n.name}` }) === 1),
    );
    expect(m.rootCauses()).to.deep.equal([]);
    // the lab has no kernel: the network checks are unknown, the CNI config and taint checks are judged
    for (const n of nodes) expect(m.value('ambient_node_checks_unknown', { node: n.name }), n.name).to.equal(7);
    expect(m.has('ambient_node_check_problem')).to.equal(false);
    for (const n of nodes) {
      const ztunnel = m.select('ambient_exporter_scrape_up', { component: 'ztunnel', node: n.name });
      expect(ztunnel.map((s) => [s.labels.pod?.startsWith('ztunnel-'), s.value]), n.name).to.deep.equal([[true, 1]]);
    }
    expect(m.value('ambient_cni_ztunnel_connected', { node: 'lab-node-1' })).to.equal(1);
  });

  const cases = (lab: Lab): { fault: string; want: string[] }[] => {
    const [n0, n1, n2] = lab.nodes as [string, string, string];
    return [
      { fault: 'istiod-unreachable', want: [n0, n1, n2].map((n) => `${n} ztunnel_istiod_connectivity xds_dial_failed`) },
      { fault: 'cross-node', want: [`${n0} cross_node_network exporter_node_cut_off`] },
      { fault: 'flannel-down', want: [`${n1} cross_node_network flannel_not_ready`] },
      // istio-cni's ztunnel_connected 0, as node n1's agent scraped it
      { fault: 'cni-blocked', want: [`${n1} cni_pod_creation_blocked ztunnel_not_connected`] },
    ];
  };
  for (const name of ['istiod-unreachable', 'cross-node', 'flannel-down', 'cni-blocked']) {
    it(`${name}: the same root causes as without agents`, async () => {
      const want = cases(lab).find((c) => c.fault === name)!.want;
      await lab.setFaults([{ name: name as never }]);
      await pair.expectRootCauses(want);
      await lab.setFaults([]);
      await pair.expectRootCauses([]);
    });
  }
});
