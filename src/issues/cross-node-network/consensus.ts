// Many vantage points (pure): what the node agents' probes of each other (agent/peers/) say about
// each node. One prober cannot tell "it is cut off" from "I am cut off"; K probers per node can
// (cilium-health probes every node's host and pod-network endpoint, cilium pkg/health/server/
// prober.go; Mirantis netchecker and cnnc read "all checks from all nodes to node X fail" as X's
// fault; kubenurse probes hashed neighbours, internal/servicecheck/neighbours.go). No node is
// special: the exporter's own node is judged by its probers like any other.
//
// Per probe, three paths: `pod` (the peer's VXLAN device address: across the overlay), `host` (its
// public IP: the underlay only), `padded` (the pod network with full-size segments). Then:
// 1. Groups: nodes joined by any probe that got through (pod or host) are one group. Nodes cut from
//    the largest group (a probe across failed on both paths, none got through) are separated from
//    it: one node is cut off (judged below, as underlay down), two or more are a partition, reported
//    on the smaller side (the exporter reads only the agents on its side: the other side is
//    unknown to it, and may be the larger).
// 2. Probers whose every probe on a path failed (two at least) while someone else got through to
//    those targets on that path are the broken end: their failures on that path count for nothing
//    (the exporter's own node cut off, or any other, so blames none of its targets).
// 3. Per node, the probes of the remaining probers: most fail over the pod network while reaching
//    the host network: its overlay is down; the host network fails too: its underlay; the small
//    probes pass and most padded ones fail: an MTU blackhole. A verdict of failure needs two
//    probers at least; fewer, or a tie, is unknown, never a verdict.
import { paddedVerdict, smallVerdict, type PathVerdict, type ProbePath } from '../../agent/peers/outcomes.js';
import type { AgentReport } from '../../model.js';

/** What one prober saw of one target, per path. */
export interface PeerObservation {
  source: string;
  target: string;
  pod: PathVerdict;
  host: PathVerdict;
  padded: PathVerdict;
}

export type PeerVerdict = 'healthy' | 'overlay_down' | 'underlay_down' | 'mtu_blackhole' | 'partitioned' | 'unknown';

export interface NodeConsensus {
  verdict: PeerVerdict;
  /** probers whose pod-network probe of the node counted */
  probers: number;
  /** of them, those whose probe failed */
  failing: number;
}

/** A failure verdict needs at least this many probers agreeing. */
export const MIN_AGREEING_PROBERS = 2;

/** The observations in the agents' summaries read this round (one per prober and target, the last wins). */
export function observationsOf(reports: readonly AgentReport[]): PeerObservation[] {
  const out = new Map<string, PeerObservation>();
  for (const r of reports) {
    for (const p of r.summary?.peers?.results ?? []) {
      if (p.node === r.node) continue;
      out.set(`${r.node}\u0000${p.node}`, { source: r.node, target: p.node, pod: smallVerdict(p.pod), host: smallVerdict(p.host), padded: paddedVerdict(p.padded) });
    }
  }
  return [...out.values()];
}

const through = (o: PeerObservation): boolean => o.pod === 'ok' || o.host === 'ok';
const cut = (o: PeerObservation): boolean => o.pod === 'fail' && o.host === 'fail';

