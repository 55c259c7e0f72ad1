// Neighbour probing, the agent's side and the plans that drive it: the probe settings, the /plan
// and /probe endpoints, what one probe ends in against real sockets, a round's bounds, the
// targets a plan gives, who probes whom (rendezvous hashing) and the plans' delivery.
import { expect } from 'chai';
import { AGENT_SETTINGS, resolveAgentConfig } from '../../../src/agent/config.js';
import { buildSummary } from '../../../src/agent/build-summary.js';
import { AgentMetrics } from '../../../src/agent/metrics.js';
import { PADDED_BYTES, probeOnce } from '../../../src/agent/peers/probe.js';
import { probePeers } from '../../../src/agent/peers/run.js';
import { probeTargets } from '../../../src/agent/peers/targets.js';
import { nodeObjectOf, parsePlan, type PeerPlan } from '../../../src/agent/plan.js';
import type { AgentRound, HeldPlan } from '../../../src/agent/round.js';
import { createAgentApp } from '../../../src/agent/server.js';
import { parseSummary } from '../../../src/agent/summary.js';
import { parseSettingArgs } from '../../../src/cli-flags.js';
import { ConfigError } from '../../../src/config.js';
import type { NodeInfo } from '../../../src/model.js';
import { PlanCache, computePlans, planPeerOf } from '../../../src/peers/plan.js';
import { assignProbers } from '../../../src/peers/rendezvous.js';
import { plansToSend, sendPlans } from '../../../src/scrape/agent-plan.js';
import { listen, type Listener } from '../../../src/serve/http-listener.js';
import { agentReport, node } from '../../support/builders.js';
import { startHttpServer } from '../../support/http.js';
import { blackholedEndpoint, closedPort, startTcpServer } from '../../support/net.js';

const load = (argv: string[]) => {
  const { flags, file } = parseSettingArgs('agent', AGENT_SETTINGS, argv);
  return resolveAgentConfig({ flags, file, env: {} });
};

/** A node as the exporter keeps it, with Flannel's lease on it. */
function leased(i: number): NodeInfo {
  return node(`n${i}`, {
    annotations: {
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/backend-data': JSON.stringify({ VNI: 1, VtepMAC: `0a:00:00:00:00:${i.toString(16).padStart(2, '0')}` }),
      'flannel.alpha.coreos.com/public-ip': `192.168.0.${i}`,
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
    },
    podCIDRs: [`10.244.${i}.0/24`],
  });
}
/** An agent's HTTP endpoints for `node` on a loopback port, handing each plan it takes to `took`. */
async function agentOn(node: string, took: (plan: PeerPlan) => void): Promise<Listener> {
  const app = createAgentApp({
    metrics: new AgentMetrics('0.1.0', false),
    summary: () => ({ unavailable: 'none' }),
    isReady: () => true,
    acceptPlan: (body) => {
      const p = parsePlan(body, node);
      if (!p.ok) return p.why;
      took(p.plan);
      return undefined;
    },
  });
  return listen(app, '127.0.0.1:0');
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `node-${i}`);

