// The agent's informers (kube/resources.ts): its own Node and its own node's pods, both by field
// selector, through the same informer as the exporter's (src/kube/informer.ts: trimmed on arrival,
// back-off, liveness, truthful state) and one connection pool to the API server for both.
import type { KubeConfig } from '@kubernetes/client-node';
import { isLiveComponent, podRole } from '../../kube/cluster-state.js';
import { KubeApiTransport } from '../../kube/api-transport.js';
import { toPodInfo, type RawPod } from '../../kube/convert.js';
import { ResourceInformer, informerTuning, type InformerTuning, type KubeLogger } from '../../kube/informer.js';
import type { PodInfo } from '../../model.js';
import { toAgentNode, type AgentNode, type RawCheckNode } from './convert.js';
import { agentWatchedResources } from './resources.js';

/** What the agent knows of the API now. */
export interface AgentKubeState {
  /** this node, once listed */
  self: AgentNode | undefined;
  /** live ztunnel pods of this node, newest first */
  ztunnelPods: PodInfo[];
  /** live istio-cni pods of this node, newest first */
  cniPods: PodInfo[];
  /** resource -> watch established */
  watchUp: Record<string, boolean>;
  /** both informers completed their first list */
  synced: boolean;
}

export interface AgentWatch {
  snapshot(): AgentKubeState;
  synced(): Promise<void>;
  stop(): Promise<void>;
}

export interface AgentWatchOptions extends InformerTuning {
  /** the connection pool to the API server; without it the watch has its own, closed at stop */
  api?: KubeApiTransport;
  nodeName: string;
  istioNamespace: string;
  logger?: KubeLogger | undefined;
}

const newestFirst = (a: PodInfo, b: PodInfo): number => b.createdAt - a.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function startAgentWatch(kubeConfig: KubeConfig, opts: AgentWatchOptions): AgentWatch {
  const [ownResource, podsResource] = agentWatchedResources(opts.nodeName);
  const api = opts.api ?? new KubeApiTransport(kubeConfig);
  const common = {
    ...informerTuning(opts),
    api,
    kubeConfig,
    istioNamespace: opts.istioNamespace,
    logger: opts.logger,
    onChange: () => undefined,
  };
  const own = new ResourceInformer<AgentNode>({ ...common, resource: ownResource!, convert: (raw) => toAgentNode(raw as RawCheckNode, opts.nodeName) });
  const pods = new ResourceInformer<PodInfo>({ ...common, resource: podsResource!, convert: (raw, report) => toPodInfo(raw as RawPod, report) });
  const informers = [own, pods];
  for (const inf of informers) inf.start();
  let stopped = false;
  let rejectSynced: (err: Error) => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve, reject) => {
    rejectSynced = reject;
    Promise.all(informers.map((inf) => inf.whenListed())).then(() => resolve(), reject);
  });
  syncedPromise.catch(() => undefined);

  return {
    snapshot() {
      const mine = pods.items().filter((p) => p.node === opts.nodeName && isLiveComponent(p));
      const role = (p: PodInfo) => podRole(p, opts.istioNamespace);
      return {
        self: own.items().find((n) => n.metadata.name === opts.nodeName),
        ztunnelPods: mine.filter((p) => role(p) === 'ztunnel').sort(newestFirst),
        cniPods: mine.filter((p) => role(p) === 'istio-cni').sort(newestFirst),
        watchUp: Object.fromEntries(informers.map((inf) => [inf.name, inf.up])),
        synced: informers.every((inf) => inf.listed),
      };
    },
    synced: () => syncedPromise,
    async stop() {
      if (stopped) return;
      stopped = true;
      rejectSynced(new Error('agent watch stopped before the first sync'));
      await Promise.all(informers.map((inf) => inf.stop()));
      if (!opts.api) api.close();
    },
  };
}
