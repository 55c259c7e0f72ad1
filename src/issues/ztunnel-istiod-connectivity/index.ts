// Known issue 1: ztunnel cannot reach istiod on the xDS port 15012.
import { RANK, type IssueModule } from '../types.js';
import { CLUSTER_WIDE_CAUSES, ISSUE, deriveZtunnelIstiod, type IstiodCause, type ZtunnelIstiodSignals } from './detect.js';
import { ztunnelIstiodDiagnosis } from './diagnose.js';
import { FAMILIES } from './families.js';
import { ISTIOD_SAMPLES, ZTUNNEL_SAMPLES } from '../../scrape/families.js';

export const ztunnelIstiodConnectivity: IssueModule<typeof ISSUE, IstiodCause, ZtunnelIstiodSignals> = {
  issue: ISSUE,
  title: 'ztunnel cannot reach istiod on 15012',
  shortTitle: 'ztunnel → istiod (15012)',
  symptom: 'ztunnels on stale configuration and certificates; one that restarts stays 0/1 Ready and new pods on its node fail',
  description:
    'Nodes whose ztunnel cannot get configuration from istiod on port 15012 (Service port missing, no ready istiod endpoint, ' +
    'xDS dial failing, ztunnel still pending "state manager", or its xDS stream failing).',
  unit: 'nodes',
  causes: [
    {
      cause: 'service_port_missing',
      meaning: 'Service `istiod` does not expose the xDS port 15012 (or does not exist). Cluster-wide.',
      pagedBy: 'AmbientIstiodXdsPortMissing',
      clusterWide: true,
    },
    {
      cause: 'no_ready_endpoints',
      meaning: 'Service `istiod` has no ready endpoint. Cluster-wide.',
      pagedBy: 'AmbientIstiodNoReadyEndpoints',
      clusterWide: true,
    },
    {
      cause: 'xds_dial_failed',
      meaning:
        "Every TCP dial from the exporter to istiod's xDS port (Service and endpoints) failed, and a ztunnel agrees: one waits for its " +
        'first configuration, or keeps failing its xDS stream. Cluster-wide. Failed dials alone (a NetworkPolicy or firewall that ' +
        'stops the exporter but not the ztunnels) are shown by `ambient_istiod_xds_dial_success` and mark no node.',
      pagedBy: 'AmbientIstiodXdsUnreachable',
      clusterWide: true,
    },
    {
      cause: 'xds_not_synced',
      meaning: 'This ztunnel still waits for its first xDS response (`state manager` pending) while istiod looks fine from the exporter.',
      pagedBy: 'AmbientZtunnelIstiodUnreachable',
    },
    {
      cause: 'xds_connection_errors',
      meaning:
        "This ztunnel's `ConnectionError`/`Error` xDS terminations grew within the last 5 minutes and no configuration message " +
        '(`istio_xds_message_total`) arrived since (a Ready ztunnel that lost istiod: its `state manager` task is one-shot).',
      pagedBy: 'AmbientZtunnelIstiodUnreachable',
    },
  ],
  keeps: {
    ztunnel: [
      ZTUNNEL_SAMPLES.build,
      ZTUNNEL_SAMPLES.xdsConnectionTerminations,
      ZTUNNEL_SAMPLES.xdsMessages,
      ZTUNNEL_SAMPLES.activeProxies,
      ZTUNNEL_SAMPLES.pendingProxies,
      // one series of ~30 labels per failing pair of workloads: read by response flag only
      { name: ZTUNNEL_SAMPLES.connectionsFailed, sumBy: ['response_flags'] },
    ],
    istiod: [ISTIOD_SAMPLES.build, ISTIOD_SAMPLES.info, ISTIOD_SAMPLES.xdsClients, ISTIOD_SAMPLES.rootCertExpiry, ISTIOD_SAMPLES.certChainExpiry],
  },
  families: FAMILIES,
  notes:
    'A cluster-wide cause (`service_port_missing`, `no_ready_endpoints`, `xds_dial_failed`) marks every node with a ztunnel, ' +
    'Ready or not: a ztunnel that synced before keeps running on stale configuration and gets no updates. Failed dials to ' +
    'istiod are not reported as `xds_dial_failed` when the network explains them: the exporter\'s own node is cut off, or ' +
    'every ready istiod endpoint sits on a node that is.',
  // failed dials to istiod are the network's doing when the exporter's node or istiod's is cut off
  reads: ['cross_node_network'],
  derive: deriveZtunnelIstiod,
  // A ztunnel that never synced never connects to istio-cni either (src/app.rs starts the in-pod
  // workload manager after the first xDS response): the istiod cause explains the node's CNI failures.
  rank: (f, s) => (CLUSTER_WIDE_CAUSES.has(f.cause) && !s.neverSynced.includes(f.node) ? RANK.clusterControlPlane : RANK.nodeControlPlane),
  diagnose: ztunnelIstiodDiagnosis,
  bundle: {
    alertGroups: ['ambient-istiod', 'ambient-ztunnel', 'ambient-istiod-lifecycle'],
    dashboardRow: { dashboard: 'controlPlane', row: 'istiod reachability' },
    labFaults: ['istiod-port-missing', 'istiod-unreachable'],
  },
};
