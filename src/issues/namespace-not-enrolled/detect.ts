// Known issue 4: workloads stay on plain TCP instead of HBONE because their namespace is not
// enrolled in ambient (label missing), or because running pods predate the label and were never
// captured (no redirection annotation).
import { ANNOTATION_REDIRECTION, ANNOTATION_SIDECAR_STATUS, DATAPLANE_MODE_NONE, LABEL_DATAPLANE_MODE, REDIRECTION_VALUES, type Redirection } from '../../istio.js';
import { enrollmentMatcher, isEnrolled } from '../../kube/enrollment.js';
import type { PodInfo } from '../../model.js';
import type { NamespaceFinding, SignalInput } from '../types.js';

export const ISSUE = 'namespace_not_enrolled';
export const CAUSES = ['label_missing', 'pods_not_captured'] as const;
export type EnrollmentCause = (typeof CAUSES)[number];
type Finding = NamespaceFinding<typeof ISSUE, EnrollmentCause>;

export interface EnrollmentSignals {
  namespaces: { namespace: string; enrolled: boolean; expected: boolean }[];
  pods: { namespace: string; redirection: Redirection; count: number }[];
  nodeFindings: [];
  namespaceFindings: Finding[];
}

/** A pod ambient would capture: running, on the pod network, not opted out, not sidecar-injected. */
export function isCapturable(pod: PodInfo): boolean {
  return (
    pod.phase === 'Running' &&
    pod.started &&
    !pod.hostNetwork &&
    pod.labels[LABEL_DATAPLANE_MODE] !== DATAPLANE_MODE_NONE &&
    pod.annotations[ANNOTATION_SIDECAR_STATUS] === undefined
  );
}

export function redirectionOf(pod: PodInfo): Redirection {
  const v = pod.annotations[ANNOTATION_REDIRECTION];
  return v === 'enabled' || v === 'pending' ? v : 'none';
}

export function deriveEnrollment(input: SignalInput): EnrollmentSignals {
  const { state, enrollment } = input;
  const expected = enrollmentMatcher(enrollment);
  const namespaces = state.namespaces
    .map((ns) => ({ namespace: ns.name, enrolled: isEnrolled(ns), expected: expected(ns) }))
    .filter((n) => n.enrolled || n.expected);
  const enrolled = new Set(namespaces.filter((n) => n.enrolled).map((n) => n.namespace));

  const counts = new Map<string, Record<Redirection, number>>();
  for (const ns of enrolled) counts.set(ns, { enabled: 0, pending: 0, none: 0 });
  for (const pod of state.workloadPods) {
    const row = counts.get(pod.namespace);
    if (row && isCapturable(pod)) row[redirectionOf(pod)] += 1;
  }
  const pods = [...counts].flatMap(([namespace, row]) =>
    REDIRECTION_VALUES.map((redirection) => ({ namespace, redirection, count: row[redirection] })),
  );

  const namespaceFindings: Finding[] = [];
  for (const n of namespaces) {
    if (n.expected && !n.enrolled) namespaceFindings.push({ namespace: n.namespace, issue: ISSUE, cause: 'label_missing' });
    else if (n.enrolled && (counts.get(n.namespace)?.none ?? 0) > 0) {
      namespaceFindings.push({ namespace: n.namespace, issue: ISSUE, cause: 'pods_not_captured' });
    }
  }
  return { namespaces, pods, nodeFindings: [], namespaceFindings };
}
