// The Kubernetes API server's own readiness: GET <server>/readyz with the kubeconfig's credentials
// and TLS settings, over the exporter's pooled connection to the API server (kube/api-transport.ts):
// one connection serves every round, not a new one (on a real cluster, a TLS handshake) per round.
import type { ApiHealth } from '../model.js';
import type { KubeApiTransport } from '../kube/api-transport.js';

/** /readyz answers a few bytes ("ok", or the failed checks with ?verbose); never read more. */
const READYZ_BODY_LIMIT = 64 * 1024;

async function check(api: KubeApiTransport, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const res = await api.get(api.url('/readyz'), { responseTimeoutMs: timeoutMs, signal, accept: 'text/plain' });
  // Read the body to its end so the connection goes back to the pool for the next round.
  await new Promise<void>((resolve) => {
    let read = 0;
    res.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > READYZ_BODY_LIMIT) res.destroy();
    });
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', () => resolve());
  });
  return res.statusCode === 200;
}

/**
 * ready is true only on a 200 within `timeoutMs` (which also bounds credential plugins).
 * Without a connection to the API (static targets only) there is no API to ask: ready false,
 * duration 0. Never rejects.
 */
export async function probeApiHealth(api: KubeApiTransport | undefined, timeoutMs: number): Promise<ApiHealth> {
  if (!api) return { ready: false, durationSeconds: 0 };
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  let ready: boolean;
  try {
    ready = await Promise.race([check(api, timeoutMs, controller.signal), timeout]);
  } catch {
    ready = false;
  } finally {
    clearTimeout(timer);
    controller.abort(); // a request still in flight (past the timeout) is given up
  }
  return { ready, durationSeconds: (performance.now() - started) / 1000 };
}
