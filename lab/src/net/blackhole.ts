// Blackholed TCP endpoints on loopback, without root or iptables: a connect to them hangs until the
// client gives up, as when a NetworkPolicy or a broken overlay drops SYNs.
//
// How: a worker thread binds the endpoints with a tiny accept backlog, then blocks in Atomics.wait
// and never calls accept(). We fill each accept queue with our own connections; once a listener's
// queue is full Linux drops further SYNs (tcp_conn_request: "listen overflow"), so the client's
// SYNs go unanswered. Stopping the worker closes the listeners (then connects are refused).
import net from 'node:net';
import { Worker } from 'node:worker_threads';

const BACKLOG = 1;
/** Linux queues backlog + 1 connections before the accept queue counts as full. */
const FILLERS_PER_ENDPOINT = BACKLOG + 1;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const flag = new Int32Array(workerData.flag);
const servers = [];
let pending = workerData.endpoints.length;
const fail = (err, ep) => { parentPort.postMessage({ error: ep.host + ':' + ep.port + ': ' + err.message }); process.exit(1); };
for (const ep of workerData.endpoints) {
  const s = net.createServer();
  servers.push(s);
  s.once('error', (err) => fail(err, ep));
  s.listen({ host: ep.host, port: ep.port, backlog: workerData.backlog, exclusive: true }, () => {
    if (--pending > 0) return;
    parentPort.postMessage({ ready: true });
    // Block this thread for good: nothing here will ever accept a connection.
    while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
    for (const srv of servers) srv.close();
    process.exit(0);
  });
}
`;

export interface Endpoint {
  host: string;
  port: number;
}

export const endpointKey = (e: Endpoint) => `${e.host}:${e.port}`;

function connect(e: Endpoint): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: e.host, port: e.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`blackhole filler for ${endpointKey(e)} did not connect`));
    }, 2_000);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Whether this process has seen a full accept queue drop a SYN (checked once, on the first batch). */
let dropsVerified = false;

/** What one more connect to a filled endpoint meets: it must hang (dropped SYN), not connect or be refused. */
function probe(e: Endpoint, timeoutMs: number): Promise<'timeout' | 'refused' | net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect({ host: e.host, port: e.port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve('refused');
    });
  });
}

/** One worker holding a fixed set of blackholed endpoints. */
class Batch {
  readonly keys: Set<string>;
  private readonly flag = new SharedArrayBuffer(4);
  private worker: Worker | undefined;
  private fillers: net.Socket[] = [];

  constructor(readonly endpoints: Endpoint[]) {
    this.keys = new Set(endpoints.map(endpointKey));
  }

  async start(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { flag: this.flag, endpoints: this.endpoints, backlog: BACKLOG } });
    this.worker = worker;
    worker.unref();
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(`blackhole: ${m.error}`))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`blackhole worker exited (${code})`)));
    });
    // One endpoint's fillers go one after another (a parallel extra would be dropped and hang).
    await Promise.all(
      this.endpoints.map(async (e) => {
        for (let i = 0; i < FILLERS_PER_ENDPOINT; i++) {
          const s = await connect(e);
          s.on('error', () => {});
          s.unref();
          this.fillers.push(s);
        }
      }),
    );
    if (!dropsVerified) await this.verifyDrops();
  }

  /** Linux drops SYNs to a listener whose accept queue is full; check this kernel does (sysctl tcp_abort_on_overflow=0). */
  private async verifyDrops(): Promise<void> {
    const e = this.endpoints[0];
    if (!e) return;
    for (let extra = 0; extra < 4; extra++) {
      const outcome = await probe(e, 100);
      if (outcome === 'timeout') {
        dropsVerified = true;
        return;
      }
      if (outcome === 'refused') {
        throw new Error('blackhole: this kernel resets connections to a full accept queue (net.ipv4.tcp_abort_on_overflow=1?); the lab cannot simulate dropped traffic');
      }
      // The queue had room after all: keep the connection as one more filler and probe again.
      outcome.on('error', () => {});
      outcome.unref();
      this.fillers.push(outcome);
    }
    throw new Error(`blackhole: connections to ${endpointKey(e)} keep succeeding; the lab cannot simulate dropped traffic here`);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      // Keep the process alive until the worker has closed its listeners (it is unref'd otherwise).
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const flag = new Int32Array(this.flag);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await exited;
    }
    for (const s of this.fillers) s.destroy();
    this.fillers = [];
  }
}

/** The set of blackholed endpoints, changed as a whole. */
export class BlackholePool {
  private batches: Batch[] = [];

  has(key: string): boolean {
    return this.batches.some((b) => b.keys.has(key));
  }

  /** Makes exactly `wanted` blackholed. Endpoints leaving the set are closed (refuse) afterwards. */
  async set(wanted: readonly Endpoint[]): Promise<void> {
    const want = new Map(wanted.map((e) => [endpointKey(e), e]));
    const stale = this.batches.filter((b) => [...b.keys].some((k) => !want.has(k)));
    this.batches = this.batches.filter((b) => !stale.includes(b));
    await Promise.all(stale.map((b) => b.stop()));
    const missing = [...want].filter(([k]) => !this.has(k)).map(([, e]) => e);
    if (missing.length === 0) return;
    const batch = new Batch(missing);
    await batch.start();
    this.batches.push(batch);
  }

  async close(): Promise<void> {
    await this.set([]);
  }
}
