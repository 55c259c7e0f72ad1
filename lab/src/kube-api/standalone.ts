// The lab's API server alone, serving objects the caller gives (a topology the simulated cluster
// does not model, such as the real-kernel overlay lab's nodes): list, watch, field and label
// selectors, resourceVersions, exactly as for the simulated cluster. `apply` replaces the whole set,
// and watchers see the differences as ADDED/MODIFIED/DELETED.
import { rm } from 'node:fs/promises';
import { writeKubeconfig } from './kubeconfig.js';
import { reconcile } from './reconcile.js';
import { KubeApiServer } from './server.js';
import { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export interface ObjectApi {
  url: string;
  kubeconfigPath: string;
  /** serve exactly these objects from now on */
  apply(objects: readonly KubeObject[]): void;
  close(): Promise<void>;
}

export interface ObjectApiOptions {
  /** any local address (default 127.0.0.1): another network namespace reaches it on a bridge's address */
  host?: string;
  /** default 0 (ephemeral) */
  port?: number;
  objects: readonly KubeObject[];
  now?: () => number;
}

export async function startObjectApi(o: ObjectApiOptions): Promise<ObjectApi> {
  const now = o.now ?? Date.now;
  const store = new ObjectStore(5000);
  reconcile(store, o.objects, now());
  const api = new KubeApiServer({ host: o.host ?? '127.0.0.1', port: o.port ?? 0, store, bookmarkIntervalMs: 60_000, now });
  await api.start();
  const kubeconfig = await writeKubeconfig(api.url);
  return {
    url: api.url,
    kubeconfigPath: kubeconfig.path,
    apply: (objects) => void reconcile(store, objects, now()),
    async close() {
      await api.close();
      await rm(kubeconfig.dir, { recursive: true, force: true });
    },
  };
}
