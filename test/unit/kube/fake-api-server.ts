// A minimal Kubernetes API server for the informer tests: LIST with limit/continue, WATCH from a
// resourceVersion with a replay log, 410 once the log is compacted past the requested version, and
// switches to close watches or take the whole server down and back up on the same port.
// It serves plain HTTP on loopback.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { matchesSelector } from '../../../src/kube/selector.js';

type Obj = { metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };
interface LogEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

const key = (o: Obj): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function fieldValue(o: Obj, field: string): string | undefined {
  let cur: unknown = o;
  for (const part of field.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur === undefined ? undefined : String(cur);
}

function matches(o: Obj, labelSelector: string | null, fieldSelector: string | null): boolean {
  if (labelSelector && !matchesSelector(o.metadata.labels ?? {}, labelSelector)) return false;
  for (const term of (fieldSelector ?? '').split(',').filter(Boolean)) {
    const [field, value] = term.split('=');
    if (fieldValue(o, field!) !== value) return false;
  }
  return true;
}

export class FakeApiServer {
  private server: http.Server | undefined;
  private port = 0;
  private rv = 100;
  /** entries older than this are gone: watching from before it answers 410 */
  private compactedRv = 0;
  private readonly store = new Map<string, Map<string, Obj>>();
  private readonly log = new Map<string, LogEntry[]>();
  private readonly watchers = new Set<{ path: string; res: http.ServerResponse; labelSelector: string | null; fieldSelector: string | null }>();
  private readonly sockets = new Set<Socket>();
  readonly requests = { list: 0, watch: 0 };
  /** a broken server: every watch answers 410 Gone, even from the version it just listed */
  alwaysGone = false;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  kubeconfig(): string {
    return `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: { server: "${this.url}" }
contexts:
- name: fake
  context: { cluster: fake, user: fake }
current-context: fake
users:
- name: fake
  user: { token: fake-token }
`;
  }

  /** Take the API away: stop listening and cut every connection, as when the API server dies. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.watchers.clear();
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Serve again on the same port. */
  async up(): Promise<void> {
    await this.start();
  }

  async close(): Promise<void> {
    await this.down();
  }

  /** End every watch stream cleanly, as the API server does when a watch times out. */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Forget the change log: watches from any earlier resourceVersion now get 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    for (const entries of this.log.values()) entries.length = 0;
  }

  upsert(path: string, obj: Obj): void {
    const objects = this.objects(path);
    const copy = structuredClone(obj);
    copy.metadata.resourceVersion = String(++this.rv);
    const type = objects.has(key(copy)) ? 'MODIFIED' : 'ADDED';
    objects.set(key(copy), copy);
    this.emit(path, { rv: this.rv, type, object: copy });
  }

  remove(path: string, name: string, namespace?: string): void {
    const objects = this.objects(path);
    const k = `${namespace ?? ''}/${name}`;
    const old = objects.get(k);
    if (!old) return;
    objects.delete(k);
    const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.emit(path, { rv: this.rv, type: 'DELETED', object: gone });
  }

  private objects(path: string): Map<string, Obj> {
    let m = this.store.get(path);
    if (!m) this.store.set(path, (m = new Map()));
    return m;
  }

  private entries(path: string): LogEntry[] {
    let l = this.log.get(path);
    if (!l) this.log.set(path, (l = []));
    return l;
  }

  private emit(path: string, entry: LogEntry): void {
    this.entries(path).push(entry);
    for (const w of this.watchers) {
      if (w.path === path && matches(entry.object, w.labelSelector, w.fieldSelector)) w.res.write(JSON.stringify({ type: entry.type, object: entry.object }) + '\n');
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (req.headers.authorization !== 'Bearer fake-token') {
      res.writeHead(401).end();
      return;
    }
    const labelSelector = url.searchParams.get('labelSelector');
    const fieldSelector = url.searchParams.get('fieldSelector');
    if (url.searchParams.get('watch') === 'true') {
      this.requests.watch++;
      const from = Number(url.searchParams.get('resourceVersion') ?? '0');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      if (from < this.compactedRv || this.alwaysGone) {
        const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `too old resource version: ${from} (${this.compactedRv})`, reason: 'Expired', code: 410 };
        res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
        return;
      }
      for (const e of this.entries(url.pathname)) {
        if (e.rv > from && matches(e.object, labelSelector, fieldSelector)) res.write(JSON.stringify({ type: e.type, object: e.object }) + '\n');
      }
      const w = { path: url.pathname, res, labelSelector, fieldSelector };
      this.watchers.add(w);
      res.on('close', () => this.watchers.delete(w));
      return;
    }
    this.requests.list++;
    const all = [...this.objects(url.pathname).values()].filter((o) => matches(o, labelSelector, fieldSelector));
    const limit = Number(url.searchParams.get('limit') ?? '0') || all.length;
    const offset = Number(url.searchParams.get('continue') ?? '0');
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) }, items }));
  }
}
