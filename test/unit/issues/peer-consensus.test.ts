// The agents' probes of each other, agreed on per node (issues/cross-node-network/consensus.ts):
// table-driven over small worlds where each fault is a rule for what a probe between two nodes
// sees, probed by the plan's rendezvous assignment (peers/rendezvous.ts), read from the agents the
// exporter can reach.
import { expect } from 'chai';
import type { PathVerdict } from '../../../src/agent/peers/outcomes.js';
import { observationsOf, peerConsensus, type PeerObservation } from '../../../src/issues/cross-node-network/consensus.js';
import { assignProbers } from '../../../src/peers/rendezvous.js';
import { agentReport } from '../../support/builders.js';

type Paths = { pod: PathVerdict; host: PathVerdict; padded: PathVerdict };
const OK: Paths = { pod: 'ok', host: 'ok', padded: 'ok' };
const CUT: Paths = { pod: 'fail', host: 'fail', padded: 'unknown' };

const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

interface World {
  nodes: string[];
  /** probers per node */
  k: number;
  /** what a probe from `s` to `t` sees */
  link: (s: string, t: string) => Paths;
  /** the agents whose summaries the exporter read (default every node) */
  readable?: (node: string) => boolean;
}

function observe(w: World): PeerObservation[] {
  const { targets } = assignProbers(w.nodes, { k: w.k, maxTargets: 3 * w.k });
  return w.nodes
    .filter((s) => (w.readable ?? (() => true))(s))
    .flatMap((s) => (targets.get(s) ?? []).map((t) => ({ source: s, target: t, ...w.link(s, t) })));
}

const verdicts = (w: World): Record<string, string> => Object.fromEntries([...peerConsensus(w.nodes, observe(w))].map(([n, c]) => [n, c.verdict]));
const all = (names: string[], verdict: string) => Object.fromEntries(names.map((n) => [n, verdict]));
const touching = (node: string, paths: Paths) => (s: string, t: string): Paths => (s === node || t === node ? paths : OK);
const groups = (a: string[]) => (s: string, t: string): Paths => (a.includes(s) === a.includes(t) ? OK : CUT);

