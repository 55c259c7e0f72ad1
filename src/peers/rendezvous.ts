// Who probes whom (pure): rendezvous (highest random weight) hashing, target-centric. For each
// target t its probers are the K other nodes with the highest score(t, p), so every node is probed by
// exactly K others and each probes about K on average. Choosing K targets per *source* instead (as
// kubenurse picks its neighbours: github.com/postfinance/kubenurse, internal/servicecheck/neighbours.go)
// leaves a node probed by nobody with probability about e^-K: some 34 nodes of 5,000 with K = 5.
//
// Stable as nodes come and go: a node's score against a target never changes, so a node joining
// enters only the lists it outscores (about K of them) and a node leaving is replaced only in the
// lists it was in (Thaler & Ravishankar, "Using name-based mappings to increase hit rates", 1998).
//
// Bounded: a node probes at most `maxTargets` others. Pairs are assigned best rank first, so a node
// over the cap (rare: the number of lists a node tops is about Poisson(K)) gives its worst-ranked
// targets to their next-best prober; a target whose candidates are all full gets fewer than K.

/** FNV-1a over UTF-16 code units, with an offset basis per role so the two hashes of a name differ. */
function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer: a bijection that spreads every input bit over the output. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TARGET_BASIS = 0x811c9dc5;
const PROBER_BASIS = 0x2f8e0a13;

/** The score of prober `p` for target `t` from their precomputed hashes: uniform, fixed for the pair. */
const score = (target: number, prober: number): number => fmix32(target ^ prober);

export interface Assignment {
  /** target -> its probers, best score first */
  probers: Map<string, string[]>;
  /** prober -> its targets, sorted by name */
  targets: Map<string, string[]>;
}

export interface AssignOptions {
  /** probers per target (capped at the number of other nodes) */
  k: number;
  /** targets per prober at most; at least k */
  maxTargets: number;
}

interface Candidate {
  target: number;
  prober: number;
  rank: number;
  score: number;
}

/** The K best-scoring probers (and as many spares) of one target, best first; ties go to the lower name. */
function candidatesOf(t: number, names: readonly string[], hashes: { target: Uint32Array; prober: Uint32Array }, count: number): Candidate[] {
  const best: { prober: number; score: number }[] = [];
  const th = hashes.target[t]!;
  for (let p = 0; p < names.length; p++) {
    if (p === t) continue;
    const s = score(th, hashes.prober[p]!);
    if (best.length === count) {
      const worst = best[count - 1]!;
      if (s < worst.score || (s === worst.score && names[p]! > names[worst.prober]!)) continue;
      best.pop();
    }
    let i = best.length;
    while (i > 0 && (best[i - 1]!.score < s || (best[i - 1]!.score === s && names[best[i - 1]!.prober]! > names[p]!))) i--;
    best.splice(i, 0, { prober: p, score: s });
  }
  return best.map((b, rank) => ({ target: t, prober: b.prober, rank, score: b.score }));
}

/** Assigns probers to every node of `names` (distinct). Deterministic: the same set gives the same answer in any order. */
export function assignProbers(names: readonly string[], opts: AssignOptions): Assignment {
  const sorted = [...new Set(names)].sort();
  const probers = new Map<string, string[]>(sorted.map((n) => [n, []]));
  const targets = new Map<string, string[]>(sorted.map((n) => [n, []]));
  const k = Math.min(Math.max(0, Math.floor(opts.k)), sorted.length - 1);
  if (k <= 0) return { probers, targets };
  const maxTargets = Math.max(k, Math.floor(opts.maxTargets));
  const hashes = {
    target: Uint32Array.from(sorted, (n) => fmix32(fnv1a(n, TARGET_BASIS))),
    prober: Uint32Array.from(sorted, (n) => fmix32(fnv1a(n, PROBER_BASIS))),
  };
  // K spares per target: a cap reached by its best candidates still leaves it K.
  const width = Math.min(2 * k, sorted.length - 1);
  const candidates = sorted.flatMap((_, t) => candidatesOf(t, sorted, hashes, width));
  candidates.sort((a, b) => a.rank - b.rank || b.score - a.score || a.target - b.target || a.prober - b.prober);
  const load = new Uint32Array(sorted.length);
  for (const c of candidates) {
    const list = probers.get(sorted[c.target]!)!;
    if (list.length >= k || load[c.prober]! >= maxTargets) continue;
    list.push(sorted[c.prober]!);
    load[c.prober] = load[c.prober]! + 1;
    targets.get(sorted[c.prober]!)!.push(sorted[c.target]!);
  }
  for (const list of targets.values()) list.sort();
  return { probers, targets };
}
