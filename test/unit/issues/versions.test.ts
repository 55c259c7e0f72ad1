// The judgements of what a real cluster shows, fed with bodies of ztunnel and istio-cni 1.24, 1.28
// and 1.30 written from the upstream sources (test/fixtures/versions/README.md), parsed by the
// exporter's own parser: never the lab's generator, so the two cannot drift together.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { deriveSignals } from '../../../src/issues/derive.js';
import type { SignalInput } from '../../../src/issues/types.js';
import type { Component, ScrapeResult } from '../../../src/model.js';
import { parsePendingTasks } from '../../../src/probes/ztunnel-readiness.js';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import { parseExposition } from '../../../src/scrape/parser.js';
import { pod, readiness, scrape, target, withHealthy } from '../../support/builders.js';
import { ROOT } from '../../support/rule-files.js';

const DIR = join(ROOT, 'test/fixtures/versions');
const VERSIONS = ['1.24', '1.28', '1.30'];

const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');

async function* chunks(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

/** A successful scrape of `component` on `node` whose body is the fixture `file`. */
async function scraped(component: Component, node: string, file: string): Promise<ScrapeResult> {
  const { samples } = await parseExposition(chunks(read(file)), keptSamplesOf(component));
  const t = target(component, node, component === 'istio-cni' ? `istio-cni-node-${node}` : `${component}-${node}`);
  return scrape(t, samples);
}

/** The readiness probe result of a body, as the probe parses it. */
function probed(node: string, file: string): ReturnType<typeof readiness> {
  const body = read(file);
  return readiness(node, parsePendingTasks(body), { ready: body.trim() === 'ready' });
}

/** The healthy three-node cluster with every ztunnel and istio-cni body from `v`, then `edit` applied. */
async function cluster(v: string, edit: (i: SignalInput) => Promise<void> | void = () => undefined): Promise<SignalInput> {
  const input = withHealthy(() => undefined);
  const nodes = ['node-a', 'node-b', 'node-c'];
  input.scrapes = [
    ...(await Promise.all(nodes.map((n) => scraped('ztunnel', n, `${v}/ztunnel-healthy.txt`)))),
    ...input.scrapes.filter((s) => s.target.component === 'istiod'),
    ...(await Promise.all(nodes.map((n) => scraped('istio-cni', n, `${v}/istio-cni-connected.txt`)))),
  ];
  input.probes.ztunnelReadiness = nodes.map((n) => probed(n, 'readiness-ready.txt'));
  // a healthy node's ztunnel holds its enabled pods (the fixture's 4 active workloads)
  for (const n of nodes) {
    for (let k = 1; k <= 3; k++) {
      input.state.workloadPods.push(pod({ name: `app-${n}-${k}`, namespace: 'bookinfo', node: n, annotations: { 'ambient.istio.io/redirection': 'enabled' } }));
    }
  }
  await edit(input);
  return input;
}

async function replaceScrape(i: SignalInput, component: Component, node: string, file: string): Promise<void> {
  const fresh = await scraped(component, node, file);
  i.scrapes = i.scrapes.map((s) => (s.target.component === component && s.target.node === node ? fresh : s));
}

const rootCauses = (i: SignalInput): string[] => {
  const out = deriveSignals(i);
  return [...out.nodeIssues.map((f) => `${f.node} ${f.issue} ${f.cause}`), ...out.namespaceIssues.map((f) => `${f.namespace} ${f.cause}`)];
};

const stuckPod = (node: string, name: string) =>
  pod({ name, namespace: 'bookinfo', node, phase: 'Pending', started: false, ready: false, waitingReason: 'ContainerCreating', ip: '' });

function refusals(v: string): [string, string][] {
  return read(`${v}/istio-cni-refusals.tsv`)
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]);
}

