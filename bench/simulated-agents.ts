// Node agents simulated in the bench's process, one per node, doing against the API and the exporter
// what a real agent does (src/agent/index.ts) without its node checks:
//  - its two informers, own Node and own pods by field selector, with the agent's own code
//    (agent/kube/watch.ts) and its own connection pool to the API server, as each pod has;
//  - after a random wait up to the start jitter (the agent's --start-jitter), as a rollout starts them;
//  - its summary on the node's address :9480 (host network), 503 until its watches have listed, a
//    new round every refresh interval: every check ok, the node's ztunnel and istio-cni samples as
//    a local scrape keeps them, and the peer section filled for its plan's targets (every probe ok,
//    sub-millisecond on loopback), so whatever the exporter does with them is measured;
//  - `PUT /plan` accepted as the agent accepts it (agent/plan.ts parsePlan); until the exporter
//    sends one, the plan the exporter would compute (peers/plan.ts) stands in.
import http from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { buildSummary } from '../src/agent/build-summary.js';
import type { CheckResult, NodeObject } from '../src/agent/checks/index.js';
import type { AgentWatch } from '../src/agent/kube/watch.js';
import { startAgentWatch } from '../src/agent/kube/watch.js';
import { probeTargets } from '../src/agent/peers/targets.js';
import { parsePlan, PLAN_LIMITS, PLAN_PATH, type PeerPlan } from '../src/agent/plan.js';
import type { AgentRound, HeldPlan } from '../src/agent/round.js';
import { SUMMARY_PATH, type AgentSummaryInput, type NOT_PROBED_REASONS, type PeerResult } from '../src/agent/summary.js';
import type { ScrapeResult } from '../src/model.js';

export interface SimulatedNode {
  name: string;
  ip: string;
  /** its own Node as the agent's checks read it (its lease: what its probes leave from) */
  self: NodeObject;
  /** what a local scrape of its ztunnel and istio-cni kept */
  scrapes: ScrapeResult[];
  /** the plan the exporter would send it */
  plan: PeerPlan | undefined;
}

export interface SimulatedAgentsOptions {
  kubeConfig: KubeConfig;
  istioNamespace: string;
  refreshIntervalMs: number;
  port: number;
}

const REQUIRES = { requires: { hostNetwork: true, hostPaths: [], capabilities: [], commands: [], kubeApi: [] }, dependsOn: [] };
const NETWORK_CHECKS = ['flannel_vxlan_device', 'underlay_link', 'flannel_vxlan_mtu', 'flannel_vxlan_port', 'flannel_fdb', 'flannel_neighbours', 'flannel_routes'] as const;

/** What the checks of a healthy node say: every one ok. */
export function healthyChecks(peersExpected: number): CheckResult[] {
  return [
    ...NETWORK_CHECKS.map((check) => ({ check, family: 'ipv4' as const, status: 'ok' as const, reason: 'ok' as const, evidence: { device: 'flannel.1', peers_expected: peersExpected }, ...REQUIRES })),
    { check: 'istio_cni_config', status: 'ok', reason: 'ok', evidence: { active_file: '10-flannel.conflist' }, ...REQUIRES },
    { check: 'istio_cni_taint', status: 'ok', reason: 'ok', evidence: {}, ...REQUIRES },
  ];
}

/** Every target of the plan reached on every path, as on a healthy cluster. */
function healthyPeerResults(node: SimulatedNode, held: HeldPlan | undefined): { notProbed?: (typeof NOT_PROBED_REASONS)[number]; results: PeerResult[] } {
  const targets = probeTargets(node.self, held?.plan);
  if (typeof targets === 'string') return { notProbed: targets, results: [] };
  return {
    results: targets.map((t) => {
      const seconds = 0.0004 + Math.random() * 0.0008;
      return { node: t.node, podIp: t.podIp, hostIp: t.hostIp, pod: 'ok', host: 'ok', padded: 'ok', podSeconds: seconds, hostSeconds: seconds * 0.8 };
    }),
  };
}

