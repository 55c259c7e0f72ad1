// Registers every declared family (the exporter's own, the verdicts, each issue module's) in a
// text registry and an OpenMetrics one, and fills them from each finished round. Each refresh
// replaces every series at once (reset + set in one synchronous pass), so a scrape never sees half a
// round and series of vanished pods, nodes and namespaces disappear.
import { MODULES } from '../issues/registry.js';
import { SCRAPED_COMPONENTS } from '../model.js';
import { FamilyRegistry, served, type ServedFamily } from './family-registry.js';
import { ScrapeErrorCounts } from './scrape-errors.js';
import { AGENT_REPORT_FAMILIES, EXPORTER_FAMILIES, VERDICT_FAMILIES, type ExporterView, type RoundResult } from './exporter-families.js';

/** Every family served, in exposition order, each with the part of the round it reads. */
function servedFamilies(): ServedFamily<ExporterView>[] {
  return [
    ...EXPORTER_FAMILIES.map((spec) => served(spec, (v: ExporterView) => v)),
    ...AGENT_REPORT_FAMILIES.map((spec) => served(spec, (v: ExporterView) => v)),
    ...MODULES.flatMap((m) => m.families.map((spec) => served(spec, (v: ExporterView) => verdicts(v)?.issues[m.issue as never]))),
    ...VERDICT_FAMILIES.map((spec) => served(spec, (v: ExporterView) => verdicts(v))),
  ];
}

/** The signals to serve, or undefined while the view of the API is missing or stale (no verdict is better than a false one). */
function verdicts(v: ExporterView): RoundResult['signals'] | undefined {
  return v.round.stateKnown ? v.round.signals : undefined;
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
  private readonly families: FamilyRegistry<ExporterView>;
  /** failed scrapes so far, by component and reason */
  private readonly scrapeErrors = new ScrapeErrorCounts(SCRAPED_COMPONENTS);

  constructor(private readonly opts: ExporterMetricsOptions) {
    const initial = this.initialView();
    this.families = new FamilyRegistry(servedFamilies(), initial, opts.defaultMetrics !== false);
    // Before the first round: the build info and the scrape error counters, nothing else.
    this.families.set(initial, (spec) => spec.name === 'ambient_exporter_build_info');
  }

  /** text 0.0.4 */
  get registry(): FamilyRegistry<ExporterView>['registry'] {
    return this.families.registry;
  }

  /** the same metrics, for clients that ask for OpenMetrics */
  get openMetricsRegistry(): FamilyRegistry<ExporterView>['openMetricsRegistry'] {
    return this.families.openMetricsRegistry;
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
      scrapeErrors: this.scrapeErrors.snapshot(),
    };
  }

  /** Replace every per-round series with this round's values. Synchronous on purpose. */
  update(round: RoundResult): void {
    // counters accumulate across rounds
    this.scrapeErrors.count([
      // the agents' local scrapes are counted by the agents (ambient_agent_local_scrape_errors_total)
      ...round.scrapes.filter((s) => s.source !== 'agent').map((s) => ({ up: s.up, error: s.error, component: s.target.component })),
      ...(round.agents ?? []).map((a) => ({ up: a.up, error: a.error, component: 'agent' })),
    ]);
    this.families.set({
      round,
      version: this.opts.version,
      mode: this.opts.mode,
      kube: this.opts.kube,
      ownNode: this.opts.ownNode,
      scrapeErrors: this.scrapeErrors.snapshot(),
    });
  }
}
