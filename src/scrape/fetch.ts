// Scrape one target. Whatever the target does (hang, reset, 500, garbage, an endless body), the
// caller gets one ScrapeResult and never an exception: a bad pod must not break the round.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import axios, { type AxiosResponse } from 'axios';
import type { ScrapeErrorReason, ScrapeResult, Target } from '../model.js';
import { armConnectTimeout, connectBudget, ConnectTimeoutError } from './connect-timeout.js';
import { DEFAULT_SAMPLE_LIMITS } from './limits.js';
import { ParseError, SampleLimitError, parseExposition, type SampleFilter, type SampleLimits } from './parser.js';

/** Prefer OpenMetrics, then classic text (the order Prometheus itself asks in). */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/**
 * The keep-alive connection pools of one owner (an exporter instance): each round reuses the previous
 * round's connections. Idle sockets are unref'd by Node, so a pool never keeps the process alive.
 */
export interface ScrapeAgents {
  http: http.Agent;
  https: https.Agent;
}

export function createScrapeAgents(): ScrapeAgents {
  return {
    http: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
    https: new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
  };
}

/** Close every pooled connection (at the owner's shutdown). */
export function destroyScrapeAgents(agents: ScrapeAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

/** The budgets of one capped GET (a scrape or an agent's summary). */
export interface FetchBudget {
  /** budget for connect + headers + whole body */
  timeoutMs: number;
  /** budget for the TCP connect alone (default 1000, capped at timeoutMs); a pooled connection skips it */
  connectTimeoutMs?: number;
  /** largest body accepted (after decompression); the stream is aborted as soon as it is exceeded */
  maxBytes: number;
  /** keep-alive pools to use; without them the fetch gets pools of its own, closed when it ends */
  agents?: Partial<ScrapeAgents>;
}

/** A scrape's budgets, and what it keeps of the body. */
export interface FetchOptions extends FetchBudget {
  /** the samples to keep (what the issue modules read from this component); everything else is skipped */
  filter: SampleFilter;
  /** bounds on the kept samples (default DEFAULT_SAMPLE_LIMITS); a body over one fails the scrape */
  limits?: SampleLimits;
}

class TooLargeError extends Error {
  override name = 'TooLargeError';
}
class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Pass chunks through, failing as soon as more than `max` bytes have arrived. */
export async function* capBytes(source: Readable, max: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      source.destroy();
      throw new TooLargeError(`body exceeds ${max} bytes`);
    }
    yield chunk;
  }
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : '';
}

/** llhttp's codes: the peer's bytes are not valid HTTP (bad status line, header, chunk size...). */
function isHttpProtocolError(code: string): boolean {
  return code.startsWith('HPE_');
}

/**
 * zlib's (Z_DATA_ERROR, Z_BUF_ERROR for a stream cut short) and brotli's (ERR__ERROR_FORMAT_*)
 * codes: the body declared an encoding its bytes do not follow.
 */
function isDecodingError(code: string): boolean {
  return code.startsWith('Z_') || code.startsWith('ERR__ERROR_FORMAT');
}

function classifyRequestError(err: unknown): ScrapeErrorReason {
  const code = errorCode(err);
  if (code === 'ETIMEDOUT') return 'timeout';
  // The peer answered, but not with HTTP: its bytes are what failed to parse.
  if (isHttpProtocolError(code)) return 'parse';
  return 'connect';
}

/**
 * A failure while the body streams in. Bytes that do not decode (a corrupt gzip stream, a bad chunk
 * size) are garbage the target sent: parse. A reset or premature close is the connection failing:
 * connect (the bytes received so far were fine).
 */
function classifyBodyError(err: unknown, conn: ConnectionState): ScrapeErrorReason {
  const code = errorCode(err);
  if (isDecodingError(code) || isHttpProtocolError(code) || conn.protocolError) return 'parse';
  return 'connect';
}

/** What we learn about the connection of one attempt. */
interface ConnectionState {
  /**
   * The address answered in this attempt: a new connection was established or refused, or bytes of a
   * response arrived. A pooled socket alone does not count: it may predate a network failure.
   */
  reachable: boolean;
  /** the attempt went out on a pooled keep-alive socket */
  reused: boolean;
  /** a new connection did not complete within the connect budget */
  connectTimedOut: boolean;
  /**
   * The HTTP parser rejected the peer's bytes (an HPE_* error on the request). Once the body is
   * streaming, the response only reports "aborted"; this is how the cause is known.
   */
  protocolError: boolean;
}

/**
 * An axios transport that is plain http/https.request, but records whether a new socket connected
 * and fails a connect that takes longer than `connectMs`.
 */
