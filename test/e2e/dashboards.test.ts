// The committed dashboards against real Prometheus: the exporter runs against the lab, Prometheus
// scrapes it and the lab's ztunnel/istiod/istio-cni directly (labelled as the shipped scrape config
// labels them) with the shipped rules loaded. The lab goes through healthy and every fault; during
// each scenario every panel query is run as Grafana requests it (stat and table targets instant,
// time series over the scenario's range) and counts only if it shows data now: at the instant, or
// at the range's last step. Every query must show data in at least one scenario, each issue's tile
// must read 0 when healthy and turn non-zero under its faults, and once the exporter stops the
// tiles must read "no data" (not 0) and "Exporter sees the cluster" 0.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DEFAULT_SUBSTITUTIONS, buildDashboards, panelQueries, substitute } from '../../dashboards/src/index.js';
import type { PanelQuery } from '../../dashboards/src/index.js';
import type { FaultName } from 'ambient-lab';
import { ROOT, startStack } from './stack.js';
import type { Stack } from './stack.js';
import { agentPodObjects } from '../support/agent-pods.js';
import { labNodes, startLabAgents } from '../support/lab-agents.js';

/** Grafana's $__rate_interval for a 1s scrape interval is 4s; one more sample of headroom. */
const VALUES = { ...DEFAULT_SUBSTITUTIONS, __rate_interval: '5s' };

/**
 * Which issue tile each fault of the troubleshooting table must turn red. The lab's later faults
 * (node-cut-off, flannel-crash-loop, pods-not-proxied, cni-refusing) reproduce the same issues from
 * other angles: test/integration/detection-truth.test.ts judges them and test/e2e/alerts.test.ts
 * follows their alerts.
 */
const FAULT_ISSUE: Partial<Record<Exclude<FaultName, 'healthy'>, string>> = {
  'istiod-port-missing': 'ztunnel_istiod_connectivity',
  'istiod-unreachable': 'ztunnel_istiod_connectivity',
  'cross-node': 'cross_node_network',
  'flannel-down': 'cross_node_network',
  'cni-blocked': 'cni_pod_creation_blocked',
  'namespace-unlabeled': 'namespace_not_enrolled',
  'pods-not-captured': 'namespace_not_enrolled',
};
const ISSUES = ['ztunnel_istiod_connectivity', 'cross_node_network', 'cni_pod_creation_blocked', 'namespace_not_enrolled'];

/**
 * Queries the lab cannot make show data, each for a reason outside the dashboards. A panel whose
 * every query is excused here is excused with them (the ztunnel memory and CPU panels, the failed
 * connections and plugin requests panels); every other panel must still show data. Excused queries
 * still parse and run (and promtool checks them, test/unit/dashboards/promql.test.ts).
 */
const NO_LAB_SCENARIO: Record<string, string> = {
  'istio_dns_upstream_failures_total': 'no lab scenario makes upstream DNS fail; real ztunnels report it once a forward fails',
  'type=~".*_senderr"': "no lab scenario makes istiod's xDS sends fail; real istiods count them as cds_senderr, eds_senderr, ...",
  container_memory_working_set_bytes: "cAdvisor's series come from the kubelet (/metrics/cadvisor); the lab runs no kubelet",
  container_cpu_usage_seconds_total: "cAdvisor's series come from the kubelet (/metrics/cadvisor); the lab runs no kubelet",
  ambient_ztunnel_connections_failed_total: "the lab's ztunnel is 1.28; istio_tcp_connections_failed_total exists from ztunnel 1.29",
  ambient_cni_plugin_requests_total: "the lab's istio-cni is 1.28; istio_cni_plugin_requests_total exists from istio-cni 1.31",
  ambient_node_peer_reachable:
    "the simulated cluster's agents run outside any node's network namespace, so they do not probe their peers (src/agent/round.ts); " +
    "the real-kernel lab's do, and test/e2e/alerts-peers-netlab.test.ts runs this panel's query against real Prometheus",
};
const excused = (q: PanelQuery): boolean => Object.keys(NO_LAB_SCENARIO).some((m) => q.expr.includes(m));

const committed: Dashboard[] = buildDashboards().map(
  ({ file }) => JSON.parse(readFileSync(join(ROOT, 'dashboards', file), 'utf8')) as Dashboard,
);
const queries: PanelQuery[] = committed.flatMap(panelQueries);
const key = (q: PanelQuery) => `${q.dashboard} / ${q.panelTitle} / ${q.refId}`;
const FIRING_AMBIENT_ALERTS = 'ALERTS{alertstate="firing", alertname=~"Ambient.*"}';

