// Known issue 3 told to a person: istio-cni connected to its ztunnel on every node, and no pod left in
// ContainerCreating by a refused sandbox; the next steps read the node's ztunnel first (the source
// document: fix ztunnel's connectivity, then new pods start).
import { kubectlIn, listNames, ofTotal, plural, podOn, sh } from '../commands.js';
import type { CheckContext, CheckNote, IssueDiagnosis } from '../diagnose-spec.js';
import type { CniCause, CniSignals } from './detect.js';

const CNI_NOT_READY_ALERT = 'AmbientIstioCniNotReady';
const ZTUNNEL_NOT_READY_ALERT = 'AmbientZtunnelNotReady';

/** Look at the node's ztunnel (the usual reason istio-cni refuses pods), then istio-cni's own log. */
function nodeLook(node: string, ctx: CheckContext): string[] {
  const z = podOn(ctx.state.ztunnelPods, node);
  const cni = podOn(ctx.state.cniPods, node);
  return [
    ...(z ? [kubectlIn(z.namespace, 'logs', sh(z.name), '--previous --tail=50')] : [kubectlIn(ctx.istioNamespace, `get pods -l app=ztunnel -o wide --field-selector spec.nodeName=${sh(node)}`)]),
    ...(cni ? [kubectlIn(cni.namespace, 'logs', sh(cni.name), "--tail=50 | grep -iE 'ztunnel|error'")] : []),
  ];
}

function ztunnelState(node: string, ctx: CheckContext): string {
  const z = podOn(ctx.state.ztunnelPods, node);
  if (!z) return 'no ztunnel pod runs there';
  return `ztunnel ${z.name} is ${z.ready ? 'Ready' : `not Ready${z.waitingReason ? ` (${z.waitingReason})` : ''}`}`;
}

/**
 * Which alert pages for a node whose istio-cni has no ztunnel, when not AmbientPodCreationBlockedByCNI:
 * istio-cni itself not Ready (or its plugin not installed), then a ztunnel not Ready that is not
 * waiting for istiod: each holds the pod creation alert back on its node (inhibit-rules.yaml), so its
 * runbook is the one the person paged opens. A ztunnel waiting for istiod (`state manager`) is the
 * istiod issue's root cause, which the exporter ranks first: not this module's finding.
 */
function pagingAlert(node: string, s: CniSignals, ctx: CheckContext): string | undefined {
  const cniDown = s.cniPodReady.some((p) => p.node === node && !p.ready) || s.installReady.some((i) => i.node === node && i.value === 0);
  if (cniDown) return CNI_NOT_READY_ALERT;
  const z = podOn(ctx.state.ztunnelPods, node);
  if (!z || z.ready) return undefined;
  const waitsForIstiod = ctx.probes.ztunnelReadiness.some((r) => r.pod === z.name && r.pendingTasks.includes('state manager'));
  return waitsForIstiod ? undefined : ZTUNNEL_NOT_READY_ALERT;
}

