// HTTP endpoints. Everything is served from memory: a scrape of /metrics never waits on the cluster.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ExporterMetrics } from './export/metrics.js';
import { renderIndexPage, type StatusView } from './status-page.js';

export interface ServerDeps {
  metrics: ExporterMetrics;
  /** true once the first discovery, scrape and probe round is done */
  isReady: () => boolean;
  status: () => StatusView;
  onError?: (err: unknown) => void;
}

/** OpenMetrics only when the client asks for it (and not with q=0), as Prometheus does with its Accept header. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim());
    const q = params.find((p) => p.startsWith('q='));
    return type === 'application/openmetrics-text' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export function createApp(deps: ServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (req, res, next) => {
    try {
      const registry = wantsOpenMetrics(req.get('accept')) ? deps.metrics.openMetricsRegistry : deps.metrics.registry;
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).set('Vary', 'Accept').send(body);
    } catch (err) {
      next(err);
    }
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ready\n' : 'first round not done, or the Kubernetes API not listed yet\n');
  });
  app.get('/', (_req, res) => {
    res.type('html').send(renderIndexPage(deps.status()));
  });
  // A plain 500 without a stack trace; the details go to the log.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.onError?.(err);
    res.status(500).type('text/plain').send('internal error\n');
  });
  return app;
}
