// HTTP endpoints. Everything is served from memory: a scrape of /metrics never waits on the cluster.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ExporterMetrics } from './export/metrics.js';
import { metricsRoute } from './export/metrics-route.js';
import { renderIndexPage, type StatusView } from './status-page.js';

export interface ServerDeps {
  metrics: ExporterMetrics;
  /** true once the first discovery, scrape and probe round is done */
  isReady: () => boolean;
  status: () => StatusView;
  onError?: (err: unknown) => void;
}

export { wantsOpenMetrics } from './export/metrics-route.js';

export function createApp(deps: ServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsRoute(deps.metrics));
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
