// One informer per watched resource: client-node's ListWatch for the list/watch/relist protocol and
// its cache, with three things added around it.
//
// 1. Trimming. Objects are converted to the model's shapes before they reach ListWatch, for both the
//    LIST (our own paginated listFn) and the WATCH (a Watch subclass that converts each event). The
//    ListWatch cache therefore holds `{ metadata: {name, namespace, resourceVersion}, info }` records
//    and never a raw object: that cache is the trimmed store, keyed by namespace/name as ListWatch
//    keeps it, so there is no second copy to keep consistent.
// 2. Staying up. ListWatch resumes by itself after a clean close and relists after 410, but gives up
//    on any other error. Every failure (error event, refused connection, failed list, a stream that
//    closes right after opening) is routed to one place that restarts it with exponential back-off
//    and jitter, resuming from the last resourceVersion (a 410 then triggers the relist).
// 3. Truthful state. `up` is true only between the watch response (HTTP 200) and the stream's end;
//    `listed` turns true once the first LIST has been applied to the cache and the watch that follows
//    it has opened (or failed to).

import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { listPath, type WatchedResource } from './resources.js';
import { listAll } from './list.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { ReportInvalid } from './convert.js';

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
  listTimeoutMs?: number;
}

export interface InformerOptions<T> extends InformerTuning {
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
}

interface RawMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

const DEFAULT_WATCH_TIMEOUT: readonly [number, number] = [300, 600];
/** Grace past the server-side timeout before the client gives up on a silent stream. */
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
  private resolveListed!: () => void;
  private readonly listedPromise = new Promise<void>((resolve) => (this.resolveListed = resolve));

  constructor(private readonly opts: InformerOptions<T>) {
    this.name = opts.resource.name;
    this.backoff = new Backoff(opts.backoff);
    const path = listPath(opts.resource, opts.istioNamespace);
    const listFn = async (): Promise<KubernetesListObject<TrimmedObject<T>>> => {
      const res = await listAll(opts.kubeConfig, path, (raw) => this.trim(raw), {
        labelSelector: opts.resource.labelSelector,
        fieldSelector: opts.resource.fieldSelector,
        pageSize: opts.pageSize,
        timeoutMs: opts.listTimeoutMs,
        signal: this.listAbort.signal,
      });
      this.freshList = true;
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
    const [min, max] = this.opts.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT;
    return Math.round(min + Math.random() * (max - min));
  }

  watchEstablished(): void {
    if (this.failing) {
      this.failing = false;
      this.opts.logger?.info({ resource: this.name, failures: this.backoff.attempts }, 'watch re-established');
    }
    this.setUp(true);
  }

  /**
   * Decide how ListWatch sees the end of a stream:
   * - a clean end of a long-lived watch is routine (server timeout): ListWatch resumes at once;
   * - 410 Gone when resuming is routine too (the version was compacted): ListWatch relists at once;
   * - anything else, including 410 on a version just listed, reaches ListWatch as an error, which it
   *   hands to failed() for a retry with back-off. forgetVersion() makes that retry a fresh LIST.
   */
  watchEnded(end: WatchEnd, done: (err: unknown) => void, forgetVersion: () => void): void {
    this.setUp(false);
    if (this.stopped) {
      done(end.err);
      return;
    }
    const healthy = end.establishedFor >= (this.opts.healthyAfterMs ?? 5_000);
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
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown; statusCode?: unknown }).statusCode ?? (err as { code?: unknown }).code;
    return code !== undefined ? `${err.message} (${String(code)})` : err.message;
  }
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/**
 * client-node's Watch, converting each event before ListWatch sees it and reporting when the stream
 * is established and when it ends. Adds bookmarks and a server-side timeout (so streams rotate, as
 * client-go's do), plus a client-side deadline for streams that go silent without closing.
 */
class TrimmingWatch<T> extends Watch {
  constructor(
    config: KubeConfig,
    private readonly informer: ResourceInformer<T>,
  ) {
    super(config);
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const inf = this.informer;
    if (inf.isStopped) {
      // ListWatch.stop() during a LIST does not prevent the watch that follows it.
      done(null);
      return new AbortController();
    }
    const afterList = inf.watchRequested();

    const timeoutSeconds = inf.watchTimeoutSeconds();
    const query = { ...queryParams, allowWatchBookmarks: true, timeoutSeconds };
    let controller: AbortController | undefined;
    let ended = false;
    let establishedAt = 0;
    let errorEvent = '';
    let expired = false;
    let rotated = false;
    let deadline: NodeJS.Timeout | undefined;

    const onEvent = (phase: string, obj: any, watchObj?: any): void => {
      if (phase === 'ERROR') {
        // The API server closes the stream after an error event; close it ourselves in case it does not.
        errorEvent = String(obj?.message ?? obj?.reason ?? 'unknown');
        if (obj?.code === 410) expired = true;
        callback(phase, obj, watchObj);
        controller?.abort();
        return;
      }
      if (phase === 'BOOKMARK') {
        callback(phase, { metadata: { resourceVersion: obj?.metadata?.resourceVersion } });
        return;
      }
      callback(phase, inf.trim(obj));
    };
    const onDone = (err: unknown): void => {
      if (ended) return;
      ended = true;
      clearTimeout(deadline);
      const status = (err as { statusCode?: unknown } | null)?.statusCode;
      inf.watchEnded(
        {
          err: rotated ? null : err,
          establishedFor: establishedAt ? Date.now() - establishedAt : 0,
          errorEvent,
          expired: expired || status === 410,
          afterList,
          rotated,
        },
        done,
        // ListWatch forgets its resourceVersion on a 410 ERROR event, so its next start() lists.
        () => callback('ERROR', { code: 410 }),
      );
    };

    try {
      controller = await super.watch(path, query, onEvent, onDone);
    } catch (err) {
      // e.g. credentials that cannot be loaded: report it as the end of this attempt
      onDone(err);
      inf.watchSettled();
      return new AbortController();
    }
    if (!ended) {
      if (inf.isStopped) {
        controller.abort();
        return controller;
      }
      establishedAt = Date.now();
      const c = controller;
      deadline = setTimeout(() => {
        rotated = true;
        c.abort();
      }, timeoutSeconds * 1000 + WATCHDOG_GRACE_MS);
      deadline.unref();
      inf.watchEstablished();
    }
    inf.watchSettled();
    return controller;
  }
}
