// Options of startLab and their defaults.
import { ADDRESS_BLOCKS, MAX_NODES } from './cluster/addresses.js';
import { DEFAULT_ISTIO_MINOR, ISTIO_MINORS, isIstioMinor, type IstioMinor } from './cluster/release.js';
import { CLUSTER_LAYOUTS, IP_FAMILIES, type ClusterLayout, type IpFamily } from './cluster/shapes.js';
import type { KubeObject } from './kube-api/types.js';
import { FaultError, parseFaults, type FaultSpec } from './faults/catalog.js';

export interface LabOptions {
  /** number of nodes, lab-node-0 .. lab-node-N-1 (default 3) */
  nodes?: number;
  /** faults active from the start: specs or a list such as "cni-blocked,cross-node" (default healthy) */
  faults?: readonly FaultSpec[] | string;
  /** node that node faults hit when they name none (default: the first node that is not istiod's) */
  faultNode?: string;
  /** API server listen address host:port, port 0 for an ephemeral one (default 127.0.0.1:0) */
  apiAddress?: string;
  /** control endpoint listen address (default 127.0.0.1:0) */
  controlAddress?: string;
  /** istio_tcp_* label sets per ztunnel (times four families): the cardinality knob (default 8) */
  ztunnelTrafficSeries?: number;
  /** seed for every generated name, uid and value (default "ambient-lab") */
  seed?: string | number;
  /**
   * where the components run: `upstream` (default: Istio in istio-system, Flannel's kube-flannel
   * manifest), `talos` (Flannel in kube-system, Talos' labels) or `gke` (ztunnel and istio-cni in
   * kube-system, istiod in istio-system, GKE's own pod network instead of Flannel)
   */
  layout?: ClusterLayout;
  /** the Istio minor whose bodies and error texts the components produce: 1.24, 1.28 (default) or 1.30 */
  istioVersion?: IstioMinor;
  /** Flannel's address family: `ipv4` (default) or `ipv6` (IPv6-only VXLAN: backend-v6-data and public-ipv6 only) */
  ipFamily?: IpFamily;
  /** a revisioned istiod: Service `istiod-<revision>`, which the ztunnels' XDS_ADDRESS names */
  revision?: string;
  /** watch history kept by the API server, in changes; older resourceVersions get 410 (default 5000) */
  historyLimit?: number;
  /** interval of watch bookmarks for watchers that allow them (default 60000) */
  bookmarkIntervalMs?: number;
  /** how often time-driven changes (restart counts, event counts) are written; 0 disables (default 5000) */
  syncIntervalMs?: number;
  /** the lab clock (default Date.now); counters and timestamps follow it */
  now?: () => number;
  /**
   * which block of loopback addresses to use (0: nodes 127.10.x.y, pods 127.20.x.y, Services 127.30.x.y;
   * see cluster/addresses.ts). 'auto' (default) takes the first block whose addresses are free, so
   * several labs can run on one machine.
   */
  addressBlock?: number | 'auto';
  /**
   * Objects the API serves beside the simulated cluster's, given its nodes (e.g. the pods of a
   * DaemonSet the test runs itself, such as ambient-exporter's node agents); read at every change.
   */
  extraObjects?: (nodes: readonly { name: string; ip: string }[]) => KubeObject[];
  /**
   * Leave the node components' metrics ports closed (ztunnel :15020, istio-cni :15014 and :8000
   * refuse connections, as if nothing listened); ztunnel's readiness port and istiod serve as
   * usual. For runs of thousands of nodes where node agents scrape their own node and nothing
   * scrapes these centrally: a process may hold only so many sockets (default false).
   */
  nodeMetricsPortsClosed?: boolean;
}

export interface ResolvedLabOptions {
  nodes: number;
  faults: FaultSpec[];
  faultNode: string | undefined;
  api: HostPort;
  control: HostPort;
  ztunnelTrafficSeries: number;
  seed: string;
  layout: ClusterLayout;
  istioVersion: IstioMinor;
  ipFamily: IpFamily;
  revision: string | undefined;
  historyLimit: number;
  bookmarkIntervalMs: number;
  syncIntervalMs: number;
  now: () => number;
  /** blocks to try, in order */
  addressBlocks: number[];
  extraObjects: LabOptions['extraObjects'];
  nodeMetricsPortsClosed: boolean;
}

export interface HostPort {
  host: string;
  port: number;
}

export class LabOptionError extends Error {
  override name = 'LabOptionError';
}

