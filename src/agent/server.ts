// The agent's HTTP endpoints, all served from memory: /summary (the central exporter reads it),
// PUT /plan (the exporter hands it its probe plan), /probe (its peers' probes: a small GET, or a
// padded POST echoed back at the same size, as Mirantis netchecker's padded payload), /metrics
// (ambient_agent_*), /healthz, /readyz.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { metricsRoute } from '../export/metrics-route.js';
import type { AgentMetrics } from './metrics.js';
import { PADDED_MAX_BYTES, PROBE_PATH } from './peers/probe.js';
import { PLAN_LIMITS, PLAN_PATH } from './plan.js';
import { SUMMARY_PATH } from './summary.js';

export interface AgentServerDeps {
  metrics: AgentMetrics;
  /** the last round's summary as JSON text, or why none is served (the reader counts a 503 as http_status) */
  summary: () => { body: string } | { unavailable: string };
  isReady: () => boolean;
  /** a plan body as received; why it was refused, or undefined when taken */
  acceptPlan: (body: unknown) => string | undefined;
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
  app.put(PLAN_PATH, express.json({ limit: PLAN_LIMITS.bytes, type: () => true }), (req, res) => {
    const refused = deps.acceptPlan(req.body as unknown);
    if (refused === undefined) res.status(204).end();
    else res.status(400).type('text/plain').send(`${refused}\n`);
  });
  app.get(PROBE_PATH, (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  // the padded probe: the body back, byte for byte, so both directions carry full-size segments
  app.post(PROBE_PATH, express.raw({ limit: PADDED_MAX_BYTES, type: () => true }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.type('application/octet-stream').send(body);
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
    // a body too large or not JSON is the client's error, not the agent's
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).type('text/plain').send(`${(err as Error).message}\n`);
      return;
    }
    deps.onError?.(err);
    res.status(500).type('text/plain').send('internal error\n');
  });
  return app;
}
