// Known issue 2 told to a person: Flannel on every node, its VXLAN backend, pods answering across
// nodes and, where node agents run, what each sees on its node, with the source document's next steps
// (Flannel's pod and logs, the flannel.1 link on the node, the agent's summary).
import { agentReportOf, describeProblems } from '../agent-facts.js';
import { kubectlIn, listNames, nodeAddress, ofTotal, plural, podOn, sh } from '../commands.js';
import type { CheckContext, CheckNote, IssueDiagnosis } from '../diagnose-spec.js';
import { LOCAL_CAUSES, PEER_CAUSES, type CrossNodeCause, type CrossNodeSignals, type LocalCause, type PeerCause } from './detect.js';

const FLANNEL_NOT_READY_ALERT = 'AmbientFlannelNotReady';

function flannelNotes(node: string, ctx: CheckContext): { pod: string; next: string[] } {
  const flannel = podOn(ctx.state.flannelPods, node);
  const ip = nodeAddress(ctx.state, node);
  const talos = `talosctl -n ${sh(ip)} get links flannel.1 -o yaml`;
  if (!flannel) return { pod: 'no Flannel pod', next: [`kubectl get pods -A -o wide --field-selector spec.nodeName=${sh(node)}`, talos] };
  return {
    pod: `${flannel.namespace}/${flannel.name}`,
    next: [kubectlIn(flannel.namespace, 'describe pod', sh(flannel.name)), kubectlIn(flannel.namespace, 'logs', sh(flannel.name), '--previous --tail=50'), talos],
  };
}

/** The node's pod-network addresses the exporter tried this round and got no answer from, e.g. "ztunnel/ztunnel-x (timeout)". */
function unanswered(node: string, ctx: CheckContext): string[] {
  const scrapes = ctx.scrapes.filter((s) => s.target.node === node && !s.reachable && !s.target.static && s.source !== 'agent' && s.target.component !== 'istio-cni');
  const probes = ctx.probes.ztunnelReadiness.filter((r) => r.node === node && !r.reachable);
  return [
    ...scrapes.map((s) => `${s.target.component} ${s.target.pod} (${s.error ?? 'no answer'})`),
    ...probes.map((r) => `ztunnel ${r.pod} readiness :15021 (no answer)`),
  ];
}

/** The node's agent pod and how to read what it saw: its summary's checks are in its log at debug and on its /summary. */
function agentNext(node: string, ctx: CheckContext): string[] {
  const agent = podOn(ctx.state.agentPods, node);
  if (!agent) return [];
  return [kubectlIn(agent.namespace, 'get pod', sh(agent.name), '-o wide'), kubectlIn(agent.namespace, 'logs', sh(agent.name), '--tail=50')];
}

const isLocalCause = (cause: CrossNodeCause): cause is LocalCause => (LOCAL_CAUSES as readonly string[]).includes(cause);
const isPeerCause = (cause: CrossNodeCause): cause is PeerCause => (PEER_CAUSES as readonly string[]).includes(cause);

const PEER_MEANING: Record<PeerCause, string> = {
  network_partition: 'is cut, with its group, from the other nodes: every probe across failed over both the pod and the host network',
  peer_underlay_down: 'is reached by its probers over neither the pod network nor its node IP',
  peer_overlay_down: 'is reached by its probers over its node IP, not over the pod network (its VXLAN address)',
  peer_mtu_blackhole: "answers its probers' small probes, not their padded ones (full-size packets dropped on the way)",
};

/** How to read what the node's first prober saw of it (its agent's summary, through the API server's pod proxy). */
function proberSummary(node: string, s: CrossNodeSignals, ctx: CheckContext): string[] {
  const prober = s.peerReachable.find((r) => r.target === node && !r.reachable)?.source ?? s.peerReachable.find((r) => r.target === node)?.source;
  const agent = prober ? podOn(ctx.state.agentPods, prober) : undefined;
  if (!agent) return [];
  const path = `/api/v1/namespaces/${agent.namespace}/pods/${agent.name}:9480/proxy/summary`;
  return [`kubectl get --raw ${sh(path)} | jq ${sh(`.peers.results[] | select(.node == "${node}")`)}`];
}

/** The node's probers and what their pod-network probe of it got, e.g. "node-2 (reached), node-3 (not reached)". */
function probersOf(node: string, s: CrossNodeSignals): string {
  const probers = s.peerReachable.filter((r) => r.target === node).map((r) => `${r.source} (${r.reachable ? 'reached' : 'not reached'})`);
  return probers.length > 0 ? listNames(probers, 5) : 'none read';
}

