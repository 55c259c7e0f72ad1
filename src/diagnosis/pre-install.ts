// `diagnose --pre-install`: what the source document asks before installing ambient.
//   1. Pods on different nodes can reach each other: the round's own reachability evidence (ztunnel
//      and istiod pods, when some are there), and for every node it has none of (Istio not installed
//      yet) a TCP connect to a few of the node's running pods: a connection or a refusal is an
//      answer, a timeout is not.
//   2. The CNI is healthy: the Flannel checks of the cross_node_network module (pods, annotations).
//   3. No NetworkPolicy would keep ztunnel from istiod's xDS port 15012: the Istio namespace's
//      policies (and the ztunnel namespace's, for egress), listed once: `serve` has no use for them,
//      so they are not among the watched resources (and their RBAC).
import type { Config } from '../config.js';
import type { RoundResult } from '../export/exporter-families.js';
import { exporterCutOff } from '../issues/cross-node-network/detect.js';
import { kubectlIn, listNames, ofTotal, plural, sh } from '../issues/commands.js';
import { PORTS } from '../istio.js';
import type { KubeApiTransport } from '../kube/api-transport.js';
import type { ClusterWatch } from '../kube/cluster-watch.js';
import { listAll } from '../kube/list.js';
import { connectionVerdict, toNetworkPolicyInfo, type NetworkPolicyInfo, type PolicyEndpoint, type PolicyVerdict } from '../kube/network-policy.js';
import type { ClusterState, PodInfo } from '../model.js';
import { dialTcp } from '../probes/tcp-dial.js';
import { mapWithConcurrency } from '../scrape/pool.js';
import { IN_CLUSTER_DIAGNOSE, accessChecks } from './access.js';
import { explainerOf } from './explain.js';
import { ACCESS_TITLE, assembleReport, checkContext, moduleChecks, type ReportOptions } from './report.js';
import { checkStatus, type Report, type ReportCheck, type ReportItem } from './types.js';

/**
 * Pods tried per node that has no other evidence, and the port tried. Any port will do, a refusal
 * being an answer; 15014 is one the shipped NetworkPolicy lets the exporter's pod reach on any
 * address (istio-cni's metrics), so `diagnose --pre-install` run there is not stopped by its own policy.
 */
const PODS_PER_NODE = 3;
const PROBE_PORT: number = PORTS.cniMonitoring;
const FLANNEL_CHECKS = ['cross_node_network.flannel_ready', 'cross_node_network.overlay_configured'];

export interface PreInstallDeps {
  watch: ClusterWatch | undefined;
  /** the connection pool to the API server (absent with --no-kube) */
  api: KubeApiTransport | undefined;
  config: Config;
}

export interface NodeReachability {
  node: string;
  /** undefined: nothing on the pod network to try there */
  reachable: boolean | undefined;
  /** what was tried, e.g. "kube-system/coredns-x 10.244.1.3" */
  tried: string[];
}

/** Up to PODS_PER_NODE running pod-network pods of a node, by namespace and name. */
function probePods(pods: readonly PodInfo[], node: string): PodInfo[] {
  return pods
    .filter((p) => p.node === node && p.phase === 'Running' && p.ip !== '' && !p.hostNetwork && !p.terminating)
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
    .slice(0, PODS_PER_NODE);
}

/** Per Ready node: the round's evidence, else a connect to a few of its pods. */
export async function podNetworkReachability(round: RoundResult, allPods: readonly PodInfo[], connectTimeoutMs: number, port = PROBE_PORT): Promise<NodeReachability[]> {
  const known = new Map(round.signals.issues.cross_node_network.podNetworkReachable.map((r) => [r.node, r.reachable]));
  const nodes = round.state.nodes.filter((n) => n.ready).map((n) => n.name);
  return mapWithConcurrency(nodes, 16, async (node): Promise<NodeReachability> => {
    const evidence = known.get(node);
    if (evidence !== undefined) return { node, reachable: evidence, tried: ['its Istio pods'] };
    const pods = probePods(allPods, node);
    if (pods.length === 0) return { node, reachable: undefined, tried: [] };
    const answers = await Promise.all(pods.map((p) => dialTcp(p.ip, port, connectTimeoutMs)));
    return { node, reachable: answers.some((a) => a.answered), tried: pods.map((p) => `${p.namespace}/${p.name} ${p.ip}`) };
  });
}

