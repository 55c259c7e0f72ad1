// Known issue 4 told to a person: the namespaces policy expects are labelled, their running pods are
// captured (redirection annotation), each node's ztunnel proxies the pods annotated enabled and, where
// node agents run, each node's CNI config chains istio-cni's plugin; the next steps are the source
// document's (the label, a rollout restart, ztunnel-config workloads) and the node's CNI config.
import { ANNOTATION_REDIRECTION, DATAPLANE_MODE_AMBIENT, LABEL_DATAPLANE_MODE } from '../../istio.js';
import { agentReportOf, describeProblems } from '../agent-facts.js';
import { kubectlIn, nodeAddress, ofTotal, plural, podOn, sh } from '../commands.js';
import { samplePods, type CheckContext, type CheckNote, type IssueDiagnosis } from '../diagnose-spec.js';
import { PODS_NOT_PROXIED_AFTER_MS, type EnrollmentCause, type EnrollmentSignals } from './detect.js';

const ENROLL_LABEL = `${LABEL_DATAPLANE_MODE}=${DATAPLANE_MODE_AMBIENT}`;

function workloadsOf(node: string, ctx: CheckContext): string {
  const z = podOn(ctx.state.ztunnelPods, node);
  return z ? `istioctl ztunnel-config workloads ${sh(`${z.name}.${z.namespace}`)}` : `kubectl get pods -A -o wide --field-selector spec.nodeName=${sh(node)}`;
}

// kubectl's custom columns need the dots of an annotation key escaped (and the shell needs the backslashes quoted)
const redirectionColumns = `-o ${sh(`custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,REDIRECTION:.metadata.annotations.${ANNOTATION_REDIRECTION.replaceAll('.', '\\.')}`)}`;

