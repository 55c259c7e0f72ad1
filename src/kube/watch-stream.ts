// One WATCH request: newline-delimited JSON events over the exporter's pooled connections
// (api-transport.ts), with the two bounds client-node's Watch lacks:
// - a response timeout: a request that gets no status line and headers is given up (a proxy or a
//   half-dead connection can accept it and never answer);
// - an idle timeout: a stream that delivers neither an event nor a bookmark for too long is given
//   up, although its connection may look fine. The API server sends a bookmark every minute to a
//   watcher that allows them (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/storage/
//   cacher/cacher.go, defaultBookmarkFrequency = time.Minute, besides one right before the watch's
//   timeout), so silence past two bookmark periods means events are being lost. Over HTTP/2,
//   client-go catches dead connections with pings (apimachinery util/net/http.go: a ping after 30 s
//   of silence, 15 s to answer); over HTTP/1.1, which Node speaks, silence is the only sign.
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { KubeApiTransport } from './api-transport.js';
import { ApiStatusError } from './list.js';

/** The longest event line accepted. The API server refuses objects over 1.5 MiB (etcd's request limit). */
export const MAX_WATCH_EVENT_BYTES = 16 * 1024 * 1024;

export interface WatchStreamOptions {
  api: KubeApiTransport;
  /** list path of the resource, e.g. /api/v1/pods */
  path: string;
  /** query parameters besides watch=true (resourceVersion, selectors, timeoutSeconds, ...) */
  query: Record<string, string | number | boolean | undefined>;
  responseTimeoutMs: number;
  /** give the stream up after this long without a complete event line (events and bookmarks alike) */
  idleTimeoutMs: number;
  /** the response was 200: the stream is open */
  onOpen(): void;
  /** one decoded event */
  onEvent(type: string, object: unknown): void;
  /** called once, however the stream ended (including by abort()) */
  onEnd(end: WatchStreamEnd): void;
}

export interface WatchStreamEnd {
  /** why it ended, if not cleanly by the server (ApiStatusError for a non-200 answer) */
  err: unknown;
  /** ended by the idle timeout */
  silent: boolean;
  /** ended by abort() */
  aborted: boolean;
}

export interface WatchStream {
  abort(): void;
}

export function openWatchStream(o: WatchStreamOptions): WatchStream {
  const controller = new AbortController();
  let response: IncomingMessage | undefined;
  let ended = false;
  let silent = false;
  let aborted = false;
  let idle: NodeJS.Timeout | undefined;
  const end = (err: unknown): void => {
    if (ended) return;
    ended = true;
    clearTimeout(idle);
    // Before the response: cancel the request. After: close the stream (destroy() without an error
    // emits none, where aborting the request's signal would make the response emit an AbortError).
    if (response) response.destroy();
    else controller.abort();
    o.onEnd({ err: aborted || silent ? null : err, silent, aborted });
  };
  const touch = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      silent = true;
      end(null);
    }, o.idleTimeoutMs);
  };

  const url = o.api.url(o.path);
  url.searchParams.set('watch', 'true');
  for (const [k, v] of Object.entries(o.query)) if (v !== undefined) url.searchParams.set(k, String(v));

  o.api.get(url, { responseTimeoutMs: o.responseTimeoutMs, signal: controller.signal }).then(
    (res) => {
      if (ended) {
        res.destroy();
        return;
      }
      response = res;
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        // A Status object says why (e.g. 410 Expired, 403 Forbidden); read a little of it.
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 65_536) body += c;
        });
        res.on('error', () => end(new ApiStatusError(status, `watch ${o.path}: HTTP ${status}`)));
        res.on('end', () => {
          let detail = res.statusMessage ?? '';
          try {
            detail = (JSON.parse(body) as { message?: string }).message ?? detail;
          } catch {
            // not a Status object
          }
          end(new ApiStatusError(status, `watch ${o.path}: HTTP ${status} ${detail}`.trim()));
        });
        return;
      }
      o.onOpen();
      touch();
      const decoder = new StringDecoder('utf8');
      let pending = '';
      res.on('data', (chunk: Buffer) => {
        let text = pending + decoder.write(chunk);
        let nl = text.indexOf('\n');
        while (nl !== -1 && !ended) {
          const line = text.slice(0, nl);
          text = text.slice(nl + 1);
          nl = text.indexOf('\n');
          if (line.trim() === '') continue;
          touch();
          let event: { type?: unknown; object?: unknown };
          try {
            event = JSON.parse(line) as typeof event;
          } catch {
            return end(new Error(`watch ${o.path}: an event line is not JSON`));
          }
          o.onEvent(typeof event.type === 'string' ? event.type : '', event.object);
        }
        pending = text;
        if (pending.length > MAX_WATCH_EVENT_BYTES) end(new Error(`watch ${o.path}: an event line is longer than ${MAX_WATCH_EVENT_BYTES} bytes`));
      });
      res.on('error', (err) => end(err));
      res.on('end', () => end(null));
      res.on('close', () => end(res.complete ? null : new Error(`watch ${o.path}: stream closed`)));
    },
    (err: unknown) => end(err),
  );

  return {
    abort() {
      if (ended) return;
      aborted = true;
      end(null);
    },
  };
}