function podNetworkCheck(results: readonly NodeReachability[], ownNode: string | undefined, offPodNetwork: boolean, explain: ReturnType<typeof explainerOf>): ReportCheck {
  const id = 'pre_install.pod_network';
  const title = 'Pods on every node reachable over the pod network';
  const tried = results.filter((r) => r.reachable !== undefined);
  const answered = tried.filter((r) => r.reachable).length;
  const items: ReportItem[] = results
    .filter((r) => r.reachable === undefined)
    .map((r) => ({ status: 'unknown', where: { node: r.node }, evidence: `no running pod on the pod network to try on node ${r.node}`, next: [] }));
  const look = (node: string): string[] => [`kubectl get pods -A -o wide --field-selector spec.nodeName=${sh(node)}`, 'kubectl get pods -A -l app=flannel -o wide'];
  if (tried.length === 0) return { id, title, status: checkStatus(items, { unknown: true }), evidence: 'nothing on the pod network to try', items };
  // As vantage.ts: with no answer at all and no node of its own, this host is outside the pod network.
  if (offPodNetwork || (!ownNode && answered === 0)) {
    items.push({ status: 'unknown', where: {}, evidence: 'no pod answered and --node-name is not set: this host looks outside the pod network', next: [`${IN_CLUSTER_DIAGNOSE} --pre-install`] });
    return { id, title, status: 'unknown', evidence: 'not judged from outside the pod network', items };
  }
  const reach = new Map(tried.map((r) => [r.node, r.reachable === true]));
  if (exporterCutOff(reach, ownNode, new Set())) {
    items.push({
      status: 'problem',
      where: { node: ownNode! },
      evidence: `this node (${ownNode}) got an answer from ${ofTotal(answered, tried.length)} nodes: it is the one cut off from the pod network`,
      runbook: 'AmbientCrossNodeNetworkFailure',
      next: look(ownNode!),
    });
  } else {
    for (const r of tried.filter((x) => !x.reachable && x.node !== ownNode)) {
      // a Flannel finding on the node (below) is the reason: one fault, reported once
      const root = explain(r.node, true);
      items.push({
        status: root ? 'explained' : 'problem',
        ...(root ? { explainedBy: { issue: root.issue, cause: root.cause, node: root.node } } : {}),
        where: { node: r.node },
        evidence: `no pod on node ${r.node} answered over the pod network (tried ${listNames(r.tried, 3)})`,
        runbook: 'AmbientCrossNodeNetworkFailure',
        next: look(r.node),
      });
    }
  }
  return { id, title, status: checkStatus(items, {}), evidence: `pods answered on ${ofTotal(answered, tried.length)} nodes`, items };
}

/** How istiod and ztunnel pods are labelled: as they run, or as the chart labels them before they do. */
function endpoints(state: ClusterState, istioNamespace: string): { istiod: PolicyEndpoint; ztunnel: PolicyEndpoint } {
  const nsLabels = (ns: string): Record<string, string> => ({ 'kubernetes.io/metadata.name': ns, ...state.namespaces.find((n) => n.name === ns)?.labels });
  const istiod = state.istiodPods[0];
  const ztunnel = state.ztunnelPods[0];
  const istiodNs = istiod?.namespace ?? istioNamespace;
  const ztunnelNs = ztunnel?.namespace ?? istioNamespace;
  return {
    istiod: { namespace: istiodNs, namespaceLabels: nsLabels(istiodNs), labels: istiod?.labels ?? { app: 'istiod', istio: 'pilot' } },
    ztunnel: { namespace: ztunnelNs, namespaceLabels: nsLabels(ztunnelNs), labels: ztunnel?.labels ?? { app: 'ztunnel' } },
  };
}

