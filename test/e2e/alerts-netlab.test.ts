// Each overlay fault done to the real kernel delivers exactly one page, at its root cause: real
// Prometheus evaluates the shipped rules on what the exporter derives from the node agents'
// summaries and its own probes across the overlay, and real Alertmanager routes and inhibits.
// The exporter runs on node-1 (with istiod); faults hit node-2, and two hit node-1 itself.
import { expect } from 'chai';
import type { Fault } from '../../netlab/src/index.js';
import { describeNetlab } from '../../netlab/test/support/describe-netlab.js';
import { alertsOverWindow, clearFaults, startNetlabStack, type NetlabStack } from './netlab-stack.js';
import { waitFor } from '../support/wait.js';

const KEY_LABELS = ['node', 'component', 'hosts_istiod', 'exporter_node'];
const alertId = (labels: Record<string, string>): string =>
  `${labels.alertname}{${KEY_LABELS.filter((k) => labels[k] !== undefined).map((k) => `${k}=${labels[k]}`).join(',')}}`;

const RECEIVER_BY_SEVERITY: Record<string, string> = { critical: 'pager', warning: 'ticket', info: 'null' };

interface Scenario {
  fault: Fault;
  /** what reaches the receiver, and nothing else */
  delivered: string[];
  /** alerts that fire in Prometheus and are held back by an inhibition */
  inhibited?: string[];
  /** the cause the delivered page names in its description */
  cause?: string;
  why: string;
}

const crossNode = (node: string, extra = '') => `AmbientCrossNodeNetworkFailure{node=${node}${extra}}`;

const SCENARIOS: Scenario[] = [
  { fault: { kind: 'vxlan-device-deleted', node: 'node-2' }, delivered: [crossNode('node-2')], cause: 'vxlan_device_missing', why: "from node-2's agent" },
  { fault: { kind: 'vxlan-device-down', node: 'node-2' }, delivered: [crossNode('node-2')], cause: 'vxlan_device_down', why: "from node-2's agent" },
  {
    fault: { kind: 'vxlan-port-dropped', node: 'node-2' },
    delivered: [crossNode('node-2')],
    cause: 'peer_overlay_down',
    why: "nothing changes on the node: its peers' agents reach its node IP, not its VXLAN address",
  },
  {
    fault: { kind: 'path-mtu-lowered', node: 'node-2' },
    delivered: [crossNode('node-2')],
    // its agent's summary (full-size segments) is dropped on the way too: the same fault
    inhibited: ['AmbientExporterTargetDown{node=node-2,component=agent}'],
    cause: 'peer_mtu_blackhole',
    why: "small probes pass, padded ones are dropped on the way; the node's own MTUs agree",
  },
  { fault: { kind: 'underlay-mtu-lowered', node: 'node-2' }, delivered: [crossNode('node-2')], cause: 'overlay_mtu_mismatch', why: 'small probes pass, the agent sees the MTUs' },
  { fault: { kind: 'fdb-entry-missing', node: 'node-2', peer: 'node-1' }, delivered: [crossNode('node-2')], cause: 'fdb_incomplete', why: "node-2 lacks node-1's entry" },
  {
    fault: { kind: 'underlay-down', node: 'node-2' },
    delivered: [crossNode('node-2')],
    inhibited: ['AmbientExporterTargetDown{node=node-2,component=agent}'],
    cause: 'peer_underlay_down',
    why: "its peers' agents reach it over neither network; the agent that cannot be read is the same fault",
  },
  {
    fault: { kind: 'vxlan-device-deleted', node: 'node-1' },
    // exporter_node follows the node the exporter runs on (ambient_exporter_node_info), whatever the cause
    delivered: [crossNode('node-1', ',hosts_istiod=true,exporter_node=true')],
    cause: 'vxlan_device_missing',
    why: "the exporter's (and istiod's) own node: its agent names the cause, no other node is blamed",
  },
  {
    fault: { kind: 'istio-cni-plugin-missing', node: 'node-3' },
    delivered: ['AmbientCniPluginNotConfigured{node=node-3}'],
    why: 'not an overlay fault: a ticket, not a page',
  },
];

