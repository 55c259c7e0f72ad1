// Known issue 3: istio-cni blocks pod creation ("no ztunnel connection").
import { RANK, type IssueModule } from '../types.js';
import { ISSUE, deriveCni, type CniCause, type CniSignals } from './detect.js';
import { cniDiagnosis } from './diagnose.js';
import { FAMILIES } from './families.js';
import { CNI_SAMPLES } from '../../scrape/families.js';

export const cniPodCreationBlocked: IssueModule<typeof ISSUE, CniCause, CniSignals> = {
  issue: ISSUE,
  title: 'istio-cni blocks pod creation',
  shortTitle: 'istio-cni blocking pod creation',
  symptom: 'pods stuck in ContainerCreating with `no ztunnel connection` or another istio-cni error',
  description:
    'Nodes where istio-cni refuses new pods: it has no ztunnel connection ("no ztunnel connection"), or it fails their sandboxes ' +
    'for another reason.',
  unit: 'nodes',
  causes: [
    {
      cause: 'ztunnel_not_connected',
      meaning: 'istio-cni on the node reports `ztunnel_connected 0`.',
      pagedBy: 'AmbientPodCreationBlockedByCNI',
    },
    {
      cause: 'sandbox_failures',
      meaning: 'Pods on the node fail sandbox creation with `no ztunnel connection`.',
      pagedBy: 'AmbientPodCreationBlockedByCNI',
    },
    {
      cause: 'cni_agent_errors',
      meaning:
        'Pods on the node fail sandbox creation because istio-cni refuses them for another reason (its agent unreachable or ' +
        'timing out, ztunnel refusing the pod, `pod add cannot be retried`, the probe ipset, `Unauthorized`): ' +
        '`ambient_pods_refused_by_cni` says which.',
      pagedBy: 'AmbientPodCreationBlockedByCNI',
    },
  ],
  keeps: { 'istio-cni': [CNI_SAMPLES.ztunnelConnected, CNI_SAMPLES.installReady, CNI_SAMPLES.pluginRequests] },
  families: FAMILIES,
  derive: (input) => deriveCni(input),
  rank: () => RANK.dataPlane,
  diagnose: cniDiagnosis,
  bundle: {
    alertGroups: ['ambient-istio-cni'],
    dashboardRow: { dashboard: 'controlPlane', row: 'istio-cni' },
    labFaults: ['cni-blocked', 'cni-refusing'],
  },
};