function policyItem(direction: 'ingress' | 'egress', v: PolicyVerdict, namespace: string): ReportItem | undefined {
  if (v.result === 'allowed') return undefined;
  const what = direction === 'ingress' ? "istiod's ingress" : "ztunnel's egress";
  const blocked = v.result === 'blocked';
  return {
    status: blocked ? 'problem' : 'warn',
    where: { namespace },
    evidence: `NetworkPolicy ${listNames(v.policies)} ${blocked ? 'leaves no way' : 'may leave no way'} for ${what} to istiod's port ${PORTS.istiodXds} from ztunnel${blocked ? '' : ' (an ipBlock or a named port: check it by hand)'}`,
    runbook: 'AmbientIstiodXdsUnreachable',
    next: [kubectlIn(namespace, 'get networkpolicy'), ...v.policies.slice(0, 2).map((p) => kubectlIn(namespace, 'get networkpolicy', sh(p), '-o yaml'))],
  };
}

export function networkPolicyCheck(policies: readonly NetworkPolicyInfo[] | Error, state: ClusterState, istioNamespace: string): ReportCheck {
  const id = 'pre_install.network_policies';
  const title = `No NetworkPolicy keeps ztunnel from istiod's port ${PORTS.istiodXds}`;
  if (policies instanceof Error) {
    const item: ReportItem = { status: 'unknown', where: { namespace: istioNamespace }, evidence: `could not list NetworkPolicies: ${policies.message}`, next: [kubectlIn(istioNamespace, 'get networkpolicy')] };
    return { id, title, status: 'unknown', evidence: 'NetworkPolicies not listed', items: [item] };
  }
  const { istiod, ztunnel } = endpoints(state, istioNamespace);
  const v = connectionVerdict(policies, ztunnel, istiod, PORTS.istiodXds);
  const items = [policyItem('egress', v.egress, ztunnel.namespace), policyItem('ingress', v.ingress, istiod.namespace)].filter((i): i is ReportItem => !!i);
  const namespaces = [...new Set([istiod.namespace, ztunnel.namespace])];
  const evidence =
    policies.length === 0
      ? `no NetworkPolicy in ${namespaces.join(' or ')}`
      : `${plural(policies.length, 'NetworkPolicy', 'NetworkPolicies')} in ${namespaces.join(' and ')}; ztunnel → istiod:${PORTS.istiodXds} allowed`;
  return { id, title, status: checkStatus(items, {}), evidence, items };
}

/** The NetworkPolicies of the namespaces istiod and ztunnel run in (or will), or the error that kept them from being listed. */
async function listPolicies(api: KubeApiTransport, namespaces: readonly string[], timeoutMs: number): Promise<NetworkPolicyInfo[] | Error> {
  try {
    const lists = await Promise.all(
      namespaces.map((ns) => listAll(api, `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/networkpolicies`, toNetworkPolicyInfo, { timeoutMs })),
    );
    return lists.flatMap((l) => l.items);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export async function preInstallReport(round: RoundResult, opts: ReportOptions, deps: PreInstallDeps): Promise<Report> {
  const ctx = checkContext(round, opts);
  const access = accessChecks(round, ctx, { ...opts, targets: false });
  const blind = !round.stateKnown;
  if (blind || !deps.watch || !deps.api) {
    return assembleReport([{ id: 'access', title: ACCESS_TITLE, checks: access.checks }], round.finishedAtMs, { is: true, reason: access.blindReason || 'pre-install checks need the Kubernetes API' });
  }
  const { istiod, ztunnel } = endpoints(round.state, opts.istioNamespace);
  const [reachability, policies] = await Promise.all([
    podNetworkReachability(round, deps.watch.pods(), deps.config.scrapeConnectTimeout),
    listPolicies(deps.api, [...new Set([istiod.namespace, ztunnel.namespace])], deps.config.scrapeTimeout),
  ]);
  return assembleReport(
    [
      { id: 'access', title: ACCESS_TITLE, checks: access.checks },
      {
        id: 'network',
        title: 'Network and CNI: can pods on different nodes reach each other, is Flannel healthy?',
        checks: [podNetworkCheck(reachability, opts.ownNode, !!opts.offPodNetwork, explainerOf(round.signals, opts.ownNode)), ...moduleChecks(FLANNEL_CHECKS, round.signals, ctx)],
      },
      { id: 'controlPlane', title: "Control plane: will ztunnel reach istiod's port 15012?", checks: [networkPolicyCheck(policies, round.state, opts.istioNamespace)] },
    ],
    round.finishedAtMs,
    { is: false, reason: '' },
  );
}
