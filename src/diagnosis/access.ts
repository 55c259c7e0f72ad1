// The exporter's own view, checked before any layer: is the Kubernetes API listed and watched (a
// view too old means no verdict: blind), were the Istio components scraped, and does this host reach
// the pod network at all. Pure, like report.ts.
import type { RoundResult } from '../export/exporter-families.js';
import { kubectlIn, listNames, ofTotal, sh } from '../issues/commands.js';
import type { CheckContext } from '../issues/diagnose-spec.js';
import { COMPONENTS } from '../model.js';
import { explainerOf } from './explain.js';
import { checkStatus, type ReportCheck, type ReportItem } from './types.js';

export interface AccessOptions {
  /** cluster mode: the API is watched (false with --no-kube) */
  kube: boolean;
  /** --max-state-age, ms */
  maxStateAgeMs: number;
  /** diagnose only: no pod-network address answered and the node is not known (see vantage.ts) */
  offPodNetwork?: boolean;
  /** check the scrapes of the Istio components (default true; not before Istio is installed) */
  targets?: boolean;
}

/** How to run `diagnose` where the exporter runs: on the pod network, with its node and RBAC. */
export const IN_CLUSTER_DIAGNOSE = 'kubectl -n ambient-exporter exec deployment/ambient-exporter -- node dist/cli.js diagnose --config /etc/ambient-exporter/config.yaml';

const BLIND_ALERT = 'AmbientExporterBlind';
const API_LOOK = ["kubectl get --raw='/readyz?verbose'", 'kubectl auth can-i watch pods --all-namespaces --as=system:serviceaccount:ambient-exporter:ambient-exporter'];

function check(id: string, title: string, evidence: string, items: ReportItem[], a: { unknown?: boolean; skipped?: boolean } = {}): ReportCheck {
  return { id, title, status: checkStatus(items, a), evidence, items };
}

function apiCheck(round: RoundResult, opts: AccessOptions): { check: ReportCheck; blindReason: string } {
  const title = 'Kubernetes API listed and watched';
  if (!opts.kube) return { check: check('exporter.kubernetes_api', title, '--no-kube: static targets only, the API is not watched', [], { skipped: true }), blindReason: '' };
  const { state, probes } = round;
  const watches = Object.entries(state.watchUp);
  const down = watches.filter(([, up]) => !up).map(([r]) => r);
  const api = probes.api.ready ? `/readyz answered in ${Math.round(probes.api.durationSeconds * 1000)} ms` : '/readyz did not answer 200';
  if (!state.synced) {
    const reason = 'the Kubernetes API was never listed';
    const item: ReportItem = { status: 'unknown', where: {}, evidence: `${reason} (${api}): nothing is known of the cluster`, runbook: BLIND_ALERT, next: API_LOOK };
    return { check: check('exporter.kubernetes_api', title, reason, [item], { unknown: true }), blindReason: reason };
  }
  const age = Math.round(round.stateAgeSeconds ?? 0);
  if (!round.stateKnown) {
    const reason = `its view of the Kubernetes API is ${age} s old (${down.length === watches.length ? 'every watch down' : `watches down: ${listNames(down)}`})`;
    const item: ReportItem = {
      status: 'unknown',
      where: {},
      evidence: `${reason}, longer than --max-state-age (${opts.maxStateAgeMs / 1000} s): every verdict is withdrawn until the watches are back (${api})`,
      runbook: BLIND_ALERT,
      next: API_LOOK,
    };
    return { check: check('exporter.kubernetes_api', title, reason, [item], { unknown: true }), blindReason: reason };
  }
  const items: ReportItem[] = [];
  if (down.length > 0) {
    items.push({
      status: 'warn',
      where: {},
      evidence: `watch down: ${listNames(down)} (view ${age} s old; verdicts withdrawn past ${opts.maxStateAgeMs / 1000} s)`,
      runbook: 'AmbientExporterKubeWatchDown',
      next: API_LOOK,
    });
  } else if (!probes.api.ready) {
    items.push({ status: 'warn', where: {}, evidence: `the API server's ${api} although every watch is established`, next: API_LOOK.slice(0, 1) });
  }
  return { check: check('exporter.kubernetes_api', title, `listed; ${ofTotal(watches.length - down.length, watches.length)} watches established; ${api}`, items), blindReason: '' };
}

