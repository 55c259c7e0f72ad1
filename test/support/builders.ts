// Builders for the model's plain data, so detection tests state only what matters to them.
import type { CheckSummary, AgentSummary } from '../../src/agent/summary.js';
import type { AgentReport, ClusterState, NodeInfo, PodInfo, ProbeResults, ReadinessResult, ScrapeResult, Sample, Target } from '../../src/model.js';
import type { SignalInput } from '../../src/issues/types.js';

export function pod(p: Partial<PodInfo> & { name: string }): PodInfo {
  return {
    namespace: 'default',
    uid: `uid-${p.name}`,
    node: 'node-a',
    phase: 'Running',
    ip: '10.0.0.1',
    hostNetwork: false,
    ready: true,
    started: true,
    waitingReason: '',
    labels: {},
    annotations: {},
    createdAt: 0,
    terminating: false,
    ...p,
  };
}

export function node(name: string, p: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name,
    ready: true,
    labels: {},
    annotations: {
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"aa:bb:cc:dd:ee:ff"}',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
    },
    internalIP: '192.168.0.1',
    podCIDRs: [],
    ...p,
  };
}

export function target(component: Target['component'], n: string, podName = `${component}-${n}`): Target {
  return { component, node: n, pod: podName, url: `http://${podName}/metrics`, static: false };
}

export function scrape(t: Target, samples: Sample[], over: Partial<ScrapeResult> = {}): ScrapeResult {
  return { target: t, up: true, durationSeconds: 0.01, reachable: true, samples, ...over };
}

export function failedScrape(t: Target, error: ScrapeResult['error'], reachable: boolean): ScrapeResult {
  return { target: t, up: false, durationSeconds: 0.5, error, reachable, samples: [] };
}

export const s = (name: string, value: number, labels: Record<string, string> = {}): Sample => ({ name, labels, value });

export function readiness(n: string, pending: string[], over: Partial<ReadinessResult> = {}): ReadinessResult {
  return { node: n, pod: `ztunnel-${n}`, reachable: true, ready: pending.length === 0, pendingTasks: pending, durationSeconds: 0.001, ...over };
}

export const NODES = ['node-a', 'node-b', 'node-c'];

/** A healthy three-node ambient cluster: ztunnel, istio-cni and Flannel everywhere, istiod on node-a. */
export function healthyState(): ClusterState {
  return {
    nodes: NODES.map((n) => node(n)),
    namespaces: [
      { name: 'istio-system', labels: {} },
      { name: 'bookinfo', labels: { 'istio.io/dataplane-mode': 'ambient' } },
      { name: 'legacy', labels: {} },
    ],
    ztunnelPods: NODES.map((n) => pod({ name: `ztunnel-${n}`, namespace: 'istio-system', node: n, labels: { app: 'ztunnel' }, istioImageTag: '1.28.1' })),
    istiodPods: [pod({ name: 'istiod-1', namespace: 'istio-system', node: 'node-a', labels: { app: 'istiod' }, istioImageTag: '1.28.1' })],
    cniPods: NODES.map((n) => pod({ name: `istio-cni-node-${n}`, namespace: 'istio-system', node: n, hostNetwork: true, istioImageTag: '1.28.1-distroless' })),
    flannelPods: NODES.map((n) => pod({ name: `kube-flannel-ds-${n}`, namespace: 'kube-flannel', node: n, hostNetwork: true })),
    agentPods: [],
    workloadPods: NODES.map((n) =>
      pod({ name: `productpage-${n}`, namespace: 'bookinfo', node: n, annotations: { 'ambient.istio.io/redirection': 'enabled' } }),
    ),
    sandboxEvents: [],
    istiodXds: { service: 'istiod', port: 15012, source: 'config' },
    istiodService: {
      namespace: 'istio-system',
      name: 'istiod',
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'grpc-xds', port: 15010, targetPort: 15010, protocol: 'TCP' },
        { name: 'https-dns', port: 15012, targetPort: 15012, protocol: 'TCP' },
        { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
        { name: 'http-monitoring', port: 15014, targetPort: 15014, protocol: 'TCP' },
      ],
    },
    istiodEndpoints: [{ ip: '10.0.0.5', ready: true, node: 'node-a', pod: 'istiod-1', ports: { 'https-dns': 15012 } }],
    watchUp: { pods: true },
    watchLastEvent: {},
    synced: true,
  };
}

