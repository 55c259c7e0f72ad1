// Known issue 1 told to a person: istiod's side first (the Service's xDS port, a ready endpoint, the
// port answering), then each ztunnel's stream, with the source document's next steps (the Service's
// ports, istiod's pods and endpoints, a TCP test to 15012, ztunnel's logs and certificates).
import { ZTUNNEL_TASK_STATE_MANAGER } from '../../istio.js';
import { kubectlIn, listNames, ofTotal, plural, podOn, sh } from '../commands.js';
import type { CheckContext, CheckNote, IssueDiagnosis, PodSample } from '../diagnose-spec.js';
import { xdsErrorsNotJudged, type IstiodCause, type ZtunnelIstiodSignals } from './detect.js';

const ZTUNNEL_NOT_READY_ALERT = 'AmbientZtunnelNotReady';

/** The Service the ztunnels dial and the namespace it is in. */
function target(s: ZtunnelIstiodSignals, ctx: CheckContext): { ns: string; svc: string; port: number } {
  return { ns: ctx.istioNamespace, svc: s.xdsTarget?.service ?? 'istiod', port: s.xdsTarget?.port ?? 15012 };
}

function istiodLook(ns: string, svc: string): string[] {
  return [
    kubectlIn(ns, 'get pods -l app=istiod -o wide'),
    kubectlIn(ns, `get endpointslices -l kubernetes.io/service-name=${sh(svc)}`),
    kubectlIn(ns, `logs deployment/${sh(svc)} --tail=50`),
  ];
}

function ztunnelPodSample(node: string, ctx: CheckContext): PodSample | undefined {
  const z = podOn(ctx.state.ztunnelPods, node);
  return z ? { pods: [{ namespace: z.namespace, name: z.name }], total: 1 } : undefined;
}

function ztunnelLook(node: string, ctx: CheckContext): string[] {
  const z = podOn(ctx.state.ztunnelPods, node);
  if (!z) return [kubectlIn(ctx.istioNamespace, `get pods -l app=ztunnel -o wide --field-selector spec.nodeName=${sh(node)}`)];
  return [
    kubectlIn(z.namespace, 'logs', sh(z.name), "--tail=50 | grep -iE 'xds|istiod|error'"),
    `istioctl ztunnel-config certificates ${sh(`${z.name}.${z.namespace}`)}`,
  ];
}

