// HTTP endpoints. Everything is served from memory: a scrape of /metrics never waits on the cluster.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ExporterMetrics } from './export/metrics.js';
import { metricsRoute } from './export/metrics-route.js';
import type { RunbookLibrary } from './runbooks/library.js';
import { renderStatusPage, type StatusView } from './status-page.js';
import { contentSecurityPolicy, escapeHtml, htmlPage } from './web/page.js';

export interface ServerDeps {
  metrics: ExporterMetrics;
  /** true once the first discovery, scrape and probe round is done */
  isReady: () => boolean;
  status: () => StatusView;
  runbooks: RunbookLibrary;
  onError?: (err: unknown) => void;
}

/** Headers of every HTML page: nothing loaded from elsewhere, never cached (the status changes every round). */
function sendPage(res: Response, html: string, csp: string, status = 200): void {
  res.status(status).set({ 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).type('html').send(html);
}

function notFound(res: Response, what: string): void {
  const html = htmlPage({ title: 'Not found', header: '<nav aria-label="Site"><a href="./">All runbooks</a></nav>', main: `<h1>Not found</h1><p>${escapeHtml(what)}</p>` });
  sendPage(res, html, contentSecurityPolicy(), 404);
}

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
    const page = renderStatusPage(deps.status());
    sendPage(res, page.html, page.csp);
  });
  // The runbooks the alerts link (npm run generate -- --runbook-base-url http://<this exporter>/runbooks):
  // /runbooks/ is their index; /runbooks without the slash is sent there so relative links resolve.
  app.get('/runbooks', (req, res) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(301, 'runbooks/');
      return;
    }
    sendPage(res, deps.runbooks.index(), contentSecurityPolicy());
  });
  app.get('/runbooks/:name', (req, res) => {
    const name = req.params.name.replace(/\.md$/, '');
    const page = deps.runbooks.page(name);
    if (page === undefined) notFound(res, `No runbook named "${name}".`);
    else sendPage(res, page, contentSecurityPolicy());
  });
  // A plain 500 without a stack trace; the details go to the log.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.onError?.(err);
    res.status(500).type('text/plain').send('internal error\n');
  });
  return app;
}
