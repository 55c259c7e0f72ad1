// Paginated LIST of one resource, decoded as plain JSON and trimmed page by page. client-node's typed
// clients would first turn every item into model classes (Dates, nested instances): more CPU and a
// second copy of each object, for fields the exporter never reads. Pages go over the exporter's
// pooled connections (api-transport.ts), one after another on the same connection.
import type { IncomingMessage } from 'node:http';
import type { KubeApiTransport } from './api-transport.js';

export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** items per page (the API server's chunking); client-go's pager uses 500 */
  pageSize?: number;
  /** no response (status line and headers) to a page request within this: the LIST fails */
  responseTimeoutMs?: number;
  /** the whole of one page, response and body */
  timeoutMs?: number;
  /** aborts the request in flight (used when the watch is stopped) */
  signal?: AbortSignal | undefined;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

/** An API error carrying the HTTP status, read by client-node's ListWatch (410 means relist). */
export class ApiStatusError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

interface ListPage {
  items?: unknown[] | null;
  metadata?: { resourceVersion?: string; continue?: string };
}

const DEFAULT_RESPONSE_TIMEOUT_MS = 15_000;
const DEFAULT_PAGE_TIMEOUT_MS = 60_000;

/** The body of a response, read within `deadline` (ms since epoch). */
function readBody(res: IncomingMessage, what: string, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => res.destroy(new Error(`${what}: body not complete within the page timeout`)), Math.max(0, deadline - Date.now()));
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    res.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

async function getPage(api: KubeApiTransport, url: URL, opts: ListOptions): Promise<ListPage> {
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS);
  const what = `list ${url.pathname}`;
  const res = await api.get(url, { responseTimeoutMs: opts.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS, signal: opts.signal });
  const body = await readBody(res, what, deadline);
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    let detail = res.statusMessage ?? '';
    try {
      detail = (JSON.parse(body) as { message?: string }).message ?? detail;
    } catch {
      // not a Status object; keep the status line
    }
    throw new ApiStatusError(status, `${what}: HTTP ${status} ${detail}`.trim());
  }
  try {
    return JSON.parse(body) as ListPage;
  } catch (err) {
    throw new Error(`${what}: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * List every item of `path`, following `continue` tokens, converting each page as it arrives so only
 * one page of raw objects is alive at a time. An expired continue token surfaces as ApiStatusError 410.
 */
export async function listAll<T>(api: KubeApiTransport, path: string, convert: (raw: unknown) => T, opts: ListOptions = {}): Promise<ListResult<T>> {
  const items: T[] = [];
  let resourceVersion = '';
  let token = '';
  do {
    const url = api.url(path);
    url.searchParams.set('limit', String(opts.pageSize ?? 500));
    if (opts.labelSelector) url.searchParams.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) url.searchParams.set('fieldSelector', opts.fieldSelector);
    if (token) url.searchParams.set('continue', token);
    const page = await getPage(api, url, opts);
    for (const raw of page.items ?? []) items.push(convert(raw));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    token = page.metadata?.continue ?? '';
  } while (token);
  return { items, resourceVersion };
}
