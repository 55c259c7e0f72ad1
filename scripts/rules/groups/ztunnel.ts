// ztunnel's side of known issue 1, and a ztunnel not Ready for another reason.
import { HANDSHAKE_FAILURE_FLAGS } from '../../../src/istio.js';
import { JOB, type AlertGroupSpec } from '../spec.js';
import { KEEP_FIRING, NOT_READY_NODES, currentCause } from './common.js';

export const ztunnelGroup: AlertGroupSpec = {
  title: 'ztunnel',
  name: 'ambient-ztunnel',
  alerts: [
    {
      alert: 'AmbientZtunnelIstiodUnreachable',
      severity: 'critical',
      for: '5m',
      keepFiringFor: KEEP_FIRING.ztunnel,
      expr: `max by (cluster, node) (ambient_node_issue{${JOB}, issue="ztunnel_istiod_connectivity"}) > 0`,
      summary: 'A ztunnel cannot get its configuration from istiod.',
      description:
        `The ztunnel on node {{ $labels.node }} has no working configuration stream from istiod over port 15012 (cause: ${currentCause('ztunnel_istiod_connectivity')}). ` +
        'A ztunnel that never synced stays not Ready and its node serves no mesh traffic; one that synced before runs on stale workloads, policies and certificates.',
      meaning: 'The ztunnel of a node has no working xDS stream to istiod on 15012.',
    },
    {
      alert: 'AmbientZtunnelNotReady',
      severity: 'critical',
      for: '10m',
      keepFiringFor: KEEP_FIRING.ztunnel,
      // A ztunnel waiting for its first xDS response (`state manager` pending) is
      // AmbientZtunnelIstiodUnreachable's or a cluster-wide istiod alert's page. A ztunnel whose
      // readiness cannot be probed has no pending series and stays covered here.
      expr: [
        `max by (cluster, node, pod) (ambient_ztunnel_pod_ready{${JOB}}) == 0`,
        `unless on (cluster, node, pod) ambient_ztunnel_readiness_pending{${JOB}, task="state manager"}`,
        `unless on (cluster, node) (${NOT_READY_NODES})`,
      ].join('\n'),
      summary: 'A ztunnel pod is not Ready.',
      description:
        'ztunnel pod {{ $labels.pod }} on node {{ $labels.node }} is not Ready, and its readiness does not show it waiting for configuration from istiod: ' +
        "it crashes or restarts, cannot be probed, is not connected to the node's istio-cni agent, or failed to start a workload's in-pod proxy " +
        '(the runbook tells which; do not restart ztunnel for the last). Mesh traffic of the pods on that node is at risk, ' +
        'and istio-cni refuses to start new meshed pods there while no ztunnel is connected to it.',
      meaning: 'A ztunnel pod stays 0/1 Ready, not waiting for istiod (crash, restart, no istio-cni connection, a workload proxy that failed to start), and no higher alert explains it.',
    },
    {
      alert: 'AmbientZtunnelXdsConnectionErrors',
      severity: 'warning',
      for: '15m',
      // ConnectionError and Error only: Reconnect is the routine reconnect after istiod's max connection age.
      expr: 'node:ambient_ztunnel_xds_connection_errors:rate5m > 0',
      summary: 'A ztunnel keeps failing its xDS connection to istiod.',
      description:
        'The ztunnel on node {{ $labels.node }} ends {{ printf "%.2f" $value }} xDS connections per second with ConnectionError or Error. ' +
        'A ztunnel that is already Ready stays Ready but serves stale configuration: new workloads and policies do not reach it.',
      meaning: "A ztunnel's xDS stream keeps failing (ConnectionError/Error, not the routine Reconnect); catches ztunnels that were Ready before.",
    },
    {
      alert: 'AmbientZtunnelHandshakeFailures',
      severity: 'warning',
      for: '15m',
      // The mesh's own handshake only: CONNECT (an upstream that refuses) is usually the application's,
      // DENY and NETWORK_POLICY are policies doing their job. ztunnel 1.29+ counts these.
      expr: `sum by (cluster, node) (rate(ambient_ztunnel_connections_failed_total{${JOB}, response_flags=~"${HANDSHAKE_FAILURE_FLAGS.join('|')}"}[5m])) > 0`,
      summary: 'A ztunnel keeps failing mTLS or HBONE handshakes.',
      description:
        'The ztunnel on node {{ $labels.node }} fails {{ printf "%.2f" $value }} connections per second at the mesh handshake ' +
        `(${HANDSHAKE_FAILURE_FLAGS.join(', ')}): certificates or identities its peers do not accept, typically a CA rotated or expiring, ` +
        'or a ztunnel that cannot renew its workload certificates.',
      meaning: "A ztunnel's connections fail at the mTLS/HBONE handshake or identity check (ztunnel 1.29+): certificates or trust out of step.",
    },
  ],
};
