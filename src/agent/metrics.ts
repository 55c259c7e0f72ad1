// The agent's families registered in prom-client, refreshed from each finished round.
import { FamilyRegistry, served } from '../export/family-registry.js';
import { ScrapeErrorCounts } from '../export/scrape-errors.js';
import { AGENT_FAMILIES, type AgentView } from './families.js';
import type { AgentRound } from './round.js';

const LOCAL_COMPONENTS = ['ztunnel', 'istio-cni'] as const;

export class AgentMetrics {
  private readonly families: FamilyRegistry<AgentView>;
  private readonly scrapeErrors = new ScrapeErrorCounts(LOCAL_COMPONENTS);

  constructor(
    private readonly version: string,
    defaultMetrics = true,
  ) {
    const initial: AgentView = { version, round: undefined, scrapeErrors: this.scrapeErrors.snapshot() };
    this.families = new FamilyRegistry(
      AGENT_FAMILIES.map((spec) => served(spec, (v: AgentView) => v)),
      initial,
      defaultMetrics,
    );
    this.families.set(initial);
  }

  get registry(): FamilyRegistry<AgentView>['registry'] {
    return this.families.registry;
  }

  get openMetricsRegistry(): FamilyRegistry<AgentView>['openMetricsRegistry'] {
    return this.families.openMetricsRegistry;
  }

  update(round: AgentRound): void {
    this.scrapeErrors.count(round.scrapes.map((s) => ({ up: s.up, error: s.error, component: s.target.component })));
    this.families.set({ version: this.version, round, scrapeErrors: this.scrapeErrors.snapshot() });
  }
}
