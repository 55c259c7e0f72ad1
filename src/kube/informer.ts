// One informer per watched resource: client-node's ListWatch for the list/watch/relist protocol and
// its cache, with four things added around it.
//
// 1. Trimming. Objects are converted to the model's shapes before they reach ListWatch, for both the
//    LIST (our own paginated listFn) and the WATCH (our own watch request, converting each event).
//    The ListWatch cache therefore holds `{ metadata: {name, namespace, resourceVersion}, info }`
//    records and never a raw object: that cache is the trimmed store, keyed by namespace/name as
//    ListWatch keeps it, so there is no second copy to keep consistent.
// 2. Staying up. ListWatch resumes by itself after a clean close and relists after 410, but gives up
//    on any other error. Every failure (error event, refused connection, failed list, a request that
//    gets no response, a stream that closes right after opening) is routed to one place that restarts
//    it with exponential back-off and jitter, resuming from the last resourceVersion (a 410 then
//    triggers the relist).
// 3. Liveness. Every request has a response timeout, and an open watch that delivers neither an event
//    nor a bookmark for the idle bound is given up and the resource listed again (watch-stream.ts):
//    whatever the stream missed, the LIST has.
// 4. Truthful state. `up` is true only between the watch response (HTTP 200) and the stream's end,
//    and after a silent stream only once a new one has delivered an event or a bookmark; `listed`
//    turns true once the first LIST has been applied to the cache and the watch that follows it has
//    opened (or failed to); `lastEventMs` is when the resource's state was last confirmed (a LIST
//    applied, an event or a bookmark received).

import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeApiTransport } from './api-transport.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { ReportInvalid } from './convert.js';
import { listAll } from './list.js';
import { listPath, type WatchedResource } from './resources.js';
import { openWatchStream } from './watch-stream.js';

/** The subset of a pino logger the watch uses. */
export interface KubeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TrimmedObject<T> extends KubernetesObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  /** the converted object; null when the converter does not keep this object */
  info: T | null;
}

export interface InformerTuning {
  backoff?: Partial<BackoffOptions>;
  /** server-side watch timeout range in seconds; client-go picks 5-10 min at random */
  watchTimeoutSeconds?: readonly [number, number];
  /** a watch that lived at least this long is healthy: its clean end resumes at once and resets back-off */
  healthyAfterMs?: number;
  pageSize?: number;
  /** the whole of one LIST page */
  listTimeoutMs?: number;
  /** a LIST page or WATCH request that gets no response (status line and headers) within this is retried */
  responseTimeoutMs?: number;
  /** an open watch with neither an event nor a bookmark for this long is given up and the resource relisted */
  watchIdleTimeoutMs?: number;
}

/** The tuning fields of `o` alone, e.g. from options that carry other things beside them. */
export function informerTuning(o: InformerTuning): InformerTuning {
  return {
    backoff: o.backoff,
    watchTimeoutSeconds: o.watchTimeoutSeconds,
    healthyAfterMs: o.healthyAfterMs,
    pageSize: o.pageSize,
    listTimeoutMs: o.listTimeoutMs,
    responseTimeoutMs: o.responseTimeoutMs,
    watchIdleTimeoutMs: o.watchIdleTimeoutMs,
  };
}

/**
 * The defaults. A request nobody answers costs at most responseTimeoutMs, then one back-off of at
 * most backoff.maxMs: the informers recover within 45 s of the API server answering again. The idle
 * bound is two of the API server's bookmark periods (one minute, see watch-stream.ts) and a margin
 * for its one-second bookmark buckets.
 */
export const DEFAULT_INFORMER_TUNING = {
  backoff: DEFAULT_BACKOFF,
  watchTimeoutSeconds: [300, 600] as const,
  healthyAfterMs: 5_000,
  pageSize: 500,
  listTimeoutMs: 60_000,
  responseTimeoutMs: 15_000,
  watchIdleTimeoutMs: 130_000,
};

export interface InformerOptions<T> extends InformerTuning {
  /** the connection pool to the API server (shared by every informer and the /readyz probe) */
  api: KubeApiTransport;
  kubeConfig: KubeConfig;
  resource: WatchedResource;
  istioNamespace: string;
  /** raw object -> model shape (null: not kept); refused field values go to `report` */
  convert: (raw: unknown, report: ReportInvalid) => T | null;
  logger?: KubeLogger | undefined;
  /** called after any change of items, `up` or `listed` */
  onChange: () => void;
}

