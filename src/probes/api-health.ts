// The Kubernetes API server's own readiness: GET <server>/readyz with the kubeconfig's credentials
// and TLS settings, applied the way @kubernetes/client-node applies them to its own requests.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApiHealth } from '../model.js';

/** `<server>/readyz`, keeping any path prefix of the server URL (e.g. behind a proxy). */
export function readyzUrl(server: string): URL {
  const url = new URL(server);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/readyz`;
  url.search = '';
  return url;
}

interface Attempt {
  cancelled: boolean;
  req?: http.ClientRequest;
  options: https.RequestOptions;
}

async function check(kc: KubeConfig, attempt: Attempt): Promise<boolean> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) return false;
  const url = readyzUrl(cluster.server);
  // Sets the agent (CA, client cert, skip-verify, proxy) and the Authorization header (token, exec, OIDC).
  await kc.applyToHTTPSOptions(attempt.options);
  if (attempt.cancelled) return false;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<boolean>((resolve, reject) => {
    const req = transport.request(url, { ...attempt.options, method: 'GET' }, (res) => {
      resolve(res.statusCode === 200);
      res.resume();
    });
    attempt.req = req;
    req.on('error', reject);
    req.end();
  });
}

/**
 * ready is true only on a 200 within `timeoutMs` (which also bounds credential plugins).
 * Without a kubeconfig (static targets only) there is no API to ask: ready false, duration 0.
 * Never rejects.
 */
export async function probeApiHealth(kc: KubeConfig | undefined, timeoutMs: number): Promise<ApiHealth> {
  if (!kc) return { ready: false, durationSeconds: 0 };
  const started = performance.now();
  const attempt: Attempt = { cancelled: false, options: { headers: {} } };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  let ready = false;
  try {
    ready = await Promise.race([check(kc, attempt), timeout]);
  } catch {
    ready = false;
  } finally {
    clearTimeout(timer);
    attempt.cancelled = true;
    attempt.req?.destroy();
    const agent = attempt.options.agent;
    if (agent && typeof agent === 'object') agent.destroy();
  }
  return { ready, durationSeconds: (performance.now() - started) / 1000 };
}
