// The human page at `/`: what is wrong now, where, and which runbook to open.
import type { Signals } from './issues/derive.js';
import { MODULES, causeOf } from './issues/registry.js';

export interface StatusView {
  version: string;
  mode: string;
  ready: boolean;
  lastRefresh: Date | undefined;
  signals: Signals | undefined;
  targets: { component: string; node: string; pod: string; up: boolean; error?: string | undefined }[];
}

/** The runbook of the alert that pages for a finding's cause. */
function runbookOf(issue: string, cause: string): string {
  const alert = causeOf(issue, cause)?.pagedBy;
  return alert ? `docs/runbooks/${alert}.md` : '';
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderIndexPage(view: StatusView): string {
  const s = view.signals;
  const issues = s
    ? MODULES.map((m) => {
        const n = s.issueAffected[m.issue as keyof Signals['issueAffected']];
        return `<tr><td>${esc(m.issue)}</td><td class="${n > 0 ? 'bad' : 'ok'}">${n}</td><td>${esc(m.title)}</td></tr>`;
      }).join('')
    : '';
  const row = (where: string, issue: string, cause: string) =>
    `<tr><td>${esc(where)}</td><td>${esc(issue)}</td><td>${esc(cause)}</td><td>${esc(runbookOf(issue, cause))}</td></tr>`;
  const findings = s
    ? [...s.nodeIssues.map((f) => row(`node ${f.node}`, f.issue, f.cause)), ...s.namespaceIssues.map((f) => row(`namespace ${f.namespace}`, f.issue, f.cause))].join('')
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
<h2>Known issues</h2><table><tr><th>issue</th><th>affected</th><th>what</th></tr>${issues}</table>
<h2>Root causes</h2><table><tr><th>where</th><th>issue</th><th>cause</th><th>runbook</th></tr>${findings || '<tr><td colspan="4">none</td></tr>'}</table>
<h2>Targets</h2><table><tr><th>component</th><th>node</th><th>pod</th><th>last scrape</th></tr>${targets}</table>
</body></html>
`;
}
