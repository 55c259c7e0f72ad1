// One probe round: TCP dials to istiod's xDS port, ztunnel readiness, API server readiness.
// Every probe resolves to data; nothing here throws.
import type { KubeApiTransport } from '../kube/api-transport.js';
import type { ClusterState, DialResult, PodInfo, ProbeResults, ReadinessResult } from '../model.js';
import { PORTS } from '../istio.js';
import { connectBudget } from '../scrape/connect-timeout.js';
import { mapWithConcurrency } from '../scrape/pool.js';
import { isIpLiteral, urlHost } from '../scrape/address.js';
import { probeApiHealth } from './api-health.js';
import { dialTcp } from './tcp-dial.js';
import { probeZtunnelReadiness } from './ztunnel-readiness.js';

export interface ProbeOptions {
  /** budget of each single probe */
  timeoutMs: number;
  /**
   * budget for each TCP connect (default 1000, capped at timeoutMs): a blackholed address costs this
   * rather than timeoutMs. It is the whole budget of an xDS dial, which is nothing but a connect.
   */
  connectTimeoutMs?: number;
  /** the connection pool to the API server; absent with --no-kube: the API probe then reports not ready */
  api?: KubeApiTransport | undefined;
  istioNamespace: string;
  /** probes in flight at once per kind (default 16) */
  concurrency?: number;
  /** istiod's xDS port (default 15012) */
  xdsPort?: number;
  /** ztunnel's readiness port (default 15021; tests use another) */
  readinessPort?: number;
}

export interface DialTarget {
  kind: DialResult['kind'];
  host: string;
  port: number;
  /** host:port, IPv6 in brackets */
  address: string;
}

function dialTarget(kind: DialResult['kind'], host: string, port: number): DialTarget {
  return { kind, host, port, address: `${urlHost(host)}:${port}` };
}

/**
 * What to dial for istiod's xDS port, as ztunnel would reach it:
 * - the Service `istiod` ClusterIP on the xDS port. Dialled even when the Service does not declare
 *   that port: the dial then fails the way ztunnel's does, and the `address` series stays in place
 *   (going to 0) instead of vanishing when the port is removed;
 * - every ready endpoint address on the port the EndpointSlice maps the Service's xDS port to; when
 *   the Service lacks the port, on the xDS port itself, which tells "istiod is up, the Service is
 *   wrong" apart from "istiod is unreachable".
 * Nothing is dialled for a missing or headless Service; endpoints are dialled in either case. Only
 * IP literals are dialled.
 */
export function istiodDialTargets(state: ClusterState, istioNamespace: string, xdsPort: number = PORTS.istiodXds): DialTarget[] {
  const svc = state.istiodService && state.istiodService.namespace === istioNamespace ? state.istiodService : undefined;
  const svcPort = svc?.ports.find((p) => p.port === xdsPort);
  const targets: DialTarget[] = [];
  if (svc && isIpLiteral(svc.clusterIP)) targets.push(dialTarget('service', svc.clusterIP, xdsPort));
  for (const ep of state.istiodEndpoints) {
    if (!ep.ready || !isIpLiteral(ep.ip)) continue;
    const mapped = svcPort ? (ep.ports[svcPort.name] ?? (typeof svcPort.targetPort === 'number' ? svcPort.targetPort : undefined)) : undefined;
    targets.push(dialTarget('endpoint', ep.ip, mapped ?? xdsPort));
  }
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(`${t.kind} ${t.address}`) && (seen.add(`${t.kind} ${t.address}`), true));
}

/** ztunnel pods with an address (an IP literal), by node then pod. */
export function readinessTargets(pods: readonly PodInfo[]): PodInfo[] {
  return pods.filter((p) => p.phase === 'Running' && isIpLiteral(p.ip)).sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
}

export async function runProbes(state: ClusterState, opts: ProbeOptions): Promise<ProbeResults> {
  const limit = opts.concurrency ?? 16;
  const connectMs = connectBudget(opts.connectTimeoutMs, opts.timeoutMs);
  const dials = istiodDialTargets(state, opts.istioNamespace, opts.xdsPort);
  const [istiodDials, ztunnelReadiness, api] = await Promise.all([
    mapWithConcurrency(dials, limit, async (t): Promise<DialResult> => {
      const { success, durationSeconds } = await dialTcp(t.host, t.port, connectMs);
      return { address: t.address, kind: t.kind, success, durationSeconds };
    }),
    mapWithConcurrency(
      readinessTargets(state.ztunnelPods),
      limit,
      (pod): Promise<ReadinessResult> =>
        probeZtunnelReadiness(
          { node: pod.node, pod: pod.name, ip: pod.ip },
          { timeoutMs: opts.timeoutMs, connectTimeoutMs: connectMs, ...(opts.readinessPort ? { port: opts.readinessPort } : {}) },
        ),
    ),
    probeApiHealth(opts.api, opts.timeoutMs),
  ]);
  return { istiodDials, ztunnelReadiness, api };
}
