// istio-cni's ambient enablement selectors (1.27+, Helm value `ambient.enablementSelectors`,
// cni/pkg/util/enablement_selector.go): a pod is in the mesh when, for some entry, its podSelector
// matches the pod's labels and its namespaceSelector the namespace's (an empty selector matches
// everything). The default reproduces the label rules of 1.24-1.26 (cni/pkg/util/podutil.go): a pod
// labelled istio.io/dataplane-mode=ambient in any namespace, or any pod not labelled `none` in a
// namespace labelled `ambient`. Sidecar-injected pods are excluded before the selectors.
import { parse as parseYaml } from 'yaml';
import { matchesSelector, type SelectorRequirement } from './selector.js';

/** A Kubernetes LabelSelector, as the chart value writes it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface EnablementSelector {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
}

/** The chart's default (manifests/charts/istio-cni/values.yaml, release-1.27 to 1.31). */
export const DEFAULT_ENABLEMENT_SELECTORS: readonly EnablementSelector[] = [
  { podSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } },
  {
    podSelector: { matchExpressions: [{ key: 'istio.io/dataplane-mode', operator: 'NotIn', values: ['none'] }] },
    namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } },
  },
];

export class EnablementSelectorError extends Error {
  override name = 'EnablementSelectorError';
}

const OPERATORS = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const;

/** A Kubernetes LabelSelector as requirements matchesSelector reads; `where` names it in errors. */
export function labelSelectorRequirements(sel: LabelSelector | undefined, where: string): SelectorRequirement[] {
  if (sel === undefined || sel === null) return [];
  if (typeof sel !== 'object' || Array.isArray(sel)) throw new EnablementSelectorError(`${where} must be a label selector`);
  const out: SelectorRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (typeof value !== 'string') throw new EnablementSelectorError(`${where}.matchLabels.${key} must be a string`);
    out.push({ key, operator: '=', values: [value] });
  }
  for (const [i, e] of (sel.matchExpressions ?? []).entries()) {
    const op = OPERATORS[e?.operator];
    if (!e || typeof e.key !== 'string' || !op) throw new EnablementSelectorError(`${where}.matchExpressions[${i}] needs a key and an operator In, NotIn, Exists or DoesNotExist`);
    const values = e.values ?? [];
    if ((op === 'in' || op === 'notin') && (!Array.isArray(values) || values.length === 0)) {
      throw new EnablementSelectorError(`${where}.matchExpressions[${i}]: ${e.operator} needs values`);
    }
    out.push({ key: e.key, operator: op, values: values.map(String) });
  }
  return out;
}

export interface CompiledEnablement {
  /** the pod (labels) in a namespace (labels) is enrolled by some selector */
  pod(podLabels: Record<string, string>, namespaceLabels: Record<string, string>): boolean;
  /** some selector with a namespace part enrols pods of this namespace (istio-cni's MatchesNamespace) */
  namespace(namespaceLabels: Record<string, string>): boolean;
  /** the pod label keys the selectors read: the exporter must keep them */
  podLabelKeys: readonly string[];
}

export function compileEnablement(selectors: readonly EnablementSelector[]): CompiledEnablement {
  const compiled = selectors.map((s, i) => ({
    pod: labelSelectorRequirements(s.podSelector, `enablementSelectors[${i}].podSelector`),
    ns: labelSelectorRequirements(s.namespaceSelector, `enablementSelectors[${i}].namespaceSelector`),
  }));
  return {
    pod: (podLabels, nsLabels) => compiled.some((c) => matchesSelector(podLabels, c.pod) && matchesSelector(nsLabels, c.ns)),
    namespace: (nsLabels) => compiled.some((c) => c.ns.length > 0 && matchesSelector(nsLabels, c.ns)),
    podLabelKeys: [...new Set(compiled.flatMap((c) => c.pod.map((r) => r.key)))],
  };
}

/** The selectors from a YAML or JSON string (the chart's AMBIENT_ENABLEMENT_SELECTOR form) or a parsed list. */
export function parseEnablementSelectors(value: unknown): EnablementSelector[] {
  const doc: unknown = typeof value === 'string' ? parseYaml(value) : value;
  if (!Array.isArray(doc) || doc.length === 0) throw new EnablementSelectorError('must be a non-empty list of {podSelector, namespaceSelector}');
  const list = doc as EnablementSelector[];
  compileEnablement(list); // throws on a bad entry
  return list;
}
