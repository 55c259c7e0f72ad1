// The page at `/`, for a person: the verdict first (healthy, N problems, or blind: never green when the
// exporter cannot see the cluster or its last round is old), then each problem with where, root
// cause, evidence, affected pods, the commands to look further and the runbook of the alert that
// pages for it (served by the exporter at runbooks/<Alert>), then every check. It renders the same
// Report as `diagnose`, and refreshes itself in place (a small inline script; a plain reload without
// scripts).
import type { ItemWhere, Report, ReportItem, Verdict } from './diagnosis/types.js';
import { runbookPath } from './runbooks/location.js';
import { contentSecurityPolicy, escapeHtml as esc, htmlPage } from './web/page.js';

export interface StatusView {
  version: string;
  mode: string;
  /** seconds between the exporter's rounds */
  refreshIntervalSeconds: number;
  /** the report of the last round; undefined before the first */
  report: Report | undefined;
  /** when the last round finished, ms since epoch */
  lastRoundAtMs: number | undefined;
  nowMs: number;
}

/** A round older than this makes the page blind (AmbientExporterStale's threshold, or three rounds). */
export function roundStaleAfterMs(refreshIntervalSeconds: number): number {
  return Math.max(120_000, 3 * refreshIntervalSeconds * 1000);
}

/** The verdict the page shows: the report's, unless there is no round yet or the last one is too old. */
export function pageVerdict(view: StatusView): { verdict: Verdict; summary: string } {
  if (!view.report || view.lastRoundAtMs === undefined) return { verdict: 'blind', summary: 'Blind: no round has finished yet' };
  const age = view.nowMs - view.lastRoundAtMs;
  if (age > roundStaleAfterMs(view.refreshIntervalSeconds)) {
    return { verdict: 'blind', summary: `Blind: the last round finished ${Math.round(age / 1000)} s ago, the exporter has stopped refreshing` };
  }
  return { verdict: view.report.verdict, summary: view.report.summary };
}

const HEADLINE: Record<Verdict, (r: Report | undefined) => string> = {
  healthy: () => 'Healthy',
  warnings: (r) => `No problem, ${r?.warnings ?? 0} warning${r?.warnings === 1 ? '' : 's'}`,
  incomplete: (r) => `Could not check everything (${r?.unknown ?? 0})`,
  problems: (r) => `${r?.problems ?? 0} problem${r?.problems === 1 ? '' : 's'}`,
  blind: () => 'Blind',
};
const MARK: Record<string, string> = { ok: '✔', healthy: '✔', warn: '⚠', warnings: '⚠', explained: '⚠', problem: '✖', problems: '✖', unknown: '?', incomplete: '?', blind: '✖', skipped: '–' };
const WORD: Record<string, string> = { ok: 'ok', warn: 'warning', explained: 'explained', problem: 'problem', unknown: 'not checked', skipped: 'not applicable' };

function whereText(w: ItemWhere): string {
  if (w.node) return `node ${w.node}`;
  if (w.namespace) return `namespace ${w.namespace}`;
  if (w.nodes) return `cluster-wide (${w.nodes.length === 1 ? 'node' : `${w.nodes.length} nodes`}: ${w.nodes.join(', ')})`;
  return 'cluster';
}

function podsHtml(item: ReportItem): string {
  if (!item.pods || item.pods.total === 0) return '';
  const more = item.pods.total - item.pods.pods.length;
  const list = item.pods.pods.map((p) => `<li><code>${esc(p.namespace)}/${esc(p.name)}</code></li>`).join('');
  return `<dt>Affected pods</dt><dd><ul>${list}</ul>${more > 0 ? `<p>and ${more} more (${item.pods.total} in all)</p>` : ''}</dd>`;
}

function itemHtml(item: ReportItem, checkTitle: string): string {
  const title = item.title ?? checkTitle;
  const cause = item.cause ? `<dt>Root cause</dt><dd><code>${esc(item.cause)}</code>${item.meaning ? `: ${esc(item.meaning.replaceAll('`', ''))}` : ''}</dd>` : '';
  const by = item.explainedBy;
  const explained = by ? `<dt>Explained by</dt><dd><code>${esc(by.issue)}</code> / <code>${esc(by.cause)}</code> on node ${esc(by.node)}</dd>` : '';
  const next = item.next.length > 0 ? `<dt>Look further</dt><dd><pre><code>${esc(item.next.join('\n'))}</code></pre></dd>` : '';
  const runbook = item.runbook ? `<dt>Runbook</dt><dd><a href="${esc(runbookPath(item.runbook))}">${esc(item.runbook)}</a></dd>` : '';
  return (
    `<li class="item s-${item.status}"><h3><span class="mark" aria-hidden="true">${MARK[item.status]}</span>` +
    `<span class="visually-hidden">${WORD[item.status]}: </span>${esc(title)} · ${esc(whereText(item.where))}</h3>` +
    `<dl>${cause}<dt>Evidence</dt><dd>${esc(item.evidence)}</dd>${explained}${podsHtml(item)}${next}${runbook}</dl></li>`
  );
}

function itemsSection(heading: string, id: string, entries: { item: ReportItem; check: string }[]): string {
  if (entries.length === 0) return '';
  return `<section aria-labelledby="${id}"><h2 id="${id}">${esc(heading)} (${entries.length})</h2><ol class="items">${entries.map((e) => itemHtml(e.item, e.check)).join('')}</ol></section>`;
}

