// GET /metrics for a pair of registries (text and OpenMetrics), as `serve` and `agent` both serve
// theirs: OpenMetrics only when the client asks for it, from memory, never waiting on a round.
import type { NextFunction, Request, Response } from 'express';
import type { OpenMetricsContentType, Registry } from 'prom-client';

export interface Registries {
  registry: Registry;
  openMetricsRegistry: Registry<OpenMetricsContentType>;
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

export function metricsRoute(metrics: Registries) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const registry = wantsOpenMetrics(req.get('accept')) ? metrics.openMetricsRegistry : metrics.registry;
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).set('Vary', 'Accept').send(body);
    } catch (err) {
      next(err);
    }
  };
}
