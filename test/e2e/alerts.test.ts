// For each lab fault, what reaches the on-call receiver is exactly the root-cause alert(s): real
// Prometheus evaluates the shipped rules (their `for` and keep_firing_for compressed by the test
// transform, order kept) on the exporter's metrics, real Alertmanager applies the shipped routing
// and inhibitions, and a webhook here records the notifications. The alerts the root cause explains
// must be firing in Prometheus and suppressed in Alertmanager, so their absence proves the
// inhibition, not a delay. Clearing a fault, changing its cause or losing the exporter must not
// deliver anything new either.
import { expect } from 'chai';
import type { FaultSpec, Lab } from 'ambient-lab';
import { startStack, type AmAlert, type Stack } from './stack.js';

/** The labels that tell two alerts of one name apart in these scenarios (pod names are left out). */
const KEY_LABELS = ['node', 'namespace', 'component', 'port', 'hosts_istiod', 'exporter_node'];

/**
 * The lab's and the exporter's shared clock runs this much faster than real time, as the rules'
 * `for` are compressed: ztunnel's xDS retries (up to 20 s apart) land within the compressed rate
 * windows, and the exporter's 3-minute pods_not_proxied window passes in 9 s.
 */
const CLOCK_RATE = 20;

function alertId(labels: Record<string, string>): string {
  const keys = KEY_LABELS.filter((k) => labels[k] !== undefined).sort();
  return `${labels.alertname}{${keys.map((k) => `${k}=${labels[k]}`).join(',')}}`;
}

function id(alertname: string, labels: Record<string, string> = {}): string {
  return alertId({ alertname, ...labels });
}

const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();

const RECEIVER_BY_SEVERITY: Record<string, string> = { critical: 'pager', warning: 'ticket', info: 'null' };

/** One fault (or fault change) and what it must do. */
interface Expectation {
  faults: FaultSpec[];
  /** alerts that must reach the receiver, and nothing else */
  delivered: string[];
  /** alerts that must fire in Prometheus and be held back by an inhibition */
  inhibited: string[];
  /** alerts that must never fire while this fault holds */
  silent?: string[];
}

interface Scenario {
  title: string;
  expect(lab: Lab): Expectation;
  /** a second fault set the first changes into: what it delivers besides what the first already did */
  then?(lab: Lab): Expectation;
}

const others = (lab: Lab) => lab.nodes.filter((n) => n !== lab.istiodNode);

/** The page about the exporter's own node cut off (it runs on istiod's node in the lab). */
// the exporter runs on istiod's node in the lab: a cross-node failure there carries both marks
const exporterNodeCutOff = (lab: Lab) => id('AmbientCrossNodeNetworkFailure', { node: lab.istiodNode, exporter_node: 'true', hosts_istiod: 'true' });
/** The scrapes of the other nodes' ztunnels the exporter loses when its own node is cut off. */
const othersTargetDown = (lab: Lab) => others(lab).map((node) => id('AmbientExporterTargetDown', { node, component: 'ztunnel' }));

