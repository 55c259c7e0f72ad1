// The process the lab runs inside a node or pod namespace (`ip netns exec NS node endpoint.ts`):
// - an HTTP server on the namespace's address: GET /payload?bytes=N answers N bytes, so a probe
//   can ask for a response padded past the MTU;
// - a control server on a Unix socket (a path, so reachable from the test process in the host
//   namespace): GET /probe?url=U&timeoutMs=T&bytes=N makes that request from *this* namespace.
// It prints "ready" once both listen, and exits when its stdin closes, so it never outlives the
// harness that started it, even one killed with SIGKILL.
import http from 'node:http';
import { rmSync } from 'node:fs';
import type { ProbeOutcome, ProbeResult } from './probe-result.js';

const MAX_PAYLOAD = 16 * 1024 * 1024;

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error(`missing ${name}`);
  return v;
}

function serveTraffic(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://endpoint');
  if (url.pathname === '/payload') {
    const bytes = Math.min(MAX_PAYLOAD, Math.max(0, Number(url.searchParams.get('bytes') ?? 0) || 0));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
    res.end(Buffer.alloc(bytes, 0x78));
    return;
  }
  res.writeHead(url.pathname === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' });
  res.end(url.pathname === '/healthz' ? 'ok\n' : 'not found\n');
}

function outcomeOf(code: string | undefined): ProbeOutcome {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  return 'error';
}

function probe(target: string, timeoutMs: number, expectBytes: number): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let bytes = 0;
    let status: number | undefined;
    let done = false;
    const finish = (outcome: ProbeOutcome, code?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ outcome, bytes, elapsedMs: elapsed(), ...(status !== undefined ? { status } : {}), ...(code ? { code } : {}) });
    };
    // the budget covers connect and the whole body: an MTU blackhole stalls mid-body, not at connect
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const req = http.get(target, { agent: false }, (res) => {
      status = res.statusCode;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => finish(status !== 200 ? 'http_status' : bytes === expectBytes ? 'ok' : 'short_body'));
      res.on('error', (e: NodeJS.ErrnoException) => finish(outcomeOf(e.code), e.code));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(outcomeOf(e.code), e.code));
  });
}

function serveControl(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://control');
  const target = url.searchParams.get('url');
  if (url.pathname !== '/probe' || !target) {
    res.writeHead(400).end('GET /probe?url=...&timeoutMs=...&bytes=...\n');
    return;
  }
  const timeoutMs = Number(url.searchParams.get('timeoutMs') ?? 2000);
  const bytes = Number(url.searchParams.get('bytes') ?? 0);
  void probe(target, timeoutMs, bytes).then((result) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(result));
  });
}

function listen(server: http.Server, where: { host: string; port: number } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => resolve());
  });
}

async function main(): Promise<void> {
  const [host, port] = arg('--listen').split(':');
  const control = arg('--control');
  rmSync(control, { force: true });
  await Promise.all([
    listen(http.createServer(serveTraffic), { host: host ?? '', port: Number(port) }),
    listen(http.createServer(serveControl), { path: control }),
  ]);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`endpoint: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