export const crossNodeDiagnosis: IssueDiagnosis<CrossNodeCause, CrossNodeSignals> = {
  checks: [
    {
      id: 'cross_node_network.flannel_ready',
      layer: 'network',
      title: 'Flannel Ready on every node',
      causes: ['flannel_not_ready'],
      assess(s, ctx) {
        if (s.flannelPodReady.length === 0) return { evidence: 'no Flannel pod found (another CNI?): not checked', skipped: true };
        const ready = s.flannelPodReady.filter((f) => f.ready).length;
        const notes: CheckNote[] = s.flannelNotReadyDatapathUp.map((node) => {
          const { pod, next } = flannelNotes(node, ctx);
          return {
            status: 'warn',
            where: { node },
            evidence: `Flannel pod ${pod} is not Ready, but the node's pods still answer over the overlay: no outage yet, the next lease change breaks the node`,
            runbook: FLANNEL_NOT_READY_ALERT,
            next,
          };
        });
        return { evidence: `Flannel pod Ready on ${ofTotal(ready, s.flannelPodReady.length)} nodes`, notes };
      },
    },
    {
      id: 'cross_node_network.overlay_configured',
      layer: 'network',
      title: 'Flannel overlay (VXLAN) configured on every node',
      causes: ['overlay_not_configured'],
      assess(s) {
        if (s.overlayConfigured.length === 0) return { evidence: 'no Flannel backend annotation on any node (another CNI?): not checked', skipped: true };
        const ok = s.overlayConfigured.filter((o) => o.configured);
        const backends = [...new Set(ok.map((o) => o.backend))].sort();
        return { evidence: `Flannel backend ${backends.join(', ') || 'none'} configured on ${ofTotal(ok.length, s.overlayConfigured.length)} nodes` };
      },
    },
    {
      id: 'cross_node_network.pod_network',
      layer: 'network',
      title: 'Pods on every node reachable over the pod network',
      causes: ['pod_network_unreachable', 'exporter_node_cut_off', 'node_unreachable'],
      assess(s, ctx) {
        const tried = new Map(s.podNetworkReachable.map((r) => [r.node, r.reachable]));
        const readyNodes = ctx.state.nodes.filter((n) => n.ready).map((n) => n.name);
        const notes: CheckNote[] = ctx.state.nodes
          .filter((n) => !n.ready)
          .map((n) => ({
            status: 'warn',
            where: { node: n.name },
            evidence: `node ${n.name} is NotReady: its pods are not judged (a node that is down, not an overlay fault)`,
            next: [`kubectl describe node ${sh(n.name)}`],
          }));
        const untried = readyNodes.filter((n) => !tried.has(n));
        if (tried.size === 0) {
          return { evidence: 'no pod-network address was tried (no ztunnel or istiod pod with a pod IP)', unknown: true, notes };
        }
        if (untried.length > 0) {
          notes.push({ status: 'unknown', where: { cluster: true }, evidence: `nothing on the pod network to try on ${plural(untried.length, 'node')}: ${listNames(untried)}` });
        }
        // Nodes that did not answer without a finding of their own here: say what explains them.
        const cutOff = s.nodeFindings.find((f) => f.cause === 'exporter_node_cut_off');
        const silent = [...tried].filter(([node, ok]) => !ok && !s.nodeFindings.some((f) => f.node === node && (f.cause === 'pod_network_unreachable' || f.cause === 'node_unreachable')));
        if (cutOff && silent.length > 0) {
          notes.push({
            status: 'warn',
            where: { cluster: true },
            evidence: `${plural(silent.length, 'node')} did not answer (${listNames(silent.map(([n]) => n))}): the exporter's own node ${cutOff.node} is the one cut off`,
          });
        } else {
          for (const [node] of silent) notes.push({ status: 'warn', where: { node }, evidence: `no pod-network address on node ${node} answered` });
        }
        const answered = [...tried.values()].filter(Boolean).length;
        const from = ctx.ownNode ? ` from node ${ctx.ownNode}` : '';
        return { evidence: `pods answered over the pod network${from} on ${ofTotal(answered, tried.size)} nodes`, notes };
      },
    },
    {
      id: 'cross_node_network.peer_probes',
      layer: 'network',
      title: "Every node reached by its peers' node agents: pod network, host network, full-size packets",
      causes: PEER_CAUSES,
      assess(s, ctx) {
        if (ctx.agents.length === 0) return { evidence: 'no node agent read (ambient-exporter agent not deployed): not checked', skipped: true };
        if (s.peerReachable.length === 0) return { evidence: 'no probe between node agents read this round (no plan delivered yet, or --peer-probers 0): not checked', skipped: true };
        const targets = new Set(s.peerReachable.map((r) => r.target));
        const reached = s.peerReachable.filter((r) => r.reachable).length;
        return { evidence: `${ofTotal(reached, s.peerReachable.length)} probes over the pod network reached their node, ${plural(targets.size, 'node')} probed` };
      },
    },
    {
      id: 'cross_node_network.node_agents',
      layer: 'network',
      title: "Each node's VXLAN device, port, MTU and peer entries, as its node agent sees them",
      causes: LOCAL_CAUSES,
      assess(_s, ctx) {
        if (ctx.agents.length === 0) return { evidence: 'no node agent read (ambient-exporter agent not deployed): not checked', skipped: true };
        // an agent that did not answer is the exporter's view (exporter.targets), not a finding here
        const read = ctx.agents.filter((a) => a.up).length;
        return { evidence: `node agents reported on ${ofTotal(read, ctx.agents.length)} nodes` };
      },
    },
  ],
  detail(f, s, ctx) {
    const node = 'node' in f ? f.node : '';
    const ip = nodeAddress(ctx.state, node);
    const talos = [`talosctl -n ${sh(ip)} get links flannel.1 -o yaml`, `talosctl -n ${sh(ip)} netstat -lu | grep -E ':(4789|8472)\\b'`];
    switch (f.cause) {
      case 'flannel_not_ready': {
        const flannel = podOn(ctx.state.flannelPods, node);
        const waiting = flannel?.waitingReason ? ` (${flannel.waitingReason})` : '';
        const { pod, next } = flannelNotes(node, ctx);
        return {
          evidence: `Flannel pod ${pod} on node ${node} is not Ready${waiting}, and the node's pods do not answer over the overlay`,
          ...(flannel ? { pods: { pods: [{ namespace: flannel.namespace, name: flannel.name }], total: 1 } } : {}),
          next,
        };
      }
      case 'overlay_not_configured': {
        const backend = s.overlayConfigured.find((o) => o.node === node)?.backend ?? 'none';
        const { next } = flannelNotes(node, ctx);
        return {
          evidence: `node ${node} carries no valid Flannel backend annotation (backend-type: ${backend}, or VXLAN lease data missing)`,
          next: [`kubectl get node ${sh(node)} -o yaml | grep flannel.alpha.coreos.com`, ...next.slice(1)],
        };
      }
      case 'exporter_node_cut_off': {
        const others = s.podNetworkReachable.filter((r) => r.node !== node);
        const { next } = flannelNotes(node, ctx);
        return {
          evidence:
            `the exporter's own node ${node} got an answer from ${ofTotal(others.filter((r) => r.reachable).length, others.length)} other nodes: ` +
            'it is the one cut off from the pod network',
          next: [...next, ...talos.slice(1)],
        };
      }
      case 'node_unreachable': {
        const failed = unanswered(node, ctx);
        const agent = agentReportOf(ctx.agents, node);
        return {
          evidence:
            `neither a pod-network address on node ${node} (${failed.length > 0 ? listNames(failed, 3) : 'none tried'}) nor its node agent ` +
            `${agent?.pod ?? ''} on the host network (${agent?.error ?? 'no answer'}) answered: the node is off the network, not only its overlay`,
          next: [`kubectl describe node ${sh(node)}`, ...agentNext(node, ctx), `talosctl -n ${sh(ip)} get links`],
        };
      }
      default: {
        if (isPeerCause(f.cause)) {
          return {
            evidence: `node ${node} ${PEER_MEANING[f.cause]}; its probers: ${probersOf(node, s)}`,
            next: [
              ...proberSummary(node, s, ctx),
              `kubectl describe node ${sh(node)}`,
              `talosctl -n ${sh(ip)} get links`,
            ],
          };
        }
        if (isLocalCause(f.cause)) {
          const agent = agentReportOf(ctx.agents, node);
          const seen = describeProblems(agent);
          return {
            evidence: `the node agent on ${node} sees ${seen || f.cause}`,
            next: [...agentNext(node, ctx), ...talos],
          };
        }
        const failed = unanswered(node, ctx);
        return {
          evidence: `no pod-network address on node ${node} answered this round${failed.length > 0 ? `: ${listNames(failed, 3)}` : ''}`,
          next: [`kubectl get pods -A -o wide --field-selector spec.nodeName=${sh(node)}`, ...flannelNotes(node, ctx).next.slice(1, 2), ...talos],
        };
      }
    }
  },
};