/**
 * Ambient alerts firing that became active at or after `sinceMs` (ALERTS_FOR_STATE holds each
 * alert's activeAt): alerts kept firing (keep_firing_for) from an earlier scenario do not count.
 */
const firingSince = (sinceMs: number) =>
  `${FIRING_AMBIENT_ALERTS} and ignoring (alertstate) (ALERTS_FOR_STATE{alertname=~"Ambient.*"} >= ${Math.floor(sinceMs / 1000)})`;

/**
 * Series a range query over [startMs, endMs] shows at its last step, as a Grafana panel would get
 * them. Steps are counted back from the end, so the last evaluation is at endMs: what the panel
 * shows right now (a series that ended earlier in the range does not count).
 */
async function queryRangeNow(prometheusUrl: string, expr: string, startMs: number, endMs: number): Promise<number> {
  const end = endMs / 1000;
  const start = end - Math.max(1, Math.ceil(end - startMs / 1000));
  const params = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: '1' });
  const res = await fetch(`${prometheusUrl}/api/v1/query_range?${params}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { values: [number, string][] }[] } };
  if (body.status !== 'success' || !body.data) throw new Error(`query_range ${expr}: ${body.error ?? res.status}`);
  return body.data.result.filter((r) => r.values.at(-1)?.[0] === end).length;
}

/** Series an instant query returns at `timeMs`: what a stat or table target shows then. */
async function queryInstant(prometheusUrl: string, expr: string, timeMs: number): Promise<number> {
  const params = new URLSearchParams({ query: expr, time: String(timeMs / 1000) });
  const res = await fetch(`${prometheusUrl}/api/v1/query?${params}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== 'success' || !body.data) throw new Error(`query ${expr}: ${body.error ?? res.status}`);
  return body.data.result.length;
}

/** A stat panel's query as committed, variables as on a fresh load. */
function statQuery(uid: string, title: string): string {
  const d = committed.find((x) => x.uid === uid);
  const q = d && panelQueries(d).find((p) => p.panelType === 'stat' && p.panelTitle === title);
  if (!q) throw new Error(`no stat "${title}" on ${uid}`);
  expect(q.instant, `${uid} "${title}" is instant`).to.equal(true);
  return substitute(q.expr, VALUES);
}

/** The overview's tile for an issue, as committed. */
function tileQuery(issue: string): string {
  const overview = committed.find((d) => d.uid === 'ambient-mesh-health');
  const q = overview && panelQueries(overview).find((p) => p.panelType === 'stat' && p.expr.includes(`issue="${issue}"`));
  if (!q) throw new Error(`no tile for ${issue}`);
  return substitute(q.expr, VALUES);
}

async function tileValue(stack: Stack, issue: string): Promise<number | undefined> {
  const [sample] = await stack.query(tileQuery(issue));
  return sample?.value;
}

/** The value a stat shows now (undefined: "No data"). */
async function statValue(stack: Stack, uid: string, title: string): Promise<number | undefined> {
  const [sample] = await stack.query(statQuery(uid, title));
  return sample?.value;
}

const sees = (stack: Stack) => statValue(stack, 'ambient-mesh-health', 'Exporter sees the cluster');
const notReady = (stack: Stack) => statValue(stack, 'ambient-ztunnel', 'ztunnel pods not ready');