interface WatchEnd {
  err: unknown;
  /** ms between the watch response and its end; 0 if it never opened */
  establishedFor: number;
  /** message of an ERROR event received on the stream, '' if none */
  errorEvent: string;
  /** the server answered 410 Gone (status or ERROR event) */
  expired: boolean;
  /** the watch started from a LIST just made */
  afterList: boolean;
  /** ended by our own deadline, as planned */
  rotated: boolean;
  /** given up after the idle bound without an event or a bookmark */
  silent: boolean;
}

interface RawMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** Grace past the server-side timeout before the client ends a stream the server did not end. */
const WATCHDOG_GRACE_MS = 30_000;

export class ResourceInformer<T> {
  readonly name: string;
  private readonly lw: ListWatch<TrimmedObject<T>>;
  private readonly backoff: Backoff;
  private readonly listAbort = new AbortController();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  private upNow = false;
  private listedOnce = false;
  /** failed since the last established watch (for logging the recovery once) */
  private failing = false;
  /** a LIST completed and no watch has been opened from its resourceVersion yet */
  private freshList = false;
  /** the last watch went silent: the next one counts as up only once it delivers something */
  private awaitingProof = false;
  /** a watch stream is open (HTTP 200, not ended) */
  private streamOpen = false;
  private lastEventAt = 0;
  private resolveListed!: () => void;
  private readonly listedPromise = new Promise<void>((resolve) => (this.resolveListed = resolve));

  constructor(private readonly opts: InformerOptions<T>) {
    this.name = opts.resource.name;
    this.backoff = new Backoff(opts.backoff);
    const path = listPath(opts.resource, opts.istioNamespace);
    const listFn = async (): Promise<KubernetesListObject<TrimmedObject<T>>> => {
      const res = await listAll(opts.api, path, (raw) => this.trim(raw), {
        labelSelector: opts.resource.labelSelector,
        fieldSelector: opts.resource.fieldSelector,
        pageSize: opts.pageSize ?? DEFAULT_INFORMER_TUNING.pageSize,
        timeoutMs: opts.listTimeoutMs ?? DEFAULT_INFORMER_TUNING.listTimeoutMs,
        responseTimeoutMs: this.responseTimeoutMs,
        signal: this.listAbort.signal,
      });
      this.freshList = true;
      this.confirmed();
      return { items: res.items, metadata: { resourceVersion: res.resourceVersion } };
    };
    const watch = new TrimmingWatch(opts.kubeConfig, this);
    this.lw = new ListWatch<TrimmedObject<T>>(path, watch, listFn, false, opts.resource.labelSelector, opts.resource.fieldSelector);
    const changed = (): void => opts.onChange();
    this.lw.on('add', changed);
    this.lw.on('update', changed);
    this.lw.on('delete', changed);
    this.lw.on('error', (err: unknown) => this.failed(err));
  }

  /** watch established now */
  get up(): boolean {
    return this.upNow;
  }

  /** first LIST applied and its watch attempted */
  get listed(): boolean {
    return this.listedOnce;
  }

  /** when the state was last confirmed: a LIST applied, a watch event or bookmark received (ms since epoch; 0: never) */
  get lastEventMs(): number {
    return this.lastEventAt;
  }

  whenListed(): Promise<void> {
    return this.listedPromise;
  }

  /** the converted objects currently known */
  items(): T[] {
    const out: T[] = [];
    for (const o of this.lw.list()) if (o.info !== null) out.push(o.info);
    return out;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.listAbort.abort();
    await this.lw.stop();
    this.setUp(false);
  }

  // ---- used by TrimmingWatch ----

  get isStopped(): boolean {
    return this.stopped;
  }

  get api(): KubeApiTransport {
    return this.opts.api;
  }

  get responseTimeoutMs(): number {
    return this.opts.responseTimeoutMs ?? DEFAULT_INFORMER_TUNING.responseTimeoutMs;
  }

  get watchIdleTimeoutMs(): number {
    return this.opts.watchIdleTimeoutMs ?? DEFAULT_INFORMER_TUNING.watchIdleTimeoutMs;
  }

  /** An event or a bookmark arrived on the open watch: the stream is proven alive. */
  heard(): void {
    if (this.awaitingProof) this.opts.logger?.info({ resource: this.name }, 'watch delivering again');
    this.awaitingProof = false;
    this.confirmed();
    if (this.streamOpen) this.setUp(true);
  }