// Running ztunnels stay Ready when they lose istiod or the overlay (their `state manager` readiness
// task is one-shot): no scenario below pages AmbientZtunnelNotReady unless a ztunnel is down.
const SCENARIOS: Scenario[] = [
  {
    // From the exporter's node, its own node cut off and the overlay down everywhere look alike: one
    // page, about its own node, that holds when one turns into the other.
    title: "row 1: the exporter's own node cut off (its ztunnel and Flannel pods stay Ready), then cross-node",
    expect: (lab) => ({
      faults: [{ name: 'node-cut-off', node: lab.istiodNode }],
      delivered: [exporterNodeCutOff(lab)],
      inhibited: othersTargetDown(lab),
      silent: [...lab.nodes.map((node) => id('AmbientZtunnelNotReady', { node })), ...others(lab).map((node) => id('AmbientCrossNodeNetworkFailure', { node }))],
    }),
    then: (lab) => ({ faults: [{ name: 'cross-node' }], delivered: [], inhibited: othersTargetDown(lab) }),
  },
  {
    // The exporter runs on istiod's node in the lab: it reports its own node, Flannel down there.
    title: "flannel-down on istiod's node (hosts every ready istiod)",
    expect: (lab) => ({
      faults: [{ name: 'flannel-down', node: lab.istiodNode }],
      delivered: [exporterNodeCutOff(lab)],
      inhibited: othersTargetDown(lab),
      silent: [id('AmbientIstiodXdsUnreachable')],
    }),
  },
  {
    title: 'cni-blocked on one node (its ztunnel crash-loops)',
    expect: (lab) => ({
      faults: [{ name: 'cni-blocked', node: lab.faultNode }],
      delivered: [id('AmbientZtunnelNotReady', { node: lab.faultNode })],
      inhibited: [
        id('AmbientPodCreationBlockedByCNI', { node: lab.faultNode }),
        id('AmbientExporterTargetDown', { node: lab.faultNode, component: 'ztunnel' }),
      ],
    }),
  },
  {
    // ztunnel holds fewer pods than run there with redirection enabled, for 3 minutes of the exporter's clock
    title: 'row 5: pods that bypass the mesh after a reboot without a drain',
    expect: (lab) => ({
      faults: [{ name: 'pods-not-proxied', node: lab.faultNode }],
      delivered: [id('AmbientWorkloadsNotProxied', { node: lab.faultNode })],
      inhibited: [],
      silent: [id('AmbientZtunnelNotReady', { node: lab.faultNode }), id('AmbientPodCreationBlockedByCNI', { node: lab.faultNode })],
    }),
  },
  {
    // No page: flanneld left the kernel path in place. The warning reaches the ticket receiver.
    title: 'row 7: flanneld crash-looping while the kernel VXLAN path forwards',
    expect: (lab) => ({
      faults: [{ name: 'flannel-crash-loop', node: lab.faultNode }],
      delivered: [id('AmbientFlannelNotReady', { node: lab.faultNode })],
      inhibited: [],
      silent: [id('AmbientCrossNodeNetworkFailure', { node: lab.faultNode })],
    }),
  },
  {
    // Two namespace faults at once: each namespace gets its own alert, nothing else.
    title: 'namespace-unlabeled and pods-not-captured',
    expect: () => ({
      faults: [
        { name: 'namespace-unlabeled', namespace: 'shop' },
        { name: 'pods-not-captured', namespace: 'payments' },
      ],
      delivered: [id('AmbientNamespaceNotEnrolled', { namespace: 'shop' }), id('AmbientWorkloadsNotCaptured', { namespace: 'payments' })],
      inhibited: [],
    }),
  },
];

/** The per-node ztunnel alerts about xDS of every node, held back by a cluster-wide istiod cause. */
const ztunnelXds = (lab: Lab) =>
  lab.nodes.flatMap((node) => [id('AmbientZtunnelIstiodUnreachable', { node }), id('AmbientZtunnelXdsConnectionErrors', { node })]);

/** Flannel down on a node other than istiod's (and the exporter's); its running ztunnel stays Ready. */
const flannelDown = (lab: Lab): Expectation => ({
  faults: [{ name: 'flannel-down', node: lab.faultNode }],
  delivered: [id('AmbientCrossNodeNetworkFailure', { node: lab.faultNode })],
  inhibited: [id('AmbientExporterTargetDown', { node: lab.faultNode, component: 'ztunnel' })],
  silent: [id('AmbientZtunnelNotReady', { node: lab.faultNode })],
});

/** Waiting for a ztunnel's first configuration is not AmbientZtunnelNotReady's page. */
const ztunnelNotReady = (lab: Lab) => lab.nodes.map((node) => id('AmbientZtunnelNotReady', { node }));

