// The lab's simulated network: every (address, port) a component listens on is in one of three
// modes. 'serve': a real listener answers. 'refuse': nothing listens, so connects fail at once
// (ECONNREFUSED), as for a stopped container or a Service port that does not exist. 'blackhole':
// connects hang until the client times out, as across a broken overlay or a dropping policy.
import http from 'node:http';
import net from 'node:net';
import { BlackholePool, endpointKey, type Endpoint } from './blackhole.js';

export type PortMode = 'serve' | 'refuse' | 'blackhole';

export type PortHandler =
  | { kind: 'http'; handle: http.RequestListener }
  /** accepts connections and says nothing (a TLS/gRPC port waiting for a client hello) */
  | { kind: 'tcp' };

interface Port {
  endpoint: Endpoint;
  handler: PortHandler;
  mode: PortMode;
  server: net.Server | undefined;
  sockets: Set<net.Socket>;
}

export class Network {
  private readonly ports = new Map<string, Port>();
  private readonly blackholes = new BlackholePool();
  /** applies run one at a time, in call order */
  private queue: Promise<void> = Promise.resolve();

  register(endpoint: Endpoint, handler: PortHandler): void {
    const key = endpointKey(endpoint);
    if (this.ports.has(key)) throw new Error(`port ${key} registered twice`);
    this.ports.set(key, { endpoint, handler, mode: 'refuse', server: undefined, sockets: new Set() });
  }

  mode(host: string, port: number): PortMode | undefined {
    return this.ports.get(`${host}:${port}`)?.mode;
  }

  endpoints(): Endpoint[] {
    return [...this.ports.values()].map((p) => p.endpoint);
  }

  /** Puts every registered port into the mode `modeOf` gives it. */
  apply(modeOf: (e: Endpoint) => PortMode): Promise<void> {
    const run = this.queue.then(() => this.applyNow(modeOf));
    this.queue = run.catch(() => {});
    return run;
  }

  private async applyNow(modeOf: (e: Endpoint) => PortMode): Promise<void> {
    const next = new Map([...this.ports.values()].map((p) => [p, modeOf(p.endpoint)]));
    // Order matters: free an address before another listener (ours or the blackhole's) takes it.
    // Each port's mode is updated as soon as its step is done, so a failure leaves nothing untracked.
    await Promise.all(
      [...next]
        .filter(([p, m]) => p.mode === 'serve' && m !== 'serve')
        .map(async ([p]) => {
          await this.stopServing(p);
          p.mode = 'refuse';
        }),
    );
    const holes = [...next].filter(([, m]) => m === 'blackhole').map(([p]) => p);
    await this.blackholes.set(holes.map((p) => p.endpoint));
    for (const [p, m] of next) {
      if (m === 'blackhole') p.mode = 'blackhole';
      else if (p.mode === 'blackhole') p.mode = 'refuse';
    }
    await Promise.all(
      [...next]
        .filter(([p, m]) => p.mode !== 'serve' && m === 'serve')
        .map(async ([p]) => {
          await this.serve(p);
          p.mode = 'serve';
        }),
    );
  }

  private serve(p: Port): Promise<void> {
    const server =
      p.handler.kind === 'http'
        ? http.createServer(p.handler.handle)
        : net.createServer((s) => {
            s.on('error', () => {});
            s.on('end', () => s.destroy());
          });
    server.on('connection', (s: net.Socket) => {
      p.sockets.add(s);
      s.on('close', () => p.sockets.delete(s));
    });
    p.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => {
        p.server = undefined;
        reject(err);
      });
      server.listen({ host: p.endpoint.host, port: p.endpoint.port, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => {});
        resolve();
      });
    });
  }

  private stopServing(p: Port): Promise<void> {
    const server = p.server;
    p.server = undefined;
    if (!server) return Promise.resolve();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of p.sockets) s.destroy();
    p.sockets.clear();
    return closed;
  }

  async close(): Promise<void> {
    await this.apply(() => 'refuse');
    await this.blackholes.close();
  }
}
