// The exporter itself: down, stale, blind to the API, to a target or to a watch.
import { JOB, type AlertGroupSpec } from '../spec.js';
import { IN_CLUSTER, KEEP_FIRING, NOT_READY_NODES } from './common.js';

export const exporterGroup: AlertGroupSpec = {
  title: 'Exporter',
  name: 'ambient-exporter',
  alerts: [
    {
      alert: 'AmbientExporterDown',
      severity: 'critical',
      for: '5m',
      // Per cluster: its targets all down; its target gone from discovery (remembered for a day); or
      // no exporter target anywhere for a day (never scraped, or gone long ago).
      expr: [
        `max by (cluster) (up{${JOB}}) == 0`,
        'or',
        `max by (cluster) (last_over_time(up{${JOB}}[1d])) unless on (cluster) up{${JOB}}`,
        'or',
        `absent(last_over_time(up{${JOB}}[1d]))`,
      ].join('\n'),
      summary: 'The ambient-exporter is down or not scraped.',
      description:
        `Prometheus has no healthy ambient-exporter target (job ambient-exporter)${IN_CLUSTER}: while it is down, none of the other ambient mesh alerts ` +
        `of that cluster can fire, and the critical ones that were firing resolve ${KEEP_FIRING.podCreation} to ${KEEP_FIRING.network} after it went away.`,
      meaning: 'No ambient-exporter target of a cluster is up: that mesh is unmonitored.',
    },
    {
      alert: 'AmbientExporterStale',
      severity: 'critical',
      for: '3m',
      // 2 minutes without a finished round: 8 rounds at the default --refresh-interval of 15s, and
      // still 3 at 40s (raise the threshold above that).
      expr: `time() - max by (cluster) (ambient_exporter_last_refresh_timestamp_seconds{${JOB}}) > 120`,
      summary: 'The ambient-exporter serves metrics but has stopped refreshing them.',
      description:
        `ambient-exporter${IN_CLUSTER} finished its last discovery, scrape and derive round {{ humanizeDuration $value }} ago: its metrics are frozen, ` +
        'so the ambient mesh alerts neither fire nor resolve on the current state of the mesh.',
      meaning: 'The exporter is scraped but its last refresh round is over 2 minutes old: every ambient alert works on frozen data.',
    },
    {
      alert: 'AmbientExporterBlind',
      severity: 'critical',
      for: '5m',
      // In cluster mode the verdicts are served only while the exporter's view of the API is current
      // (listed, watches up or down for less than --max-state-age): their absence next to its build
      // info is the exporter saying it cannot see the cluster, whatever bound it was given.
      expr: [
        `max by (cluster) (ambient_exporter_build_info{${JOB}, mode="cluster"})`,
        'unless on (cluster)',
        `max by (cluster) (ambient_issue_affected{${JOB}})`,
      ].join('\n'),
      summary: 'The ambient-exporter cannot see the cluster and serves no verdict.',
      description:
        `ambient-exporter${IN_CLUSTER} runs but serves no verdict: it has not listed the Kubernetes API since it started, or its view of the ` +
        'API is older than --max-state-age (its watches are down). No ambient mesh alert can fire, and the critical ones that were firing ' +
        `resolve ${KEEP_FIRING.podCreation} to ${KEEP_FIRING.network} after it went blind.`,
      meaning: 'The exporter runs but cannot see the Kubernetes API (never listed, or its watches down for longer than `--max-state-age`): it withdrew every verdict.',
    },
    {
      alert: 'AmbientExporterTargetDown',
      severity: 'warning',
      for: '15m',
      expr: [
        `max by (cluster, component, node, pod) (ambient_exporter_scrape_up{${JOB}}) == 0`,
        `unless on (cluster, node) (${NOT_READY_NODES})`,
      ].join('\n'),
      summary: 'The ambient-exporter cannot scrape an Istio component.',
      description:
        'ambient-exporter fails to scrape {{ $labels.component }} pod {{ $labels.pod }} on node {{ $labels.node }}: ' +
        'the signals derived from that pod are missing or stale.',
      meaning: "The exporter cannot scrape one ztunnel, istiod or istio-cni pod, or read a node agent's summary (`component=\"agent\"`).",
    },
    {
      alert: 'AmbientExporterKubeWatchDown',
      severity: 'warning',
      for: '10m',
      expr: `max by (cluster, resource) (ambient_exporter_kube_watch_up{${JOB}}) == 0`,
      summary: 'The ambient-exporter lost its watch on a Kubernetes resource.',
      description:
        'ambient-exporter has no established watch on {{ $labels.resource }}: what it reports about those objects may be stale.',
      meaning: 'The exporter cannot watch a Kubernetes resource, so its view of the cluster may be stale.',
    },
  ],
};
