// Known issue 4: workloads on plain TCP instead of HBONE, the namespace is not enrolled in ambient.
import { RANK, type IssueModule } from '../types.js';
import { ISSUE, deriveEnrollment, type EnrollmentCause, type EnrollmentSignals } from './detect.js';
import { enrollmentDiagnosis } from './diagnose.js';
import { FAMILIES } from './families.js';
import { ZTUNNEL_SAMPLES } from '../../scrape/families.js';

export const namespaceNotEnrolled: IssueModule<typeof ISSUE, EnrollmentCause, EnrollmentSignals> = {
  issue: ISSUE,
  title: 'workloads on TCP instead of HBONE',
  shortTitle: 'Namespaces not enrolled',
  symptom: 'namespace not enrolled, pods never captured, or pods bypassing ztunnel after a node reboot',
  description:
    'Namespaces that policy expects in the mesh but that lack istio.io/dataplane-mode=ambient (AmbientNamespaceNotEnrolled), ' +
    'or enrolled namespaces whose running pods carry no ambient redirection, still plain TCP and not HBONE ' +
    '(AmbientWorkloadsNotCaptured), nodes whose ztunnel proxies fewer pods than run there enrolled (AmbientWorkloadsNotProxied), ' +
    "and nodes whose CNI config lacks istio-cni's plugin (AmbientCniPluginNotConfigured, from the node agents).",
  unit: 'nodes or namespaces',
  causes: [
    {
      cause: 'label_missing',
      meaning: 'The enrollment policy expects the namespace in the mesh but it lacks `istio.io/dataplane-mode=ambient`.',
      pagedBy: 'AmbientNamespaceNotEnrolled',
    },
    {
      cause: 'pods_not_captured',
      meaning:
        'Running pods enrolled by their namespace or their own `istio.io/dataplane-mode=ambient` label have no ' +
        '`ambient.istio.io/redirection` annotation (still plain TCP).',
      pagedBy: 'AmbientWorkloadsNotCaptured',
    },
    {
      cause: 'pods_not_proxied',
      meaning:
        "Per node: the node's ztunnel proxies fewer workloads (`workload_manager_active_proxy_count`) than the node runs pods " +
        'annotated `ambient.istio.io/redirection: enabled`, for over 3 minutes. Those pods look enrolled but their traffic ' +
        'leaves as plain TCP (after a node reboot without a drain), and STRICT peers reject it.',
      pagedBy: 'AmbientWorkloadsNotProxied',
    },
    {
      cause: 'cni_plugin_not_configured',
      meaning:
        "Per node: istio-cni runs there, but the node's active CNI configuration (the first file in `/etc/cni/net.d`, as its node agent " +
        'reads it) chains no `istio-cni` plugin, as after a reboot where Flannel rewrote its config and istio-cni did not put itself ' +
        'back. Pods that start on the node are not handed to istio-cni: they start outside the mesh.',
      pagedBy: 'AmbientCniPluginNotConfigured',
    },
  ],
  keeps: { ztunnel: [ZTUNNEL_SAMPLES.activeProxies] },
  families: FAMILIES,
  derive: deriveEnrollment,
  rank: () => RANK.application,
  diagnose: enrollmentDiagnosis,
  bundle: {
    alertGroups: ['ambient-enrollment'],
    dashboardRow: { dashboard: 'overview', row: 'Namespaces' },
    labFaults: ['namespace-unlabeled', 'pods-not-captured', 'pods-not-proxied'],
  },
};