describe('e2e: alerts delivered per lab fault (real Prometheus and Alertmanager)', function () {
  let stack: Stack;
  /** the longest `for` after the test transform, in seconds */
  let longestFor = 0;

  before(async function () {
    this.timeout(60_000);
    stack = await startStack({ lab: { nodes: 3, syncIntervalMs: 1000 }, clockRate: CLOCK_RATE });
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
      `notified firing since: ${stack.notifiedFiring(since).map((a) => alertId(a.labels)).join(', ') || '(none)'}`,
      stack.logs(),
    ].join('\n');
  }

  /** Alerts that were firing in Prometheus at some evaluation since `since` (ms). */
  async function firedSince(since: number): Promise<Set<string>> {
    // rounded down: the window must not reach back to the last evaluations of the previous scenario
    // (a kept-firing alert of the same name and node resolves at most one evaluation before `since`)
    const seconds = Math.max(1, Math.floor((Date.now() - since) / 1000));
    return new Set((await stack.query(`max_over_time(ALERTS{alertstate="firing"}[${seconds}s])`)).map((s) => alertId(s.metric)));
  }

  /**
   * Applies the faults and waits for the steady state: `delivered` reached the receiver (or were
   * already firing, for a cause that changed), `inhibited` fire and are held back, nothing pends.
   * Then checks that nothing else was notified since, and that `silent` never fired.
   */
  async function apply(e: Expectation, opts: { alreadyDelivered?: string[] } = {}): Promise<number> {
    const delivered = sorted(e.delivered);
    const inhibited = sorted(e.inhibited);
    const since = Date.now();
    await stack.lab.setFaults(e.faults);

    // The root cause reaches the receiver, and what it explains fires but is held back.
    await stack.waitFor(
      async () => {
        const am = await stack.alertmanagerAlerts();
        const state = new Map(am.map((a) => [alertId(a.labels), a.status.state]));
        const got = new Set(stack.notifiedFiring(since).map((a) => alertId(a.labels)));
        const reached = (d: string) => got.has(d) || (opts.alreadyDelivered ?? []).includes(d);
        return delivered.every((d) => reached(d) && state.get(d) === 'active') && inhibited.every((i) => state.get(i) === 'suppressed');
      },
      { timeoutMs: 40_000, what: async () => `delivered ${delivered.join(', ')} and suppressed ${inhibited.join(', ')}\n${await snapshot(since)}` },
    );

    // Steady state: nothing pending, Alertmanager holds every alert Prometheus fires, and only the
    // root cause is active (with a cause that was replaced, kept firing by its keep_firing_for).
    const expected = [...delivered, ...(opts.alreadyDelivered ?? [])];
    await stack.waitFor(
      async () => {
        const prom = await stack.prometheusAlerts();
        if (prom.some((a) => a.alertstate === 'pending')) return false;
        const am = await stack.alertmanagerAlerts();
        const inAm = new Set(am.map((a) => alertId(a.labels)));
        const active = sorted(am.filter((a) => a.status.state === 'active').map((a) => alertId(a.labels)));
        return prom.every((a) => inAm.has(alertId(a))) && delivered.every((d) => active.includes(d)) && active.every((a) => expected.includes(a));
      },
      { timeoutMs: 30_000, what: async () => `no pending alerts, all firing ones in Alertmanager, only the root cause active\n${await snapshot(since)}` },
    );

    // Everything delivered is the root cause. (A group may be notified again with an alert it already
    // held, e.g. when Prometheus re-sends an earlier alert of the same name as resolved: not a new page.)
    const context = await snapshot(since);
    const notified = sorted(stack.notifiedFiring(since).map((a) => alertId(a.labels)));
    expect(notified.filter((n) => !expected.includes(n)), `firing notifications since the fault was set\n${context}`).to.deep.equal([]);

    for (const a of (await stack.alertmanagerAlerts()).filter((x) => x.status.state === 'suppressed')) {
      expect(a.status.inhibitedBy, `${alertId(a.labels)} is held back by an inhibition, not a silence`).to.not.be.empty;
    }
    const fired = await firedSince(since);
    for (const s of e.silent ?? []) expect(fired.has(s), `${s} fired\n${context}`).to.equal(false);

    // Routed by severity: critical pages, warning opens a ticket.
    for (const n of stack.notifications.filter((x) => x.receivedAt >= since && x.status === 'firing')) {
      for (const a of n.alerts.filter((x) => x.status === 'firing')) {
        expect(n.receiver, alertId(a.labels)).to.equal(RECEIVER_BY_SEVERITY[a.labels.severity ?? '']);
      }
    }
    return since;
  }

  /**
   * Back to healthy: nothing pending or firing in Prometheus, nothing active in Alertmanager, and
   * no firing notification on the way for anything but the alerts already delivered (a group
   * partly resolved is re-sent with its firing rest).
   */
  async function settleHealthy(delivered: string[]): Promise<void> {
    const clearedAt = Date.now();
    await stack.lab.setFaults([]);
    await stack.waitFor(async () => (await stack.prometheusAlerts()).length === 0 && (await stack.alertmanagerAlerts()).length === 0, {
      timeoutMs: 40_000,
      what: async () => `no alerts after the fault was cleared\n${await snapshot(clearedAt)}`,
    });
    const renotified = stack.notifiedFiring(clearedAt).map((a) => alertId(a.labels));
    expect(renotified.filter((n) => !delivered.includes(n)), `firing notifications while the fault cleared\n${await snapshot(clearedAt)}`).to.deep.equal([]);
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

  it('istiod-port-missing, then istiod-unreachable, then (row 2) a ztunnel restarted during the outage: each cause pages once, no per-node page, and recovery delivers nothing', async function () {
    this.timeout(150_000);
    const lab = stack.lab;
    const portMissing = id('AmbientIstiodXdsPortMissing', { port: '15012' });
    const unreachable = id('AmbientIstiodXdsUnreachable');
    await apply({
      faults: [{ name: 'istiod-port-missing' }],
      delivered: [portMissing],
      inhibited: ztunnelXds(lab),
      silent: [...ztunnelNotReady(lab), id('AmbientIstiodNoReadyEndpoints'), unreachable],
    });
    const startedAt = async () =>
      new Map(
        (await stack.alertmanagerAlerts())
          .filter((a) => a.labels.alertname === 'AmbientZtunnelIstiodUnreachable')
          .map((a) => [alertId(a.labels), a.startsAt]),
      );
    const before = await startedAt();

    // The cause changes: the per-node alerts stay the same alerts (the cause is not a label), and
    // the old cause keeps firing, and silencing them, until the new one has fired (it resolves while
    // the fault clears below, with no page in between).
    await apply(
      { faults: [{ name: 'istiod-unreachable' }], delivered: [unreachable], inhibited: ztunnelXds(lab), silent: ztunnelNotReady(lab) },
      { alreadyDelivered: [portMissing] },
    );
    expect(await startedAt(), 'AmbientZtunnelIstiodUnreachable did not restart').to.deep.equal(before);

    // Row 2: a ztunnel restarted during the outage waits for istiod (state manager and workload proxy
    // manager pending), never connects to istio-cni, and new pods on its node are refused: all of it
    // istiod's doing, so nothing pages for its node.
    const restartedOn = { node: lab.faultNode };
    const silent = [
      ...ztunnelNotReady(lab),
      id('AmbientPodCreationBlockedByCNI', restartedOn),
      id('AmbientWorkloadsNotProxied', restartedOn),
      id('AmbientExporterTargetDown', { node: lab.faultNode, component: 'ztunnel' }),
    ];
    const restartedAt = Date.now();
    await lab.restart('ztunnel', lab.faultNode);
    await stack.waitFor(
      async () => (await stack.query(`ambient_ztunnel_readiness_pending{node="${lab.faultNode}",task="state manager"} == 1`)).length === 1 && (await stack.query(`ambient_pods_blocked_by_cni{node="${lab.faultNode}"} > 0`)).length > 0,
      { timeoutMs: 20_000, what: async () => `the restarted ztunnel waiting for istiod, pods blocked on ${lab.faultNode}\n${await snapshot(restartedAt)}` },
    );
    // Its active workloads (0) short of the node's enabled pods, for longer than the exporter's
    // 3-minute pods_not_proxied window at the clock rate and than any `for`: had either alert of its
    // node been due, it would have fired by now.
    const settle = Math.ceil(Math.max(longestFor, (3 * 60) / CLOCK_RATE)) + 3;
    const node = `node="${lab.faultNode}"`;
    const shortfall = `min_over_time((ambient_node_pods_redirection_enabled{${node}} - on (node) ambient_ztunnel_workloads{${node},state="active"})[${settle}s:1s]) > 0`;
    await stack.waitFor(async () => (await stack.query(shortfall)).length === 1, {
      timeoutMs: (settle + 20) * 1000,
      what: async () => `${settle}s of the restarted ztunnel proxying fewer pods than run enabled on ${lab.faultNode}\n${await snapshot(restartedAt)}`,
    });
    const fired = await firedSince(restartedAt);
    for (const a of silent) expect(fired.has(a), `${a} fired\n${await snapshot(restartedAt)}`).to.equal(false);
    expect(stack.notifiedFiring(restartedAt).map((a) => alertId(a.labels)).filter((a) => a !== unreachable && a !== portMissing), await snapshot(restartedAt)).to.deep.equal([]);

    // Recovery: the restarted ztunnel syncs at its next attempt; the xDS error rates drain while the causes keep firing.
    await settleHealthy([portMissing, unreachable]);
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.title}: delivers only the root cause, and nothing new on recovery`, async function () {
      this.timeout(90_000);
      const e = scenario.expect(stack.lab);
      await apply(e);
      const next = scenario.then?.(stack.lab);
      if (next) {
        const startsAt = async () => (await stack.alertmanagerAlerts()).filter((a) => e.delivered.includes(alertId(a.labels))).map((a) => `${alertId(a.labels)} ${a.startsAt}`).sort();
        const before = await startsAt();
        await apply(next, { alreadyDelivered: e.delivered });
        expect(await startsAt(), 'the first page holds: the same alert, never resolved in between').to.deep.equal(before);
      }
      await settleHealthy([...e.delivered, ...(next?.delivered ?? [])]);
    });
  }

  it('flannel-down on one node, then the exporter stopped: delivers the root cause, then AmbientExporterDown before the open page resolves', async function () {
    this.timeout(60_000);
    const network = id('AmbientCrossNodeNetworkFailure', { node: stack.lab.faultNode });
    await apply(flannelDown(stack.lab));

    const stoppedAt = Date.now();
    await stack.stopExporter();
    const downNotified = await stack.waitFor(
      () => stack.notifications.find((n) => n.receivedAt >= stoppedAt && n.alerts.some((a) => a.status === 'firing' && a.labels.alertname === 'AmbientExporterDown')),
      { timeoutMs: 30_000, what: async () => `AmbientExporterDown delivered\n${await snapshot(stoppedAt)}` },
    );
    const networkResolved = await stack.waitFor(
      () => stack.notifications.find((n) => n.receivedAt >= stoppedAt && n.alerts.some((a) => a.status === 'resolved' && alertId(a.labels) === network)),
      { timeoutMs: 30_000, what: async () => `${network} resolved\n${await snapshot(stoppedAt)}` },
    );
    expect(networkResolved.receivedAt, `${network} resolved after AmbientExporterDown was delivered`).to.be.greaterThan(downNotified.receivedAt);
    const notified = sorted(stack.notifiedFiring(stoppedAt).map((a) => alertId(a.labels)));
    expect(notified.filter((n) => n !== network), await snapshot(stoppedAt)).to.deep.equal([id('AmbientExporterDown')]);
    expect((await stack.alertmanagerAlerts()).map((a) => alertId(a.labels))).to.deep.equal([id('AmbientExporterDown')]);
  });
});
