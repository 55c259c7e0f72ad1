// ztunnel's two HTTP ports: :15020 stats (/metrics, /stats/prometheus) and :15021 readiness.
import type { RequestListener } from 'node:http';
import { capturedPodsOn } from '../cluster/view.js';
import type { LabContext } from './context.js';
import { OPENMETRICS_CONTENT_TYPE } from './exposition.js';
import { ztunnelMetrics } from './ztunnel-metrics.js';
import type { ZtunnelRuntime } from './ztunnel-runtime.js';

export const ZTUNNEL_STATS_PATHS = ['/metrics', '/stats/prometheus'];

/**
 * ztunnel 1.25+ (src/metrics/server.rs content_type()): OpenMetrics content type only when the Accept
 * value's first `;`-separated token asks for it; text/plain otherwise. The body is OpenMetrics either way.
 */
export function ztunnelContentType(accept: string | undefined): string {
  const first = (accept ?? '').split(';')[0]?.trim().toLowerCase();
  return first === 'application/openmetrics-text' ? OPENMETRICS_CONTENT_TYPE : 'text/plain; charset=utf-8';
}

export function ztunnelStatsHandler(ctx: LabContext, rt: ZtunnelRuntime): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!ZTUNNEL_STATS_PATHS.includes(path ?? '')) {
      res.writeHead(404).end();
      return;
    }
    const now = ctx.now();
    const body = ztunnelMetrics({ counters: rt.counters(now), series: rt.series, captured: capturedPodsOn(ctx.view(), rt.node) });
    res.writeHead(200, { 'Content-Type': ztunnelContentType(req.headers.accept), 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}

export function ztunnelReadinessHandler(ctx: LabContext, node: string): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz/ready') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const pending = [...(ctx.view().health.get(node)?.ztunnelPending ?? [])].sort();
    if (pending.length === 0) res.writeHead(200).end('ready\n');
    else res.writeHead(500).end(`not ready, pending: ${pending.join(', ')}\n`);
  };
}
