// The declaration of one metric family, kept next to what it reports (as kube-state-metrics declares
// its families beside each store): name, type, help, labels, what docs/metrics.md says of it, and
// the rows it has for one round. export/metrics.ts registers every declared family generically, and
// docs/metrics.md is generated from the same declarations, so a family exists in one place only.

export interface Row {
  labels: Record<string, string>;
  value: number;
}

export interface FamilySpec<S> {
  name: string;
  /** counters carry `_total`; their value is whatever the source reported last (never incremented here) */
  type: 'gauge' | 'counter';
  /** the `# HELP` line */
  help: string;
  labels: readonly string[];
  /** what docs/metrics.md says of the family (markdown); the help line when absent */
  doc?: string;
  /** this round's series; a series not returned is absent */
  rows(source: S): Iterable<Row>;
}

/** A family of one series per item, value from a boolean (1/0). */
export const bool = (v: boolean): number => (v ? 1 : 0);

/** Declare a family; only for type inference at the declaration site. */
export function family<S>(spec: FamilySpec<S>): FamilySpec<S> {
  return spec;
}
