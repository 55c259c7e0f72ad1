// HTTP endpoints. Everything is served from memory: a scrape of /metrics never waits on the cluster.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ExporterMetrics } from './export/metrics.js';
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