function targetsCheck(round: RoundResult, ctx: CheckContext): ReportCheck {
  const title = 'Istio components scraped';
  const { scrapes, state } = round;
  if (scrapes.length === 0) return check('exporter.targets', title, 'no ztunnel, istiod or istio-cni pod found to scrape', [], { unknown: !!state.synced });
  const explain = explainerOf(round.stateKnown ? round.signals : undefined, ctx.ownNode);
  const pods = [...state.ztunnelPods, ...state.istiodPods, ...state.cniPods];
  const items: ReportItem[] = scrapes
    .filter((s) => !s.up)
    .map((s) => {
      const { component, node, pod } = s.target;
      // istio-cni runs on the host network, and a node agent scrapes from the node itself: the exporter's
      // node cut off from the pod network explains neither
      const root = explain(node, component !== 'istio-cni' && s.source !== 'agent');
      const ns = pods.find((p) => p.name === pod)?.namespace ?? ctx.istioNamespace;
      return {
        status: root ? 'explained' : 'warn',
        where: node ? { node } : {},
        evidence: `${component} ${pod}: ${s.error ?? 'failed'}${s.source === 'agent' ? ' (scraped by its node agent)' : ''}`,
        runbook: 'AmbientExporterTargetDown',
        next: s.target.static ? [] : [kubectlIn(ns, 'get pod', sh(pod), '-o wide')],
        ...(root ? { explainedBy: { issue: root.issue, cause: root.cause, node: root.node } } : {}),
      } satisfies ReportItem;
    });
  // node agents run on the host network: only the node itself off the network explains a silent one
  const agents = round.agents ?? [];
  const agentItems: ReportItem[] = agents
    .filter((a) => !a.up)
    .map((a) => {
      const root = explain(a.node, false);
      const ns = state.agentPods.find((p) => p.name === a.pod)?.namespace ?? '';
      return {
        status: root ? 'explained' : 'warn',
        where: { node: a.node },
        evidence: `node agent ${a.pod}: ${a.error ?? 'failed'}`,
        runbook: 'AmbientExporterTargetDown',
        next: ns ? [kubectlIn(ns, 'get pod', sh(a.pod), '-o wide')] : [],
        ...(root ? { explainedBy: { issue: root.issue, cause: root.cause, node: root.node } } : {}),
      } satisfies ReportItem;
    });
  const per = COMPONENTS.map((c) => {
    const mine = scrapes.filter((s) => s.target.component === c);
    return mine.length === 0 ? `${c} none` : `${c} ${ofTotal(mine.filter((s) => s.up).length, mine.length)}`;
  });
  const read = agents.length === 0 ? '' : `; node agents read ${ofTotal(agents.filter((a) => a.up).length, agents.length)}`;
  return check('exporter.targets', title, `scraped ${per.join(', ')}${read}`, [...items, ...agentItems]);
}

function vantageCheck(): ReportCheck {
  const item: ReportItem = {
    status: 'unknown',
    where: {},
    evidence:
      'no pod-network address answered and --node-name is not set: this host looks outside the pod network, so only answers count ' +
      '(cross-node reachability, istiod on 15012, ztunnel readiness and scrapes are not judged from here)',
    next: [IN_CLUSTER_DIAGNOSE],
  };
  return check('exporter.vantage', 'This host reaches the pod network', 'outside the pod network', [item], { unknown: true });
}

/** The exporter's own checks, and why it is blind when it is. */
export function accessChecks(round: RoundResult, ctx: CheckContext, opts: AccessOptions): { checks: ReportCheck[]; blindReason: string } {
  const api = apiCheck(round, opts);
  const targets = opts.targets === false ? [] : [targetsCheck(round, ctx)];
  return { checks: [api.check, ...targets, ...(opts.offPodNetwork ? [vantageCheck()] : [])], blindReason: api.blindReason };
}
