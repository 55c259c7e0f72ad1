// List responses, with limit/continue paging.
import { expired } from './status.js';
import { groupVersion } from './resources.js';
import { listItem, matchesQuery, type Query } from './query.js';
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

export function listResponse(
  store: ObjectStore,
  q: Query,
  limit: number | undefined,
  continueToken: string | undefined,
): { ok: true; body: Record<string, unknown> } | { ok: false; status: StatusBody } {
  let items = store.list(q.resource, q.namespace).filter((o) => matchesQuery(q, o));
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
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (limit !== undefined && limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    metadata.continue = encodeToken({ rv, after: `${last?.metadata.namespace ?? ''}/${last?.metadata.name ?? ''}` });
    metadata.remainingItemCount = items.length - limit;
    items = page;
  }
  return {
    ok: true,
    body: { kind: `${q.resource.kind}List`, apiVersion: groupVersion(q.resource), metadata, items: items.map(listItem) },
  };
}
