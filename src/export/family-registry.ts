// Declared families (family.ts) registered in prom-client: a text 0.0.4 registry and an
// OpenMetrics one, filled from a "view" (what one round hands the export layer). Gauges are
// replaced as a whole on every set() (reset + set in one synchronous pass), so a scrape never sees
// half a round and series of vanished objects disappear; counters are read from the last view at
// collection. `serve` (export/metrics.ts) and `agent` (agent/metrics.ts) each register theirs.
import { Counter, Gauge, Registry, collectDefaultMetrics, type OpenMetricsContentType } from 'prom-client';
import type { FamilySpec, Row } from './family.js';

/** A family and the part of the view it reads (undefined: no series this round). */
export interface ServedFamily<V> {
  spec: FamilySpec<never>;
  source: (view: V) => unknown;
}

export const served = <V, S>(spec: FamilySpec<S>, source: (view: V) => S | undefined): ServedFamily<V> => ({
  spec: spec,
  source,
});

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const r = new Registry<OpenMetricsContentType>();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return r;
}

export class FamilyRegistry<V> {
  /** text 0.0.4 */
  readonly registry = new Registry();
  /** the same metrics, for clients that ask for OpenMetrics */
  readonly openMetricsRegistry = openMetricsRegistry();
  private readonly gauges: { gauge: Gauge; spec: FamilySpec<never>; source: (v: V) => unknown }[] = [];
  private view: V;

  /** `initial` is the view before the first set(); `defaultMetrics` adds prom-client's process_* and nodejs_* */
  constructor(families: readonly ServedFamily<V>[], initial: V, defaultMetrics = true) {
    this.view = initial;
    const registers = [this.registry, this.openMetricsRegistry] as Registry[];
    for (const { spec, source } of families) {
      if (spec.type === 'gauge') this.gauges.push({ gauge: new Gauge({ name: spec.name, help: spec.help, labelNames: [...spec.labels], registers }), spec, source });
      else this.mirroredCounter(spec, source);
    }
    if (defaultMetrics) {
      for (const register of registers) {
        collectDefaultMetrics({ register });
        // Gauges whose names end in _total break the naming rules promtool checks.
        for (const name of MISNAMED_DEFAULT_METRICS) register.removeSingleMetric(name);
      }
    }
  }

  /**
   * A counter whose values are read at collection from the last view (the source's own counter, or
   * one the caller accumulates). Each registry gets its own Counter instance: prom-client renames a
   * counter object it renders as OpenMetrics, so one object shared by both registries would lose its
   * `_total` in the text format afterwards.
   */
  private mirroredCounter(spec: FamilySpec<never>, source: (v: V) => unknown): void {
    const rowsNow = (): Iterable<Row> => {
      const s = source(this.view);
      return s === undefined ? [] : spec.rows(s as never);
    };
    for (const registry of [this.registry, this.openMetricsRegistry] as Registry[]) {
      new Counter({
        name: spec.name,
        help: spec.help,
        labelNames: [...spec.labels],
        registers: [registry],
        collect(this: Counter) {
          this.reset();
          for (const r of rowsNow()) this.inc(r.labels, r.value);
        },
      });
    }
  }

  /** Replace every gauge with the view's rows; `include` leaves the other gauges empty. Synchronous on purpose. */
  set(view: V, include: (spec: FamilySpec<never>) => boolean = () => true): void {
    this.view = view;
    for (const { gauge, spec, source } of this.gauges) {
      gauge.reset();
      if (!include(spec)) continue;
      const s = source(view);
      if (s === undefined) continue;
      for (const r of spec.rows(s as never)) gauge.set(r.labels, r.value);
    }
  }
}
