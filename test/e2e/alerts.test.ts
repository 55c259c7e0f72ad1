// For each lab fault, what reaches the on-call receiver is exactly the root-cause alert(s): real
// Prometheus evaluates the shipped rules (their `for` compressed by the test transform, order kept)
// on the exporter's metrics, real Alertmanager applies the shipped routing and inhibitions, and a
// webhook here records the notifications. The alerts the root cause explains must be firing in
// Prometheus and suppressed in Alertmanager, so their absence proves the inhibition, not a delay.
import { expect } from 'chai';
import type { FaultSpec, Lab } from '../../src/lab/index.js';
import { startStack, type AmAlert, type Stack } from './stack.js';

/** The labels that tell two alerts of one name apart in these scenarios (pod names are left out). */
const KEY_LABELS = ['node', 'namespace', 'component', 'cause', 'port'];

function alertId(labels: Record<string, string>): string {
  const keys = KEY_LABELS.filter((k) => labels[k] !== undefined).sort();
  return `${labels.alertname}{${keys.map((k) => `${k}=${labels[k]}`).join(',')}}`;
}

function id(alertname: string, labels: Record<string, string> = {}): string {
  return alertId({ alertname, ...labels });
}

const RECEIVER_BY_SEVERITY: Record<string, string> = { critical: 'pager', warning: 'ticket', info: 'null' };

interface Scenario {
  title: string;
  faults(lab: Lab): FaultSpec[];
  /** alerts that must reach the receiver, and nothing else */
  delivered(lab: Lab): string[];
  /** alerts that must fire in Prometheus and be held back by an inhibition */
  inhibited(lab: Lab): string[];
}

const others = (lab: Lab) => lab.nodes.filter((n) => n !== lab.istiodNode);

const SCENARIOS: Scenario[] = [
  {
    title: 'istiod-port-missing',
    faults: () => [{ name: 'istiod-port-missing' }],
    delivered: () => [id('AmbientIstiodXdsPortMissing', { port: '15012' })],
    inhibited: (lab) =>
      lab.nodes.flatMap((node) => [
        id('AmbientZtunnelIstiodUnreachable', { node, cause: 'service_port_missing' }),
        id('AmbientZtunnelNotReady', { node }),
        id('AmbientZtunnelXdsConnectionErrors', { node }),
      ]),
  },
  {
    title: 'istiod-unreachable',
    faults: () => [{ name: 'istiod-unreachable' }],
    delivered: () => [id('AmbientIstiodXdsUnreachable')],
    inhibited: (lab) =>
      lab.nodes.flatMap((node) => [
        id('AmbientZtunnelIstiodUnreachable', { node, cause: 'xds_dial_failed' }),
        id('AmbientZtunnelNotReady', { node }),
        id('AmbientZtunnelXdsConnectionErrors', { node }),
      ]),
  },
  {
    title: 'cross-node',
    faults: () => [{ name: 'cross-node' }],
    delivered: (lab) => others(lab).map((node) => id('AmbientCrossNodeNetworkFailure', { node, cause: 'pod_network_unreachable' })),
    inhibited: (lab) =>
      others(lab).flatMap((node) => [id('AmbientZtunnelNotReady', { node }), id('AmbientExporterTargetDown', { node, component: 'ztunnel' })]),
  },
  {
    title: 'flannel-down on one node',
    faults: (lab) => [{ name: 'flannel-down', node: lab.faultNode }],
    delivered: (lab) => [id('AmbientCrossNodeNetworkFailure', { node: lab.faultNode, cause: 'flannel_not_ready' })],
    inhibited: (lab) => [
      id('AmbientZtunnelNotReady', { node: lab.faultNode }),
      id('AmbientExporterTargetDown', { node: lab.faultNode, component: 'ztunnel' }),
    ],
  },
  {
    title: 'cni-blocked on one node (its ztunnel crash-loops)',
    faults: (lab) => [{ name: 'cni-blocked', node: lab.faultNode }],
    delivered: (lab) => [id('AmbientZtunnelNotReady', { node: lab.faultNode })],
    inhibited: (lab) => [
      id('AmbientPodCreationBlockedByCNI', { node: lab.faultNode, cause: 'ztunnel_not_connected' }),
      id('AmbientExporterTargetDown', { node: lab.faultNode, component: 'ztunnel' }),
    ],
  },
  {
    title: 'namespace-unlabeled',
    faults: () => [{ name: 'namespace-unlabeled', namespace: 'shop' }],
    delivered: () => [id('AmbientNamespaceNotEnrolled', { namespace: 'shop' })],
    inhibited: () => [],
  },
  {
    title: 'pods-not-captured',
    faults: () => [{ name: 'pods-not-captured', namespace: 'payments' }],
    delivered: () => [id('AmbientWorkloadsNotCaptured', { namespace: 'payments' })],
    inhibited: () => [],
  },
];