/** Symptoms a root cause above explains: there for whoever wants them, folded away from the problems. */
function explainedSection(entries: { item: ReportItem; check: string }[]): string {
  if (entries.length === 0) return '';
  return (
    `<section aria-labelledby="explained"><details id="explained-details"><summary><h2 id="explained" style="display:inline">` +
    `Consequences of the problems above (${entries.length})</h2></summary><ol class="items">${entries.map((e) => itemHtml(e.item, e.check)).join('')}</ol></details></section>`
  );
}

/** The problems in one line each, for the verdict box. */
function problemList(entries: { item: ReportItem; check: string }[]): string {
  if (entries.length === 0) return '';
  const shown = entries.slice(0, 5).map((e) => `<li>${esc(e.item.title ?? e.check)} · ${esc(whereText(e.item.where))}</li>`);
  return `<ul>${shown.join('')}${entries.length > 5 ? `<li>and ${entries.length - 5} more</li>` : ''}</ul>`;
}

function checksTable(report: Report): string {
  const rows = report.sections
    .map((s) => {
      const checks = s.checks
        .map(
          (c) =>
            `<tr><td class="s-${c.status} nowrap"><span class="mark" aria-hidden="true">${MARK[c.status]}</span>${WORD[c.status]}</td>` +
            `<td>${esc(c.title)}</td><td>${esc(c.status === 'problem' ? `${c.items.filter((i) => i.status === 'problem').length} problem(s), see above` : c.evidence)}</td></tr>`,
        )
        .join('');
      return `<tr><th colspan="3" scope="rowgroup">${esc(s.title)}</th></tr>${checks}`;
    })
    .join('');
  return `<section aria-labelledby="checks"><h2 id="checks">Every check</h2><table><thead><tr><th scope="col">Result</th><th scope="col">Check</th><th scope="col">Evidence</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function timeText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Refresh <main> in place (scroll and open details kept); say so when the exporter cannot be reached. */
function refreshScript(seconds: number): string {
  return (
    `(function(){var failedSince=null,banner=document.getElementById('refresh-failed');` +
    `function tick(){fetch(location.href,{cache:'no-store',headers:{Accept:'text/html'}}).then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.text();})` +
    `.then(function(t){var d=new DOMParser().parseFromString(t,'text/html'),m=d.getElementById('main');if(!m)throw new Error('no content');` +
    `var open=Array.prototype.map.call(document.querySelectorAll('details[open]'),function(e){return e.id;});` +
    `document.getElementById('main').innerHTML=m.innerHTML;document.title=d.title;` +
    `open.forEach(function(id){var e=document.getElementById(id);if(e)e.open=true;});failedSince=null;banner.style.display='none';})` +
    `.catch(function(){if(!failedSince)failedSince=new Date();banner.textContent='This page could not reach the exporter since '+failedSince.toLocaleTimeString()+': what it shows may be out of date.';banner.style.display='block';});}` +
    `setInterval(tick,${seconds * 1000});})();`
  );
}

/** How often the page refreshes itself: the exporter's round, kept between 5 s and 60 s. */
export function pageRefreshSeconds(refreshIntervalSeconds: number): number {
  return Math.min(60, Math.max(5, Math.round(refreshIntervalSeconds)));
}

export function renderStatusPage(view: StatusView): { html: string; csp: string } {
  const { verdict, summary } = pageVerdict(view);
  const report = view.report;
  const refresh = pageRefreshSeconds(view.refreshIntervalSeconds);
  const last = view.lastRoundAtMs === undefined ? 'no round yet' : `last round ${timeText(view.lastRoundAtMs)} (${Math.round((view.nowMs - view.lastRoundAtMs) / 1000)} s ago)`;
  const entries = (pred: (i: ReportItem) => boolean) =>
    (report?.sections ?? []).flatMap((s) => s.checks.flatMap((c) => c.items.filter(pred).map((item) => ({ item, check: c.title }))));
  const headline = HEADLINE[verdict](report);
  const blind = verdict === 'blind';
  const problems = blind ? [] : entries((i) => i.status === 'problem');
  const main = [
    `<section class="verdict s-${verdict}" aria-labelledby="verdict"><h1 id="verdict"><span class="mark" aria-hidden="true">${MARK[verdict]}</span>${esc(headline)}</h1>` +
      `${problems.length > 0 ? problemList(problems) : `<p>${esc(summary)}</p>`}<p class="muted">${esc(last)} · this page refreshes every ${refresh} s</p></section>`,
    blind ? itemsSection('Why the exporter cannot judge the mesh', 'why', entries((i) => i.status === 'unknown')) : '',
    itemsSection('Problems', 'problems', problems),
    blind ? '' : itemsSection('Warnings', 'warnings', entries((i) => i.status === 'warn')),
    blind ? '' : itemsSection('Could not check', 'unknown', entries((i) => i.status === 'unknown')),
    blind ? '' : explainedSection(entries((i) => i.status === 'explained')),
    report && !blind ? checksTable(report) : '',
  ].join('\n');
  const header =
    `<nav aria-label="Site"><strong>ambient-exporter ${esc(view.version)}</strong> · ${esc(view.mode)} mode · ` +
    `<a href="runbooks/">Runbooks</a><a href="metrics">Metrics</a><a href="readyz">Readiness</a></nav>` +
    `<p id="refresh-failed" role="alert"></p>`;
  const script = refreshScript(refresh);
  return {
    html: htmlPage({ title: `${headline} · ambient-exporter`, header, main, script, refreshSeconds: refresh }),
    csp: contentSecurityPolicy(script),
  };
}
