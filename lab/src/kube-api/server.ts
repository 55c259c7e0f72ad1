// A read-only Kubernetes API server over plain HTTP, enough for @kubernetes/client-node (list,
// get, watch, discovery, health) and kubectl-style get. It can be taken down on purpose: 'refuse'
// closes the listener (connections refused), 'unavailable' answers 503 to everything; both end
// every open watch, as an API server restart does.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { coreVersions, group, groupList, resourceList, versionInfo } from './discovery.js';
import { listPage } from './list.js';
import { listItem } from './query.js';
import { groupVersion } from './resources.js';
import { table, TABLE_CONTENT_TYPE, wantsTable } from './table.js';
import type { Query } from './query.js';
import { findResource, type ApiResource } from './resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import { badRequest, methodNotAllowed, notFound, pageNotFound, unavailable, type StatusBody } from './status.js';
import type { ObjectStore } from './store.js';
import { RequestMetrics, type ApiScope } from './request-metrics.js';
import { serveWatch, type WatchHandle } from './watch.js';

export type ApiAvailability = 'up' | 'refuse' | 'unavailable';

export interface ApiServerOptions {
  host: string;
  port: number;
  store: ObjectStore;
  bookmarkIntervalMs: number;
  /** the lab clock, for the ages kubectl shows */
  now: () => number;
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendStatus(res: ServerResponse, s: StatusBody): void {
  sendJson(res, s.code, s);
}

const HEALTH_CHECKS = ['ping', 'log', 'etcd', 'informer-sync', 'poststarthook/start-apiserver-admission-initializer'];

interface ResourceRoute {
  resource: ApiResource;
  namespace: string | undefined;
  name: string | undefined;
  watchPath: boolean;
}

/** Matches /api/v1/... and /apis/GROUP/VERSION/... resource paths. */
function resourceRoute(parts: string[]): ResourceRoute | undefined {
  let groupName = '';
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) {
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts[1] && parts[2]) {
    groupName = parts[1];
    rest = parts.slice(3);
  } else return undefined;
  const version = parts[0] === 'api' ? parts[1] : parts[2]!;
  const watchPath = rest[0] === 'watch';
  if (watchPath) rest = rest.slice(1);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = findResource(groupName, version, rest[2]!);
    if (!resource?.namespaced || rest.length > 4) return undefined;
    return { resource, namespace: rest[1], name: rest[3], watchPath };
  }
  const resource = findResource(groupName, version, rest[0] ?? '');
  if (!resource || rest.length > 2) return undefined;
  if (resource.namespaced && rest.length === 2) return undefined;
  return { resource, namespace: undefined, name: rest[1], watchPath };
}