export const cniDiagnosis: IssueDiagnosis<CniCause, CniSignals> = {
  checks: [
    {
      id: 'cni_pod_creation_blocked.ztunnel_connected',
      layer: 'dataPlane',
      title: 'istio-cni connected to the ztunnel on every node',
      causes: ['ztunnel_not_connected'],
      assess(s, ctx) {
        if (s.cniPodReady.length === 0) return { evidence: 'no istio-cni pod found', unknown: true };
        const notes: CheckNote[] = [];
        const install = new Map(s.installReady.map((i) => [i.node, i.value]));
        for (const p of s.cniPodReady) {
          if (p.ready && install.get(p.node) !== 0) continue;
          const cni = podOn(ctx.state.cniPods, p.node);
          const ns = cni?.namespace ?? ctx.istioNamespace;
          notes.push({
            status: 'warn',
            where: { node: p.node },
            evidence: `istio-cni ${cni?.name ?? ''} ${p.ready ? 'reports its CNI plugin not installed (istio_cni_install_ready 0)' : 'is not Ready'}`,
            runbook: CNI_NOT_READY_ALERT,
            next: cni ? [kubectlIn(ns, 'describe pod', sh(cni.name)), kubectlIn(ns, 'logs', sh(cni.name), '--tail=50')] : [],
          });
        }
        if (s.ztunnelConnected.length === 0) {
          return { evidence: 'istio-cni was not scraped: whether it holds a ztunnel connection is not known', unknown: true, notes };
        }
        const connected = s.ztunnelConnected.filter((z) => z.value >= 1).length;
        const unscraped = s.cniPodReady.length - s.ztunnelConnected.length;
        if (unscraped > 0) notes.push({ status: 'unknown', where: { cluster: true }, evidence: `istio-cni not scraped on ${plural(unscraped, 'node')}` });
        return { evidence: `istio-cni holds a ztunnel connection on ${ofTotal(connected, s.ztunnelConnected.length)} nodes`, notes };
      },
    },
    {
      id: 'cni_pod_creation_blocked.pods_refused',
      layer: 'dataPlane',
      title: 'No pod stuck in ContainerCreating because istio-cni refused it',
      causes: ['sandbox_failures', 'cni_agent_errors'],
      assess(s) {
        if (s.refusedPods.length === 0) return { evidence: 'no pod waits for a sandbox istio-cni refused' };
        // Refused pods on a node whose cause is another (its istio-cni reports no ztunnel): said here too, pointing there.
        const own = new Set(s.nodeFindings.filter((f) => f.cause !== 'ztunnel_not_connected').map((f) => f.node));
        const notes: CheckNote[] = s.refusedPods
          .filter((r) => !own.has(r.node))
          .map((r) => ({ status: 'warn', where: { node: r.node }, evidence: `${plural(r.pods.total, 'pod')} wait for a sandbox istio-cni refused`, pods: r.pods }));
        const total = s.refusedPods.reduce((n, r) => n + r.pods.total, 0);
        return { evidence: `${plural(total, 'pod')} on ${plural(s.refusedPods.length, 'node')} wait for a sandbox istio-cni refused`, notes };
      },
    },
  ],
  detail(f, s, ctx) {
    const node = 'node' in f ? f.node : '';
    const refused = s.refusedPods.find((r) => r.node === node);
    const n = refused?.pods.total ?? 0;
    const waits = `${plural(n, 'pod')} on node ${node} ${n === 1 ? 'waits' : 'wait'}`;
    const stuck = refused ? `; ${plural(n, 'pod')} ${n === 1 ? 'waits' : 'wait'} in ContainerCreating` : '';
    const podLook = refused?.pods.pods[0] ? [kubectlIn(refused.pods.pods[0].namespace, 'describe pod', sh(refused.pods.pods[0].name))] : [];
    const pods = refused ? { pods: refused.pods } : {};
    const paging = f.cause === 'cni_agent_errors' ? undefined : pagingAlert(node, s, ctx);
    const pagedBy = paging ? { pagedBy: paging } : {};
    const pagedNote = paging ? ` (${paging} pages for it)` : '';
    switch (f.cause) {
      case 'ztunnel_not_connected':
        return {
          evidence: `istio-cni on node ${node} has no ztunnel connection (ztunnel_connected 0); ${ztunnelState(node, ctx)}${pagedNote}${stuck}`,
          ...pods,
          next: [...nodeLook(node, ctx), ...podLook],
          ...pagedBy,
        };
      case 'sandbox_failures':
        return {
          evidence: `${waits} in ContainerCreating: istio-cni refused the sandbox with "no ztunnel connection"; ${ztunnelState(node, ctx)}${pagedNote}`,
          ...pods,
          next: [...podLook, ...nodeLook(node, ctx)],
          ...pagedBy,
        };
      default:
        return {
          evidence:
            `${waits} for a sandbox istio-cni refused ` +
            `(${listNames((refused?.reasons ?? []).map((r) => r.replaceAll('_', ' ')))}; ambient_pods_refused_by_cni)`,
          ...pods,
          next: [...podLook, ...nodeLook(node, ctx).slice(1), ...nodeLook(node, ctx).slice(0, 1)],
        };
    }
  },
};
