// A kubeconfig for the lab's API server: plain HTTP, no credentials. @kubernetes/client-node 1.x
// refuses an http: server unless the cluster entry sets insecure-skip-tls-verify (config.js
// createAgent), so it is set; there is no TLS to verify on loopback HTTP anyway.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const LAB_CONTEXT = 'ambient-lab';

export function kubeconfigYaml(serverUrl: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: LAB_CONTEXT, cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: LAB_CONTEXT, user: {} }],
    contexts: [{ name: LAB_CONTEXT, context: { cluster: LAB_CONTEXT, user: LAB_CONTEXT, namespace: 'default' } }],
    'current-context': LAB_CONTEXT,
    preferences: {},
  });
}

/** Writes the kubeconfig into a fresh temporary directory; returns its path and the directory. */
export async function writeKubeconfig(serverUrl: string): Promise<{ path: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ambient-lab-'));
  const path = join(dir, 'kubeconfig');
  await writeFile(path, kubeconfigYaml(serverUrl), { mode: 0o600 });
  return { path, dir };
}
