// The agent's own /metrics (`ambient_agent_*`): a handful of series per node, for the agent's
// health and its checks seen from the node. Pages come from the central exporter, which reads the
// agents' summaries; these are for dashboards and debugging one node. No `node` label: the
// PodMonitor gives every target its node (as the Istio PodMonitors do).
import { bool, family } from '../export/family.js';
import type { AgentRound } from './round.js';

export interface AgentView {
  version: string;
  /** undefined before the first round */
  round: AgentRound | undefined;
  /** failed local scrapes since start, by component and reason (every combination, from 0) */
  scrapeErrors: readonly { component: string; reason: string; value: number }[];
}

type V = AgentView;

export const AGENT_FAMILIES = [
  family<V>({
    name: 'ambient_agent_build_info',
    type: 'gauge',
    help: 'Version of the running node agent (value 1).',
    labels: ['version'],
    rows: (v) => [{ labels: { version: v.version }, value: 1 }],
  }),
  family<V>({
    name: 'ambient_agent_check',
    type: 'gauge',
    help: 'Outcome of a node check in the last round (value 1).',
    labels: ['check', 'family', 'status', 'reason'],
    doc:
      '1 per check with its `status` (`ok`, `problem`, `unknown`) and `reason` (docs/node-checks.md); `family` is `ipv4` or `ipv6` for ' +
      'the network checks (run once per overlay the node runs), empty for the CNI checks.',
    rows: (v) =>
      (v.round?.checks ?? []).map((c) => ({ labels: { check: c.check, family: c.family ?? '', status: c.status, reason: c.reason }, value: 1 })),
  }),
  family<V>({
    name: 'ambient_agent_local_scrape_up',
    type: 'gauge',
    help: "Whether the agent's last scrape of its node's ztunnel or istio-cni succeeded.",
    labels: ['component', 'pod'],
    rows: (v) => (v.round?.scrapes ?? []).map((s) => ({ labels: { component: s.target.component, pod: s.target.pod }, value: bool(s.up) })),
  }),
  family<V>({
    name: 'ambient_agent_local_scrape_duration_seconds',
    type: 'gauge',
    help: "Duration of the agent's last scrape of its node's ztunnel or istio-cni.",
    labels: ['component', 'pod'],
    rows: (v) => (v.round?.scrapes ?? []).map((s) => ({ labels: { component: s.target.component, pod: s.target.pod }, value: s.durationSeconds })),
  }),
  family<V>({
    name: 'ambient_agent_local_scrape_errors_total',
    type: 'counter',
    help: 'Failed local scrapes by component and reason.',
    labels: ['component', 'reason'],
    doc: 'Failed local scrapes; `reason` as in `ambient_exporter_scrape_errors_total`. Every combination starts at 0.',
    rows: (v) => v.scrapeErrors.map((e) => ({ labels: { component: e.component, reason: e.reason }, value: e.value })),
  }),
  family<V>({
    name: 'ambient_agent_kube_watch_up',
    type: 'gauge',
    help: "Whether the agent's watch of the Kubernetes resource is established.",
    labels: ['resource'],
    doc: "1 while the watch is established: `node` (its own Node) and `pods` (its own node's), both by field selector.",
    rows: (v) => Object.entries(v.round?.kube.watchUp ?? {}).map(([resource, up]) => ({ labels: { resource }, value: bool(up) })),
  }),
  family<V>({
    name: 'ambient_agent_round_duration_seconds',
    type: 'gauge',
    help: "Duration of the agent's last round of checks and local scrapes.",
    labels: [],
    rows: (v) => (v.round ? [{ labels: {}, value: v.round.durationSeconds }] : []),
  }),
  family<V>({
    name: 'ambient_agent_last_round_timestamp_seconds',
    type: 'gauge',
    help: "Unix time the agent's last round finished.",
    labels: [],
    rows: (v) => (v.round ? [{ labels: {}, value: v.round.finishedAtMs / 1000 }] : []),
  }),
];
