// The human page at `/`: what is wrong now, where, and which runbook to open.
import type { Issue, Signals } from './signals/index.js';

export interface StatusView {
  version: string;
  mode: string;
  ready: boolean;
  lastRefresh: Date | undefined;
  signals: Signals | undefined;
  targets: { component: string; node: string; pod: string; up: boolean; error?: string | undefined }[];
}

const RUNBOOK: Record<Issue, string> = {
  ztunnel_istiod_connectivity: 'AmbientZtunnelIstiodUnreachable',
  cross_node_network: 'AmbientCrossNodeNetworkFailure',
  cni_pod_creation_blocked: 'AmbientPodCreationBlockedByCNI',
  namespace_not_enrolled: 'AmbientNamespaceNotEnrolled',
};

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderIndexPage(view: StatusView): string {
  const s = view.signals;
  const issues = s
    ? (Object.entries(s.issueAffected) as [Issue, number][])
        .map(([issue, n]) => `<tr><td>${esc(issue)}</td><td class="${n > 0 ? 'bad' : 'ok'}">${n}</td><td>docs/runbooks/${RUNBOOK[issue]}.md</td></tr>`)
        .join('')
    : '';
  const findings = s
    ? [
        ...s.nodeIssues.map((f) => `<tr><td>node ${esc(f.node)}</td><td>${esc(f.issue)}</td><td>${esc(f.cause)}</td></tr>`),
        ...s.namespaceIssues.map((f) => `<tr><td>namespace ${esc(f.namespace)}</td><td>${esc(f.issue)}</td><td>${esc(f.cause)}</td></tr>`),
      ].join('')
    : '';
  const targets = view.targets
    .map((t) => `<tr><td>${esc(t.component)}</td><td>${esc(t.node)}</td><td>${esc(t.pod)}</td><td class="${t.up ? 'ok' : 'bad'}">${t.up ? 'up' : esc(t.error ?? 'down')}</td></tr>`)
    .join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>ambient-exporter</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}.bad{color:#b00;font-weight:bold}.ok{color:#070}</style></head>
<body><h1>ambient-exporter ${esc(view.version)}</h1>
<p>mode ${esc(view.mode)} · ${view.ready ? 'ready' : 'first round not done'} · last round ${view.lastRefresh ? esc(view.lastRefresh.toISOString()) : 'never'}</p>
<p><a href="/metrics">/metrics</a> · <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></p>
<h2>Known issues</h2><table><tr><th>issue</th><th>affected</th><th>runbook</th></tr>${issues}</table>
<h2>Root causes</h2><table><tr><th>where</th><th>issue</th><th>cause</th></tr>${findings || '<tr><td colspan="3">none</td></tr>'}</table>
<h2>Targets</h2><table><tr><th>component</th><th>node</th><th>pod</th><th>last scrape</th></tr>${targets}</table>
</body></html>
`;
}
