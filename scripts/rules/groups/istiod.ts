// istiod's side of known issue 1: the cluster-wide causes that cut every ztunnel off its configuration.
import { JOB, type AlertGroupSpec } from '../spec.js';
import { IN_CLUSTER, KEEP_FIRING, xdsService } from './common.js';

/** Why the Service named is the right one to look at (the exporter checks the one the ztunnels dial). */
const WHICH_SERVICE =
  'It is the Service the ztunnel pods dial (their XDS_ADDRESS; ambient_istiod_xds_target_info names it, source="config" when ' +
  'they name none and --istiod-service is used).';

export const istiodGroup: AlertGroupSpec = {
  title: 'istiod',
  name: 'ambient-istiod',
  alerts: [
    {
      alert: 'AmbientIstiodXdsPortMissing',
      severity: 'critical',
      for: '4m',
      keepFiringFor: KEEP_FIRING.cause,
      expr: `max by (cluster, port) (ambient_istiod_service_port_present{${JOB}, port="15012"}) == 0`,
      summary: 'Service istiod does not expose the xDS port 15012.',
      description:
        `Service ${xdsService()}${IN_CLUSTER} has no port {{ $labels.port }}: no ztunnel can open its configuration and certificate stream to istiod. ` +
        `Every ztunnel that (re)starts stays not Ready, on every node. ${WHICH_SERVICE}`,
      meaning:
        "The istiod Service the ztunnels dial (their `XDS_ADDRESS`, else `--istiod-service`) lacks port 15012, or does not exist: no ztunnel can get configuration (cluster-wide root cause).",
    },
    {
      alert: 'AmbientIstiodNoReadyEndpoints',
      severity: 'critical',
      for: '4m',
      keepFiringFor: KEEP_FIRING.cause,
      // A Service without its port (or deleted, with no EndpointSlices left) is AmbientIstiodXdsPortMissing's page.
      expr: [
        `max by (cluster) (ambient_istiod_ready_endpoints{${JOB}}) == 0`,
        `unless on (cluster) (max by (cluster) (ambient_istiod_service_port_present{${JOB}, port="15012"}) == 0)`,
      ].join('\n'),
      summary: 'Service istiod has no ready endpoint.',
      description:
        `No istiod pod behind Service ${xdsService()}${IN_CLUSTER} is Ready: ztunnels on every node cannot fetch configuration or certificates, ` +
        `and pods that start now are not served by the mesh. ${WHICH_SERVICE}`,
      meaning: 'No Ready istiod pod behind the istiod Service the ztunnels dial, which has its port 15012 (cluster-wide root cause).',
    },
    {
      alert: 'AmbientIstiodXdsUnreachable',
      severity: 'critical',
      for: '4m',
      keepFiringFor: KEEP_FIRING.cause,
      // The exporter's verdict, not its raw dials: it does not call failed dials an istiod outage when
      // the network explains them (its own node cut off, or every ready istiod on a cut-off node), and
      // it reports the Service's own faults (port missing, no endpoint) first.
      expr: `max by (cluster) (ambient_node_issue{${JOB}, issue="ztunnel_istiod_connectivity", cause="xds_dial_failed"}) > 0`,
      summary: 'The xDS port 15012 of istiod cannot be reached.',
      description:
        `Every TCP connection the exporter opened to istiod on port 15012${IN_CLUSTER} failed, although Service ${xdsService()} has the port and ready endpoints ` +
        'and no cross-node network failure explains it, and the ztunnels agree (one waits for its first configuration, or keeps failing its xDS stream): ' +
        'something between the nodes and istiod drops the traffic, or istiod does not listen. ztunnels on every node are cut off from their configuration.',
      meaning:
        "TCP connections to istiod's port 15012 fail although the Service and its endpoints look right and the overlay does not explain it, " +
        "and a ztunnel confirms it (cluster-wide root cause; the exporter's failed dials alone do not page).",
    },
  ],
};
