// An HTTP proxy in front of a Kubernetes API server (the lab's, or the informer tests' fake), for
// the failures a real network path can show: connections reset, requests accepted and never answered,
// watch streams that go silent while their connection stays up. It counts the TCP connections it
// accepts, so a test can check that the client reuses them.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyMode =
  /** forward everything */
  | 'pass'
  /** reset every new request's connection (RST), as a restarting load balancer does */
  | 'reset'
  /** accept requests and never answer: no status line, no headers */
  | 'hang'
  /** forward requests, but drop every byte of watch responses after their headers: TCP stays up */
  | 'silent';

export interface ApiProxy {
  url: string;
  readonly mode: ProxyMode;
  /** switch modes; 'reset' also resets every open connection (open watches end with ECONNRESET) */
  setMode(mode: ProxyMode): void;
  /** TCP connections accepted so far */
  connections(): number;
  /** requests received so far, by kind */
  requests: { watch: number; other: number };
  /** a kubeconfig (YAML) pointing at the proxy with the given user */
  kubeconfig(user?: Record<string, string>): string;
  close(): Promise<void>;
}

const isWatch = (url: string | undefined): boolean => /[?&]watch=(true|1)\b/.test(url ?? '');

export async function startApiProxy(upstream: string): Promise<ApiProxy> {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  let accepted = 0;
  const requests = { watch: 0, other: 0 };

  const server = http.createServer((req, res) => {
    const watch = isWatch(req.url);
    if (watch) requests.watch++;
    else requests.other++;
    if (proxy.mode === 'reset') return void req.socket.resetAndDestroy();
    if (proxy.mode === 'hang') return; // the request is held until the client gives up
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.flushHeaders();
        upRes.on('data', (chunk: Buffer) => {
          // Checked per chunk: a stream that was passing goes silent when the mode changes.
          if (watch && proxy.mode === 'silent') return;
          res.write(chunk);
        });
        upRes.on('end', () => {
          if (!(watch && proxy.mode === 'silent')) res.end();
        });
        upRes.on('error', () => res.destroy());
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let mode: ProxyMode = 'pass';
  const proxy: ApiProxy = {
    url,
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
      if (next === 'reset') for (const s of sockets) s.resetAndDestroy();
    },
    connections: () => accepted,
    requests,
    kubeconfig: (user = { token: 'proxy-test' }) =>
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: proxy, cluster: { server: "${url}" } }]`,
        `users: [{ name: u, user: ${JSON.stringify(user)} }]`,
        'contexts: [{ name: proxy, context: { cluster: proxy, user: u } }]',
        'current-context: proxy',
        '',
      ].join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
