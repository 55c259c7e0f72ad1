// Known issue 1: ztunnel cannot reach istiod on the xDS port. A ztunnel whose first xDS response
// never came stays unready with the `state manager` task pending; the cluster-wide reason is found
// on istiod's side: the Service lacks the port, nothing is behind it, or the port does not answer.
import { ZTUNNEL_TASK_STATE_MANAGER } from '../istio.js';
import type { Cause, NodeFinding, SignalInput, ZtunnelIstiodSignals } from './types.js';
import { labelOf, sumBy, sumOf, upScrapes } from './samples.js';

type IstiodCause = Cause<'ztunnel_istiod_connectivity'>;

/** Ports of Service istiod reported by ambient_istiod_service_port_present. */
export const ISTIOD_SERVICE_PORTS = [15012, 15014, 15010];

/** The cluster-wide reason no ztunnel can sync, or undefined when istiod's side looks fine. */
export function istiodSideCause(input: SignalInput, readyEndpoints: number): IstiodCause | undefined {
  const { state, probes, xdsPort } = input;
  if (!state.synced) return undefined; // without the API we know nothing of istiod's Service
  const svc = state.istiodService;
  if (!svc || !svc.ports.some((p) => p.port === xdsPort)) return 'service_port_missing';
  if (readyEndpoints === 0) return 'no_ready_endpoints';
  const dials = probes.istiodDials;
  if (dials.length > 0 && dials.every((d) => !d.success)) return 'xds_dial_failed';
  return undefined;
}

export function deriveZtunnelIstiod(input: SignalInput): ZtunnelIstiodSignals {
  const { state, scrapes, probes } = input;
  const ztunnelScrapes = upScrapes(scrapes, 'ztunnel');
  const istiodScrapes = upScrapes(scrapes, 'istiod');

  const readinessPending = probes.ztunnelReadiness.flatMap((r) =>
    r.pendingTasks.map((task) => ({ node: r.node, pod: r.pod, task })),
  );

  const xdsByNode = new Map<string, Map<string, number>>();
  const workloads: ZtunnelIstiodSignals['workloads'] = [];
  const ztunnelInfo: ZtunnelIstiodSignals['ztunnelInfo'] = [];
  for (const s of ztunnelScrapes) {
    const { node, pod } = s.target;
    const perReason = xdsByNode.get(node) ?? new Map<string, number>();
    for (const [reason, v] of sumBy(s, 'istio_xds_connection_terminations_total', 'reason')) {
      perReason.set(reason, (perReason.get(reason) ?? 0) + v);
    }
    xdsByNode.set(node, perReason);
    const active = sumOf(s, 'workload_manager_active_proxy_count');
    const pending = sumOf(s, 'workload_manager_pending_proxy_count');
    if (active !== undefined) workloads.push({ node, state: 'active', value: active });
    if (pending !== undefined) workloads.push({ node, state: 'pending', value: pending });
    const version = labelOf(s, 'istio_build', 'tag');
    if (version) ztunnelInfo.push({ node, pod, version });
  }
  const xdsTerminations = [...xdsByNode].flatMap(([node, m]) => [...m].map(([reason, value]) => ({ node, reason, value })));

  const svc = state.istiodService;
  const istiodServicePortPresent = state.synced
    ? ISTIOD_SERVICE_PORTS.map((port) => ({ port: String(port), present: !!svc?.ports.some((p) => p.port === port) }))
    : [];
  const readyIps = new Set(state.istiodEndpoints.filter((e) => e.ready).map((e) => e.ip));
  const istiodReadyEndpoints = readyIps.size;

  const istiodXdsClients = istiodScrapes.map((s) => ({ pod: s.target.pod, value: sumOf(s, 'pilot_xds') ?? 0 }));
  const istiodInfo = istiodScrapes.flatMap((s) => {
    const version = labelOf(s, 'istio_build', 'tag') ?? labelOf(s, 'pilot_info', 'version');
    return version ? [{ pod: s.target.pod, version }] : [];
  });

  // Which nodes' ztunnels are failing to sync, and why.
  const clusterCause = istiodSideCause(input, istiodReadyEndpoints);
  const pendingStateManager = new Set(readinessPending.filter((p) => p.task === ZTUNNEL_TASK_STATE_MANAGER).map((p) => p.node));
  const unreadyNodes = new Set(state.ztunnelPods.filter((p) => !p.ready && p.node).map((p) => p.node));
  const findings: NodeFinding<'ztunnel_istiod_connectivity'>[] = [];
  for (const node of new Set([...pendingStateManager, ...unreadyNodes])) {
    const cause: IstiodCause | undefined = clusterCause ?? (pendingStateManager.has(node) ? 'xds_not_synced' : undefined);
    if (cause) findings.push({ node, issue: 'ztunnel_istiod_connectivity', cause });
  }

  return {
    ztunnelPodReady: state.ztunnelPods.filter((p) => p.node).map((p) => ({ node: p.node, pod: p.name, ready: p.ready })),
    readinessPending,
    xdsTerminations,
    workloads,
    ztunnelInfo,
    istiodServicePortPresent,
    istiodReadyEndpoints,
    istiodDials: probes.istiodDials.map((d) => ({ address: d.address, success: d.success, durationSeconds: d.durationSeconds })),
    istiodPodReady: state.istiodPods.map((p) => ({ pod: p.name, node: p.node, ready: p.ready })),
    istiodXdsClients,
    istiodInfo,
    findings,
  };
}
