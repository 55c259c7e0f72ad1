// One watch stream: newline-delimited JSON events, with the API server's semantics for
// resourceVersion (unset/"0": current state as ADDED first; N: changes after N, or an ERROR event
// carrying 410 Expired when N is older than the kept history), selector transitions (an object that
// stops matching is DELETED for this watcher), bookmarks and timeoutSeconds.
import type { ServerResponse } from 'node:http';
import { expired } from './status.js';
import { groupVersion } from './resources.js';
import { candidates, matchesQuery, type Query } from './query.js';
import { resourceKey } from './resources.js';
import type { Change, ObjectStore } from './store.js';
import type { KubeObject } from './types.js';

export interface WatchOptions {
  query: Query;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  bookmarkIntervalMs: number;
  /** how an object is written into an event (default: as is; kubectl asks for Table rows) */
  encode?: (o: KubeObject) => unknown;
  /** answer 410 Expired to a watch from any resourceVersion, even the newest (see KubeApiServer.expireWatches) */
  expireAll?: boolean;
}

export interface WatchHandle {
  /** ends the stream as the server does when its watch times out or it shuts down */
  end(): void;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** What a watcher with this query sees of a change, if anything. */
export function project(q: Query, c: Change): { type: EventType; object: KubeObject } | undefined {
  if (c.resource !== resourceKey(q.resource)) return undefined;
  const nowMatches = c.type !== 'DELETED' && matchesQuery(q, c.object);
  const before = c.previous !== undefined && matchesQuery(q, c.previous);
  if (c.type === 'ADDED') return nowMatches ? { type: 'ADDED', object: c.object } : undefined;
  if (c.type === 'DELETED') return before ? { type: 'DELETED', object: c.object } : undefined;
  if (nowMatches) return { type: before ? 'MODIFIED' : 'ADDED', object: c.object };
  return before ? { type: 'DELETED', object: c.object } : undefined;
}

export function serveWatch(store: ObjectStore, o: WatchOptions, res: ServerResponse, onEnd: () => void): WatchHandle {
  const q = o.query;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = () => {};

  const send = (type: EventType, object: unknown) => {
    if (ended) return;
    const encoded = o.encode && type !== 'BOOKMARK' && type !== 'ERROR' ? o.encode(object as KubeObject) : object;
    res.write(`${JSON.stringify({ type, object: encoded })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>) =>
    send('BOOKMARK', {
      kind: q.resource.kind,
      apiVersion: groupVersion(q.resource),
      metadata: { resourceVersion: String(store.currentRv()), ...(annotations ? { annotations } : {}) },
    });
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
    onEnd();
  };
  res.on('close', end);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  const rv = o.resourceVersion;
  const fromState = rv === undefined || rv === '' || rv === '0' || o.sendInitialEvents === true;
  if (fromState) {
    // Subscribe and replay in one synchronous step: no change can slip between the two.
    for (const obj of candidates(store, q)) if (matchesQuery(q, obj)) send('ADDED', obj);
    if (o.sendInitialEvents && o.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const n = Number(rv);
    const changes = Number.isFinite(n) && !o.expireAll ? store.changesSince(n) : 'expired';
    if (changes === 'expired') {
      send('ERROR', expired(Number.isFinite(n) ? n : 0, store.oldestRv()));
      end();
      return { end };
    }
    for (const c of changes) {
      const e = project(q, c);
      if (e) send(e.type, e.object);
    }
  }
  unsubscribe = store.subscribe((c) => {
    const e = project(q, c);
    if (e) send(e.type, e.object);
  });

  if (o.allowBookmarks && o.bookmarkIntervalMs > 0) {
    const tick = () => {
      bookmark();
      timers[0] = setTimeout(tick, o.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, o.bookmarkIntervalMs);
  }
  if (o.timeoutSeconds !== undefined && o.timeoutSeconds > 0) {
    timers.push(
      setTimeout(() => {
        if (o.allowBookmarks) bookmark();
        end();
      }, o.timeoutSeconds * 1000),
    );
  }
  return { end };
}
