// The exporter's one connection pool to the Kubernetes API server. LIST pages, watches and the
// /readyz probe all go through it, so a round reuses the previous round's connections instead of
// opening (on a real cluster: handshaking TLS for) a new one per request, as client-node's
// per-request agents do. Credentials are applied to every request the way client-node applies them
// (tokens, exec and OIDC plugins refresh themselves); the TLS material (CA, client certificate and
// key, insecure-skip-tls-verify, tls-server-name) is read once, when the pool is built.
//
// Every request has a response timeout: a request that gets no status line and headers within it
// is given up. client-node's Watch has none, so a proxy that accepts a watch and never answers
// would hold it forever.
import http from 'node:http';
import https from 'node:https';
import type { Cluster, KubeConfig } from '@kubernetes/client-node';

/** No response (status line and headers) came within the response timeout. */
export class ApiTimeoutError extends Error {
  override name = 'ApiTimeoutError';
  readonly code = 'ETIMEDOUT';
}

export interface ApiRequestOptions {
  /** give the request up when no status line and headers arrived within this */
  responseTimeoutMs: number;
  /** aborts the request (and a response in progress) */
  signal?: AbortSignal | undefined;
  accept?: string;
}

/** client-node's own agent factory (private in its typings): the one that knows kubeconfig proxy-url. */
interface ClientNodeAgentFactory {
  createAgent(cluster: Cluster, options: https.AgentOptions): http.Agent;
}

/** TCP keep-alive probes on pooled connections, as client-go's dialer sets them (30 s). */
const TCP_KEEPALIVE_MS = 30_000;
/** Idle connections kept for reuse: LIST pages and /readyz go one after another; watches hold their own. */
const MAX_FREE_SOCKETS = 4;

export class KubeApiTransport {
  private agent: http.Agent | undefined;
  private closed = false;

  constructor(private readonly kc: KubeConfig) {}

  /** The URL of `path` (which may carry a query) on the current cluster, keeping a server path prefix. */
  url(path: string): URL {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new Error('kubeconfig has no current cluster');
    return new URL(server.replace(/\/+$/, '') + path);
  }

  /**
   * GET `url` and resolve with the response once its headers arrived; the caller reads or destroys
   * the body (a body read to its end returns the connection to the pool). Rejects with
   * ApiTimeoutError when no response came within `responseTimeoutMs`. A pooled connection the
   * server closed while idle is retried once on a new one, as Node's documentation advises.
   */
  async get(url: URL, opts: ApiRequestOptions): Promise<http.IncomingMessage> {
    opts.signal?.throwIfAborted();
    if (this.closed) throw new Error('Kubernetes API transport closed');
    // Sets the Authorization header (token, exec, OIDC) and TLS material; the agent it also builds
    // is not used (client-node would build one per request).
    const applied: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(applied);
    const agent = this.pool(url, applied);
    const headers = { ...(applied.headers as Record<string, string>), Accept: opts.accept ?? 'application/json', 'User-Agent': 'ambient-exporter' };
    const request: https.RequestOptions = { method: 'GET', headers, agent, signal: opts.signal };
    if (applied.auth) request.auth = applied.auth;
    const transport = url.protocol === 'http:' ? http : https;
    try {
      return await send(transport, url, request, opts.responseTimeoutMs);
    } catch (err) {
      if (!(err instanceof StaleSocketError)) throw err;
      return send(transport, url, request, opts.responseTimeoutMs);
    }
  }

  /** Close every pooled connection; later requests fail. */
  close(): void {
    this.closed = true;
    this.agent?.destroy();
  }

  private pool(url: URL, applied: https.RequestOptions): http.Agent {
    if (this.agent) return this.agent;
    const tls: https.AgentOptions = {
      ca: applied.ca,
      cert: applied.cert,
      key: applied.key,
      pfx: applied.pfx,
      passphrase: applied.passphrase,
      servername: applied.servername,
      ...(applied.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: applied.rejectUnauthorized }),
    };
    const pooling: https.AgentOptions = { keepAlive: true, keepAliveMsecs: TCP_KEEPALIVE_MS, maxFreeSockets: MAX_FREE_SOCKETS, scheduling: 'lifo' };
    const cluster = this.kc.getCurrentCluster();
    if (cluster?.proxyUrl) {
      // HTTP(S) or SOCKS proxy from the kubeconfig: client-node's factory builds those agents.
      this.agent = (this.kc as unknown as ClientNodeAgentFactory).createAgent(cluster, { ...tls, ...pooling });
    } else {
      this.agent = url.protocol === 'http:' ? new http.Agent(pooling) : new https.Agent({ ...tls, ...pooling });
    }
    return this.agent;
  }
}

/** A pooled connection that turned out closed (reset before any response): worth one retry. */
class StaleSocketError extends Error {}

function send(transport: typeof http | typeof https, url: URL, options: https.RequestOptions, responseTimeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = transport.request(url, options, (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    const timer = setTimeout(() => req.destroy(new ApiTimeoutError(`no response within ${responseTimeoutMs} ms`)), responseTimeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') ? new StaleSocketError(err.message) : err);
    });
    req.end();
  });
}
