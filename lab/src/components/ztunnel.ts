// ztunnel's two HTTP ports: :15020 stats (/metrics, /stats/prometheus) and :15021 readiness. Both
// answer from the node's processes as they are at the moment of the request.
import type { RequestListener } from 'node:http';
import type { IstioRelease } from '../cluster/release.js';
import { proxiedPodsOn } from '../cluster/view.js';
import { ztunnelCounters } from '../runtime/processes.js';
import type { LabContext } from './context.js';
import { OPENMETRICS_CONTENT_TYPE } from './exposition.js';
import { ztunnelMetrics } from './ztunnel-metrics.js';
import type { TrafficSeries } from './ztunnel-traffic.js';

export const ZTUNNEL_STATS_PATHS = ['/metrics', '/stats/prometheus'];

const OPENMETRICS = 'application/openmetrics-text';
const firstToken = (entry: string) => entry.split(';')[0]?.trim().toLowerCase();

/**
 * ztunnel's Content-Type (src/metrics/server.rs content_type()): always OpenMetrics on 1.24; from
 * 1.25 OpenMetrics only when the Accept value's first `;`-separated token asks for it, text/plain
 * otherwise; from 1.29 when any comma-separated entry does. The body is OpenMetrics either way.
 */
export function ztunnelContentType(accept: string | undefined, mode: IstioRelease['contentType'] = 'first-entry'): string {
  if (mode === 'always-openmetrics') return OPENMETRICS_CONTENT_TYPE;
  const value = accept ?? '';
  const asks = mode === 'any-entry' ? value.split(',').some((e) => firstToken(e) === OPENMETRICS) : firstToken(value) === OPENMETRICS;
  return asks ? OPENMETRICS_CONTENT_TYPE : 'text/plain; charset=utf-8';
}

export function ztunnelStatsHandler(ctx: LabContext, node: string, series: readonly TrafficSeries[]): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!ZTUNNEL_STATS_PATHS.includes(path ?? '')) {
      res.writeHead(404).end();
      return;
    }
    const now = ctx.now();
    const state = ctx.nodeState(node, now);
    const body = ztunnelMetrics({
      release: ctx.topology.release,
      counters: ztunnelCounters(ctx.runtime.node(node).ztunnel, now),
      series,
      proxied: proxiedPodsOn(ctx.view(), node, state),
    });
    const type = ztunnelContentType(req.headers.accept, ctx.topology.release.contentType);
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
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
    const pending = ctx.nodeState(node, ctx.now()).ztunnelPending;
    if (pending.length === 0) res.writeHead(200).end('ready\n');
    else res.writeHead(500).end(`not ready, pending: ${pending.join(', ')}\n`);
  };
}
