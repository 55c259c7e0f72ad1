// List responses, with limit/continue paging.
import { expired } from './status.js';
import { candidates, matchesQuery, type Query } from './query.js';
import type { KubeObject } from './types.js';
import type { ObjectStore } from './store.js';
import type { StatusBody } from './status.js';

interface ContinueToken {
  rv: number;
  after: string;
}

function encodeToken(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(s: string): ContinueToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString()) as Partial<ContinueToken>;
    return typeof t.rv === 'number' && typeof t.after === 'string' ? { rv: t.rv, after: t.after } : undefined;
  } catch {
    return undefined;
  }
}

export interface ListPage {
  objects: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

/** The objects of one list page (all of them without `limit`). */
export function listPage(
  store: ObjectStore,
  q: Query,
  limit: number | undefined,
  continueToken: string | undefined,
): { ok: true; page: ListPage } | { ok: false; status: StatusBody } {
  let items = candidates(store, q).filter((o) => matchesQuery(q, o));
  let rv = store.currentRv();
  if (continueToken) {
    const t = decodeToken(continueToken);
    if (!t || t.rv < store.oldestRv()) {
      const status = expired(t?.rv ?? 0, store.oldestRv());
      status.message = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';
      return { ok: false, status };
    }
    // Pages after the first continue from the first page's version number; objects changed since
    // are served as they are now (the lab keeps no snapshots).
    rv = t.rv;
    items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > t.after);
  }
  const page: ListPage = { objects: items, resourceVersion: String(rv) };
  if (limit !== undefined && limit > 0 && items.length > limit) {
    page.objects = items.slice(0, limit);
    const last = page.objects[page.objects.length - 1];
    page.continueToken = encodeToken({ rv, after: `${last?.metadata.namespace ?? ''}/${last?.metadata.name ?? ''}` });
    page.remainingItemCount = items.length - limit;
  }
  return { ok: true, page };
}
