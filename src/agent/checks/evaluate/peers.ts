// Per peer lease, the three entries Flannel programs on the VXLAN device (flannel
// pkg/backend/vxlan/vxlan_network.go handleSubnetEvents): a permanent neighbour entry
// <peer subnet address> -> VtepMAC, a permanent FDB entry VtepMAC -> <peer public IP>, and the
// route <peer podCIDR> via <peer subnet address> onlink. Missing any one, traffic to that peer's
// pods is dropped on this node. (With DirectRouting, off by default, Flannel routes same-subnet
// peers via their public IP instead; those routes are not on the VXLAN device.)
import type { ExpectedFlannel, FlannelLease } from '../expected.js';
import { canonicalIp, cidrString, parseCidr, sameIp } from '../ip.js';
import { fdbSchema, neighSchema, parseList, routeSchema, type FdbEntry, type NeighEntry, type RouteEntry } from '../parse/ip-json.js';
import { capList, ok, problem, unknown, unknownFrom } from '../result.js';
import type { CheckName, CheckResult, Collected, IpFamily, ProblemReason } from '../types.js';
import type { z } from 'zod';

type Verdict = 'ok' | 'missing' | 'stale';

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

/**
 * A device's entries indexed once by what each peer is looked up by, so judging every peer of a
 * 5,000-node cluster is one pass over the table, not one per peer. Keys are canonical texts.
 */
export type PeerJudge = (peer: FlannelLease) => Verdict;

export function indexFdb(entries: readonly FdbEntry[], family: IpFamily): PeerJudge {
  const dstsByMac = new Map<string, Set<string>>();
  for (const e of entries) {
    const mac = lower(e.mac);
    const set = dstsByMac.get(mac) ?? new Set<string>();
    const dst = e.dst === undefined ? undefined : canonicalIp(e.dst, family);
    if (dst !== undefined) set.add(dst);
    dstsByMac.set(mac, set);
  }
  return (peer) => {
    const dsts = dstsByMac.get(peer.vtepMac);
    if (dsts?.has(peer.publicIp)) return 'ok';
    return dsts ? 'stale' : 'missing';
  };
}

export function indexNeigh(entries: readonly NeighEntry[], family: IpFamily): PeerJudge {
  const byDst = new Map<string, NeighEntry>();
  for (const e of entries) {
    const dst = canonicalIp(e.dst, family);
    if (dst !== undefined && !byDst.has(dst)) byDst.set(dst, e);
  }
  return (peer) => {
    const entry = byDst.get(peer.subnetIp);
    if (!entry) return 'missing';
    return lower(entry.lladdr) === peer.vtepMac && entry.state.includes('PERMANENT') ? 'ok' : 'stale';
  };
}

export function indexRoutes(entries: readonly RouteEntry[], family: IpFamily): PeerJudge {
  const byDst = new Map<string, RouteEntry>();
  for (const e of entries) {
    const dst = parseCidr(e.dst, family);
    if (dst !== undefined && !byDst.has(cidrString(dst))) byDst.set(cidrString(dst), e);
  }
  return (peer) => {
    const entry = byDst.get(peer.podCidr);
    if (!entry) return 'missing';
    return sameIp(entry.gateway, peer.subnetIp, peer.family) && entry.flags.includes('onlink') ? 'ok' : 'stale';
  };
}

interface PeerCheck<T> {
  check: CheckName;
  schema: z.ZodType<T>;
  index: (entries: readonly T[], family: IpFamily) => PeerJudge;
  missing: ProblemReason;
  stale: ProblemReason;
}

function evaluatePeerEntries<T>(spec: PeerCheck<T>, raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult {
  if (!raw) return unknown(spec.check, 'vxlan_device_unavailable');
  if (!raw.ok) return unknownFrom(spec.check, raw);
  const entries = parseList(spec.schema, raw.value);
  if (!entries) return unknown(spec.check, 'unparseable_output', { detail: 'unexpected JSON shape' });
  const judge = spec.index(entries, expected.family);
  const verdicts = expected.peers.map((p) => ({ node: p.node, verdict: judge(p) }));
  const named = (v: Verdict) => verdicts.filter((x) => x.verdict === v).map((x) => x.node);
  const missing = named('missing');
  const stale = named('stale');
  const evidence = {
    device: expected.device,
    peers_expected: expected.peers.length,
    peers_ok: verdicts.length - missing.length - stale.length,
    missing: capList(missing),
    stale: capList(stale),
    peers_without_lease: expected.skipped.length,
  };
  if (missing.length > 0) return problem(spec.check, spec.missing, evidence);
  if (stale.length > 0) return problem(spec.check, spec.stale, evidence);
  return ok(spec.check, evidence);
}

export const evaluateFdb = (raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult =>
  evaluatePeerEntries({ check: 'flannel_fdb', schema: fdbSchema, index: indexFdb, missing: 'fdb_entry_missing', stale: 'fdb_entry_stale' }, raw, expected);

export const evaluateNeighbours = (raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult =>
  evaluatePeerEntries({ check: 'flannel_neighbours', schema: neighSchema, index: indexNeigh, missing: 'neigh_entry_missing', stale: 'neigh_entry_stale' }, raw, expected);

export const evaluateRoutes = (raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult =>
  evaluatePeerEntries({ check: 'flannel_routes', schema: routeSchema, index: indexRoutes, missing: 'route_missing', stale: 'route_mismatch' }, raw, expected);
