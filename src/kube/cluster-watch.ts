// The running kube/ layer: one informer per row of WATCHED_RESOURCES, and a ClusterState snapshot
// rebuilt lazily (only when something changed since the last snapshot).

import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterState, PodInfo } from '../model.js';
import { WATCHED_RESOURCES } from './resources.js';
import {
  toEndpointSliceInfo,
  toNamespaceInfo,
  toNodeInfo,
  toPodEventInfo,
  toPodInfo,
  toServiceInfo,
  type RawEndpointSlice,
  type RawEvent,
  type RawNamespace,
  type RawNode,
  type RawPod,
  type RawService,
  type ReportInvalid,
} from './convert.js';
import { buildClusterState, type KubeStores } from './cluster-state.js';
import type { EnrollmentPolicy } from './enrollment.js';
import { enablementOf, enrollmentMatcher } from './enrollment.js';
import { KubeApiTransport } from './api-transport.js';
import { ResourceInformer, informerTuning, type InformerTuning, type KubeLogger } from './informer.js';

export type { KubeLogger } from './informer.js';

export interface ClusterWatchOptions extends InformerTuning {
  /**
   * The connection pool to the API server, shared with the /readyz probe; its owner closes it.
   * Without one the watch makes its own and closes it when stopped.
   */
  api?: KubeApiTransport;
  istioNamespace: string;
  enrollment: EnrollmentPolicy;
  /** name of istiod's Service (default istiod) */
  istiodService?: string | undefined;
  /** namespace of the node agents (default ambient-exporter-agent) */
  agentNamespace?: string | undefined;
  logger?: KubeLogger | undefined;
}

export interface ClusterWatch {
  /** the current state; cheap: the same object until something changes */
  snapshot(): ClusterState;
  /**
   * Resolves once every informer has completed its first list and tried to open its watch (so a
   * snapshot taken right after shows the watches up); rejects if stopped before that.
   */
  synced(): Promise<void>;
  /**
   * Up to when the snapshot is known to match the API (ms since epoch): now while every watch is
   * established; else when the first of the watches now down went down (what happened since is
   * unknown). Undefined before every informer's first list.
   */
  currentAsOf(): number | undefined;
  /** every pod the watch holds, unfiltered (diagnose --pre-install probes pods of any namespace) */
  pods(): readonly PodInfo[];
  /** calls cb (at most once per tick) after any change of objects or watch state; returns an unsubscribe */
  onChange(cb: () => void): () => void;
  stop(): Promise<void>;
}

/** Resource name (WATCHED_RESOURCES) -> conversion of its objects; pods keep the labels the enablement selectors read. */
function converters(podLabelKeys: readonly string[]) {
  return {
    nodes: (raw: unknown, report: ReportInvalid) => toNodeInfo(raw as RawNode, report),
    namespaces: (raw: unknown) => toNamespaceInfo(raw as RawNamespace),
    pods: (raw: unknown, report: ReportInvalid) => toPodInfo(raw as RawPod, report, podLabelKeys),
    events: (raw: unknown) => toPodEventInfo(raw as RawEvent),
    services: (raw: unknown, report: ReportInvalid) => toServiceInfo(raw as RawService, report),
    endpointslices: (raw: unknown, report: ReportInvalid) => toEndpointSliceInfo(raw as RawEndpointSlice, report),
  };
}
type Converters = ReturnType<typeof converters>;
type Informers = { [K in keyof Converters]: ResourceInformer<NonNullable<ReturnType<Converters[K]>>> };

function isConverted(name: string, table: Converters): name is keyof Converters {
  return Object.prototype.hasOwnProperty.call(table, name);
}

export function startClusterWatch(kubeConfig: KubeConfig, opts: ClusterWatchOptions): ClusterWatch {
  // Fail fast on a bad enrollment selector rather than on the first snapshot.
  enrollmentMatcher(opts.enrollment);
  const CONVERTERS = converters(enablementOf(opts.enrollment).podLabelKeys);
  const missing = WATCHED_RESOURCES.filter((r) => !isConverted(r.name, CONVERTERS)).map((r) => r.name);
  if (missing.length > 0) throw new Error(`no converter for watched resource(s) ${missing.join(', ')}`);

  const listeners = new Set<() => void>();
  let cached: ClusterState | undefined;
  let notifyScheduled = false;
  let stopped = false;

  // When each watch went down; absent while it is established.
  const downSince = new Map<string, number>();
  const trackWatches = (): void => {
    const now = Date.now();
    for (const [name, inf] of byName) {
      if (inf.up) downSince.delete(name);
      else if (!downSince.has(name)) downSince.set(name, now);
    }
  };

  const changed = (): void => {
    trackWatches();
    cached = undefined;
    if (notifyScheduled || stopped || listeners.size === 0) return;
    notifyScheduled = true;
    setImmediate(() => {
      notifyScheduled = false;
      if (stopped) return;
      for (const cb of listeners) {
        try {
          cb();
        } catch (err) {
          opts.logger?.error({ err: String(err) }, 'cluster change listener failed');
        }
      }
    });
  };

  const tuning = informerTuning(opts);
  const api = opts.api ?? new KubeApiTransport(kubeConfig);
  const byName = new Map<string, ResourceInformer<unknown>>();
  for (const resource of WATCHED_RESOURCES) {
    const convert = CONVERTERS[resource.name as keyof Converters] as (raw: unknown, report: ReportInvalid) => unknown;
    byName.set(
      resource.name,
      new ResourceInformer<unknown>({
        ...tuning,
        api,
        kubeConfig,
        resource,
        istioNamespace: opts.istioNamespace,
        convert,
        logger: opts.logger,
        onChange: changed,
      }),
    );
  }
  const informers = Object.fromEntries(byName) as unknown as Informers;

  const stores = (): KubeStores => ({
    nodes: informers.nodes.items(),
    namespaces: informers.namespaces.items(),
    pods: informers.pods.items(),
    events: informers.events.items(),
    services: informers.services.items(),
    endpointSlices: informers.endpointslices.items(),
    watchUp: Object.fromEntries([...byName].map(([name, inf]) => [name, inf.up])),
    listed: Object.fromEntries([...byName].map(([name, inf]) => [name, inf.listed])),
    lastEvent: Object.fromEntries([...byName].map(([name, inf]) => [name, inf.lastEventMs])),
  });

  let rejectSynced: (err: Error) => void = () => {};
  const syncedPromise = new Promise<void>((resolve, reject) => {
    rejectSynced = reject;
    Promise.all([...byName.values()].map((inf) => inf.whenListed())).then(() => {
      opts.logger?.info({ resources: [...byName.keys()] }, 'kubernetes informers synced');
      resolve();
    }, reject);
  });
  // Nobody has to await synced(); a stop before sync must not become an unhandled rejection.
  syncedPromise.catch(() => {});

  for (const inf of byName.values()) inf.start();

  return {
    snapshot() {
      cached ??= buildClusterState(stores(), {
        istioNamespace: opts.istioNamespace,
        enrollment: opts.enrollment,
        istiodService: opts.istiodService,
        agentNamespace: opts.agentNamespace,
      });
      return cached;
    },
    synced: () => syncedPromise,
    currentAsOf() {
      if (![...byName.values()].every((inf) => inf.listed)) return undefined;
      trackWatches();
      return downSince.size === 0 ? Date.now() : Math.min(...downSince.values());
    },
    pods: () => informers.pods.items(),
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      rejectSynced(new Error('cluster watch stopped before the first sync'));
      await Promise.all([...byName.values()].map((inf) => inf.stop()));
      if (!opts.api) api.close();
      cached = undefined;
    },
  };
}