  trim(raw: unknown): TrimmedObject<T> {
    const meta = (raw as RawMeta | null)?.metadata ?? {};
    let info: T | null = null;
    const report: ReportInvalid = (field, value) =>
      this.opts.logger?.debug({ resource: this.name, namespace: meta.namespace, object: meta.name, field, value }, 'not an IP address; ignoring it');
    try {
      info = this.opts.convert(raw, report);
    } catch (err) {
      this.opts.logger?.warn({ resource: this.name, object: meta.name, err: String(err) }, 'cannot convert object; ignoring it');
    }
    const metadata: TrimmedObject<T>['metadata'] = { name: meta.name ?? '', resourceVersion: meta.resourceVersion ?? '' };
    if (meta.namespace) metadata.namespace = meta.namespace;
    return { metadata, info };
  }

  /**
   * ListWatch only opens a watch after its LIST has been applied, or to resume after one. Returns
   * whether this watch starts from a LIST just made (rather than resuming).
   */
  watchRequested(): boolean {
    const afterList = this.freshList;
    this.freshList = false;
    return afterList;
  }

  /**
   * The watch that follows a LIST has opened or failed. The first time, the informer counts as
   * listed: waiting for the watch too means a caller of synced() sees watches up, not a gap of one
   * round trip in which they are still down.
   */
  watchSettled(): void {
    if (this.listedOnce || this.stopped) return;
    this.listedOnce = true;
    this.opts.logger?.debug({ resource: this.name, items: this.lw.list().length, up: this.upNow }, 'initial list done');
    this.resolveListed();
    this.opts.onChange();
  }

  watchTimeoutSeconds(): number {
    const [min, max] = this.opts.watchTimeoutSeconds ?? DEFAULT_INFORMER_TUNING.watchTimeoutSeconds;
    return Math.round(min + Math.random() * (max - min));
  }

  watchEstablished(): void {
    this.streamOpen = true;
    if (this.failing) {
      this.failing = false;
      this.opts.logger?.info({ resource: this.name, failures: this.backoff.attempts }, 'watch re-established');
    }
    this.setUp(!this.awaitingProof);
  }

  /**
   * Decide how ListWatch sees the end of a stream:
   * - a clean end of a long-lived watch is routine (server timeout): ListWatch resumes at once;
   * - 410 Gone when resuming is routine too (the version was compacted): ListWatch relists at once;
   * - anything else, including 410 on a version just listed, reaches ListWatch as an error, which it
   *   hands to failed() for a retry with back-off. forgetVersion() makes that retry a fresh LIST.
   */
  watchEnded(end: WatchEnd, done: (err: unknown) => void, forgetVersion: () => void): void {
    this.streamOpen = false;
    this.setUp(false);
    if (this.stopped) {
      done(end.err);
      return;
    }
    if (end.silent) {
      // Events may have been lost without a trace: list again rather than resume. A stream that keeps
      // going silent costs one LIST per idle bound, and `up` stays false until a stream proves alive.
      const detail = { resource: this.name, silentForMs: this.watchIdleTimeoutMs };
      if (!this.awaitingProof) this.opts.logger?.warn(detail, 'watch silent (no event or bookmark); relisting');
      else this.opts.logger?.debug(detail, 'watch still silent; relisting');
      this.awaitingProof = true;
      done(Object.assign(new Error('watch silent'), { statusCode: 410 }));
      return;
    }
    const healthy = end.establishedFor >= (this.opts.healthyAfterMs ?? DEFAULT_INFORMER_TUNING.healthyAfterMs);
    if (healthy) this.backoff.reset();
    if (end.rotated || (healthy && !end.err && !end.errorEvent)) {
      this.opts.logger?.debug({ resource: this.name }, 'watch closed; resuming');
      done(null);
      return;
    }
    if (end.expired) {
      if (!end.afterList) {
        this.opts.logger?.debug({ resource: this.name }, 'resource version expired; relisting');
        done(Object.assign(new Error('resource version expired'), { statusCode: 410 }));
        return;
      }
      forgetVersion();
      done(new Error('resource version expired right after a list'));
      return;
    }
    const closed = end.establishedFor ? `watch closed by the server ${end.establishedFor} ms after opening` : 'watch closed before opening';
    done(end.err ?? new Error(end.errorEvent ? `watch stream reported an error: ${end.errorEvent}` : closed));
  }

