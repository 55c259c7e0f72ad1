// Recording rules, named level:metric:operations. Alerts and the dashboards read these instead of
// repeating the expressions. The group is rendered first in the rule file so the alerts that use a
// recorded series see it in the same evaluation round.

import { JOB, type RecordingRuleSpec } from './spec.js';

export const RECORDING_GROUP_NAME = 'ambient-exporter.recording';

export const RECORDING_RULES: RecordingRuleSpec[] = [
  {
    record: 'issue:ambient_issue_affected:max',
    expr: `max by (cluster, issue) (ambient_issue_affected{${JOB}})`,
    help: 'Nodes (or namespaces) affected by each known issue; all four issues always present, 0 when healthy.',
  },
  {
    record: 'issue_cause:ambient_node_issue:count',
    expr: `count by (cluster, issue, cause) (ambient_node_issue{${JOB}} > 0)`,
    help: 'Nodes per root cause of the node-level issues; absent when no node has that cause.',
  },
  {
    record: 'issue_cause:ambient_namespace_issue:count',
    expr: `count by (cluster, issue, cause) (ambient_namespace_issue{${JOB}} > 0)`,
    help: 'Namespaces per cause of namespace_not_enrolled; absent when none.',
  },
  {
    record: 'node_reason:ambient_ztunnel_xds_connection_terminations:rate5m',
    expr: `sum by (cluster, node, reason) (rate(ambient_ztunnel_xds_connection_terminations_total{${JOB}}[5m]))`,
    help: "Per-second rate of ztunnel xDS stream terminations by node and reason (Reconnect is routine; ConnectionError and Error are failures).",
  },
  {
    record: 'node:ambient_ztunnel_xds_connection_errors:rate5m',
    expr: 'sum by (cluster, node) (node_reason:ambient_ztunnel_xds_connection_terminations:rate5m{reason=~"ConnectionError|Error"})',
    help: 'Per-second rate of failed ztunnel xDS streams (ConnectionError + Error) by node.',
  },
  {
    record: 'cluster:ambient_ztunnel_pod_ready:sum',
    expr: `sum by (cluster) (ambient_ztunnel_pod_ready{${JOB}})`,
    help: 'Ready ztunnel pods.',
  },
  {
    record: 'cluster:ambient_ztunnel_pod_ready:count',
    expr: `count by (cluster) (ambient_ztunnel_pod_ready{${JOB}})`,
    help: 'ztunnel pods known to the exporter (ready or not).',
  },
  {
    record: 'node:ambient_pods_blocked_by_cni:sum',
    expr: `sum by (cluster, node) (ambient_pods_blocked_by_cni{${JOB}})`,
    help: 'Pods per node whose sandbox creation failed with "no ztunnel connection".',
  },
  {
    record: 'namespace_redirection:ambient_pods:sum',
    expr: `sum by (cluster, namespace, redirection) (ambient_pods{${JOB}})`,
    help: 'Running pods of enrolled namespaces by redirection annotation (enabled, pending, none).',
  },
  {
    record: 'component:ambient_exporter_scrape_up:sum',
    expr: `sum by (cluster, component) (ambient_exporter_scrape_up{${JOB}})`,
    help: 'Targets of each component the exporter scraped successfully in its last round.',
  },
  {
    record: 'component:ambient_exporter_scrape_up:count',
    expr: `count by (cluster, component) (ambient_exporter_scrape_up{${JOB}})`,
    help: 'Targets of each component the exporter knows.',
  },
];
