// Per peer lease, the three entries Flannel programs on the VXLAN device (flannel
// pkg/backend/vxlan/vxlan_network.go handleSubnetEvents): a permanent neighbour entry
// <peer subnet address> -> VtepMAC, a permanent FDB entry VtepMAC -> <peer public IP>, and the
// route <peer podCIDR> via <peer subnet address> onlink. Missing any one, traffic to that peer's
// pods is dropped on this node. (With DirectRouting, off by default, Flannel routes same-subnet
// peers via their public IP instead; those routes are not on the VXLAN device.)
import type { ExpectedFlannel, FlannelLease } from '../expected.js';
import { cidrString, parseCidr, sameIp } from '../ip.js';
import { fdbSchema, neighSchema, parseList, routeSchema, type FdbEntry, type NeighEntry, type RouteEntry } from '../parse/ip-json.js';
import { capList, ok, problem, unknown, unknownFrom } from '../result.js';
import type { CheckName, CheckResult, Collected, ProblemReason } from '../types.js';
import type { z } from 'zod';

type Verdict = 'ok' | 'missing' | 'stale';

const lower = (s: string | undefined): string => (s ?? '').toLowerCase();

export function judgeFdb(entries: readonly FdbEntry[], peer: FlannelLease): Verdict {
  const forMac = entries.filter((e) => lower(e.mac) === peer.vtepMac);
  if (forMac.some((e) => sameIp(e.dst, peer.publicIp, peer.family))) return 'ok';
  return forMac.length > 0 ? 'stale' : 'missing';
}

export function judgeNeigh(entries: readonly NeighEntry[], peer: FlannelLease): Verdict {
  const entry = entries.find((e) => sameIp(e.dst, peer.subnetIp, peer.family));
  if (!entry) return 'missing';
  return lower(entry.lladdr) === peer.vtepMac && entry.state.includes('PERMANENT') ? 'ok' : 'stale';
}

export function judgeRoute(entries: readonly RouteEntry[], peer: FlannelLease): Verdict {
  const entry = entries.find((e) => {
    const dst = parseCidr(e.dst, peer.family);
    return dst !== undefined && cidrString(dst) === peer.podCidr;
  });
  if (!entry) return 'missing';
  return sameIp(entry.gateway, peer.subnetIp, peer.family) && entry.flags.includes('onlink') ? 'ok' : 'stale';
}

interface PeerCheck<T> {
  check: CheckName;
  schema: z.ZodType<T>;
  judge: (entries: readonly T[], peer: FlannelLease) => Verdict;
  missing: ProblemReason;
  stale: ProblemReason;
}

function evaluatePeerEntries<T>(spec: PeerCheck<T>, raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult {
  if (!raw) return unknown(spec.check, 'vxlan_device_unavailable');
  if (!raw.ok) return unknownFrom(spec.check, raw);
  const entries = parseList(spec.schema, raw.value);
  if (!entries) return unknown(spec.check, 'unparseable_output', { detail: 'unexpected JSON shape' });
  const verdicts = expected.peers.map((p) => ({ node: p.node, verdict: spec.judge(entries, p) }));
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
  evaluatePeerEntries({ check: 'flannel_fdb', schema: fdbSchema, judge: judgeFdb, missing: 'fdb_entry_missing', stale: 'fdb_entry_stale' }, raw, expected);

export const evaluateNeighbours = (raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult =>
  evaluatePeerEntries({ check: 'flannel_neighbours', schema: neighSchema, judge: judgeNeigh, missing: 'neigh_entry_missing', stale: 'neigh_entry_stale' }, raw, expected);

export const evaluateRoutes = (raw: Collected<unknown> | undefined, expected: ExpectedFlannel): CheckResult =>
  evaluatePeerEntries({ check: 'flannel_routes', schema: routeSchema, judge: judgeRoute, missing: 'route_missing', stale: 'route_mismatch' }, raw, expected);