describe('dashboards end to end: every panel against real Prometheus and the lab', function () {
  this.timeout(300_000);
  let stack: Stack;
  /** query key -> scenarios in which it returned data */
  const shown = new Map<string, Set<string>>(queries.map((q) => [key(q), new Set<string>()]));

  /** ztunnel pods not ready, by scenario, as the stat showed it once the scenario's alert fired */
  const notReadyIn = new Map<string, number | undefined>();

  /** Runs every panel query as Grafana requests it and records which show data now. */
  async function sample(scenario: string, since: number): Promise<void> {
    const now = Date.now();
    await Promise.all(
      queries.map(async (q) => {
        const expr = substitute(q.expr, VALUES);
        const series = q.instant ? await queryInstant(stack.prometheusUrl, expr, now) : await queryRangeNow(stack.prometheusUrl, expr, since, now);
        if (series > 0) shown.get(key(q))?.add(scenario);
      }),
    );
  }

  async function tilesAtZero(): Promise<boolean> {
    const values = await Promise.all(ISSUES.map((i) => tileValue(stack, i)));
    return values.every((v) => v === 0);
  }

  /**
   * Healthy lab: every tile at 0 and every ztunnel Ready (the stat reads 0, not "No data"); with
   * `alertsCleared`, also no Ambient alert firing (which waits out every keep_firing_for).
   */
  async function backToHealthy(alertsCleared: boolean): Promise<void> {
    await stack.lab.setFaults([]);
    await stack.exporter.refreshNow();
    await stack.waitFor(
      async () =>
        (await tilesAtZero()) && (await notReady(stack)) === 0 && (!alertsCleared || (await stack.query(FIRING_AMBIENT_ALERTS)).length === 0),
      {
        timeoutMs: 60_000,
        what: async () =>
          `healthy: tiles ${JSON.stringify(await Promise.all(ISSUES.map((i) => tileValue(stack, i))))}, ztunnels not ready ` +
          `${await notReady(stack)}, firing ${JSON.stringify(await stack.prometheusAlerts('firing'))}`,
      },
    );
  }

  /** whether the lab serves the node agents' pods (the "node agents" scenario) */
  let agentsDeployed = false;

  before(async () => {
    stack = await startStack({ scrapeComponents: true, alertmanager: false, lab: { extraObjects: (nodes) => (agentsDeployed ? agentPodObjects(nodes) : []) } });
  });

  after(async () => {
    await stack?.close();
    if (process.env['DASHBOARDS_E2E_REPORT']) {
      for (const q of queries) console.log(`${key(q)}: ${[...(shown.get(key(q)) ?? [])].join(', ') || '-'}`);
    }
  });

  it('healthy: every issue tile reads 0 (not empty), and the components are scraped directly', async () => {
    const since = Date.now();
    await stack.waitFor(
      async () => {
        const up = await stack.query('min by (job) (up)');
        const jobs = new Set(up.filter((s) => s.value === 1).map((s) => s.metric['job']));
        const rates = await stack.query('sum(rate(istio_tcp_connections_opened_total[5s]))');
        return (
          ['ambient-exporter', 'ztunnel', 'istiod', 'istio-cni'].every((j) => jobs.has(j)) && rates.length > 0 && (await tilesAtZero()) && (await sees(stack)) === 1
        );
      },
      { timeoutMs: 30_000, what: async () => `all targets up, all tiles at 0, exporter sees the cluster (${await sees(stack)}); ${stack.logs()}` },
    );
    for (const issue of ISSUES) expect(await tileValue(stack, issue), issue).to.equal(0);
    expect(await notReady(stack), 'ztunnel pods not ready').to.equal(0);
    await sample('healthy', since);
  });

  for (const [fault, issue] of Object.entries(FAULT_ISSUE)) {
    it(`${fault}: the ${issue} tile turns non-zero, from 0, and every panel is sampled once an alert fires`, async () => {
      // from healthy, so the tile is proven to turn red by this fault and not by the previous one
      await backToHealthy(false);
      const since = Date.now();
      await stack.lab.setFaults([{ name: fault as FaultName }]);
      await stack.exporter.refreshNow();
      const value = await stack.waitFor(
        async () => {
          const v = await tileValue(stack, issue);
          return v !== undefined && v > 0 ? v : undefined;
        },
        { timeoutMs: 30_000, what: async () => `${issue} tile > 0 (now ${await tileValue(stack, issue)})` },
      );
      expect(value).to.be.greaterThan(0);
      // by the time an alert fires (shortened `for`), what the operator opens must show the fault
      await stack.waitFor(async () => (await stack.query(firingSince(since))).length > 0, {
        timeoutMs: 30_000,
        what: `an Ambient alert firing that became active under ${fault}`,
      });
      notReadyIn.set(fault, await notReady(stack));
      await sample(fault, since);
    });
  }

  it('node agents: the exporter reads one per node; one node\'s CNI config lacks istio-cni', async () => {
    await backToHealthy(false);
    const since = Date.now();
    const nodes = await labNodes(stack.lab);
    const agents = await startLabAgents(stack.lab, nodes, { withoutIstioCni: [nodes[1]!.name] });
    try {
      agentsDeployed = true;
      await stack.lab.sync();
      await stack.waitFor(
        async () => {
          await agents.refreshAll();
          await stack.exporter.refreshNow();
          const read = await stack.query('ambient_exporter_scrape_up{component="agent"} == 1');
          const problems = await stack.query('ambient_node_check_problem');
          return read.length === nodes.length && problems.length > 0;
        },
        { timeoutMs: 30_000, what: 'every agent read and the missing istio-cni plugin reported' },
      );
      await sample('node agents', since);
    } finally {
      agentsDeployed = false;
      await stack.lab.sync();
      await agents.close();
    }
  });

  it('a ztunnel restarted while istiod is unreachable (it never syncs): its readiness tasks show, and every panel is sampled once an alert fires', async () => {
    // Running ztunnels stay Ready through every fault: only a restarted one waits for its readiness tasks.
    await backToHealthy(false);
    const since = Date.now();
    const node = stack.lab.faultNode;
    await stack.lab.setFaults([{ name: 'istiod-unreachable' }]);
    await stack.lab.restart('ztunnel', node);
    await stack.exporter.refreshNow();
    await stack.waitFor(async () => (await stack.query(`ambient_ztunnel_readiness_pending{node="${node}",task="state manager"} == 1`)).length === 1, {
      timeoutMs: 30_000,
      what: `the restarted ztunnel on ${node} waiting for its first xDS response`,
    });
    await stack.waitFor(async () => (await stack.query(firingSince(since))).length > 0, { timeoutMs: 30_000, what: 'an Ambient alert firing that became active under the outage' });
    notReadyIn.set('ztunnel restarted during istiod-unreachable', await notReady(stack));
    await sample('ztunnel restarted during istiod-unreachable', since);
  });

  it('healthy again: every tile returns to 0 and no Ambient alert fires', async () => {
    const since = Date.now();
    await backToHealthy(true);
    for (const issue of ISSUES) expect(await tileValue(stack, issue), issue).to.equal(0);
    await sample('healthy again', since);
  });

  it('"ztunnel pods not ready" counts not-ready ztunnels under the faults that stop them, and 0 right after each recovery', () => {
    // backToHealthy() waited for 0 before every fault: a count that lingered after recovery would have timed out there
    expect(notReadyIn.get('cni-blocked'), 'cni-blocked').to.be.greaterThan(0);
    expect(notReadyIn.get('ztunnel restarted during istiod-unreachable'), 'a ztunnel restarted during an istiod outage').to.be.greaterThan(0);
    // running ztunnels stay Ready when they lose istiod or the overlay (their `state manager` task is one-shot)
    for (const fault of ['istiod-unreachable', 'cross-node', 'flannel-down', 'namespace-unlabeled', 'pods-not-captured'] as const) {
      expect(notReadyIn.get(fault), fault).to.equal(0);
    }
  });

  it('exporter stopped: the issue tiles read no data (shown as "unknown", never a green 0) and "Exporter sees the cluster" reads 0', async () => {
    expect(await sees(stack)).to.equal(1);
    await stack.stopExporter();
    const tileSeries = async () => (await Promise.all(ISSUES.map(async (i) => (await stack.query(tileQuery(i))).length))).reduce((a, b) => a + b, 0);
    await stack.waitFor(async () => (await tileSeries()) === 0 && (await sees(stack)) === 0, {
      timeoutMs: 20_000,
      what: async () => `tiles without data (series now: ${await tileSeries()}) and "Exporter sees the cluster" 0 (now ${await sees(stack)})`,
    });
    expect(await notReady(stack), 'ztunnel pods not ready').to.equal(undefined);
  });

  it('every panel shows data in at least one scenario (but those whose every query is excused above)', () => {
    const panels = new Map<string, { scenarios: string[]; allExcused: boolean }>();
    for (const q of queries) {
      const panel = `${q.dashboard} / ${q.panelTitle}`;
      const seen = panels.get(panel) ?? { scenarios: [], allExcused: true };
      panels.set(panel, { scenarios: [...seen.scenarios, ...(shown.get(key(q)) ?? [])], allExcused: seen.allExcused && excused(q) });
    }
    const empty = [...panels].filter(([, p]) => p.scenarios.length === 0 && !p.allExcused).map(([p]) => p);
    expect(empty, 'panels that never showed data').to.deep.equal([]);
  });

  it('every query of every panel returns data in at least one scenario', () => {
    const missing = queries
      .filter((q) => (shown.get(key(q))?.size ?? 0) === 0)
      .filter((q) => !excused(q))
      .map((q) => `${key(q)}: ${q.expr}`);
    expect(missing, 'queries that never returned data').to.deep.equal([]);
  });

  it('the queries excused above really are the only silent ones (and still parse and run)', () => {
    const silent = queries.filter((q) => (shown.get(key(q))?.size ?? 0) === 0).map((q) => q.expr);
    for (const metric of Object.keys(NO_LAB_SCENARIO)) {
      expect(silent.some((e) => e.includes(metric)), `${metric} is excused but showed data: drop the exception`).to.equal(true);
    }
  });
});