describe('peer consensus: what the probers agree on, node by node', () => {
  const rows: { name: string; world: World; want: Record<string, string> }[] = [
    { name: 'healthy: every node healthy', world: { nodes: nodes(6), k: 3, link: () => OK }, want: all(nodes(6), 'healthy') },
    {
      name: "n3's overlay down (VXLAN dropped both ways, node IP answers): n3 alone, its own failed probes blame none of its targets",
      world: { nodes: nodes(6), k: 3, link: touching('n3', { pod: 'fail', host: 'ok', padded: 'unknown' }) },
      want: { ...all(nodes(6), 'healthy'), n3: 'overlay_down' },
    },
    {
      name: "n1's overlay down, n1 being where the exporter runs: the same verdict as for any node",
      world: { nodes: nodes(6), k: 3, link: touching('n1', { pod: 'fail', host: 'ok', padded: 'unknown' }) },
      want: { ...all(nodes(6), 'healthy'), n1: 'overlay_down' },
    },
    {
      name: "n3's underlay down, its agent unreadable: n3 underlay down, the rest healthy",
      world: { nodes: nodes(6), k: 3, link: touching('n3', CUT), readable: (n) => n !== 'n3' },
      want: { ...all(nodes(6), 'healthy'), n3: 'underlay_down' },
    },
    {
      name: "n3's underlay down, its agent's failed probes read too: still n3 alone",
      world: { nodes: nodes(6), k: 3, link: touching('n3', CUT) },
      want: { ...all(nodes(6), 'healthy'), n3: 'underlay_down' },
    },
    {
      name: 'MTU blackhole at n3 (small probes pass, padded ones fail both ways): n3 alone',
      world: { nodes: nodes(6), k: 3, link: touching('n3', { pod: 'ok', host: 'ok', padded: 'fail' }) },
      want: { ...all(nodes(6), 'healthy'), n3: 'mtu_blackhole' },
    },
    {
      name: 'three nodes (K capped at 2), n2 overlay down: n2 alone',
      world: { nodes: nodes(3), k: 3, link: touching('n2', { pod: 'fail', host: 'ok', padded: 'unknown' }) },
      want: { n1: 'healthy', n2: 'overlay_down', n3: 'healthy' },
    },
    {
      name: 'partition {n1,n2} | {n3..n6}, read from both sides: the smaller group, as a partition',
      world: { nodes: nodes(6), k: 3, link: groups(['n1', 'n2']) },
      want: { ...all(nodes(6), 'healthy'), n1: 'partitioned', n2: 'partitioned' },
    },
    {
      name: 'the same partition read from the smaller side only (the exporter there): the same answer',
      world: { nodes: nodes(6), k: 3, link: groups(['n1', 'n2']), readable: (n) => ['n1', 'n2'].includes(n) },
      // the larger side is known only as cut off from it: no verdict of its own
      want: { n1: 'partitioned', n2: 'partitioned', ...all(['n3', 'n4', 'n5', 'n6'], 'unknown') },
    },
    {
      name: 'the same partition read from the larger side only: the same nodes',
      world: { nodes: nodes(6), k: 3, link: groups(['n1', 'n2']), readable: (n) => !['n1', 'n2'].includes(n) },
      want: { ...all(nodes(6), 'healthy'), n1: 'partitioned', n2: 'partitioned' },
    },
    {
      name: 'a minority of probers failing (one flaky prober): healthy',
      world: { nodes: nodes(6), k: 3, link: (s, t) => (s === 'n5' && t !== 'n5' ? { ...OK, pod: 'fail' } : OK) },
      want: all(nodes(6), 'healthy'),
    },
    {
      name: 'no probe got through anywhere: no group to judge against, every node unknown',
      world: { nodes: nodes(4), k: 3, link: () => CUT },
      want: all(nodes(4), 'unknown'),
    },
    {
      name: 'probes that tell nothing (not run, stalled small probes): unknown, never a verdict',
      world: { nodes: nodes(4), k: 3, link: () => ({ pod: 'unknown', host: 'unknown', padded: 'unknown' }) },
      want: all(nodes(4), 'unknown'),
    },
  ];
  for (const row of rows) it(row.name, () => expect(verdicts(row.world)).to.deep.equal(row.want));

  it('too few probers: one prober failing to reach a node is no verdict; two are', () => {
    const obs = (...failing: string[]): PeerObservation[] => [
      ...failing.map((s) => ({ source: s, target: 't', pod: 'fail' as const, host: 'ok' as const, padded: 'unknown' as const })),
      { source: 'a', target: 'b', ...OK },
      { source: 'b', target: 'a', ...OK },
      { source: 'b', target: 'c', ...OK },
      { source: 'c', target: 'a', ...OK },
    ];
    expect(peerConsensus(['a', 'b', 'c', 't'], obs('a')).get('t')).to.deep.equal({ verdict: 'unknown', probers: 1, failing: 1 });
    expect(peerConsensus(['a', 'b', 'c', 't'], obs('a', 'b')).get('t')).to.deep.equal({ verdict: 'overlay_down', probers: 2, failing: 2 });
  });

  it('a tie between probers is no verdict', () => {
    const o: PeerObservation[] = [
      { source: 'a', target: 't', ...OK },
      { source: 'b', target: 't', pod: 'fail', host: 'ok', padded: 'unknown' },
      { source: 'a', target: 'b', ...OK },
      { source: 't', target: 'a', ...OK },
    ];
    expect(peerConsensus(['a', 'b', 't'], o).get('t')?.verdict).to.equal('unknown');
  });

  it('flapping: a link failing every other round gives each round its own verdict, and a flapping minority none', () => {
    const world = (round: number): World => ({ nodes: nodes(6), k: 3, link: round % 2 ? touching('n4', { pod: 'fail', host: 'ok', padded: 'unknown' }) : () => OK });
    expect([0, 1, 2, 3].map((r) => verdicts(world(r)).n4)).to.deep.equal(['healthy', 'overlay_down', 'healthy', 'overlay_down']);
    const flakyProber = (round: number): World => ({ nodes: nodes(6), k: 3, link: (s) => (s === 'n2' && round % 2 ? { ...OK, pod: 'fail' } : OK) });
    expect([0, 1, 2, 3].map((r) => Object.values(verdicts(flakyProber(r))).every((v) => v === 'healthy'))).to.deep.equal([true, true, true, true]);
  });

  it('nodes joining and leaving: a node not yet probed is absent (unknown), probes of a node gone are ignored', () => {
    const before = nodes(5);
    const obs = observe({ nodes: before, k: 3, link: () => OK });
    // n6 joined: nothing reported on it yet
    expect([...peerConsensus([...before, 'n6'], obs).keys()].sort()).to.deep.equal(before);
    // n5 left: the probes of and by it no longer count
    const c = peerConsensus(nodes(4), obs);
    expect([...c.keys()].sort()).to.deep.equal(nodes(4));
    expect([...c.values()].every((v) => v.verdict === 'healthy')).to.equal(true);
  });

  it("reads the agents' summaries: outcomes as path verdicts, a padded probe not run tells nothing", () => {
    const report = agentReport('a');
    report.summary!.peers = {
      plan: null,
      results: [
        { node: 'b', podIp: '10.244.1.0', hostIp: '10.0.0.2', pod: 'ok', host: 'refused', padded: 'stalled', podSeconds: 0.01, hostSeconds: 0.01 },
        { node: 'c', podIp: '10.244.2.0', hostIp: '10.0.0.3', pod: 'connect_timeout', host: 'ok', padded: 'not_run', podSeconds: 1, hostSeconds: 0.01 },
      ],
    };
    expect(observationsOf([report])).to.deep.equal([
      { source: 'a', target: 'b', pod: 'ok', host: 'ok', padded: 'fail' },
      { source: 'a', target: 'c', pod: 'fail', host: 'ok', padded: 'unknown' },
    ]);
  });
});
