// startLab: builds the simulated cluster, serves its Kubernetes API and component ports, and keeps
// both in step with the active faults.
import { rm } from 'node:fs/promises';
import { desiredObjects } from './cluster/desired.js';
import { istioRelease } from './cluster/release.js';
import { buildTopology, type Topology } from './cluster/topology.js';
import { clusterView, RestartLedger, type ClusterView } from './cluster/view.js';
import { LAB_ENROLLMENT_POLICY } from './cluster/workloads.js';
import { ComponentSet, type ScrapeTarget } from './components/index.js';
import { ControlServer } from './control/server.js';
import type { ControlTarget, LabControls, LabInfo, RestartTarget } from './control/target.js';
import { FAULT_CATALOG, type FaultSpec } from './faults/catalog.js';
import { crashLoops, effectsOf } from './faults/effects.js';
import { resolveFaults, type ActiveFault } from './faults/resolve.js';
import { writeKubeconfig } from './kube-api/kubeconfig.js';
import { reconcile } from './kube-api/reconcile.js';
import { KubeApiServer, type ApiAvailability } from './kube-api/server.js';
import { ObjectStore } from './kube-api/store.js';
import { Network, type PortMode } from './net/network.js';
import { resolveLabOptions, type LabOptions, type ResolvedLabOptions } from './options.js';
import { ClusterRuntime, RestartError } from './runtime/cluster.js';
import { IdSource } from './util/ids.js';

/** A running lab: its addresses, its controls (LabControls: faults, API availability, targets) and close. */
export interface Lab extends LabControls {
  kubeconfigPath: string;
  apiUrl: string;
  controlUrl: string;
  nodes: string[];
  istiodNode: string;
  /** node that node faults hit when they name none */
  faultNode: string;
  /** the block of loopback addresses in use (0: 127.10 nodes, 127.20 pods, 127.30 Services) */
  addressBlock: number;
  /** the enrollment policy to run the exporter with against this lab */
  enrollment: { namespaces: string[] };
  /** the Istio the lab simulates: its version, where ztunnel and istio-cni run, istiod's Service */
  istio: { version: string; namespace: string; istiodService: string };
  /** ends every open watch stream (clients re-watch from their last resourceVersion) */
  endWatches(): void;
  /** what a connection to host:port meets now: 'serve', 'refuse' or 'blackhole' (undefined: not a lab port) */
  portMode(host: string, port: number): PortMode | undefined;
  /** writes time-driven changes (restart counts, event counts) now instead of at the next interval */
  sync(): Promise<void>;
  close(): Promise<void>;
}

class LabInstance implements ControlTarget {
  private active: ActiveFault[] = [];
  private view: ClusterView;
  private readonly ledger = new RestartLedger();
  private readonly runtime: ClusterRuntime;
  private readonly store: ObjectStore;
  private readonly network = new Network();
  private readonly components: ComponentSet;
  private readonly api: KubeApiServer;
  private readonly control: ControlServer;
  private timer: NodeJS.Timeout | undefined;
  /** fault changes, restarts and syncs run one at a time */
  private queue: Promise<void> = Promise.resolve();
  kubeconfig = { path: '', dir: '' };
  readonly faultNode: string;

  constructor(
    readonly o: ResolvedLabOptions,
    readonly t: Topology,
  ) {
    this.faultNode = o.faultNode ?? t.nodes.find((n) => n.name !== t.istiodNode)?.name ?? t.istiodNode;
    if (!t.nodeByName.has(this.faultNode)) throw new Error(`faultNode: no node "${this.faultNode}"`);
    const now = o.now();
    this.runtime = new ClusterRuntime(t, now);
    this.applyFaults(resolveFaults(o.faults, this.faultContext(), [], now), now);
    this.view = this.buildView(now);
    this.store = new ObjectStore(o.historyLimit);
    const ctx = {
      topology: t,
      view: () => this.view,
      now: o.now,
      runtime: this.runtime,
      nodeState: (node: string, at: number) => this.runtime.node(node).state(at),
    };
    this.components = new ComponentSet(ctx, this.network, o.ztunnelTrafficSeries, o.nodeMetricsPortsClosed);
    this.store.subscribe((c) => this.components.observeKubeChange(c));
    reconcile(this.store, this.desired(now), now);
    this.api = new KubeApiServer({ ...o.api, store: this.store, bookmarkIntervalMs: o.bookmarkIntervalMs, now: o.now });
    this.control = new ControlServer(o.control, this);
  }