describe('e2e: alerts delivered per lab fault (real Prometheus and Alertmanager)', function () {
  let stack: Stack;
  /** the longest `for` after the test transform, in seconds */
  let longestFor = 0;

  before(async function () {
    this.timeout(60_000);
    stack = await startStack({ lab: { nodes: 3, syncIntervalMs: 1000 } });
    longestFor = Math.max(...stack.forByAlert.values());
  });

  after(async function () {
    this.timeout(30_000);
    await stack?.close();
  });

  async function snapshot(since: number): Promise<string> {
    const prom = await stack.prometheusAlerts().catch(() => []);
    const am = await stack.alertmanagerAlerts().catch(() => [] as AmAlert[]);
    return [
      `prometheus: ${prom.map((a) => `${alertId(a)} ${a.alertstate}`).sort().join(', ') || '(none)'}`,
      `alertmanager: ${am.map((a) => `${alertId(a.labels)} ${a.status.state}`).sort().join(', ') || '(none)'}`,
      `delivered: ${stack.deliveredFiring(since).map((a) => alertId(a.labels)).join(', ') || '(none)'}`,
      stack.logs(),
    ].join('\n');
  }

  /** Back to healthy: nothing pending or firing in Prometheus, nothing active in Alertmanager. */
  async function settleHealthy(): Promise<void> {
    await stack.lab.setFaults([]);
    await stack.waitFor(async () => (await stack.prometheusAlerts()).length === 0 && (await stack.alertmanagerAlerts()).length === 0, {
      timeoutMs: 30_000,
      what: async () => `no alerts after the fault was cleared\n${await snapshot(0)}`,
    });
  }

  it('healthy lab: nothing fires and nothing is delivered', async function () {
    this.timeout(40_000);
    // Wait until the rules have run on the exporter's data for longer than any `for`.
    const window = longestFor + 2;
    await stack.waitFor(
      async () => {
        const evals = await stack.query(`count_over_time(issue:ambient_issue_affected:max{issue="cross_node_network"}[${window}s])`);
        return (evals[0]?.value ?? 0) >= window;
      },
      { timeoutMs: 30_000, what: `${window}s of rule evaluations` },
    );
    expect(await stack.query(`count_over_time(ALERTS[${window}s])`), await snapshot(0)).to.deep.equal([]);
    expect(await stack.alertmanagerAlerts()).to.deep.equal([]);
    expect(stack.notifications).to.deep.equal([]);
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.title}: delivers only the root cause`, async function () {
      this.timeout(60_000);
      const lab = stack.lab;
      const delivered = [...new Set(scenario.delivered(lab))].sort();
      const inhibited = [...new Set(scenario.inhibited(lab))].sort();
      const since = Date.now();
      await lab.setFaults(scenario.faults(lab));

      // The root cause reaches the receiver, and what it explains fires but is held back.
      await stack.waitFor(
        async () => {
          const am = await stack.alertmanagerAlerts();
          const state = new Map(am.map((a) => [alertId(a.labels), a.status.state]));
          const got = new Set(stack.deliveredFiring(since).map((a) => alertId(a.labels)));
          return delivered.every((d) => got.has(d) && state.get(d) === 'active') && inhibited.every((i) => state.get(i) === 'suppressed');
        },
        { timeoutMs: 40_000, what: async () => `delivered ${delivered.join(', ')} and suppressed ${inhibited.join(', ')}\n${await snapshot(since)}` },
      );

      // Steady state: nothing pending any more, and Alertmanager holds every alert Prometheus fires.
      await stack.waitFor(
        async () => {
          const prom = await stack.prometheusAlerts();
          if (prom.some((a) => a.alertstate === 'pending')) return false;
          const am = new Set((await stack.alertmanagerAlerts()).map((a) => alertId(a.labels)));
          return prom.every((a) => am.has(alertId(a)));
        },
        { timeoutMs: 30_000, what: async () => `no pending alerts, all firing ones in Alertmanager\n${await snapshot(since)}` },
      );

      const context = await snapshot(since);
      const got = [...new Set(stack.deliveredFiring(since).map((a) => alertId(a.labels)))].sort();
      expect(got, `delivered notifications\n${context}`).to.deep.equal(delivered);

      const am = await stack.alertmanagerAlerts();
      const active = am.filter((a) => a.status.state !== 'suppressed').map((a) => alertId(a.labels)).sort();
      expect(active, `alerts Alertmanager would deliver\n${context}`).to.deep.equal(delivered);
      for (const a of am.filter((x) => x.status.state === 'suppressed')) {
        expect(a.status.inhibitedBy, `${alertId(a.labels)} is held back by an inhibition, not a silence`).to.not.be.empty;
      }

      // Routed by severity: critical pages, warning opens a ticket.
      for (const n of stack.notifications.filter((x) => x.receivedAt >= since && x.status === 'firing')) {
        for (const a of n.alerts.filter((x) => x.status === 'firing')) {
          expect(n.receiver, alertId(a.labels)).to.equal(RECEIVER_BY_SEVERITY[a.labels.severity ?? '']);
        }
      }

      await settleHealthy();
    });
  }

  it('exporter stopped: delivers AmbientExporterDown only', async function () {
    this.timeout(40_000);
    const since = Date.now();
    await stack.stopExporter();
    await stack.waitFor(async () => stack.deliveredFiring(since).length > 0, {
      timeoutMs: 30_000,
      what: async () => `a notification\n${await snapshot(since)}`,
    });
    await stack.waitFor(async () => !(await stack.prometheusAlerts()).some((a) => a.alertstate === 'pending'), {
      timeoutMs: 20_000,
      what: 'no pending alerts',
    });
    const got = [...new Set(stack.deliveredFiring(since).map((a) => alertId(a.labels)))];
    expect(got, await snapshot(since)).to.deep.equal([id('AmbientExporterDown')]);
    expect((await stack.alertmanagerAlerts()).map((a) => alertId(a.labels))).to.deep.equal([id('AmbientExporterDown')]);
  });
});
