// Spreads `count` observations over histogram buckets by fixed fractions, for simulated latencies.

/** Cumulative bucket counts for `bounds`, where fractions[i] of observations are <= bounds[i]. */
export function cumulativeBuckets(bounds: readonly number[], fractions: readonly number[], count: number): [number, number][] {
  return bounds.map((le, i) => [le, Math.floor(count * Math.min(1, fractions[i] ?? 1))]);
}
