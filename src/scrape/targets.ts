// Where to scrape: discovered pods (from the watched ClusterState) plus static --target entries.
// Targets come only from here, never from a request.
import { COMPONENTS, type ClusterState, type Component, type PodInfo, type Target } from '../model.js';
import { CNI_METRICS_PATH, ISTIOD_METRICS_PATH, PORTS, ZTUNNEL_METRICS_PATH } from '../istio.js';
import { isIpLiteral, urlHost } from './address.js';

/** Port and path of each component's metrics endpoint. */
export const METRICS_ENDPOINTS: Readonly<Record<Component, { port: number; path: string }>> = {
  ztunnel: { port: PORTS.ztunnelStats, path: ZTUNNEL_METRICS_PATH },
  istiod: { port: PORTS.istiodMonitoring, path: ISTIOD_METRICS_PATH },
  // istio-cni runs with hostNetwork, so its pod IP is the node's IP.
  'istio-cni': { port: PORTS.cniMonitoring, path: CNI_METRICS_PATH },
};

/**
 * A pod is scraped once it runs and has an address; earlier there is nothing to reach. The address
 * must be an IP literal (kube/convert.ts already blanks anything else; this guards the URL itself).
 */
function scrapeable(pod: PodInfo): boolean {
  return pod.phase === 'Running' && isIpLiteral(pod.ip);
}

function podTargets(component: Component, pods: readonly PodInfo[]): Target[] {
  const { port, path } = METRICS_ENDPOINTS[component];
  return pods
    .filter(scrapeable)
    .map((pod) => ({ component, node: pod.node, pod: pod.name, url: `http://${urlHost(pod.ip)}:${port}${path}`, static: false }))
    .sort((a, b) => a.node.localeCompare(b.node) || a.pod.localeCompare(b.pod));
}

/**
 * Discovered targets (ztunnel, then istiod, then istio-cni; each by node and pod) followed by the
 * static ones. A URL is scraped once: a discovered target wins over a static one with the same URL.
 * The ztunnel and istio-cni of `agentNodes` are left out: their node agent scrapes them from the
 * node itself and hands the result over in its summary.
 */
export function discoverTargets(state: ClusterState, staticTargets: readonly Target[], agentNodes: ReadonlySet<string> = new Set()): Target[] {
  const own = (pods: readonly PodInfo[]) => pods.filter((p) => !agentNodes.has(p.node));
  const all = [...podTargets('ztunnel', own(state.ztunnelPods)), ...podTargets('istiod', state.istiodPods), ...podTargets('istio-cni', own(state.cniPods)), ...staticTargets];
  const seen = new Set<string>();
  return all.filter((t) => !seen.has(t.url) && (seen.add(t.url), true));
}

export class TargetSpecError extends Error {
  override name = 'TargetSpecError';
}

/**
 * Parse `COMPONENT:NODE=URL`, e.g. `ztunnel:worker-1=http://127.0.0.1:15020/stats/prometheus`
 * (a port-forwarded ztunnel). The pod name is the URL's host:port.
 */
export function parseStaticTarget(spec: string): Target {
  const bad = (why: string): never => {
    throw new TargetSpecError(`target "${spec}": ${why} (expected COMPONENT:NODE=URL, e.g. ztunnel:worker-1=http://127.0.0.1:15020/stats/prometheus)`);
  };
  const colon = spec.indexOf(':');
  const eq = spec.indexOf('=');
  if (colon === -1 || eq === -1 || eq < colon) bad('missing ":" or "="');
  const component = spec.slice(0, colon).trim();
  const node = spec.slice(colon + 1, eq).trim();
  const rawUrl = spec.slice(eq + 1).trim();
  if (!(COMPONENTS as readonly string[]).includes(component)) bad(`COMPONENT must be one of ${COMPONENTS.join(', ')}, not "${component}"`);
  if (node === '' || /\s/.test(node)) bad('NODE must be a non-empty name without spaces');
  if (!/^https?:\/\//i.test(rawUrl)) bad(`URL "${rawUrl}" must start with http:// or https://`);
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return bad(`"${rawUrl}" is not a URL`);
  }
  if (url.hostname === '') bad('URL has no host');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { component: component as Component, node, pod: `${url.hostname}:${port}`, url: url.toString(), static: true };
}
