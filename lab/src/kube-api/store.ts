// The API server's storage: objects per resource, one global resourceVersion that grows with every
// write (like etcd's revision), and a bounded history of changes that watches resume from. A watch
// from a version older than the history gets 410 Expired, as from a compacted etcd.
import { resourceForObject, resourceKey, type ApiResource } from './resources.js';
import type { KubeObject } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  type: ChangeType;
  resource: string;
  rv: number;
  /** the object after the change (for DELETED: its last state, stamped with the deletion's version) */
  object: KubeObject;
  /** the object before the change, for MODIFIED and DELETED */
  previous?: KubeObject;
}

export type ChangeListener = (c: Change) => void;

function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

export class ObjectStore {
  private rv: number;
  /** history holds every change with rv > compactedRv */
  private compactedRv: number;
  private history: Change[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  /** each resource's objects in list order, kept until one changes: the API server serves lists from its watch cache, it does not sort the store per request */
  private readonly sorted = new Map<string, readonly KubeObject[]>();
  /** resource -> field -> value -> objects in list order, kept until one of the resource changes */
  private readonly indexes = new Map<string, Map<string, Map<string, KubeObject[]>>>();
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    private readonly historyLimit: number,
    initialRv = 1000,
  ) {
    this.rv = initialRv;
    this.compactedRv = initialRv;
  }

  currentRv(): number {
    return this.rv;
  }

  /** Oldest version a watch may resume from. */
  oldestRv(): number {
    return this.compactedRv;
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) this.objects.set(resource, (b = new Map<string, KubeObject>()));
    return b;
  }

  get(resource: ApiResource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(resourceKey(resource))?.get(`${namespace ?? ''}/${name}`);
  }

  /** Objects of a resource, optionally of one namespace, sorted by namespace then name. */
  list(resource: ApiResource, namespace?: string): readonly KubeObject[] {
    const key = resourceKey(resource);
    let all = this.sorted.get(key);
    if (!all) {
      const keyed = [...(this.objects.get(key)?.values() ?? [])].map((o) => ({ o, k: objectKey(o) }));
      all = keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.o);
      this.sorted.set(key, all);
    }
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Objects whose field (one of resource.fields) has this value, in list order: an index like the API server's watch cache keeps for pods' spec.nodeName. */
  listByField(resource: ApiResource, field: string, value: string): readonly KubeObject[] {
    const key = resourceKey(resource);
    const getter = resource.fields[field];
    if (!getter) return [];
    let byField = this.indexes.get(key);
    if (!byField) this.indexes.set(key, (byField = new Map<string, Map<string, KubeObject[]>>()));
    let index = byField.get(field);
    if (!index) {
      index = new Map<string, KubeObject[]>();
      for (const o of this.list(resource)) {
        const v = getter(o);
        const group = index.get(v);
        if (group) group.push(o);
        else index.set(v, [o]);
      }
      byField.set(field, index);
    }
    return index.get(value) ?? [];
  }

  /** Creates or replaces the object; returns the stored copy with its new resourceVersion. */
  put(obj: KubeObject): KubeObject {
    const resource = this.resourceOf(obj);
    const bucket = this.bucket(resource);
    const key = objectKey(obj);
    const previous = bucket.get(key);
    const stored = this.stamp(obj, ++this.rv);
    bucket.set(key, stored);
    this.sorted.delete(resource);
    this.indexes.delete(resource);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', resource, rv: this.rv, object: stored, ...(previous ? { previous } : {}) });
    return stored;
  }

  delete(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): boolean {
    const resource = this.resourceOf(obj);
    const bucket = this.bucket(resource);
    const key = objectKey(obj);
    const previous = bucket.get(key);
    if (!previous) return false;
    bucket.delete(key);
    this.sorted.delete(resource);
    this.indexes.delete(resource);
    const last = this.stamp(previous, ++this.rv);
    this.record({ type: 'DELETED', resource, rv: this.rv, object: last, previous });
    return true;
  }

  /** Changes after `rv`, or 'expired' when some of them are no longer kept. */
  changesSince(rv: number): Change[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    // history is ordered by rv; find the first change newer than rv
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Forgets all history, as an etcd compaction at the current revision does. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  subscribe(fn: ChangeListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private resourceOf(obj: KubeObject): string {
    const r = resourceForObject(obj);
    if (!r) throw new Error(`the lab API server does not store ${obj.apiVersion} ${obj.kind}`);
    return resourceKey(r);
  }

  private stamp(obj: KubeObject, rv: number): KubeObject {
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
  }

  private record(change: Change): void {
    this.history.push(change);
    // Trim in batches so a long run of writes does not shift the array on every write.
    if (this.history.length > this.historyLimit + Math.max(16, this.historyLimit >> 3)) {
      const drop = this.history.length - this.historyLimit;
      this.compactedRv = this.history[drop - 1]?.rv ?? this.compactedRv;
      this.history.splice(0, drop);
    }
    for (const fn of this.listeners) fn(change);
  }
}