class SimulatedAgent {
  private watch: AgentWatch | undefined;
  private starting: NodeJS.Timeout | undefined;
  private held: HeldPlan | undefined;
  private rounds = 0;
  private last: { atMs: number; body: string } | undefined;
  private server: http.Server | undefined;

  constructor(
    readonly node: SimulatedNode,
    private readonly o: SimulatedAgentsOptions,
  ) {
    if (node.plan) this.held = { plan: node.plan, receivedAtMs: Date.now() };
  }

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.node.ip, () => resolve());
    });
    this.server = server;
  }

  /** Start its informers after a random wait up to `jitterMs`; resolves once they started. */
  start(jitterMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.starting = setTimeout(() => {
        this.starting = undefined;
        this.watch = startAgentWatch(this.o.kubeConfig, { nodeName: this.node.name, istioNamespace: this.o.istioNamespace });
        resolve();
      }, Math.random() * jitterMs);
    });
  }

  synced(): boolean {
    return this.watch?.snapshot().synced ?? false;
  }

  /** The process ends: its informers stop, its summary goes with it. */
  async stop(): Promise<void> {
    if (this.starting) clearTimeout(this.starting);
    this.starting = undefined;
    const w = this.watch;
    this.watch = undefined;
    this.last = undefined;
    this.rounds = 0;
    await w?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    const s = this.server;
    if (s) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
  }

  private summaryBody(): string | undefined {
    const kube = this.watch?.snapshot();
    if (!kube?.synced) return undefined;
    const now = Date.now();
    if (this.last && now - this.last.atMs < this.o.refreshIntervalMs) return this.last.body;
    const peers = healthyPeerResults(this.node, this.held);
    const round: AgentRound = {
      number: ++this.rounds,
      startedAtMs: now - 120,
      finishedAtMs: now,
      durationSeconds: 0.12,
      kube: { synced: kube.synced, watchUp: kube.watchUp },
      checks: healthyChecks(this.held?.plan.peers.length ?? 0),
      scrapes: this.node.scrapes,
      peers: { plan: this.held, ...peers },
    };
    const plan = this.held
      ? { version: this.held.plan.version, coverage: this.held.plan.coverage, targets: this.held.plan.targets.length, peers: this.held.plan.peers.length, receivedAtMs: this.held.receivedAtMs }
      : null;
    const summary: AgentSummaryInput = { ...buildSummary(round, this.node.name, '0.1.0'), peers: { plan, ...(peers.notProbed ? { notProbed: peers.notProbed } : {}), results: peers.results } };
    this.last = { atMs: now, body: JSON.stringify(summary) };
    return this.last.body;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === SUMMARY_PATH) {
      const body = this.summaryBody();
      if (body === undefined) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('no round finished yet\n');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
    if (req.method === 'PUT' && path === PLAN_PATH) {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > PLAN_LIMITS.bytes) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return void res.writeHead(400).end('not JSON\n');
        }
        const parsed = parsePlan(json, this.node.name);
        if (!parsed.ok) return void res.writeHead(400).end(`${parsed.why}\n`);
        this.held = { plan: parsed.plan, receivedAtMs: Date.now() };
        this.last = undefined;
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(404).end();
  }
}

export class SimulatedAgents {
  private readonly agents: SimulatedAgent[];

  constructor(nodes: readonly SimulatedNode[], o: SimulatedAgentsOptions) {
    this.agents = nodes.map((n) => new SimulatedAgent(n, o));
  }

  /** One listener per node address, as the DaemonSet's host-network pods have. */
  async listen(): Promise<void> {
    for (let i = 0; i < this.agents.length; i += 500) await Promise.all(this.agents.slice(i, i + 500).map((a) => a.listen()));
  }

  /** Every agent starts (a rollout's new pods), each after its own random wait up to `jitterMs`. */
  start(jitterMs: number): Promise<void> {
    return Promise.all(this.agents.map((a) => a.start(jitterMs))).then(() => undefined);
  }

  synced(): number {
    return this.agents.filter((a) => a.synced()).length;
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
  }

  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.close()));
  }
}