export const enrollmentDiagnosis: IssueDiagnosis<EnrollmentCause, EnrollmentSignals> = {
  checks: [
    {
      id: 'namespace_not_enrolled.namespaces',
      layer: 'application',
      title: `Namespaces expected in the mesh are labelled ${ENROLL_LABEL}`,
      causes: ['label_missing'],
      assess(s) {
        const enrolled = s.namespaces.filter((n) => n.enrolled).length;
        const expected = s.namespaces.filter((n) => n.expected).length;
        if (s.namespaces.length === 0) return { evidence: 'no namespace enrolled, none expected by the enrollment policy: nothing to judge', skipped: true };
        return { evidence: `${plural(enrolled, 'namespace')} enrolled; ${ofTotal(s.namespaces.filter((n) => n.expected && n.enrolled).length, expected)} expected by policy labelled` };
      },
    },
    {
      id: 'namespace_not_enrolled.pods_captured',
      layer: 'application',
      title: 'Running pods of enrolled namespaces captured (HBONE, not plain TCP)',
      causes: ['pods_not_captured'],
      assess(s) {
        const enabled = s.pods.filter((p) => p.redirection === 'enabled').reduce((n, p) => n + p.count, 0);
        return { evidence: `every running pod of an enrolled namespace carries a redirection annotation (${plural(enabled, 'pod')} enabled)` };
      },
    },
    {
      id: 'namespace_not_enrolled.pods_proxied',
      layer: 'application',
      title: "Each node's ztunnel proxies the pods annotated enabled there",
      causes: ['pods_not_proxied'],
      assess(s, ctx) {
        const known = s.proxied.filter((p) => p.active !== undefined);
        if (s.proxied.length === 0) return { evidence: 'no ztunnel was scraped: how many pods each proxies is not known', unknown: true };
        const notes: CheckNote[] = s.proxied
          .filter((p) => p.shortSinceMs !== undefined && ctx.nowMs - p.shortSinceMs < PODS_NOT_PROXIED_AFTER_MS)
          .map((p) => ({
            status: 'warn',
            where: { node: p.node },
            evidence:
              `ztunnel proxies ${p.active ?? '?'} workloads while ${plural(p.enabled, 'pod')} there ${p.enabled === 1 ? 'is' : 'are'} annotated enabled ` +
              `(short for ${Math.round((ctx.nowMs - (p.shortSinceMs ?? ctx.nowMs)) / 1000)} s; a finding after ${PODS_NOT_PROXIED_AFTER_MS / 60_000} minutes)`,
            next: [workloadsOf(p.node, ctx)],
          }));
        const full = known.filter((p) => (p.active ?? 0) >= p.enabled).length;
        return { evidence: `ztunnel proxies every pod annotated enabled on ${ofTotal(full, known.length)} nodes`, notes };
      },
    },
    {
      id: 'namespace_not_enrolled.cni_plugin',
      layer: 'dataPlane',
      title: "istio-cni's plugin in the CNI configuration of every node it runs on (node agents)",
      causes: ['cni_plugin_not_configured'],
      assess(s, ctx) {
        const cniNodes = new Set(ctx.state.cniPods.map((p) => p.node));
        const read = ctx.agents.filter((a) => a.up && cniNodes.has(a.node));
        if (read.length === 0) return { evidence: 'no node agent reported on a node running istio-cni: not checked', skipped: true };
        return { evidence: `istio-cni's plugin chained in the active CNI config on ${ofTotal(read.length - s.cniPluginMissing.length, read.length)} nodes with an agent` };
      },
    },
  ],
  detail(f, s, ctx) {
    switch (f.cause) {
      case 'label_missing': {
        const ns = 'namespace' in f ? f.namespace : '';
        const running = ctx.state.workloadPods.filter((p) => p.namespace === ns && p.phase === 'Running');
        return {
          evidence: `namespace ${ns} is expected in the mesh (enrollment policy) but lacks ${ENROLL_LABEL}: its pods talk plain TCP`,
          ...(running.length > 0 ? { pods: samplePods(running) } : {}),
          next: [
            `kubectl get namespace ${sh(ns)} --show-labels`,
            `kubectl label namespace ${sh(ns)} ${ENROLL_LABEL}`,
            kubectlIn(ns, 'rollout restart deployment'),
          ],
        };
      }
      case 'pods_not_captured': {
        const ns = 'namespace' in f ? f.namespace : '';
        const pods = s.uncaptured.find((u) => u.namespace === ns)?.pods;
        return {
          evidence: `${plural(pods?.total ?? 0, 'running pod')} in namespace ${ns} ${pods?.total === 1 ? 'carries' : 'carry'} no ${ANNOTATION_REDIRECTION} annotation: istio-cni never captured ${pods?.total === 1 ? 'it' : 'them'} (plain TCP, not HBONE)`,
          ...(pods ? { pods } : {}),
          next: [kubectlIn(ns, 'get pods', redirectionColumns), kubectlIn(ns, 'rollout restart deployment')],
        };
      }
      case 'cni_plugin_not_configured': {
        const node = 'node' in f ? f.node : '';
        const cni = podOn(ctx.state.cniPods, node);
        const seen = describeProblems(agentReportOf(ctx.agents, node), ['istio_cni_config']);
        return {
          evidence: `the node agent on ${node} reads no istio-cni plugin in the node's active CNI config${seen ? ` (${seen})` : ''}: pods started there are not handed to istio-cni`,
          next: [
            ...(cni ? [kubectlIn(cni.namespace, 'logs', sh(cni.name), '--tail=100')] : []),
            `talosctl -n ${sh(nodeAddress(ctx.state, node))} ls /etc/cni/net.d`,
          ],
        };
      }
      default: {
        const node = 'node' in f ? f.node : '';
        const p = s.proxied.find((x) => x.node === node);
        const since = p?.shortSinceMs ? ` since ${new Date(p.shortSinceMs).toISOString()}` : '';
        const pods = s.enabledPods.find((e) => e.node === node)?.pods;
        return {
          evidence: `ztunnel on node ${node} proxies ${p?.active ?? '?'} workloads while ${plural(p?.enabled ?? 0, 'running pod')} there ${p?.enabled === 1 ? 'is' : 'are'} annotated enabled${since}: the rest bypass the mesh`,
          ...(pods ? { pods } : {}),
          next: [workloadsOf(node, ctx), `kubectl get pods -A -o wide --field-selector spec.nodeName=${sh(node)}`],
        };
      }
    }
  },
};
