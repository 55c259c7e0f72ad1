// Reading the node agents: which agent speaks for which node, and what a hanging, lying or broken
// agent costs (one failed report with a reason, never an exception, never unbounded memory).
import { expect } from 'chai';
import { buildSummary } from '../../../src/agent/build-summary.js';
import { SUMMARY_LIMITS } from '../../../src/agent/summary.js';
import { emptyClusterState, type ClusterState } from '../../../src/model.js';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import { agentTargets, fetchAgentReport, localScrapes } from '../../../src/scrape/agent-summary.js';
import { keepAllSamples } from '../../../src/scrape/parser.js';
import { discoverTargets } from '../../../src/scrape/targets.js';
import { withLocalScrapes } from '../../../src/serve/round.js';
import { pod, s, scrape, target } from '../../support/builders.js';
import { endlessBody, startHttpServer, type LocalServer } from '../../support/http.js';
import type { AgentRound } from '../../../src/agent/round.js';

const round = (over: Partial<AgentRound> = {}): AgentRound => ({
  number: 1,
  startedAtMs: 1,
  finishedAtMs: 2,
  durationSeconds: 0.001,
  kube: { synced: true, watchUp: { nodes: true, pods: true } },
  checks: [],
  scrapes: [],
  ...over,
});

/** Keeps every sample, so the tests below see what the agent sent; the exporter's own keep is tested on its own. */
const OPTS = { timeoutMs: 500, connectTimeoutMs: 200, maxBytes: 64 * 1024 * 1024, keep: () => keepAllSamples };

