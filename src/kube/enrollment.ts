// The enrollment policy: which namespaces configuration says must be in the ambient mesh.
// Shared by cluster-state (which pods are workloads) and the enrollment signal.

import type { NamespaceInfo } from '../model.js';
import { DEFAULT_ENABLEMENT_SELECTORS, compileEnablement, type CompiledEnablement, type EnablementSelector } from './enablement.js';
import { matchesSelector, parseSelector, type SelectorRequirement } from './selector.js';

export interface EnrollmentPolicy {
  /** namespaces that must be enrolled, by name */
  namespaces: readonly string[];
  /** label selector on namespaces that must be enrolled */
  selector?: string | undefined;
  /** namespaces never expected, even when listed or selected */
  exclude: readonly string[];
  /** istio-cni's ambient enablement selectors (default: the chart's default, the plain label rules) */
  enablementSelectors?: readonly EnablementSelector[] | undefined;
}

const compiled = new WeakMap<readonly EnablementSelector[], CompiledEnablement>();

/** The policy's enablement selectors, compiled once. */
export function enablementOf(policy: Pick<EnrollmentPolicy, 'enablementSelectors'>): CompiledEnablement {
  const selectors = policy.enablementSelectors ?? DEFAULT_ENABLEMENT_SELECTORS;
  let c = compiled.get(selectors);
  if (!c) compiled.set(selectors, (c = compileEnablement(selectors)));
  return c;
}

/** The namespace enrols its pods in ambient (by default: it carries istio.io/dataplane-mode=ambient). */
export function isEnrolled(ns: NamespaceInfo, policy: Pick<EnrollmentPolicy, 'enablementSelectors'> = {}): boolean {
  return enablementOf(policy).namespace(ns.labels);
}

/**
 * A reusable predicate for the policy: listed by name or matched by the selector, and not excluded.
 * The selector is parsed once here, so an invalid one fails when the policy is built.
 */
export function enrollmentMatcher(policy: EnrollmentPolicy): (ns: NamespaceInfo) => boolean {
  const names = new Set(policy.namespaces);
  const exclude = new Set(policy.exclude);
  const selector: SelectorRequirement[] | undefined = policy.selector ? parseSelector(policy.selector) : undefined;
  return (ns) => !exclude.has(ns.name) && (names.has(ns.name) || (selector !== undefined && matchesSelector(ns.labels, selector)));
}

export function isEnrollmentExpected(ns: NamespaceInfo, policy: EnrollmentPolicy): boolean {
  return enrollmentMatcher(policy)(ns);
}