describe('neighbour probing', () => {
  describe('settings', () => {
    it('a probe timeout of 1 s, or a sixth of the refresh interval if shorter; one set longer stops start-up naming the key', () => {
      expect(load(['--node-name', 'w']).probeTimeout).to.equal(1_000);
      expect(load(['--node-name', 'w', '--refresh-interval', '3s', '--scrape-timeout', '1s']).probeTimeout).to.equal(500);
      expect(() => load(['--node-name', 'w', '--refresh-interval', '3s', '--scrape-timeout', '1s', '--probe-timeout', '1s'])).to.throw(ConfigError, /^config: probeTimeout \(--probe-timeout, AMBIENT_PROBE_TIMEOUT\)/);
      expect(load(['--node-name', 'w', '--start-jitter', '0s']).startJitter).to.equal(0);
    });
  });

  describe("the agent's /plan and /probe", () => {
    let held: PeerPlan | undefined;
    let l: Listener;
    const plan = (): PeerPlan => computePlans({ nodes: [1, 2, 3].map(leased), withAgent: new Set(['n1', 'n2', 'n3']), k: 2, port: 9480 }).byNode.get('n1')!;
    before(async () => {
      l = await agentOn('n1', (p) => (held = p));
    });
    after(() => l.close());
    const put = (body: string) => fetch(`${l.url}/plan`, { method: 'PUT', body, headers: { 'content-type': 'application/json' } });

    it("takes a plan for its node; refuses, with the reason, another node's, garbage and an oversized body", async () => {
      expect((await put(JSON.stringify(plan()))).status).to.equal(204);
      expect(held?.targets).to.deep.equal(['n2', 'n3']);
      const other = await put(JSON.stringify({ ...plan(), node: 'n2' }));
      expect([other.status, await other.text()]).to.deep.equal([400, 'plan for node n2, this agent is on n1\n']);
      expect((await put('{not json')).status).to.equal(400);
      expect((await put(JSON.stringify({ ...plan(), peers: Array.from({ length: 3000 }, (_, i) => planPeerOf(leased(i % 250))) }))).status).to.equal(413);
    });

    it('answers a small probe, and echoes a padded one byte for byte; one probe against it ends ok either way', async () => {
      const { port } = new URL(l.url);
      expect(await probeOnce({ ip: '127.0.0.1', port: Number(port) }, 2_000)).to.have.property('outcome', 'ok');
      expect(await probeOnce({ ip: '127.0.0.1', port: Number(port) }, 2_000, PADDED_BYTES)).to.have.property('outcome', 'ok');
    });
  });

  describe('one probe, against real sockets', () => {
    it('a closed port is refused (the path answered); a listener that never answers stalls; a short echo is an error', async () => {
      expect((await probeOnce({ ip: '127.0.0.1', port: await closedPort() }, 1_000)).outcome).to.equal('refused');
      const silent = await startTcpServer(() => undefined);
      const short = await startHttpServer((req, res) => {
        req.resume();
        req.on('end', () => res.end('short'));
      });
      try {
        expect((await probeOnce({ ip: '127.0.0.1', port: silent.port }, 200)).outcome).to.equal('stalled');
        expect((await probeOnce({ ip: '127.0.0.1', port: short.port }, 1_000, PADDED_BYTES)).outcome).to.equal('error');
      } finally {
        await silent.close();
        await short.close();
      }
    });

    it('SYNs dropped: connect_timeout', async function () {
      const hole = await blackholedEndpoint();
      if (!hole) this.skip();
      try {
        expect((await probeOnce({ ip: hole.host, port: hole.port }, 200)).outcome).to.equal('connect_timeout');
      } finally {
        await hole.close();
      }
    });
  });

  describe('a round of probes', () => {
    const targets = ['a', 'b', 'c'].map((n) => ({ node: n, family: 'ipv4' as const, podIp: `10.244.0.${n}`, hostIp: `192.168.0.${n}`, port: 9480 }));

    it('the padded probe follows only a small pod-network probe that completed; every peer has all three paths', async () => {
      const calls: string[] = [];
      const results = await probePeers(targets, { timeoutMs: 100, concurrency: 2, budgetMs: 1_000 }, (to, _t, pad = 0) => {
        calls.push(`${to.ip}${pad ? ' padded' : ''}`);
        return Promise.resolve({ outcome: to.ip.endsWith('b') && to.ip.startsWith('10.') ? 'connect_timeout' : 'ok', seconds: 0.001 });
      });
      expect(results.map((r) => `${r.node} ${r.pod} ${r.host} ${r.padded}`)).to.deep.equal(['a ok ok ok', 'b connect_timeout ok not_run', 'c ok ok ok']);
      expect(calls.filter((c) => c.endsWith('padded'))).to.deep.equal(['10.244.0.a padded', '10.244.0.c padded']);
    });

    it('no peer started past the budget: the rest are not_run', async () => {
      const results = await probePeers(targets, { timeoutMs: 100, concurrency: 1, budgetMs: 25 }, () => new Promise((r) => setTimeout(() => r({ outcome: 'ok', seconds: 0.05 }), 50)));
      expect(results.map((r) => r.pod)).to.deep.equal(['ok', 'not_run', 'not_run']);
    });

    it("the plan's targets: the peer's VXLAN device address and public IP; no plan or no lease of its own: why not", () => {
      const plans = computePlans({ nodes: [1, 2, 3, 4].map(leased), withAgent: new Set(['n1', 'n2', 'n3', 'n4']), k: 2, port: 9480 });
      const p = plans.byNode.get('n1')!;
      const got = probeTargets(nodeObjectOf(planPeerOf(leased(1))), p);
      expect(got).to.deep.equal(p.targets.map((t) => ({ node: t, family: 'ipv4', podIp: `10.244.${t.slice(1)}.0`, hostIp: `192.168.0.${t.slice(1)}`, port: 9480 })));
      expect(probeTargets(nodeObjectOf(planPeerOf(leased(1))), undefined)).to.equal('no_plan');
      expect(probeTargets(nodeObjectOf(planPeerOf(node('bare'))), p)).to.equal('no_lease');
    });
  });

  describe("the probes in the agent's summary", () => {
    const result = (i: number) => ({ node: `n${i}`, podIp: '10.244.1.0', hostIp: '192.168.0.1', pod: 'ok', host: 'ok', padded: 'ok', podSeconds: 0, hostSeconds: 0 });
    const withResults = (results: unknown[]) => {
      const summary = JSON.parse(JSON.stringify(agentReport('n0').summary)) as Record<string, unknown>;
      return { ...summary, peers: { plan: null, results } };
    };

    it('the exporter takes up to 64 results; more, or an outcome it does not know, reject the summary whole', () => {
      expect(parseSummary(withResults(Array.from({ length: 64 }, (_, i) => result(i)))).ok).to.equal(true);
      const tooMany = parseSummary(withResults(Array.from({ length: 65 }, (_, i) => result(i))));
      expect(tooMany.ok === false && tooMany.why).to.match(/^peers\.results: /);
      const unknown = parseSummary(withResults([{ ...result(1), pod: 'teleported' }]));
      expect(unknown.ok === false && unknown.why).to.match(/^peers\.results\.0\.pod: /);
    });
  });

  describe('who probes whom: rendezvous hashing', () => {
    it('every node probed by exactly K others, none by itself, each probing at most the cap', () => {
      const a = assignProbers(names(500), { k: 3, maxTargets: 9 });
      for (const [t, probers] of a.probers) {
        expect(probers, t).to.have.length(3);
        expect(probers).to.not.include(t);
      }
      expect(Math.max(...[...a.targets.values()].map((t) => t.length))).to.be.at.most(9);
    });

    it('stable: a node joining or leaving changes about K lists, the same set in any order gives the same answer', () => {
      const before = assignProbers(names(300), { k: 3, maxTargets: 9 });
      const joined = assignProbers([...names(300), 'node-new'], { k: 3, maxTargets: 9 });
      const changed = names(300).filter((n) => JSON.stringify(before.probers.get(n)) !== JSON.stringify(joined.probers.get(n)));
      expect(changed.length).to.be.at.most(10);
      const left = assignProbers(names(300).filter((n) => n !== 'node-7'), { k: 3, maxTargets: 9 });
      const moved = names(300).filter((n) => n !== 'node-7' && JSON.stringify(before.probers.get(n)) !== JSON.stringify(left.probers.get(n)));
      expect(moved.every((n) => before.probers.get(n)!.includes('node-7'))).to.equal(true);
      expect(assignProbers([...names(50)].reverse(), { k: 3, maxTargets: 9 })).to.deep.equal(assignProbers(names(50), { k: 3, maxTargets: 9 }));
    });

    it('K capped at the other nodes; one node alone probes nothing', () => {
      expect([...assignProbers(['a', 'b', 'c'], { k: 5, maxTargets: 15 }).probers.values()].map((p) => p.length)).to.deep.equal([2, 2, 2]);
      expect(assignProbers(['a'], { k: 3, maxTargets: 9 }).targets.get('a')).to.deep.equal([]);
    });
  });

  describe('the plans', () => {
    const input = (n: number, k = 3) => ({ nodes: Array.from({ length: n }, (_, i) => leased(i + 1)), withAgent: new Set(Array.from({ length: n }, (_, i) => `n${i + 1}`)), k, port: 9480 });

    it('only nodes with an agent and a lease take part; in a small cluster each plan carries every other node for the checks', () => {
      const i = input(5);
      i.withAgent.delete('n5');
      const plans = computePlans({ ...i, nodes: [...i.nodes, node('no-lease')], withAgent: new Set([...i.withAgent, 'no-lease']) });
      expect([...plans.byNode.keys()]).to.deep.equal(['n1', 'n2', 'n3', 'n4']);
      const p = plans.byNode.get('n1')!;
      expect(p.coverage).to.equal('all');
      expect(p.peers.map((x) => x.name)).to.deep.equal(['n2', 'n3', 'n4', 'n5', 'no-lease']);
      expect(p.targets).to.deep.equal(['n2', 'n3', 'n4']);
      expect(parsePlan(JSON.parse(JSON.stringify(p)), 'n1').ok).to.equal(true);
    });

    it('past 100 nodes, a plan carries its targets and probers only; the version changes only with its content', () => {
      const plans = computePlans(input(150));
      const p = plans.byNode.get('n1')!;
      expect(p.coverage).to.equal('probes');
      expect(p.peers.length).to.be.at.most(p.targets.length + 3);
      const again = computePlans(input(150));
      expect(again.byNode.get('n1')!.version).to.equal(p.version);
    });

    it('PlanCache computes again only when what plans depend on changes', () => {
      const cache = new PlanCache();
      const first = cache.get(input(6));
      expect(cache.get(input(6))).to.equal(first);
      expect(cache.get(input(6, 2))).to.not.equal(first);
    });
  });

  describe('delivering the plans', () => {
    const plans = computePlans({ nodes: [1, 2, 3].map(leased), withAgent: new Set(['n1', 'n2', 'n3']), k: 2, port: 9480 }).byNode;
    const withPeers = (n: string, version: string | undefined) => {
      const r = agentReport(n);
      r.summary!.peers = { plan: version === undefined ? null : { version, coverage: 'all', targets: 2, peers: 2, receivedAtMs: 0 }, results: [] };
      return r;
    };

    it('only to agents speaking plans (their summary has peers) and holding another version', () => {
      const reports = [withPeers('n1', undefined), withPeers('n2', plans.get('n2')!.version), agentReport('n3')];
      expect(plansToSend(reports, plans).map((x) => x.report.node)).to.deep.equal(['n1']);
    });

    it("a PUT the agent takes, a refusal and an agent that hangs each end in an outcome; the agent's summary then reports the version", async () => {
      let taken: HeldPlan | undefined;
      const agent = await agentOn('n1', (plan) => (taken = { plan, receivedAtMs: 5 }));
      const silent = await startTcpServer(() => undefined);
      try {
        const at = (n: string, url: string) => ({ ...withPeers(n, undefined), url });
        const sent = await sendPlans(
          [at('n1', `${agent.url}/summary`), at('n2', `${agent.url}/summary`), at('n3', `http://127.0.0.1:${silent.port}/summary`)],
          plans,
          { timeoutMs: 300, concurrency: 4 },
        );
        expect(sent.map((x) => `${x.node} ${x.error ?? 'delivered'}`)).to.deep.equal(['n1 delivered', 'n2 http_400', 'n3 timeout']);
        const round: AgentRound = { number: 1, startedAtMs: 1, finishedAtMs: 2, durationSeconds: 0.01, kube: { synced: true, watchUp: {} }, checks: [], scrapes: [], peers: { plan: taken, results: [] } };
        const parsed = parseSummary(JSON.parse(JSON.stringify(buildSummary(round, 'n1', '0.1.0'))));
        expect(parsed.ok && parsed.summary.peers?.plan?.version).to.equal(plans.get('n1')!.version);
      } finally {
        await agent.close();
        await silent.close();
      }
    });
  });
});

