// The Kubernetes side of a round's inputs, shared by `serve` and `diagnose`: the kubeconfig (one that
// cannot be used is a configuration error naming the key) and the API watch built from it.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { KubeApiTransport } from '../kube/api-transport.js';
import { loadKubeConfig } from '../kube/client.js';
import { startClusterWatch, type ClusterWatch, type KubeLogger } from '../kube/cluster-watch.js';

/**
 * The API watch and the exporter's one connection pool to the API server (watches, lists, /readyz),
 * or undefined with --no-kube; a kubeconfig that cannot be used is a configuration error.
 */
export function watchCluster(config: Config, log: KubeLogger): { watch: ClusterWatch; kubeConfig: KubeConfig; api: KubeApiTransport } | undefined {
  if (!config.kube) return undefined;
  let kubeConfig: KubeConfig;
  try {
    const loaded = loadKubeConfig({ kubeconfig: config.kubeconfig });
    kubeConfig = loaded.kubeConfig;
    log.info({ kube: loaded.describe() }, 'using Kubernetes API');
  } catch (err) {
    throw new ConfigError(`config: kubeconfig: ${(err as Error).message}`);
  }
  const api = new KubeApiTransport(kubeConfig);
  const watch = startClusterWatch(kubeConfig, {
    api,
    istioNamespace: config.istioNamespace,
    istiodService: config.istiodService,
    agentNamespace: config.agentNamespace,
    enrollment: config.enrollment,
    logger: log,
  });
  return { watch, kubeConfig, api };
}