  /** The objects the API serves now: the simulated cluster's, and the caller's own (options.extraObjects). */
  private desired(now: number) {
    return [...desiredObjects(this.t, this.view, now), ...(this.o.extraObjects?.(this.t.nodes.map((n) => ({ name: n.name, ip: n.ip }))) ?? [])];
  }

  private faultContext() {
    return {
      nodes: this.t.nodes.map((n) => n.name),
      namespaces: this.t.namespaces.map((n) => n.name),
      defaultNode: this.faultNode,
      istiodNode: this.t.istiodNode,
      flannel: this.t.flannel !== undefined,
      istioMinor: this.t.release.minor,
    };
  }

  async start(): Promise<void> {
    // Component addresses first: if another lab holds them, nothing else has been set up yet.
    await this.components.update(this.view, this.o.now());
    await this.api.start();
    this.kubeconfig = await writeKubeconfig(this.api.url);
    await this.control.start();
    if (this.o.syncIntervalMs > 0) {
      this.timer = setInterval(() => void this.sync().catch(() => {}), this.o.syncIntervalMs);
      this.timer.unref();
    }
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private buildView(now: number): ClusterView {
    return clusterView(this.t, this.active, this.runtime.states(now), this.ledger);
  }

  /** The view at `now`, then the network, then Kubernetes reporting what the change did. */
  private async refresh(now: number): Promise<void> {
    this.view = this.buildView(now);
    await this.components.update(this.view, now);
    reconcile(this.store, this.desired(now), now);
  }

  /**
   * Makes `next` the active faults at `now`: crash loops that ended leave their restarts in the
   * ledger, a reboot restarts every container of its node once, then the processes follow.
   */
  private applyFaults(next: ActiveFault[], now: number): void {
    const before = effectsOf(this.active);
    const after = effectsOf(next);
    const wasLooping = crashLoops(this.t, before);
    const isLooping = crashLoops(this.t, after);
    for (const [uid, since] of wasLooping) if (!isLooping.has(uid)) this.ledger.endCrashLoop(uid, since, now);
    for (const node of after.rebooted.keys()) {
      if (before.rebooted.has(node)) continue;
      for (const p of this.t.podsByNode.get(node) ?? []) if (!isLooping.has(p.uid)) this.ledger.bump(p.uid);
    }
    this.active = next;
    this.runtime.apply(after, now);
    if (next.length === 0) this.runtime.forgetEpisodes();
  }

  setFaults(specs: readonly FaultSpec[]): Promise<void> {
    return this.serialized(async () => {
      const now = this.o.now();
      this.applyFaults(resolveFaults(specs, this.faultContext(), this.active, now), now);
      await this.refresh(now);
    });
  }

  restart(component: RestartTarget, node?: string): Promise<void> {
    return this.serialized(async () => {
      const now = this.o.now();
      const target = node ?? this.faultNode;
      if (!this.t.nodeByName.has(target)) throw new RestartError(`no node "${target}" (nodes: ${this.t.nodes.map((n) => n.name).join(', ')})`);
      if (component === 'ztunnel') this.runtime.restartZtunnel(target, now);
      else if (component === 'istio-cni') this.runtime.restartAgent(target, now);
      else throw new RestartError(`cannot restart "${String(component)}": ztunnel or istio-cni`);
      const pod = this.t.pods.find((p) => p.role === component && p.node === target);
      if (pod) this.ledger.bump(pod.uid);
      await this.refresh(now);
    });
  }

  sync(): Promise<void> {
    return this.serialized(() => this.refresh(this.o.now()));
  }

  info(): LabInfo {
    return {
      nodes: this.t.nodes.length,
      istiodNode: this.t.istiodNode,
      faultNode: this.faultNode,
      istioVersion: this.t.release.version,
      layout: this.t.layout,
      ipFamily: this.t.ipFamily,
      istiodService: this.t.istio.serviceName,
    };
  }

  faults(): FaultSpec[] {
    return this.active.map((f) => ({
      name: f.name,
      ...(FAULT_CATALOG[f.name].scope === 'node' ? { node: f.node } : {}),
      ...(FAULT_CATALOG[f.name].scope === 'namespace' ? { namespace: f.namespace } : {}),
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
    }));
  }

  scrapeTargets(): ScrapeTarget[] {
    return this.components.scrapeTargets();
  }

  setApiAvailability(a: ApiAvailability): Promise<void> {
    return this.api.setAvailability(a);
  }

  apiAvailability(): ApiAvailability {
    return this.api.availability();
  }

  compactApiHistory(): void {
    this.store.compact();
  }

  endWatches(): void {
    this.api.endWatches();
  }

  resourceVersion(): number {
    return this.store.currentRv();
  }

  portMode(host: string, port: number): PortMode | undefined {
    return this.network.mode(host, port);
  }

  get apiUrl(): string {
    return this.api.url;
  }

  get controlUrl(): string {
    return this.control.url;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await this.control.close();
    await this.api.close();
    await this.network.close();
    if (this.kubeconfig.dir) await rm(this.kubeconfig.dir, { recursive: true, force: true });
  }
}

function addressInUse(err: unknown): boolean {
  return err instanceof Error && ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || err.message.includes('EADDRINUSE'));
}

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const o = resolveLabOptions(opts);
  let lab: LabInstance | undefined;
  let t: Topology | undefined;
  for (const block of o.addressBlocks) {
    t = buildTopology({
      nodes: o.nodes,
      layout: o.layout,
      ids: new IdSource(o.seed),
      startedAt: o.now(),
      addressBlock: block,
      release: istioRelease(o.istioVersion),
      revision: o.revision,
      ipFamily: o.ipFamily,
    });
    const candidate = new LabInstance(o, t);
    try {
      await candidate.start();
      lab = candidate;
      break;
    } catch (err) {
      await candidate.close().catch(() => {});
      if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
        throw new Error(`the lab binds many addresses in 127.0.0.0/8 and this system refuses ${t.nodes[0]?.ip ?? '127.x'} (Linux routes all of 127/8 to loopback; elsewhere add loopback aliases)`, { cause: err });
      }
      // Another lab holds this block's addresses: try the next block.
      if (!addressInUse(err) || block === o.addressBlocks[o.addressBlocks.length - 1]) throw err;
    }
  }
  if (!lab || !t) throw new Error('no address block available');
  return {
    kubeconfigPath: lab.kubeconfig.path,
    apiUrl: lab.apiUrl,
    controlUrl: lab.controlUrl,
    nodes: t.nodes.map((n) => n.name),
    istiodNode: t.istiodNode,
    faultNode: lab.faultNode,
    addressBlock: t.addresses.block,
    enrollment: { namespaces: [...LAB_ENROLLMENT_POLICY.namespaces] },
    istio: { version: t.release.version, namespace: t.istio.componentNamespace, istiodService: t.istio.serviceName },
    setFaults: (f) => lab.setFaults(f),
    restart: (component, node) => lab.restart(component, node),
    faults: () => lab.faults(),
    scrapeTargets: () => lab.scrapeTargets(),
    setApiAvailability: (a) => lab.setApiAvailability(a),
    apiAvailability: () => lab.apiAvailability(),
    compactApiHistory: () => lab.compactApiHistory(),
    endWatches: () => lab.endWatches(),
    resourceVersion: () => lab.resourceVersion(),
    portMode: (h, p) => lab.portMode(h, p),
    sync: () => lab.sync(),
    close: () => lab.close(),
  };
}
