// Paginated LIST of one resource, decoded as plain JSON and trimmed page by page. client-node's typed
// clients would first turn every item into model classes (Dates, nested instances): more CPU and a
// second copy of each object, for fields the exporter never reads.

import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** items per page (the API server's chunking); client-go's pager uses 500 */
  pageSize?: number;
  /** per-page request timeout */
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

async function getJson(kubeConfig: KubeConfig, url: URL, timeoutMs: number, signal: AbortSignal | undefined): Promise<ListPage> {
  signal?.throwIfAborted();
  const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' }, signal };
  await kubeConfig.applyToHTTPSOptions(opts);
  const transport = url.protocol === 'http:' ? http : https;
  try {
    return await new Promise<ListPage>((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            let detail = res.statusMessage ?? '';
            try {
              detail = (JSON.parse(body) as { message?: string }).message ?? detail;
            } catch {
              // not a Status object; keep the status line
            }
            reject(new ApiStatusError(status, `list ${url.pathname}: HTTP ${status} ${detail}`.trim()));
            return;
          }
          try {
            resolve(JSON.parse(body) as ListPage);
          } catch (err) {
            reject(new Error(`list ${url.pathname}: invalid JSON: ${(err as Error).message}`));
          }
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`list ${url.pathname}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  } finally {
    (opts.agent as http.Agent | undefined)?.destroy();
  }
}

/**
 * List every item of `path`, following `continue` tokens, converting each page as it arrives so only
 * one page of raw objects is alive at a time. An expired continue token surfaces as ApiStatusError 410.
 */
export async function listAll<T>(
  kubeConfig: KubeConfig,
  path: string,
  convert: (raw: unknown) => T,
  opts: ListOptions = {},
): Promise<ListResult<T>> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no current cluster');
  const items: T[] = [];
  let resourceVersion = '';
  let token = '';
  do {
    const url = new URL(server.replace(/\/+$/, '') + path);
    url.searchParams.set('limit', String(opts.pageSize ?? 500));
    if (opts.labelSelector) url.searchParams.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) url.searchParams.set('fieldSelector', opts.fieldSelector);
    if (token) url.searchParams.set('continue', token);
    const page = await getJson(kubeConfig, url, opts.timeoutMs ?? 60_000, opts.signal);
    for (const raw of page.items ?? []) items.push(convert(raw));
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    token = page.metadata?.continue ?? '';
  } while (token);
  return { items, resourceVersion };
}