for (const v of VERSIONS) {
  describe(`issues against Istio ${v} bodies`, () => {
    it('healthy: no finding', async () => {
      expect(rootCauses(await cluster(v))).to.deep.equal([]);
    });

    it('a ztunnel that lost istiod after syncing stays Ready: its failing stream is the finding', async () => {
      const first = await cluster(v, (i) => {
        i.nowMs = 1_000_000;
      });
      const second = await cluster(v, async (i) => {
        i.nowMs = 1_015_000;
        i.previous = deriveSignals(first).issues;
        await replaceScrape(i, 'ztunnel', 'node-b', `${v}/ztunnel-lost-istiod.txt`);
      });
      expect(rootCauses(second)).to.deep.equal(['node-b ztunnel_istiod_connectivity xds_connection_errors']);
    });

    it("istiod's port unreachable: the exporter's failed dials are a cluster-wide cause once a running ztunnel's failing stream agrees", async () => {
      const dialsFail = (i: SignalInput): void => {
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false }));
      };
      // first round: only the exporter's dials fail, no ztunnel's history yet: not an outage on its word alone
      const first = await cluster(v, (i) => {
        i.nowMs = 1_000_000;
        dialsFail(i);
      });
      expect(rootCauses(first)).to.deep.equal([]);
      const second = await cluster(v, async (i) => {
        i.nowMs = 1_015_000;
        i.previous = deriveSignals(first).issues;
        dialsFail(i);
        await replaceScrape(i, 'ztunnel', 'node-b', `${v}/ztunnel-lost-istiod.txt`);
      });
      expect(rootCauses(second)).to.deep.equal([
        'node-a ztunnel_istiod_connectivity xds_dial_failed',
        'node-b ztunnel_istiod_connectivity xds_dial_failed',
        'node-c ztunnel_istiod_connectivity xds_dial_failed',
      ]);
    });

    it('a ztunnel restarted while istiod has no endpoint never syncs: istiod is its root cause, its refused pods included', async () => {
      const i = await cluster(v, async (x) => {
        x.state.istiodEndpoints = x.state.istiodEndpoints.map((e) => ({ ...e, ready: false }));
        await replaceScrape(x, 'ztunnel', 'node-c', `${v}/ztunnel-never-synced.txt`);
        await replaceScrape(x, 'istio-cni', 'node-c', `${v}/istio-cni-restarted.txt`);
        x.probes.ztunnelReadiness[2] = probed('node-c', 'readiness-never-synced.txt');
        x.state.ztunnelPods[2]!.ready = false;
        x.state.workloadPods.push(stuckPod('node-c', 'reviews-new'));
        const [, message] = refusals(v).find(([r]) => r === 'no_ztunnel_connection')!;
        x.state.sandboxEvents.push({ namespace: 'bookinfo', pod: 'reviews-new', podUid: '', reason: 'FailedCreatePodSandBox', message, lastSeen: 1, count: 5 });
      });
      expect(rootCauses(i)).to.deep.equal([
        'node-a ztunnel_istiod_connectivity no_ready_endpoints',
        'node-b ztunnel_istiod_connectivity no_ready_endpoints',
        'node-c ztunnel_istiod_connectivity no_ready_endpoints',
      ]);
      expect(deriveSignals(i).issues.ztunnel_istiod_connectivity.readinessPending.map((p) => p.task)).to.deep.equal(['state manager', 'workload proxy manager']);
    });

    it('istio-cni restarted with no ztunnel connected since (no ztunnel_connected family): not connected', async () => {
      const i = await cluster(v, (x) => replaceScrape(x, 'istio-cni', 'node-b', `${v}/istio-cni-restarted.txt`));
      expect(rootCauses(i)).to.deep.equal(['node-b cni_pod_creation_blocked ztunnel_not_connected']);
    });

    for (const [reason, message] of refusals(v)) {
      it(`istio-cni refusing a pod (${reason}) blocks it, with that reason`, async () => {
        const i = await cluster(v, (x) => {
          x.state.workloadPods.push(stuckPod('node-b', 'ratings-new'));
          x.state.sandboxEvents.push({ namespace: 'bookinfo', pod: 'ratings-new', podUid: '', reason: 'FailedCreatePodSandBox', message, lastSeen: 1, count: 2 });
        });
        const cause = reason === 'no_ztunnel_connection' ? 'sandbox_failures' : 'cni_agent_errors';
        expect(rootCauses(i)).to.deep.equal([`node-b cni_pod_creation_blocked ${cause}`]);
        expect(deriveSignals(i).issues.cni_pod_creation_blocked.podsRefused).to.deep.equal([{ node: 'node-b', namespace: 'bookinfo', reason, count: 1 }]);
      });
    }

    it('a ztunnel holding fewer workloads than its node runs enabled pods, past churn: pods_not_proxied', async () => {
      const first = await cluster(v, async (i) => {
        i.nowMs = 1_000_000;
        await replaceScrape(i, 'ztunnel', 'node-a', `${v}/ztunnel-missing-workloads.txt`);
      });
      expect(rootCauses(first)).to.deep.equal([]);
      const later = await cluster(v, async (i) => {
        i.nowMs = 1_000_000 + 4 * 60_000;
        i.previous = deriveSignals(first).issues;
        await replaceScrape(i, 'ztunnel', 'node-a', `${v}/ztunnel-missing-workloads.txt`);
      });
      expect(rootCauses(later)).to.deep.equal(['node-a namespace_not_enrolled pods_not_proxied']);
    });

    it("the exporter's own node cut off: one finding about it, none about the nodes it cannot see", async () => {
      const i = await cluster(v, (x) => {
        x.scrapes = x.scrapes.map((s) =>
          s.target.node !== 'node-a' && s.target.component === 'ztunnel' ? { ...s, up: false, error: 'timeout' as const, reachable: false, samples: [] } : s,
        );
        x.probes.ztunnelReadiness = x.probes.ztunnelReadiness.map((r) => (r.node === 'node-a' ? r : { ...r, reachable: false, ready: false, pendingTasks: [] }));
      });
      expect(rootCauses(i)).to.deep.equal(['node-a cross_node_network exporter_node_cut_off']);
    });
  });
}