/** Parses host:port, keeping the lab on loopback (127.0.0.0/8 or localhost). */
export function parseHostPort(text: string, what: string): HostPort {
  const m = /^(.*):(\d+)$/.exec(text.trim());
  if (!m) throw new LabOptionError(`${what}: expected host:port, got "${text}"`);
  const host = m[1] === 'localhost' ? '127.0.0.1' : m[1]!;
  const port = Number(m[2]);
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new LabOptionError(`${what}: the lab listens on loopback only (127.0.0.0/8), got "${host}"`);
  if (port > 65535) throw new LabOptionError(`${what}: port ${port} out of range`);
  return { host, port };
}

function positiveInt(v: number | undefined, fallback: number, what: string, min = 0): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min) throw new LabOptionError(`${what}: expected an integer >= ${min}, got ${v}`);
  return v;
}

export function resolveLabOptions(o: LabOptions = {}): ResolvedLabOptions {
  const nodes = positiveInt(o.nodes, 3, 'nodes', 1);
  if (nodes > MAX_NODES) throw new LabOptionError(`nodes: at most ${MAX_NODES}, got ${nodes}`);
  let faults: FaultSpec[];
  try {
    faults = typeof o.faults === 'string' ? parseFaults(o.faults) : [...(o.faults ?? [])];
  } catch (err) {
    if (err instanceof FaultError) throw new LabOptionError(`faults: ${err.message}`);
    throw err;
  }
  return {
    nodes,
    faults,
    faultNode: o.faultNode,
    api: parseHostPort(o.apiAddress ?? '127.0.0.1:0', 'apiAddress'),
    control: parseHostPort(o.controlAddress ?? '127.0.0.1:0', 'controlAddress'),
    ztunnelTrafficSeries: positiveInt(o.ztunnelTrafficSeries, 8, 'ztunnelTrafficSeries'),
    seed: String(o.seed ?? 'ambient-lab'),
    // checked at run time too: values from a command line or the control API arrive as any string
    layout: oneOf<ClusterLayout>(o.layout, CLUSTER_LAYOUTS, 'upstream', 'layout'),
    istioVersion: istioMinor(o.istioVersion),
    ipFamily: oneOf<IpFamily>(o.ipFamily, IP_FAMILIES, 'ipv4', 'ipFamily'),
    revision: revisionName(o.revision),
    historyLimit: positiveInt(o.historyLimit, 5000, 'historyLimit', 1),
    bookmarkIntervalMs: positiveInt(o.bookmarkIntervalMs, 60_000, 'bookmarkIntervalMs'),
    syncIntervalMs: positiveInt(o.syncIntervalMs, 5_000, 'syncIntervalMs'),
    now: o.now ?? Date.now,
    addressBlocks: addressBlocks(o.addressBlock),
    extraObjects: o.extraObjects,
    nodeMetricsPortsClosed: o.nodeMetricsPortsClosed ?? false,
  };
}

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], fallback: T, what: string): T {
  if (v === undefined) return fallback;
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new LabOptionError(`${what}: expected one of ${allowed.join(', ')}, got "${v}"`);
  return found;
}

function istioMinor(v: string | undefined): IstioMinor {
  if (v === undefined) return DEFAULT_ISTIO_MINOR;
  const minor = /^(\d+\.\d+)(\.\d+)?$/.exec(v.trim())?.[1] ?? v;
  if (!isIstioMinor(minor)) throw new LabOptionError(`istioVersion: the lab simulates Istio ${ISTIO_MINORS.join(', ')}, got "${v}"`);
  return minor;
}

/** A revision names Kubernetes objects (istiod-<revision>): a DNS label short enough for the prefix. */
function revisionName(v: string | undefined): string | undefined {
  if (v === undefined || v === '' || v === 'default') return undefined;
  if (!/^[a-z0-9]([-a-z0-9]{0,54}[a-z0-9])?$/.test(v)) throw new LabOptionError(`revision: expected a DNS label (lower-case letters, digits, '-'), got "${v}"`);
  return v;
}

function addressBlocks(b: number | 'auto' | undefined): number[] {
  if (b === undefined || b === 'auto') return Array.from({ length: ADDRESS_BLOCKS }, (_, i) => i);
  if (!Number.isInteger(b) || b < 0 || b >= ADDRESS_BLOCKS) throw new LabOptionError(`addressBlock: expected 0..${ADDRESS_BLOCKS - 1} or "auto", got ${b}`);
  return [b];
}
