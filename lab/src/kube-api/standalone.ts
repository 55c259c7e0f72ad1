// The lab's API server alone, serving objects the caller gives (a topology the simulated cluster
// does not model, such as the real-kernel overlay lab's nodes): list, watch, field and label
// selectors, resourceVersions, exactly as for the simulated cluster. `apply` replaces the whole set,
// and watchers see the differences as ADDED/MODIFIED/DELETED.
import { rm } from 'node:fs/promises';
import { writeKubeconfig } from './kubeconfig.js';
import { reconcile } from './reconcile.js';
import { KubeApiServer, type ApiAvailability } from './server.js';
import { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export interface ObjectApi {
  url: string;
  kubeconfigPath: string;
  /** serve exactly these objects from now on */
  apply(objects: readonly KubeObject[]): void;
  /** LIST and WATCH requests served so far */
  readonly requests: { readonly list: number; readonly watch: number };
  /** 'refuse': stop listening and cut every connection, as a dead API server; 'up': serve again on the same port */
  setAvailability(a: ApiAvailability): Promise<void>;
  /** end every watch stream cleanly, as when watches reach the server's request timeout */
  endWatches(): void;
  /** forget the change history, as an etcd compaction does: watches from before now get 410 Expired */
  compact(): void;
  /** while on, every watch from a resourceVersion gets 410 Expired (KubeApiServer.expireWatches) */
  expireWatches(on: boolean): void;
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
    requests: api.requests,
    setAvailability: (a) => api.setAvailability(a),
    endWatches: () => api.endWatches(),
    compact: () => store.compact(),
    expireWatches: (on) => void (api.expireWatches = on),
    async close() {
      await api.close();
      await rm(kubeconfig.dir, { recursive: true, force: true });
    },
  };
}