describeNetlab('e2e on the real-kernel lab: one notification per overlay fault, at its root cause', function () {
  this.timeout(120_000);
  let stack: NetlabStack;

  before(async function () {
    this.timeout(120_000);
    stack = await startNetlabStack();
  });
  after(async function () {
    this.timeout(30_000);
    await stack?.close();
  });

  async function snapshot(since: number): Promise<string> {
    const prom = await stack.prometheusAlerts().catch(() => []);
    const am = await stack.alertmanagerAlerts().catch(() => []);
    return [
      `prometheus: ${prom.map((a) => `${alertId(a)} ${a.alertstate}`).sort().join(', ') || '(none)'}`,
      `alertmanager: ${am.map((a) => `${alertId(a.labels)} ${a.status.state}`).sort().join(', ') || '(none)'}`,
      `notified since: ${stack.notifiedFiring(since).map((a) => alertId(a.labels)).join(', ') || '(none)'}`,
    ].join('\n');
  }

  it('healthy: nothing fires', async () => {
    expect(await alertsOverWindow(stack), await snapshot(0)).to.deep.equal([]);
  });

  /** The description Prometheus renders for a firing alert now (it reads the node's cause back at each evaluation). */
  async function descriptionNow(id: string): Promise<string | undefined> {
    const body = (await (await fetch(`${stack.prometheusUrl}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; annotations: Record<string, string>; state: string }[] } };
    return body.data.alerts.find((a) => a.state === 'firing' && alertId(a.labels) === id)?.annotations.description;
  }

  for (const s of SCENARIOS) {
    it(`${s.fault.kind} on ${'node' in s.fault ? s.fault.node : s.fault.group.join('+')}: ${s.why}`, async () => {
      const since = Date.now();
      await stack.lab.apply(s.fault);
      let passed = false;
      try {
        const inhibited = s.inhibited ?? [];
        await waitFor(
          async () => {
            const state = new Map((await stack.alertmanagerAlerts()).map((a) => [alertId(a.labels), a.status.state]));
            const got = new Set(stack.notifiedFiring(since).map((a) => alertId(a.labels)));
            return s.delivered.every((d) => got.has(d) && state.get(d) === 'active') && inhibited.every((i) => state.get(i) === 'suppressed');
          },
          { timeoutMs: 60_000, what: async () => `${s.delivered.join(', ')} delivered${inhibited.length ? `, ${inhibited.join(', ')} suppressed` : ''}\n${await snapshot(since)}` },
        );
        // steady state: nothing pending, only the root cause active in Alertmanager
        await waitFor(
          async () => {
            const prom = await stack.prometheusAlerts();
            const active = (await stack.alertmanagerAlerts()).filter((a) => a.status.state === 'active').map((a) => alertId(a.labels));
            return !prom.some((a) => a.alertstate === 'pending') && active.sort().join() === [...s.delivered].sort().join();
          },
          { timeoutMs: 30_000, what: async () => `only ${s.delivered.join(', ')} active\n${await snapshot(since)}` },
        );
        const context = await snapshot(since);
        expect([...new Set(stack.notifiedFiring(since).map((a) => alertId(a.labels)))].sort(), context).to.deep.equal([...s.delivered].sort());
        for (const r of stack.receivers(since)) expect(r.receiver, alertId(r.labels)).to.equal(RECEIVER_BY_SEVERITY[r.labels.severity ?? '']);
        if (s.cause) {
          // The exporter may first see the node's pods not answering and, a round later, its agent's
          // summary: the page names the cause that settled (with the shipped `for` of 3 minutes, the
          // one it is sent with).
          const want = `(cause: ${s.cause})`;
          await waitFor(async () => (await descriptionNow(s.delivered[0]!))?.includes(want), {
            timeoutMs: 20_000,
            what: async () => `${s.delivered[0]} describing ${want} (now: ${await descriptionNow(s.delivered[0]!)})`,
          });
        }
        passed = true;
      } finally {
        // recovery delivers nothing new, and the next scenario starts from healthy even if this one failed
        const clearedAt = await clearFaults(stack, snapshot);
        // (a scenario that already failed keeps its own error)
        const renotified = stack.notifiedFiring(clearedAt).map((a) => alertId(a.labels));
        if (passed) expect(renotified.filter((n) => !s.delivered.includes(n)), await snapshot(clearedAt)).to.deep.equal([]);
      }
    });
  }
});
