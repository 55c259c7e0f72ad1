// Known issue 4: workloads on plain TCP instead of HBONE, the namespace is not enrolled in ambient.
import { RANK, type IssueModule } from '../types.js';
import { ISSUE, deriveEnrollment, type EnrollmentCause, type EnrollmentSignals } from './detect.js';
import { FAMILIES } from './families.js';

export const namespaceNotEnrolled: IssueModule<typeof ISSUE, EnrollmentCause, EnrollmentSignals> = {
  issue: ISSUE,
  title: 'workloads on TCP instead of HBONE',
  shortTitle: 'Namespaces not enrolled',
  symptom: 'namespace not enrolled, or pods never captured',
  description:
    'Namespaces that policy expects in the mesh but that lack istio.io/dataplane-mode=ambient (AmbientNamespaceNotEnrolled), ' +
    'or enrolled namespaces whose running pods carry no ambient redirection, still plain TCP and not HBONE ' +
    '(AmbientWorkloadsNotCaptured).',
  unit: 'namespaces',
  causes: [
    {
      cause: 'label_missing',
      meaning: 'The enrollment policy expects the namespace in the mesh but it lacks `istio.io/dataplane-mode=ambient`.',
      pagedBy: 'AmbientNamespaceNotEnrolled',
    },
    {
      cause: 'pods_not_captured',
      meaning: 'The namespace is labelled but running pods have no `ambient.istio.io/redirection` annotation (still plain TCP).',
      pagedBy: 'AmbientWorkloadsNotCaptured',
    },
  ],
  families: FAMILIES,
  derive: (input) => deriveEnrollment(input),
  rank: () => RANK.application,
  bundle: {
    alertGroups: ['ambient-enrollment'],
    dashboardRow: { dashboard: 'overview', row: 'Namespaces' },
    labFaults: ['namespace-unlabeled', 'pods-not-captured'],
  },
};