/** Groups of nodes joined by probes that got through (union-find), each node its own group at first. */
function groupsOf(nodes: readonly string[], observations: readonly PeerObservation[]): Map<string, string> {
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (n: string): string => {
    let r = n;
    while (parent.get(r) !== r) r = parent.get(r)!;
    // every node on the way points at the root: later finds are one step
    for (let x = n; x !== r; ) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  for (const o of observations.filter(through)) {
    const [a, b] = [find(o.source), find(o.target)];
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  return new Map(nodes.map((n) => [n, find(n)]));
}

/** The largest group (two nodes at least; a tie goes to the group of the first name), or undefined. */
function mainGroup(groups: ReadonlyMap<string, string>): Set<string> | undefined {
  const members = new Map<string, string[]>();
  for (const [n, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list = members.get(g);
    if (list) list.push(n);
    else members.set(g, [n]);
  }
  let best: string[] | undefined;
  for (const m of members.values()) if (m.length >= 2 && (!best || m.length > best.length)) best = m;
  return best ? new Set(best) : undefined;
}

/** Probers that are the broken end on `path`: every probe (two at least) failed, and some target was reached on it by another. */
function brokenEnds(observations: readonly PeerObservation[], path: ProbePath): Set<string> {
  const bySource = new Map<string, PeerObservation[]>();
  for (const o of observations) {
    if (o[path] === 'unknown') continue;
    const list = bySource.get(o.source);
    if (list) list.push(o);
    else bySource.set(o.source, [o]);
  }
  const reachedBy = new Map<string, Set<string>>();
  for (const o of observations) if (o[path] === 'ok') reachedBy.set(o.target, (reachedBy.get(o.target) ?? new Set()).add(o.source));
  const out = new Set<string>();
  for (const [source, obs] of bySource) {
    if (obs.length < MIN_AGREEING_PROBERS || obs.some((o) => o[path] !== 'fail')) continue;
    if (obs.some((o) => [...(reachedBy.get(o.target) ?? [])].some((s) => s !== source))) out.add(source);
  }
  return out;
}

/** Majority of `known` verdicts: 'fail' with MIN_AGREEING_PROBERS failing at least, 'ok', or 'unknown' (none, a tie, too few). */
function majority(verdicts: readonly PathVerdict[]): { verdict: PathVerdict; known: number; failing: number } {
  const known = verdicts.filter((v) => v !== 'unknown');
  const failing = known.filter((v) => v === 'fail').length;
  const ok = known.length - failing;
  if (known.length === 0 || failing === ok) return { verdict: 'unknown', known: known.length, failing };
  if (failing > ok) return { verdict: failing >= MIN_AGREEING_PROBERS ? 'fail' : 'unknown', known: known.length, failing };
  return { verdict: 'ok', known: known.length, failing };
}

function judge(inbound: readonly PeerObservation[], discounted: Record<ProbePath, ReadonlySet<string>>): NodeConsensus {
  const counted = (path: ProbePath) => inbound.filter((o) => !discounted[path].has(o.source));
  const pod = majority(counted('pod').map((o) => o.pod));
  const result = (verdict: PeerVerdict): NodeConsensus => ({ verdict, probers: pod.known, failing: pod.failing });
  if (pod.verdict === 'unknown') return result('unknown');
  if (pod.verdict === 'fail') {
    // of the probers that failed over the pod network, did the host network get through?
    const host = majority(counted('host').filter((o) => o.pod === 'fail').map((o) => o.host));
    return result(host.verdict === 'fail' ? 'underlay_down' : host.verdict === 'ok' ? 'overlay_down' : 'unknown');
  }
  const padded = majority(counted('padded').map((o) => o.padded));
  return result(padded.verdict === 'fail' ? 'mtu_blackhole' : 'healthy');
}

/**
 * Each node's verdict from the observations. `nodes`: the nodes taking part (the plan's members);
 * observations naming others are ignored. Nodes nobody reported on are left out.
 */
export function peerConsensus(nodes: readonly string[], all: readonly PeerObservation[]): Map<string, NodeConsensus> {
  const members = new Set(nodes);
  const observations = all.filter((o) => members.has(o.source) && members.has(o.target) && o.source !== o.target);
  const observed = [...new Set(observations.flatMap((o) => [o.source, o.target]))].sort();
  const out = new Map<string, NodeConsensus>();
  const main = mainGroup(groupsOf(observed, observations));
  if (!main) {
    // nothing got through anywhere: no group to judge against
    for (const n of observed) out.set(n, { verdict: 'unknown', probers: 0, failing: 0 });
    return out;
  }
  const separated = new Set(observations.filter((o) => cut(o) && main.has(o.source) !== main.has(o.target)).flatMap((o) => [o.source, o.target]).filter((n) => !main.has(n)));
  const partition = separated.size >= 2;
  const partitioned = partition ? (main.size < separated.size ? main : separated) : new Set<string>();
  // across the separation, failures are the separation's, not any one node's
  const across = (o: PeerObservation) => separated.has(o.source) !== separated.has(o.target);
  const within = observations.filter((o) => !across(o));
  const discounted = { pod: brokenEnds(within, 'pod'), host: brokenEnds(within, 'host'), padded: brokenEnds(within, 'padded') };
  const inboundOf = new Map<string, PeerObservation[]>();
  for (const o of observations) {
    const list = inboundOf.get(o.target);
    if (list) list.push(o);
    else inboundOf.set(o.target, [o]);
  }
  for (const node of observed) {
    const inbound = inboundOf.get(node) ?? [];
    if (partitioned.has(node)) {
      const failing = inbound.filter((o) => across(o) && o.pod === 'fail').length;
      out.set(node, { verdict: 'partitioned', probers: inbound.filter((o) => o.pod !== 'unknown').length, failing });
    } else if (separated.has(node) && !partition) {
      // the one node cut off: its own probers' word (it has no group of its own to discount)
      out.set(node, judge(inbound, { pod: new Set(), host: new Set(), padded: new Set() }));
    } else {
      out.set(node, judge(inbound.filter((o) => !across(o)), discounted));
    }
  }
  return out;
}
