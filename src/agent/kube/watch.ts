// The agent's informers (kube/resources.ts): every Node and its own node's pods, through the same
// informer as the exporter's (src/kube/informer.ts: trimmed on arrival, back-off, liveness, truthful
// state) and one connection pool to the API server for all three.
import type { KubeConfig } from '@kubernetes/client-node';
import { isLiveComponent, podRole } from '../../kube/cluster-state.js';
import { KubeApiTransport } from '../../kube/api-transport.js';
import { toPodInfo, type RawPod } from '../../kube/convert.js';
import { ResourceInformer, type InformerTuning, type KubeLogger } from '../../kube/informer.js';
import type { PodInfo } from '../../model.js';
import { toAgentNode, type AgentNode, type RawCheckNode } from './convert.js';
import { agentWatchedResources } from './resources.js';

/** What the agent knows of the API now. */
export interface AgentKubeState {
  /** this node (from its own watch) and its peers (every other node), sorted by name */
  nodes: AgentNode[];
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
  const [ownResource, nodesResource, podsResource] = agentWatchedResources(opts.nodeName);
  const api = opts.api ?? new KubeApiTransport(kubeConfig);
  const common = {
    backoff: opts.backoff,
    watchTimeoutSeconds: opts.watchTimeoutSeconds,
    healthyAfterMs: opts.healthyAfterMs,
    pageSize: opts.pageSize,
    listTimeoutMs: opts.listTimeoutMs,
    responseTimeoutMs: opts.responseTimeoutMs,
    watchIdleTimeoutMs: opts.watchIdleTimeoutMs,
    api,
    kubeConfig,
    istioNamespace: opts.istioNamespace,
    logger: opts.logger,
    onChange: () => undefined,
  };
  const own = new ResourceInformer<AgentNode>({ ...common, resource: ownResource!, convert: (raw) => toAgentNode(raw as RawCheckNode, opts.nodeName) });
  // peers only: the node's own object, taints included, comes from its own watch
  const peers = new ResourceInformer<AgentNode>({
    ...common,
    resource: nodesResource!,
    convert: (raw) => ((raw as RawCheckNode).metadata?.name === opts.nodeName ? null : toAgentNode(raw as RawCheckNode, '')),
  });
  const pods = new ResourceInformer<PodInfo>({ ...common, resource: podsResource!, convert: (raw, report) => toPodInfo(raw as RawPod, report) });
  const informers = [own, peers, pods];
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
        nodes: [...own.items(), ...peers.items()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0)),
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