export const ztunnelIstiodDiagnosis: IssueDiagnosis<IstiodCause, ZtunnelIstiodSignals> = {
  checks: [
    {
      id: 'ztunnel_istiod_connectivity.service_port',
      layer: 'controlPlane',
      title: "istiod's Service exposes the xDS port 15012",
      causes: ['service_port_missing'],
      assess(s, ctx) {
        if (!s.xdsTarget) return { evidence: "istiod's Service not known (the API was not listed)", unknown: true };
        const { ns, svc, port } = target(s, ctx);
        const why = s.xdsTarget.source === 'ztunnel' ? ' (the address the ztunnels dial)' : '';
        return { evidence: `Service ${ns}/${svc} exposes port ${port}${why}` };
      },
    },
    {
      id: 'ztunnel_istiod_connectivity.endpoints',
      layer: 'controlPlane',
      title: 'istiod has a ready endpoint',
      causes: ['no_ready_endpoints'],
      assess(s, ctx) {
        if (s.istiodReadyEndpoints === undefined) return { evidence: "istiod's endpoints not known (the API was not listed)", unknown: true };
        const { ns, svc } = target(s, ctx);
        const ready = s.istiodPodReady.filter((p) => p.ready).length;
        return { evidence: `${plural(s.istiodReadyEndpoints, 'ready endpoint')} behind Service ${ns}/${svc}; istiod pods Ready: ${ofTotal(ready, s.istiodPodReady.length)}` };
      },
    },
    {
      id: 'ztunnel_istiod_connectivity.xds_dial',
      layer: 'controlPlane',
      title: 'istiod answers on 15012',
      causes: ['xds_dial_failed'],
      assess(s, ctx) {
        const { port } = target(s, ctx);
        if (s.istiodDials.length === 0) return { evidence: `no TCP connection to istiod's port ${port} was tried`, unknown: true };
        const ok = s.istiodDials.filter((d) => d.success);
        const notes: CheckNote[] = [];
        // A Service without the port fails its dial by definition: service_port_missing says so already.
        const portMissing = s.nodeFindings.some((f) => f.cause === 'service_port_missing');
        const failed = ctx.probes.istiodDials.filter((d) => !d.success && !(portMissing && d.kind === 'service')).map((d) => d.address);
        if (ok.length > 0 && failed.length > 0) {
          notes.push({ status: 'warn', where: { cluster: true }, evidence: `TCP connect to ${listNames(failed, 3)} failed (others answered)` });
        }
        const fastest = ok.length > 0 ? ` (${Math.round(Math.min(...ok.map((d) => d.durationSeconds)) * 1000)} ms)` : '';
        return { evidence: `TCP connect to istiod's port ${port} succeeded on ${ofTotal(ok.length, s.istiodDials.length)} addresses${fastest}`, notes };
      },
    },
    {
      id: 'ztunnel_istiod_connectivity.ztunnel_xds',
      layer: 'dataPlane',
      title: 'Every ztunnel gets its configuration from istiod',
      causes: ['xds_not_synced', 'xds_connection_errors'],
      assess(s, ctx) {
        if (s.ztunnelPodReady.length === 0) return { evidence: 'no ztunnel pod found', unknown: true };
        const ready = s.ztunnelPodReady.filter((z) => z.ready).length;
        const probed = ctx.probes.ztunnelReadiness.filter((r) => r.reachable).length;
        const waiting = new Set(s.neverSynced);
        const notes: CheckNote[] = s.ztunnelPodReady
          .filter((z) => !z.ready && !waiting.has(z.node))
          .map((z) => {
            const pod = ctx.state.ztunnelPods.find((p) => p.name === z.pod);
            const tasks = s.readinessPending.filter((p) => p.node === z.node).map((p) => p.task);
            const why = [pod?.waitingReason, tasks.length > 0 ? `pending: ${tasks.join(', ')}` : ''].filter(Boolean).join('; ');
            const ns = pod?.namespace ?? ctx.istioNamespace;
            return {
              status: 'warn' as const,
              where: { node: z.node },
              evidence: `ztunnel ${z.pod} is not Ready, not waiting for istiod${why ? ` (${why})` : ''}`,
              runbook: ZTUNNEL_NOT_READY_ALERT,
              next: [kubectlIn(ns, 'describe pod', sh(z.pod)), kubectlIn(ns, 'logs', sh(z.pod), '--previous --tail=50')],
              pods: { pods: [{ namespace: ns, name: z.pod }], total: 1 },
            };
          });
        if (probed === 0) {
          notes.push({ status: 'unknown', where: { cluster: true }, evidence: "no ztunnel's readiness port (:15021) answered: whether they wait for istiod is not known" });
        }
        // A Ready ztunnel that lost istiod stays Ready and only counts failed connects (facts §10):
        // from one round's cumulative count, a stream failing now and one that failed last week look
        // alike. Said, not passed, until a second round compares them (diagnose takes one when it sees this).
        const uncompared = xdsErrorsNotJudged(s);
        if (uncompared.length > 0) {
          notes.push({
            status: 'unknown',
            where: { cluster: true },
            evidence:
              `ztunnel on ${plural(uncompared.length, 'node')} (${listNames(uncompared, 3)}) counted xDS connection errors since it started; ` +
              'one round cannot tell whether its stream fails now',
          });
        }
        return { evidence: `ztunnel Ready on ${ofTotal(ready, s.ztunnelPodReady.length)} nodes; ${probed} answered on :15021, none waiting for istiod`, notes };
      },
    },
  ],
  detail(f, s, ctx) {
    const { ns, svc, port } = target(s, ctx);
    const node = 'node' in f ? f.node : '';
    switch (f.cause) {
      case 'service_port_missing': {
        const have = ctx.state.istiodService?.ports.map((p) => p.port) ?? [];
        return {
          evidence: ctx.state.istiodService
            ? `Service ${ns}/${svc} has no port ${port} (it has ${have.join(', ') || 'none'}): no ztunnel can get configuration`
            : `Service ${ns}/${svc} does not exist: no ztunnel can get configuration`,
          next: [kubectlIn(ns, 'get svc', sh(svc), "-o jsonpath='{.spec.ports}'"), kubectlIn(ns, 'get pods -l app=istiod -o wide')],
        };
      }
      case 'no_ready_endpoints': {
        const pods = ctx.state.istiodPods;
        const states = pods.map((p) => `${p.name} ${p.ready ? 'Ready' : `not Ready${p.waitingReason ? ` (${p.waitingReason})` : ''}`}`);
        return {
          evidence: `Service ${ns}/${svc} has no ready endpoint; istiod pods: ${states.length > 0 ? listNames(states, 3) : 'none'}`,
          ...(pods.length > 0 ? { pods: { pods: pods.slice(0, 10).map((p) => ({ namespace: p.namespace, name: p.name })), total: pods.length } } : {}),
          next: istiodLook(ns, svc),
        };
      }
      case 'xds_dial_failed': {
        const istiod = ctx.state.istiodPods.find((p) => p.ready) ?? ctx.state.istiodPods[0];
        return {
          evidence: `every TCP connect to istiod's port ${port} failed: ${listNames(s.istiodDials.map((d) => d.address), 3)}`,
          next: [
            kubectlIn(ns, `run xds-check --rm -i --restart=Never --image=nicolaka/netshoot -- nc -zv -w 3 ${sh(`${svc}.${ns}.svc`)} ${port}`),
            kubectlIn(ns, 'get networkpolicy'),
            ...(istiod ? [kubectlIn(istiod.namespace, 'debug -it', sh(istiod.name), '--image=nicolaka/netshoot --target=discovery -- ss -ltnp')] : []),
          ],
        };
      }
      case 'xds_not_synced': {
        const z = podOn(ctx.state.ztunnelPods, node);
        const pods = ztunnelPodSample(node, ctx);
        return {
          evidence: `ztunnel ${z?.name ?? ''} on node ${node} waits for its first xDS response (readiness pending: ${ZTUNNEL_TASK_STATE_MANAGER}) while istiod looks fine from the exporter`,
          ...(pods ? { pods } : {}),
          next: ztunnelLook(node, ctx),
        };
      }
      default: {
        const h = s.xdsErrors.get(node);
        const pods = ztunnelPodSample(node, ctx);
        return {
          evidence:
            `ztunnel on node ${node}: its xDS stream to istiod failed (${h?.errors ?? '?'} ConnectionError/Error terminations so far) ` +
            'in the last 5 minutes and no configuration arrived since',
          ...(pods ? { pods } : {}),
          next: ztunnelLook(node, ctx),
        };
      }
    }
  },
};
