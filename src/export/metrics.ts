// Registers every declared family (the exporter's own, the verdicts, each issue module's) in a
// text registry and an OpenMetrics one, and fills them from each finished round. Each refresh
// replaces every series at once (reset + set in one synchronous pass), so a scrape never sees half a
// round and series of vanished pods, nodes and namespaces disappear.
import { Counter, Gauge, Registry, collectDefaultMetrics, type OpenMetricsContentType } from 'prom-client';
import { MODULES } from '../issues/registry.js';
import { COMPONENTS, SCRAPE_ERROR_REASONS, type ScrapeResult } from '../model.js';
import type { FamilySpec, Row } from './family.js';
import { EXPORTER_FAMILIES, VERDICT_FAMILIES, type ExporterView, type RoundResult } from './exporter-families.js';

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Every family served, in exposition order, each with the part of the round it reads. */
function servedFamilies(): { spec: FamilySpec<never>; source: (v: ExporterView) => unknown }[] {
  return [
    ...EXPORTER_FAMILIES.map((spec) => ({ spec: spec, source: (v: ExporterView) => v })),
    ...MODULES.flatMap((m) =>
      m.families.map((spec) => ({ spec: spec, source: (v: ExporterView) => verdicts(v)?.issues[m.issue as never] })),
    ),
    ...VERDICT_FAMILIES.map((spec) => ({ spec: spec, source: (v: ExporterView) => verdicts(v) })),
  ];
}

/** The signals to serve, or undefined while the view of the API is missing or stale (no verdict is better than a false one). */
function verdicts(v: ExporterView): RoundResult['signals'] | undefined {
  return v.round.stateKnown ? v.round.signals : undefined;
}

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const r = new Registry<OpenMetricsContentType>();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return r;
}

export interface ExporterMetricsOptions {
  version: string;
  mode: string;
  kube: boolean;
  /** the node the exporter runs on (--node-name) */
  ownNode?: string | undefined;
  /** process_* and nodejs_* metrics of prom-client (default true) */
  defaultMetrics?: boolean;
}

export class ExporterMetrics {
  /** text 0.0.4 */
  readonly registry = new Registry();
  /** the same metrics, for clients that ask for OpenMetrics */
  readonly openMetricsRegistry = openMetricsRegistry();
  private readonly gauges: { gauge: Gauge; spec: FamilySpec<never>; source: (v: ExporterView) => unknown }[] = [];
  private view: ExporterView | undefined;
  /** failed scrapes so far, by component and reason */
  private readonly scrapeErrors = new Map<string, { component: string; reason: string; value: number }>();

  constructor(private readonly opts: ExporterMetricsOptions) {
    for (const component of COMPONENTS) {
      for (const reason of SCRAPE_ERROR_REASONS) this.scrapeErrors.set(`${component}/${reason}`, { component, reason, value: 0 });
    }
    const registers = [this.registry, this.openMetricsRegistry] as Registry[];
    for (const { spec, source } of servedFamilies()) {
      if (spec.type === 'gauge') {
        const gauge = new Gauge({ name: spec.name, help: spec.help, labelNames: [...spec.labels], registers });
        this.gauges.push({ gauge, spec, source });
      } else {
        this.mirroredCounter(spec, source);
      }
    }
    // Before the first round: the build info and the scrape error counters, nothing else.
    this.setGauges(this.initialView());
    if (opts.defaultMetrics !== false) {
      for (const register of registers) {
        collectDefaultMetrics({ register });
        // Gauges whose names end in _total break the naming rules promtool checks.
        for (const name of MISNAMED_DEFAULT_METRICS) register.removeSingleMetric(name);
      }
    }
  }

  /**
   * A counter whose values are read at collection from the last view (the source's own counter, or
   * one the exporter accumulates). Each registry gets its own Counter instance: prom-client renames a
   * counter object it renders as OpenMetrics, so one object shared by both registries would lose its
   * `_total` in the text format afterwards.
   */
  private mirroredCounter(spec: FamilySpec<never>, source: (v: ExporterView) => unknown): void {
    const rowsNow = (): Iterable<Row> => {
      const v = this.view ?? this.initialView();
      const s = source(v);
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

  private initialView(): ExporterView {
    return {
      round: {
        stateKnown: false,
        stateAgeSeconds: undefined,
        state: { watchUp: {} } as RoundResult['state'],
        scrapes: [],
        probes: { istiodDials: [], ztunnelReadiness: [], api: { ready: false, durationSeconds: 0 } },
        signals: undefined as never,
        durationSeconds: 0,
        finishedAtMs: 0,
      },
      version: this.opts.version,
      mode: this.opts.mode,
      kube: false, // nothing is known of the API before the first round
      scrapeErrors: [...this.scrapeErrors.values()],
    };
  }

  private setGauges(v: ExporterView): void {
    const first = v.round.finishedAtMs === 0;
    for (const { gauge, spec, source } of this.gauges) {
      gauge.reset();
      // Before the first round only the build info is known.
      if (first && spec.name !== 'ambient_exporter_build_info') continue;
      const s = source(v);
      if (s === undefined) continue;
      for (const r of spec.rows(s as never)) gauge.set(r.labels, r.value);
    }
  }

  /** Count failed scrapes (counters accumulate across rounds). */
  private countErrors(scrapes: readonly ScrapeResult[]): void {
    for (const s of scrapes) {
      if (s.up || !s.error) continue;
      const row = this.scrapeErrors.get(`${s.target.component}/${s.error}`);
      if (row) row.value += 1;
    }
  }

  /** Replace every per-round series with this round's values. Synchronous on purpose. */
  update(round: RoundResult): void {
    this.countErrors(round.scrapes);
    this.view = { round, version: this.opts.version, mode: this.opts.mode, kube: this.opts.kube, ownNode: this.opts.ownNode, scrapeErrors: [...this.scrapeErrors.values()] };
    this.setGauges(this.view);
  }
}
