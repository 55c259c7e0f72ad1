// The agent's HTTP endpoints, all served from memory: /summary (the central exporter reads it),
// /metrics (ambient_agent_*), /healthz, /readyz.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { metricsRoute } from '../export/metrics-route.js';
import type { AgentMetrics } from './metrics.js';
import { SUMMARY_PATH } from './summary.js';

export interface AgentServerDeps {
  metrics: AgentMetrics;
  /** the last round's summary as JSON text, or why none is served (the reader counts a 503 as http_status) */
  summary: () => { body: string } | { unavailable: string };
  isReady: () => boolean;
  onError?: (err: unknown) => void;
}

export function createAgentApp(deps: AgentServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get(SUMMARY_PATH, (_req, res) => {
    const s = deps.summary();
    if ('body' in s) res.type('application/json').send(s.body);
    else res.status(503).type('text/plain').send(`${s.unavailable}\n`);
  });
  app.get('/metrics', metricsRoute(deps.metrics));
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ready\n' : 'first round not done, or the Kubernetes API not listed yet\n');
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    deps.onError?.(err);
    res.status(500).type('text/plain').send('internal error\n');
  });
  return app;
}