  // ---- internals ----

  private run(): void {
    this.restartTimer = undefined;
    if (this.stopped) return;
    // start() resumes from the last resourceVersion, or lists when there is none.
    this.lw.start().catch((err: unknown) => this.failed(err));
  }

  private failed(err: unknown): void {
    this.setUp(false);
    if (this.stopped || this.restartTimer !== undefined) return;
    this.failing = true;
    const delay = this.backoff.next();
    const detail = { resource: this.name, err: describeError(err), attempt: this.backoff.attempts, retryInMs: delay };
    if (this.backoff.attempts === 1) this.opts.logger?.warn(detail, 'watch failed; retrying');
    else this.opts.logger?.debug(detail, 'watch still failing; retrying');
    this.restartTimer = setTimeout(() => this.run(), delay);
  }

  private setUp(up: boolean): void {
    if (this.upNow === up) return;
    this.upNow = up;
    this.opts.onChange();
  }

  private confirmed(): void {
    this.lastEventAt = Date.now();
    this.opts.onChange(); // the snapshot carries the time
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown; statusCode?: unknown }).statusCode ?? (err as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? `${err.message} (${code})` : err.message;
  }
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

/**
 * The Watch ListWatch calls: our own request (watch-stream.ts) on the shared connection pool rather
 * than client-node's (one connection per request, no response timeout), converting each event
 * before ListWatch sees it and reporting when the stream is established and when it ends. Adds
 * bookmarks and a server-side timeout (so streams rotate, as client-go's do), plus a client-side
 * deadline for a stream the server does not end at that timeout.
 */
class TrimmingWatch<T> extends Watch {
  constructor(
    config: KubeConfig,
    private readonly informer: ResourceInformer<T>,
  ) {
    super(config);
  }

  // client-node's Watch.watch signature, `any` included: ListWatch calls it with raw objects
  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment */
  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const inf = this.informer;
    const controller = new AbortController();
    if (inf.isStopped) {
      // ListWatch.stop() during a LIST does not prevent the watch that follows it.
      done(null);
      return Promise.resolve(controller);
    }
    const afterList = inf.watchRequested();
    const timeoutSeconds = inf.watchTimeoutSeconds();
    let establishedAt = 0;
    let errorEvent = '';
    let expired = false;
    let rotated = false;
    let deadline: NodeJS.Timeout | undefined;

    const stream = openWatchStream({
      api: inf.api,
      path,
      query: { ...queryParams, allowWatchBookmarks: true, timeoutSeconds },
      responseTimeoutMs: inf.responseTimeoutMs,
      idleTimeoutMs: inf.watchIdleTimeoutMs,
      onOpen: () => {
        if (inf.isStopped) return stream.abort();
        establishedAt = Date.now();
        deadline = setTimeout(() => {
          rotated = true;
          stream.abort();
        }, timeoutSeconds * 1000 + WATCHDOG_GRACE_MS);
        deadline.unref();
        inf.watchEstablished();
        inf.watchSettled();
      },
      onEvent: (phase, obj: any) => {
        if (phase === 'ERROR') {
          // The API server closes the stream after an error event; close it ourselves in case it does not.
          errorEvent = String(obj?.message ?? obj?.reason ?? 'unknown');
          if (obj?.code === 410) expired = true;
          callback(phase, obj);
          stream.abort();
          return;
        }
        inf.heard();
        if (phase === 'BOOKMARK') {
          callback(phase, { metadata: { resourceVersion: obj?.metadata?.resourceVersion } });
          return;
        }
        callback(phase, inf.trim(obj));
      },
      onEnd: (end) => {
        clearTimeout(deadline);
        const status = (end.err as { statusCode?: unknown } | null)?.statusCode;
        inf.watchEnded(
          {
            err: end.err,
            establishedFor: establishedAt ? Date.now() - establishedAt : 0,
            errorEvent,
            expired: expired || status === 410,
            afterList,
            rotated,
            silent: end.silent,
          },
          done,
          // ListWatch forgets its resourceVersion on a 410 ERROR event, so its next start() lists.
          () => callback('ERROR', { code: 410 }),
        );
        if (!establishedAt) inf.watchSettled();
      },
    });
    controller.signal.addEventListener('abort', () => stream.abort(), { once: true });
    return Promise.resolve(controller);
  }
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment */
}
