// Neighbour probing end to end on the real-kernel lab: four nodes, an agent in each, the exporter
// on node-1 agreeing on what the agents' probes say, real Prometheus with the shipped rules and
// real Alertmanager with the shipped routing and inhibitions. A partition of two groups is one page
// (one notification naming the smaller group's nodes), the exporter's own node cut from the
// overlay is one page for that node, and healthy nodes page for nothing.
import { expect } from 'chai';
import { buildDashboards, DEFAULT_SUBSTITUTIONS, panelQueries, substitute } from '../../dashboards/src/index.js';
import type { Fault } from '../../netlab/src/index.js';
import { describeNetlab } from '../../netlab/test/support/describe-netlab.js';
import { alertsOverWindow, clearFaults, startNetlabStack, type NetlabStack } from './netlab-stack.js';
import { waitFor } from '../support/wait.js';

describeNetlab('e2e on the real-kernel lab: neighbour probing pages once per fault', function () {
  this.timeout(120_000);
  let stack: NetlabStack;

  before(async function () {
    this.timeout(120_000);
    stack = await startNetlabStack({ nodes: 4 });
  });
  after(async function () {
    this.timeout(30_000);
    await stack?.close();
  });

  async function snapshot(since: number): Promise<string> {
    const prom = await stack.prometheusAlerts().catch(() => []);
    return [
      `prometheus: ${prom.map((a) => `${a.alertname}{node=${a.node ?? ''}} ${a.alertstate}`).sort().join(', ') || '(none)'}`,
      `notifications since: ${JSON.stringify(stack.firingNotifications(since))}`,
    ].join('\n');
  }

  /** The description Prometheus renders for the firing alert of `node`. */
  async function description(node: string): Promise<string | undefined> {
    const body = (await (await fetch(`${stack.prometheusUrl}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; annotations: Record<string, string>; state: string }[] } };
    return body.data.alerts.find((a) => a.state === 'firing' && a.labels.alertname === 'AmbientCrossNodeNetworkFailure' && a.labels.node === node)?.annotations.description;
  }

  it('healthy: nothing fires', async () => {
    expect(await alertsOverWindow(stack), await snapshot(0)).to.deep.equal([]);
  });

  it("the Network dashboard's peers panel shows every node reached by its probers (the query the simulated cluster cannot feed)", async () => {
    const network = buildDashboards().find((d) => d.dashboard.uid === 'ambient-network')?.dashboard;
    const panel = network && panelQueries(network).find((q) => q.expr.includes('ambient_node_peer_reachable'));
    expect(panel, 'a Network dashboard panel reading ambient_node_peer_reachable').to.not.equal(undefined);
    const expr = substitute(panel!.expr, DEFAULT_SUBSTITUTIONS);
    const rows = await waitFor(async () => {
      const r = await stack.query(expr);
      return r.length === stack.lab.nodes.length ? r : undefined;
    }, { timeoutMs: 30_000, what: `one row per node from ${expr}` });
    expect(rows.map((r) => r.value)).to.deep.equal(stack.lab.nodes.map(() => 1));
  });

  const scenarios: { fault: Fault; notification: string[]; cause: string; why: string }[] = [
    {
      fault: { kind: 'partition', group: ['node-3', 'node-4'] },
      notification: ['AmbientCrossNodeNetworkFailure{node=node-3}', 'AmbientCrossNodeNetworkFailure{node=node-4}'],
      cause: 'network_partition',
      why: 'the underlay split {node-1,node-2} | {node-3,node-4}: one page naming the group the exporter cannot see',
    },
    {
      fault: { kind: 'vxlan-port-dropped', node: 'node-1' },
      notification: ['AmbientCrossNodeNetworkFailure{node=node-1}'],
      cause: 'peer_overlay_down',
      why: "the exporter's own node cut from the overlay: its probers name it, no other node pages",
    },
  ];
  for (const s of scenarios) {
    it(`${s.fault.kind}: ${s.why}`, async () => {
      const since = Date.now();
      await stack.lab.apply(s.fault);
      try {
        await waitFor(async () => stack.firingNotifications(since).length > 0, { timeoutMs: 60_000, what: async () => `a notification\n${await snapshot(since)}` });
        // steady state: nothing pending, every firing alert of the fault in Prometheus
        await waitFor(async () => !(await stack.prometheusAlerts()).some((a) => a.alertstate === 'pending'), { timeoutMs: 30_000, what: async () => `nothing pending\n${await snapshot(since)}` });
        for (const id of s.notification) {
          const node = /node=([^}]+)/.exec(id)![1]!;
          await waitFor(async () => (await description(node))?.includes(`(cause: ${s.cause})`), { timeoutMs: 20_000, what: async () => `${id} naming ${s.cause} (now ${await description(node)})` });
        }
        expect(stack.firingNotifications(since), await snapshot(since)).to.deep.equal([s.notification]);
      } finally {
        await clearFaults(stack, snapshot);
      }
    });
  }
});
