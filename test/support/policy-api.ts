// A pass-through in front of the lab's Kubernetes API that also answers the one NetworkPolicy list
// `diagnose --pre-install` makes (the lab serves no NetworkPolicies): everything else, watches
// included, is streamed to and from the lab unchanged. Its kubeconfig points at the proxy.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PolicyApi {
  kubeconfigPath: string;
  /** the NetworkPolicy objects to list, per namespace */
  policies: Map<string, object[]>;
  close(): Promise<void>;
}

const POLICY_LIST = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies$/;

export async function startPolicyApi(labApiUrl: string, labKubeconfig: string): Promise<PolicyApi> {
  const upstream = new URL(labApiUrl);
  const policies = new Map<string, object[]>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const m = POLICY_LIST.exec(url.pathname);
    if (m && req.method === 'GET' && !url.searchParams.has('watch')) {
      const items = policies.get(decodeURIComponent(m[1]!)) ?? [];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'NetworkPolicyList', apiVersion: 'networking.k8s.io/v1', metadata: { resourceVersion: '1' }, items }));
      return;
    }
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      res.flushHeaders(); // a watch answers with headers long before its first event
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
    res.on('close', () => out.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dir = mkdtempSync(join(tmpdir(), 'policy-api-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, readFileSync(labKubeconfig, 'utf8').replace(labApiUrl, `http://127.0.0.1:${port}`));
  return {
    kubeconfigPath,
    policies,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
