// The known issues, in the order the README, docs and status page list them (the source document's
// numbering). Adding an issue is adding its module folder and its entry here.
import { cniPodCreationBlocked } from './cni-pod-creation-blocked/index.js';
import { crossNodeNetwork } from './cross-node-network/index.js';
import { namespaceNotEnrolled } from './namespace-not-enrolled/index.js';
import type { Component } from '../model.js';
import type { SampleSelection } from '../scrape/parser.js';
import type { CauseSpec, IssueModule } from './types.js';
import { ztunnelIstiodConnectivity } from './ztunnel-istiod-connectivity/index.js';

const ISSUE_MODULES = [ztunnelIstiodConnectivity, crossNodeNetwork, cniPodCreationBlocked, namespaceNotEnrolled] as const;

type Modules = (typeof ISSUE_MODULES)[number];
export type Issue = Modules['issue'];
export const ISSUES: readonly Issue[] = ISSUE_MODULES.map((m) => m.issue);

/** Each issue's signals, by issue label. */
export type SignalsByIssue = { [M in Modules as M['issue']]: ReturnType<M['derive']> };

/** Any module, for code that treats them alike (metrics, docs, the status page). */
export const MODULES: readonly IssueModule[] = ISSUE_MODULES;

export function moduleOf(issue: string): IssueModule | undefined {
  return MODULES.find((m) => m.issue === issue);
}

/** The spec of one cause of one issue. */
export function causeOf(issue: string, cause: string): CauseSpec | undefined {
  return moduleOf(issue)?.causes.find((c) => c.cause === cause);
}

const KEPT = new Map<Component, SampleSelection>();

/**
 * The samples to keep from a component's scrape: what the modules read, nothing else; a family one
 * module reads whole is kept whole even if another reads it summed.
 */
export function keptSamplesOf(component: Component): SampleSelection {
  let kept = KEPT.get(component);
  if (!kept) {
    const entries = MODULES.flatMap((m) => m.keeps[component] ?? []);
    const names = new Set(entries.filter((e): e is string => typeof e === 'string'));
    const sumBy = new Map<string, string[]>();
    for (const e of entries) {
      if (typeof e === 'string' || names.has(e.name)) continue;
      sumBy.set(e.name, [...new Set([...(sumBy.get(e.name) ?? []), ...e.sumBy])]);
    }
    KEPT.set(component, (kept = { names, sumBy }));
  }
  return kept;
}

/** Every sample name kept from a component's scrape, whole or summed. */
export function keptNamesOf(component: Component): ReadonlySet<string> {
  const { names, sumBy } = keptSamplesOf(component);
  return new Set([...names, ...sumBy.keys()]);
}