export class KubeApiServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<WatchHandle>();
  private state: ApiAvailability = 'up';
  private port = 0;
  /** LIST and WATCH requests served so far (a client's relists and reconnects, counted) */
  readonly requests = { list: 0, watch: 0 };
  /**
   * Every watch from a resourceVersion gets 410 Expired, even from the version just listed: an API
   * server whose watch cache cannot serve any version the client holds (the "too old resource
   * version" error of k8s.io/apiserver pkg/storage/cacher/watch_cache.go, every time).
   */
  expireWatches = false;
  /** what clients asked of it, by verb and resource: its /metrics (apiserver_request_total) */
  readonly requestMetrics = new RequestMetrics();

  constructor(private readonly o: ApiServerOptions) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get url(): string {
    return `http://${this.o.host}:${this.port}`;
  }

  get address(): string {
    return `${this.o.host}:${this.port}`;
  }

  async start(): Promise<void> {
    await this.listen(this.o.port);
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: this.o.host, port }, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        if (addr && typeof addr === 'object') this.port = addr.port;
        resolve();
      });
    });
  }

  availability(): ApiAvailability {
    return this.state;
  }

  async setAvailability(next: ApiAvailability): Promise<void> {
    if (next === this.state) return;
    const prev = this.state;
    this.state = next;
    if (next !== 'up') this.endWatches();
    if (next === 'refuse') await this.stopListening();
    if (prev === 'refuse') await this.listen(this.port);
  }

  /** Ends every open watch stream, as the API server does when a watch reaches its request timeout. */
  endWatches(): void {
    for (const w of [...this.watches]) w.end();
  }

  private async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async close(): Promise<void> {
    this.endWatches();
    if (this.state !== 'refuse') await this.stopListening();
    this.state = 'refuse';
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.state === 'unavailable') return sendStatus(res, unavailable());
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, methodNotAllowed(req.method ?? ''));
    const url = new URL(req.url ?? '/', 'http://lab');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const parts = p.split('/').filter(Boolean);

    if (p === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      return void res.end(this.requestMetrics.exposition());
    }
    const route = resourceRoute(parts);
    if (!route) this.requestMetrics.count({ verb: 'GET', group: '', version: '', resource: '', scope: '' });

    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      const verbose = url.searchParams.has('verbose');
      const name = p.slice(1);
      const body = verbose ? `${HEALTH_CHECKS.map((c) => `[+]${c} ok`).join('\n')}\n${name} check passed\n` : 'ok';
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      return void res.end(body);
    }
    if (p === '/version') return sendJson(res, 200, versionInfo());
    if (p === '/api') return sendJson(res, 200, coreVersions(this.address));
    if (p === '/apis') return sendJson(res, 200, groupList());
    if (parts[0] === 'api' && parts.length === 2) return this.sendOr404(res, resourceList('', parts[1]!));
    if (parts[0] === 'apis' && parts.length === 2) return this.sendOr404(res, group(parts[1]!));
    if (parts[0] === 'apis' && parts.length === 3) return this.sendOr404(res, resourceList(parts[1]!, parts[2]!));

    if (!route) return sendStatus(res, pageNotFound());
    try {
      this.serveResource(route, url.searchParams, wantsTable(req.headers.accept), res);
    } catch (err) {
      if (err instanceof SelectorError) return sendStatus(res, badRequest(err.message));
      throw err;
    }
  }

  private sendOr404(res: ServerResponse, body: unknown): void {
    if (body === undefined) return sendStatus(res, pageNotFound());
    sendJson(res, 200, body);
  }

  private serveResource(route: ResourceRoute, params: URLSearchParams, asTable: boolean, res: ServerResponse): void {
    const { resource, namespace, name } = route;
    const store = this.o.store;
    const isWatch = route.watchPath || ['true', '1'].includes(params.get('watch') ?? '');
    const scope: ApiScope = name !== undefined && !isWatch ? 'resource' : namespace !== undefined ? 'namespace' : 'cluster';
    const requestKey = { verb: isWatch ? ('WATCH' as const) : name !== undefined ? ('GET' as const) : ('LIST' as const), group: resource.group, version: resource.version, resource: resource.plural, scope };
    this.requestMetrics.count(requestKey);
    if (name !== undefined && !isWatch) {
      const obj = store.get(resource, namespace, name);
      if (!obj) return sendStatus(res, notFound(resource.plural, name, resource.group));
      if (asTable) return sendJson(res, 200, table(resource, [obj], obj.metadata.resourceVersion ?? '', this.o.now()), TABLE_CONTENT_TYPE);
      return sendJson(res, 200, obj);
    }
    const fieldSel = [params.get('fieldSelector'), name !== undefined ? `metadata.name=${name}` : undefined]
      .filter((s): s is string => !!s)
      .join(',');
    const query: Query = {
      resource,
      namespace,
      labels: parseLabelSelector(params.get('labelSelector') ?? undefined),
      fields: parseFieldSelector(fieldSel, Object.keys(resource.fields)),
    };
    if (isWatch) {
      this.requests.watch++;
      const timeout = params.get('timeoutSeconds');
      const initial = params.get('sendInitialEvents');
      // The stream may end at once (410 Expired), before serveWatch returns.
      let done = false;
      // filled after the call: the end callback may run inside it (410 Expired)
      const watch: { handle?: WatchHandle } = {};
      const closed = this.requestMetrics.watchOpened(requestKey);
      watch.handle = serveWatch(
        store,
        {
          query,
          resourceVersion: params.get('resourceVersion') ?? undefined,
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          allowBookmarks: params.get('allowWatchBookmarks') === 'true',
          sendInitialEvents: initial === null ? undefined : initial === 'true',
          bookmarkIntervalMs: this.o.bookmarkIntervalMs,
          expireAll: this.expireWatches,
          ...(asTable ? { encode: (o) => table(resource, [o], o.metadata.resourceVersion ?? '', this.o.now()) } : {}),
        },
        res,
        () => {
          done = true;
          closed();
          if (watch.handle) this.watches.delete(watch.handle);
        },
      );
      if (!done) this.watches.add(watch.handle);
      return;
    }
    this.requests.list++;
    const limit = params.get('limit');
    const out = listPage(store, query, limit ? Number(limit) : undefined, params.get('continue') ?? undefined);
    if (!out.ok) return sendStatus(res, out.status);
    const p = out.page;
    if (asTable) return sendJson(res, 200, table(resource, p.objects, p.resourceVersion, this.o.now(), p.continueToken), TABLE_CONTENT_TYPE);
    const metadata: Record<string, unknown> = { resourceVersion: p.resourceVersion };
    if (p.continueToken) metadata.continue = p.continueToken;
    if (p.remainingItemCount !== undefined) metadata.remainingItemCount = p.remainingItemCount;
    sendJson(res, 200, { kind: `${resource.kind}List`, apiVersion: groupVersion(resource), metadata, items: p.objects.map(listItem) });
  }
}