function trackingTransport(conn: ConnectionState, connectMs: number) {
  return {
    request(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest {
      const mod = options.protocol === 'https:' ? https : http;
      const req = mod.request(options, callback);
      req.on('error', (err) => {
        if (isHttpProtocolError(errorCode(err))) conn.protocolError = true;
      });
      req.once('socket', (socket: Socket) => {
        conn.reused = req.reusedSocket;
        if (req.reusedSocket) return; // evidence only once the response arrives
        if (!socket.connecting) {
          if (socket.remoteAddress !== undefined) conn.reachable = true;
          return;
        }
        socket.once('connect', () => (conn.reachable = true));
        armConnectTimeout(socket, connectMs, () => {
          conn.connectTimedOut = true;
          req.destroy(new ConnectTimeoutError(connectMs));
        });
      });
      return req;
    },
  };
}

export async function scrapeTarget(target: Target, opts: FetchOptions): Promise<ScrapeResult> {
  const r = await fetchCapped(target.url, opts, SCRAPE_ACCEPT, (body) => parseExposition(body, opts.filter, opts.limits ?? DEFAULT_SAMPLE_LIMITS));
  return {
    target,
    up: r.error === undefined,
    durationSeconds: r.durationSeconds,
    ...(r.error === undefined ? {} : { error: r.error }),
    reachable: r.reachable,
    samples: r.value?.samples ?? [],
  };
}

/** What one capped GET found: the consumed body, or why not. */
export interface FetchOutcome<T> {
  durationSeconds: number;
  /** set when the fetch failed; value is undefined then */
  error?: ScrapeErrorReason;
  /** see ScrapeResult.reachable */
  reachable: boolean;
  value?: T;
}

/**
 * GET `url` within the budgets of `opts` (time, connect, body size) and hand the body, as a stream
 * capped at `opts.maxBytes`, to `consume`. A ParseError from `consume` is `parse`, a SampleLimitError
 * its limit (`sample_limit`, `label_limit`); whatever the target does, the caller gets an outcome,
 * never an exception. Scrapes and agent summaries both come through here.
 */
export async function fetchCapped<T>(url: string, opts: FetchBudget, accept: string, consume: (body: AsyncIterable<Buffer>) => Promise<T>): Promise<FetchOutcome<T>> {
  const given = opts.agents;
  const owned = given?.http && given.https ? undefined : createScrapeAgents();
  try {
    return await fetchWith(url, opts, accept, consume, { http: given?.http ?? owned!.http, https: given?.https ?? owned!.https });
  } finally {
    if (owned) destroyScrapeAgents(owned);
  }
}

async function fetchWith<T>(
  url: string,
  opts: FetchBudget,
  accept: string,
  consume: (body: AsyncIterable<Buffer>) => Promise<T>,
  agents: ScrapeAgents,
): Promise<FetchOutcome<T>> {
  const started = performance.now();
  const conn: ConnectionState = { reachable: false, reused: false, connectTimedOut: false, protocolError: false };
  const connectMs = connectBudget(opts.connectTimeoutMs, opts.timeoutMs);
  const done = (error?: ScrapeErrorReason, value?: T): FetchOutcome<T> => ({
    durationSeconds: (performance.now() - started) / 1000,
    ...(error === undefined ? { value } : { error }),
    reachable: conn.reachable,
  });

  const controller = new AbortController();
  let timedOut = false;
  let body: Readable | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
    body?.destroy(new TimeoutError(`scrape exceeded ${opts.timeoutMs}ms`));
  }, opts.timeoutMs);
  const attempt = (): Promise<AxiosResponse<Readable>> => request(url, accept, agents, conn, connectMs, controller.signal);

  try {
    let res: AxiosResponse<Readable>;
    try {
      res = await attempt();
    } catch (err) {
      // A pooled keep-alive socket the target closed while idle: that is not the target failing.
      if (!timedOut && conn.reused && errorCode(err) === 'ECONNRESET') {
        conn.reachable = false;
        res = await attempt();
      } else throw err;
    }
    conn.reachable = true; // a status line arrived
    body = res.data;
    if (timedOut) {
      body.destroy();
      return done('timeout');
    }
    if (res.status < 200 || res.status > 299) {
      body.destroy();
      return done('http_status');
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      body.destroy();
      return done('too_large');
    }
    return done(undefined, await consume(capBytes(body, opts.maxBytes)));
  } catch (err) {
    if (err instanceof TooLargeError) return done('too_large');
    if (err instanceof SampleLimitError) return done(err.limit);
    if (err instanceof ParseError) return done('parse');
    if (timedOut || conn.connectTimedOut) return done('timeout');
    const code = errorCode(err);
    // An RST on connect is an answer, and so are bytes that are not HTTP (HPE_*); EHOSTUNREACH,
    // ENETUNREACH or silence leave reachable as the socket saw it.
    if (code === 'ECONNREFUSED' || isHttpProtocolError(code)) conn.reachable = true;
    return done(body === undefined ? classifyRequestError(err) : classifyBodyError(err, conn));
  } finally {
    clearTimeout(timer);
    body?.destroy();
  }
}

function request(url: string, accept: string, agents: ScrapeAgents, conn: ConnectionState, connectMs: number, signal: AbortSignal): Promise<AxiosResponse<Readable>> {
  return axios.request<Readable>({
    url,
    method: 'GET',
    responseType: 'stream',
    headers: { Accept: accept, 'User-Agent': 'ambient-exporter' },
    httpAgent: agents.http,
    httpsAgent: agents.https,
    transport: trackingTransport(conn, connectMs),
    signal,
    proxy: false, // pod IPs are never reached through HTTP(S)_PROXY
    maxRedirects: 0,
    validateStatus: () => true,
  });
}
