// Node agents in the simulated cluster: one agent per lab node (in this process, on the node's
// address, as the DaemonSet would run them), the exporter reading their summaries. The lab has no
// kernel state, so the agents' network checks answer unknown (no host network) and add nothing;
// what they add is their local scrapes of each node's ztunnel and istio-cni, which the exporter
// uses instead of its own. Every fault of the lab gives the same root causes as without agents.
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import { loadConfig } from '../../src/cli-flags.js';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { agentPodObjects } from '../support/agent-pods.js';
import { getText, waitFor } from '../support/http.js';
import { labNodes, startLabAgents, type LabAgents, type LabNode } from '../support/lab-agents.js';

const issues = (body: string): string[] =>
  body
    .split('\n')
    .filter((l) => l.startsWith('ambient_node_issue{'))
    .map((l) => l.replace(/^ambient_node_issue\{node="([^"]+)",issue="([^"]+)",cause="([^"]+)"\} 1$/, '$1 $2 $3'))
    .sort();

describe('node agents in the simulated cluster', function () {
  this.timeout(60_000);
  let lab: Lab;
  let exporter: Exporter;
  let agents: LabAgents | undefined;
  let nodes: LabNode[] = [];

  before(async () => {
    lab = await startLab({ nodes: 3, extraObjects: (n) => agentPodObjects(n) });
    nodes = await labNodes(lab);
    agents = await startLabAgents(lab, nodes);
    exporter = await startServe(
      loadConfig({
        argv: [
          '--kubeconfig', lab.kubeconfigPath,
          '--listen-address', '127.0.0.1:0',
          '--refresh-interval', '1h', // rounds are driven by the test
          '--scrape-timeout', '400ms',
          '--node-name', lab.istiodNode,
          ...lab.enrollment.namespaces.flatMap((ns) => ['--enroll-namespace', ns]),
        ],
      }),
    );
    await exporter.ready();
  });

  after(async () => {
    await exporter?.close();
    await agents?.close();
    await lab?.close();
  });

  async function metricsWhen(what: string, ok: (body: string) => boolean): Promise<string> {
    return waitFor(what, async () => {
      await agents?.refreshAll();
      await exporter.refreshNow();
      const { body } = await getText(`${exporter.url}/metrics`);
      return ok(body) ? body : undefined;
    }, 20_000, 0);
  }

  it("healthy: the exporter reads every agent, takes each node's ztunnel and istio-cni from it, and finds nothing", async () => {
    const body = await metricsWhen('every agent read', (b) => nodes.every((n) => b.includes(`ambient_exporter_scrape_up{component="agent",node="${n.name}",pod="ambient-exporter-agent-${n.name}"} 1`)));
    expect(issues(body)).to.deep.equal([]);
    // the lab has no kernel: the network checks are unknown, the CNI config and taint checks are judged
    for (const n of nodes) expect(body).to.include(`ambient_node_checks_unknown{node="${n.name}"} 7`);
    expect(body).not.to.match(/^ambient_node_check_problem\{/m);
    for (const n of nodes) expect(body).to.match(new RegExp(`^ambient_exporter_scrape_up\\{component="ztunnel",node="${n.name}",pod="ztunnel-[^"]+"\\} 1$`, 'm'));
    expect(body).to.match(/^ambient_cni_ztunnel_connected\{node="lab-node-1"\} 1$/m);
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
      let last: string[] = [];
      try {
        await metricsWhen(`findings ${JSON.stringify(want)}`, (b) => JSON.stringify((last = issues(b))) === JSON.stringify([...want].sort()));
      } catch {
        expect(last).to.deep.equal([...want].sort());
      }
      await lab.setFaults([]);
      await metricsWhen('no finding', (b) => issues(b).length === 0);
    });
  }
});
