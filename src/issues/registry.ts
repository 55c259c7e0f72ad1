// The known issues, in the order the README, docs and status page list them (the source document's
// numbering). Adding an issue is adding its module folder and its entry here.
import { cniPodCreationBlocked } from './cni-pod-creation-blocked/index.js';
import { crossNodeNetwork } from './cross-node-network/index.js';
import { namespaceNotEnrolled } from './namespace-not-enrolled/index.js';
import type { Component } from '../model.js';
import type { CauseSpec, IssueModule } from './types.js';
import { ztunnelIstiodConnectivity } from './ztunnel-istiod-connectivity/index.js';

export const ISSUE_MODULES = [ztunnelIstiodConnectivity, crossNodeNetwork, cniPodCreationBlocked, namespaceNotEnrolled] as const;

type Modules = (typeof ISSUE_MODULES)[number];
export type Issue = Modules['issue'];
export const ISSUES: readonly Issue[] = ISSUE_MODULES.map((m) => m.issue);

/** Each issue's signals, by issue label. */
export type SignalsByIssue = { [M in Modules as M['issue']]: ReturnType<M['derive']> };

/** Any module, for code that treats them alike (metrics, docs, the status page). */
export const MODULES: readonly IssueModule[] = ISSUE_MODULES as unknown as readonly IssueModule[];

export function moduleOf(issue: string): IssueModule | undefined {
  return MODULES.find((m) => m.issue === issue);
}

/** The spec of one cause of one issue. */
export function causeOf(issue: string, cause: string): CauseSpec | undefined {
  return moduleOf(issue)?.causes.find((c) => c.cause === cause);
}

const KEPT = new Map<Component, ReadonlySet<string>>();

/** The samples to keep from a component's scrape: what the modules read, nothing else. */
export function keptSamplesOf(component: Component): ReadonlySet<string> {
  let kept = KEPT.get(component);
  if (!kept) KEPT.set(component, (kept = new Set(MODULES.flatMap((m) => m.keeps[component] ?? []))));
  return kept;
}
