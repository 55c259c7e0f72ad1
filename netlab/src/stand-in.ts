// A component stand-in the lab runs inside a node or pod namespace (`ip netns exec NS node
// stand-in.ts`): serves recorded bodies of real components (test/fixtures/versions, written from
// upstream) at their real ports and paths, so what scrapes them on the overlay meets what a real
// ztunnel, istio-cni or istiod would answer, and what crosses the kernel's overlay is real traffic.
//   --http HOST:PORT:PATH=FILE   answer GET PATH with FILE's content (repeatable)
//   --tcp HOST:PORT              accept connections and say nothing (istiod's xDS port, dialled only)
// Prints "ready" once every port listens; exits when its stdin closes.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

function values(flag: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === flag && process.argv[i + 1]) out.push(process.argv[i + 1]!);
  });
  return out;
}

function hostPort(text: string): { host: string; port: number } {
  const i = text.lastIndexOf(':');
  return { host: text.slice(0, i), port: Number(text.slice(i + 1)) };
}

function listen(server: net.Server, where: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => resolve());
  });
}

async function main(): Promise<void> {
  // one HTTP server per address, routing by path
  const routes = new Map<string, Map<string, string>>();
  for (const spec of values('--http')) {
    // HOST:PORT:PATH=FILE, the path starting with its slash
    const eq = spec.indexOf('=');
    const slash = spec.indexOf('/');
    if (eq < 0 || slash < 2 || slash > eq) throw new Error(`--http ${spec}: expected HOST:PORT:PATH=FILE`);
    const addr = spec.slice(0, slash - 1);
    const path = spec.slice(slash, eq);
    const body = readFileSync(spec.slice(eq + 1), 'utf8');
    const byPath = routes.get(addr) ?? new Map<string, string>();
    byPath.set(path, body);
    routes.set(addr, byPath);
  }
  const servers: Promise<void>[] = [];
  for (const [addr, byPath] of routes) {
    const server = http.createServer((req, res) => {
      const body = byPath.get(new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body ?? 'not found\n');
    });
    servers.push(listen(server, hostPort(addr)));
  }
  for (const addr of values('--tcp')) {
    const server = net.createServer((s) => {
      s.on('error', () => undefined);
      s.on('end', () => s.destroy());
    });
    servers.push(listen(server, hostPort(addr)));
  }
  await Promise.all(servers);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write('ready\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`stand-in: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
