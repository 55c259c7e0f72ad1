// The istio-cni node agent (host network): :15014 /metrics (Go text format, names as registered,
// so no added `_total`; no istio_build, which only pilot records) and :8000 /readyz, /healthz.
import type { RequestListener } from 'node:http';
import type { LabContext } from './context.js';
import { PROMETHEUS_TEXT_CONTENT_TYPE, PrometheusTextWriter } from './exposition.js';

export function cniMetrics(ctx: LabContext, node: string): string {
  const view = ctx.view();
  const now = ctx.now();
  const state = ctx.nodeState(node, now);
  const ambientPods = view.pods.filter((p) => p.pod.node === node && p.look.annotations['ambient.istio.io/redirection'] !== undefined).length;
  // the agent's counters start with its process
  const uptimeS = Math.max(0, now - state.agentStartedAt) / 1000;
  const w = new PrometheusTextWriter();
  w.family('istio_cni_install_ready', 'gauge', 'Whether the CNI plugin installation is ready or not').sample('istio_cni_install_ready', [], 1);
  w.family('istio_cni_installs_total', 'counter', 'Total number of CNI plugins installed by the Istio CNI installer')
    .sample('istio_cni_installs_total', [['result', 'SUCCESS']], 1);
  w.family('nodeagent_reconcile_events_total', 'counter', 'The total number of node agent reconcile events.')
    .sample('nodeagent_reconcile_events_total', [['type', 'add']], ambientPods)
    .sample('nodeagent_reconcile_events_total', [['type', 'update']], ambientPods + Math.floor(uptimeS / 3600));
  // recorded only when a ztunnel connects or disconnects (cni/pkg/nodeagent/ztunnelserver.go addConn/deleteConn):
  // absent from an agent's start until a ztunnel connects to it
  if (state.cniZtunnelConnected !== undefined) {
    w.family('ztunnel_connected', 'gauge', 'Whether the ztunnel is connected or not').sample('ztunnel_connected', [], state.cniZtunnelConnected);
  }
  return w.text();
}

export function cniMonitoringHandler(ctx: LabContext, node: string): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    const body = cniMetrics(ctx, node);
    res.writeHead(200, { 'Content-Type': PROMETHEUS_TEXT_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}

export function cniHealthHandler(): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/readyz' || path === '/healthz') res.writeHead(200).end();
    else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  };
}
