// Brings the store to a desired set of objects through ordinary writes, so every change reaches
// watchers as ADDED/MODIFIED/DELETED. Timestamps of things that did not change are carried over
// from the stored object (a condition keeps its lastTransitionTime while its status holds; a
// running container keeps its startedAt), and set to `now` when they did change.
import { rfc3339 } from '../util/time.js';
import { resourceForObject, resourceKey, API_RESOURCES } from './resources.js';
import type { ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

type Json = Record<string, unknown>;

interface ConditionLike {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

function carryConditions(desired: Json | undefined, stored: Json | undefined, nowText: string): void {
  const want = desired?.conditions as ConditionLike[] | undefined;
  const had = stored?.conditions as ConditionLike[] | undefined;
  if (!want || !had) return;
  for (const c of want) {
    const prev = had.find((h) => h.type === c.type);
    if (!prev) continue;
    c.lastTransitionTime = prev.status === c.status ? prev.lastTransitionTime : nowText;
  }
}

function carryContainerStarts(desired: Json | undefined, stored: Json | undefined, nowText: string): void {
  const want = desired?.containerStatuses as Json[] | undefined;
  const had = stored?.containerStatuses as Json[] | undefined;
  if (!want || !had) return;
  for (const c of want) {
    const running = (c.state as Json | undefined)?.running as Json | undefined;
    if (!running) continue;
    const prev = had.find((h) => h.name === c.name);
    const prevRunning = (prev?.state as Json | undefined)?.running as Json | undefined;
    running.startedAt = prevRunning && prev?.containerID === c.containerID ? prevRunning.startedAt : nowText;
  }
}

function withCarriedTimes(desired: KubeObject, stored: KubeObject, now: number): KubeObject {
  const copy = structuredClone(desired);
  const nowText = rfc3339(now);
  carryConditions(copy.status as Json | undefined, stored.status as Json | undefined, nowText);
  carryContainerStarts(copy.status as Json | undefined, stored.status as Json | undefined, nowText);
  return copy;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return strip(a) === strip(b);
}

/** Applies `desired` (the complete set of objects of every served resource); returns the number of writes. */
export function reconcile(store: ObjectStore, desired: readonly KubeObject[], now: number): number {
  let writes = 0;
  const wanted = new Map<string, Set<string>>();
  for (const obj of desired) {
    const r = resourceForObject(obj);
    if (!r) throw new Error(`cannot store ${obj.apiVersion} ${obj.kind}`);
    const key = resourceKey(r);
    let names = wanted.get(key);
    if (!names) wanted.set(key, (names = new Set()));
    names.add(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
    const stored = store.get(r, obj.metadata.namespace, obj.metadata.name);
    const next = stored ? withCarriedTimes(obj, stored, now) : obj;
    if (stored && sameContent(next, stored)) continue;
    store.put(next);
    writes++;
  }
  for (const r of API_RESOURCES) {
    const names = wanted.get(resourceKey(r)) ?? new Set<string>();
    for (const obj of store.list(r)) {
      if (names.has(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`)) continue;
      store.delete(obj);
      writes++;
    }
  }
  return writes;
}