export function healthyScrapes(): ScrapeResult[] {
  return [
    ...NODES.map((n) =>
      scrape(target('ztunnel', n), [
        s('istio_build', 1, { component: 'ztunnel', tag: '1.28.1' }),
        s('istio_xds_connection_terminations_total', 3, { reason: 'Reconnect' }),
        s('workload_manager_active_proxy_count', 4),
        s('workload_manager_pending_proxy_count', 0),
      ]),
    ),
    scrape(target('istiod', 'node-a', 'istiod-1'), [s('istio_build', 1, { component: 'pilot', tag: '1.28.1' }), s('pilot_xds', 3, { version: '1.28.1' })]),
    ...NODES.map((n) => scrape(target('istio-cni', n, `istio-cni-node-${n}`), [s('ztunnel_connected', 1), s('istio_cni_install_ready', 1)])),
  ];
}

export function healthyProbes(): ProbeResults {
  return {
    istiodDials: [
      { address: '10.96.0.10:15012', kind: 'service', success: true, durationSeconds: 0.001 },
      { address: '10.0.0.5:15012', kind: 'endpoint', success: true, durationSeconds: 0.001 },
    ],
    ztunnelReadiness: NODES.map((n) => readiness(n, [])),
    api: { ready: true, durationSeconds: 0.002 },
  };
}

export function healthyInput(over: Partial<SignalInput> = {}): SignalInput {
  return {
    state: healthyState(),
    scrapes: healthyScrapes(),
    probes: healthyProbes(),
    ownNode: 'node-a',
    xdsPort: 15012,
    enrollment: { namespaces: ['bookinfo'], exclude: ['kube-system', 'istio-system'] },
    ...over,
  };
}

/** Apply edits to a fresh healthy input (each test case mutates only its own copy). */
export function withHealthy(edit: (input: SignalInput) => void): SignalInput {
  const input = healthyInput();
  edit(input);
  return input;
}

/** A node check as an agent's summary carries it. */
export function check(c: CheckSummary['check'], status: CheckSummary['status'] = 'ok', reason: CheckSummary['reason'] = 'ok', family?: CheckSummary['family']): CheckSummary {
  const network = !c.startsWith('istio_cni');
  return { check: c, ...(network ? { family: family ?? 'ipv4' } : {}), status, reason, evidence: {} };
}

export const NETWORK_CHECK_NAMES = ['flannel_vxlan_device', 'underlay_link', 'flannel_vxlan_mtu', 'flannel_vxlan_port', 'flannel_fdb', 'flannel_neighbours', 'flannel_routes'] as const;

/** Every check ok, as a healthy node's agent reports it. */
export function healthyChecks(): CheckSummary[] {
  return [...NETWORK_CHECK_NAMES.map((c) => check(c)), check('istio_cni_config'), check('istio_cni_taint')];
}

/** A summary read from the agent on node `n`, its checks `checks` (default all ok), its local scrapes `scrapes`. */
export function agentReport(n: string, checks: CheckSummary[] = healthyChecks(), over: Partial<AgentReport> = {}): AgentReport {
  const summary: AgentSummary = {
    schemaVersion: 1,
    node: n,
    agent: { version: '0.1.0' },
    round: { number: 3, startedAtMs: 0, finishedAtMs: 0, durationSeconds: 0.05 },
    kube: { synced: true, watchUp: { node: true, nodes: true, pods: true } },
    ready: true,
    checks,
    scrapes: [],
  };
  return { node: n, pod: `ambient-exporter-agent-${n}`, url: `http://192.168.0.1:9480/summary`, up: true, reachable: true, durationSeconds: 0.01, summary, ...over };
}

/** An agent that did not answer at all (timeout: no route to the node's host address). */
export function silentAgent(n: string): AgentReport {
  return { node: n, pod: `ambient-exporter-agent-${n}`, url: 'http://192.168.0.1:9480/summary', up: false, error: 'timeout', reachable: false, durationSeconds: 0.5 };
}

/**
 * A healthy cluster with an agent on every node: the agents' summaries, and the ztunnel and
 * istio-cni scrapes as the agents hand them over (source 'agent').
 */
export function withAgents(input: SignalInput): SignalInput {
  input.agents = NODES.map((n) => agentReport(n));
  input.scrapes = input.scrapes.map((x) => (x.target.component === 'istiod' ? x : { ...x, reachable: false, source: 'agent' as const }));
  return input;
}