describe('scrape: node agent summaries', () => {
  describe('which agent speaks for which node', () => {
    const agentPod = (name: string, node: string, over = {}) =>
      pod({ name, node, namespace: 'ambient-exporter-agent', ip: `10.0.0.${node.slice(-1).charCodeAt(0) % 50}`, labels: { 'app.kubernetes.io/name': 'ambient-exporter-agent' }, ...over });

    it('one serving agent per node, the newest; not-ready or addressless agents do not count', () => {
      const state: ClusterState = {
        ...emptyClusterState(),
        agentPods: [
          agentPod('agent-new', 'node-a', { createdAt: 2 }),
          agentPod('agent-old', 'node-a', { createdAt: 1 }),
          agentPod('agent-b', 'node-b', { ready: false }),
          agentPod('agent-c', 'node-c', { ip: '', phase: 'Pending' }),
        ],
      };
      expect(agentTargets(state, 9480)).to.deep.equal([{ node: 'node-a', pod: 'agent-new', url: `http://${state.agentPods[0]!.ip}:9480/summary` }]);
    });

    it("the ztunnel and istio-cni of an agent's node are left to it; istiod and the other nodes are scraped as before", () => {
      const state: ClusterState = {
        ...emptyClusterState(),
        ztunnelPods: ['node-a', 'node-b'].map((n) => pod({ name: `ztunnel-${n}`, node: n })),
        cniPods: ['node-a', 'node-b'].map((n, i) => pod({ name: `cni-${n}`, node: n, hostNetwork: true, ip: `192.168.0.${i + 1}` })),
        istiodPods: [pod({ name: 'istiod-1', node: 'node-a', ip: '10.0.0.9' })],
      };
      const targets = discoverTargets(state, [], new Set(['node-a']));
      expect(targets.map((t) => `${t.component} ${t.node}`)).to.deep.equal(['ztunnel node-b', 'istiod node-a', 'istio-cni node-b']);
    });

    it("the agents' local scrapes join the exporter's in discovery order, marked as the agent's", () => {
      const central = [scrape(target('ztunnel', 'node-b'), []), scrape(target('istiod', 'node-a'), [])];
      const local = localScrapes([
        {
          node: 'node-a',
          pod: 'agent-a',
          url: 'u',
          up: true,
          reachable: true,
          durationSeconds: 0,
          summary: {
            ...buildSummary(round(), 'node-a', '1'),
            scrapes: [{ component: 'ztunnel', pod: 'ztunnel-node-a', url: 'http://10.0.0.1:15020/stats/prometheus', up: true, durationSeconds: 0.01, samples: [s('workload_manager_active_proxy_count', 3)] }],
          } as never,
        },
      ]);
      const merged = withLocalScrapes(central, local);
      expect(merged.map((x) => `${x.target.component} ${x.target.node} ${x.source ?? 'exporter'}`)).to.deep.equal([
        'ztunnel node-a agent',
        'ztunnel node-b exporter',
        'istiod node-a exporter',
      ]);
      expect(merged[0]?.reachable, 'an agent scrape proves nothing of the pod network').to.equal(false);
    });
  });

  describe('fetching one summary', () => {
    let server: LocalServer | undefined;
    afterEach(async () => server?.close());

    const serve = async (handler: Parameters<typeof startHttpServer>[0]) => (server = await startHttpServer(handler));
    const fetchFor = (node: string) => fetchAgentReport({ node, pod: 'agent', url: server!.url('/summary') }, OPTS);
    const json = (body: unknown) => (_req: unknown, res: import('node:http').ServerResponse) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };

    it('a valid summary for its node: up, reachable, with NaN and infinities restored from their JSON strings', async () => {
      const r = round({ scrapes: [scrape(target('ztunnel', 'node-a'), [s('workload_manager_active_proxy_count', NaN), s('x', Infinity)])] });
      await serve(json(buildSummary(r, 'node-a', '0.1.0')));
      const report = await fetchFor('node-a');
      expect(report).to.include({ up: true, reachable: true });
      const values = report.summary?.scrapes[0]?.samples.map((x) => x.value);
      expect(Number.isNaN(values?.[0])).to.equal(true);
      expect(values?.[1]).to.equal(Infinity);
    });

    it("of a local scrape the exporter keeps what its own scrape would: the samples it reads, within its per-target limits", async () => {
      const ztunnel = scrape(target('ztunnel', 'node-a'), [s('workload_manager_active_proxy_count', 3), s('not_read_by_any_module', 1)]);
      const cni = scrape(target('istio-cni', 'node-a'), Array.from({ length: 5 }, (_, i) => s('istio_cni_install_ready', i)));
      await serve(json(buildSummary(round({ scrapes: [ztunnel, cni] }), 'node-a', '0.1.0')));
      const limits = { samples: 4, labels: 16, labelNameLength: 128, labelValueLength: 256 };
      const report = await fetchAgentReport({ node: 'node-a', pod: 'agent', url: server!.url('/summary') }, { ...OPTS, keep: keptSamplesOf, limits });
      expect(report.up).to.equal(true);
      const [z, c] = report.summary!.scrapes;
      expect(z).to.deep.include({ up: true });
      expect(z!.samples.map((x) => x.name)).to.deep.equal(['workload_manager_active_proxy_count']);
      expect(c, 'five kept samples over a limit of four').to.deep.include({ up: false, error: 'sample_limit', samples: [] });
    });

    const bad: { name: string; body: unknown; why: string }[] = [
      { name: 'a summary for another node', body: buildSummary(round(), 'node-z', '1'), why: 'an agent speaks for the node its pod runs on only' },
      { name: 'another schema version', body: { ...buildSummary(round(), 'node-a', '1'), schemaVersion: 2 }, why: 'a reader of v1 cannot read v2' },
      { name: 'a check name outside the vocabulary', body: { ...buildSummary(round(), 'node-a', '1'), checks: [{ check: 'rm -rf', status: 'ok', reason: 'ok', evidence: {} }] }, why: 'names become label values' },
      {
        name: 'more samples than the limit',
        body: { ...buildSummary(round(), 'node-a', '1'), scrapes: [{ component: 'ztunnel', pod: 'p', url: 'u', up: true, durationSeconds: 0, samples: Array.from({ length: SUMMARY_LIMITS.samples + 1 }, () => ({ name: 'a', labels: {}, value: 1 })) }] },
        why: 'a summary past its limits is rejected whole',
      },
      { name: 'JSON that is not an object', body: [1, 2, 3], why: 'garbage' },
    ];
    for (const b of bad) {
      it(`${b.name}: parse (${b.why})`, async () => {
        await serve(json(b.body));
        expect(await fetchFor('node-a')).to.deep.include({ up: false, error: 'parse', reachable: true });
      });
    }

    it('bytes that are not JSON: parse', async () => {
      await serve((_req, res) => res.end('not json'));
      expect(await fetchFor('node-a')).to.deep.include({ up: false, error: 'parse' });
    });

    it('an endless body is cut at the summary limit (1 MiB), whatever --scrape-max-bytes allows: too_large', async () => {
      await serve((_req, res) => void endlessBody(res, '{"a":1}'));
      expect(await fetchFor('node-a')).to.deep.include({ up: false, error: 'too_large' });
    });

    it('a 503 (no round yet, or a stale one): http_status, but the host network answered', async () => {
      await serve((_req, res) => {
        res.statusCode = 503;
        res.end('no round finished yet\n');
      });
      expect(await fetchFor('node-a')).to.deep.include({ up: false, error: 'http_status', reachable: true });
    });

    it('an agent that never answers costs the budget: timeout', async () => {
      await serve(() => undefined);
      const started = Date.now();
      expect(await fetchFor('node-a')).to.deep.include({ up: false, error: 'timeout' });
      expect(Date.now() - started).to.be.below(OPTS.timeoutMs + 400);
    });
  });

  describe('building a summary', () => {
    it('caps evidence (keys, text, lists) and samples to what readers accept', () => {
      const long = 'x'.repeat(1000);
      const evidence = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i === 0 ? long : i === 1 ? Array.from({ length: 50 }, () => long) : i]));
      const summary = buildSummary(
        round({
          checks: [{ check: 'flannel_fdb', family: 'ipv4', status: 'problem', reason: 'fdb_entry_missing', evidence, requires: { hostNetwork: true, hostPaths: [], capabilities: [], commands: [], kubeApi: [] }, dependsOn: [] }],
          scrapes: [scrape(target('ztunnel', 'node-a'), Array.from({ length: 3000 }, () => s('a', 1)))],
        }),
        'node-a',
        '1',
      );
      const e = summary.checks[0]!.evidence;
      expect(Object.keys(e)).to.have.length(SUMMARY_LIMITS.evidenceKeys);
      expect((e.k0 as string).length).to.equal(SUMMARY_LIMITS.evidenceText);
      expect(e.k1).to.have.length(SUMMARY_LIMITS.evidenceList);
      expect(summary.scrapes[0]!.samples).to.have.length(SUMMARY_LIMITS.samples);
      expect(summary.checks[0]).to.not.have.property('requires');
    });
  });
});
