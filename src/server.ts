// HTTP endpoints. Everything is served from memory: a scrape of /metrics never waits on the cluster.
import express, { type Express } from 'express';
import type { ExporterMetrics } from './metrics.js';
import { renderIndexPage, type StatusView } from './status-page.js';

export interface ServerDeps {
  metrics: ExporterMetrics;
  /** true once the first discovery, scrape and probe round is done */
  isReady: () => boolean;
  status: () => StatusView;
}

/** OpenMetrics only when the client asks for it, as Prometheus does with its Accept header. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return !!accept && accept.split(',').some((part) => part.trim().split(';')[0]?.trim() === 'application/openmetrics-text');
}

export function createApp(deps: ServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (req, res, next) => {
    try {
      const registry = wantsOpenMetrics(req.get('accept')) ? deps.metrics.openMetricsRegistry : deps.metrics.registry;
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).send(body);
    } catch (err) {
      next(err);
    }
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ready\n' : 'first round not done\n');
  });
  app.get('/', (_req, res) => {
    res.type('html').send(renderIndexPage(deps.status()));
  });
  return app;
}
