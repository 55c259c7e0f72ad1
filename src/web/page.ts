// The exporter's HTML pages (status page, runbooks): one small inline stylesheet, no external
// script, font or stylesheet, so they work air-gapped; readable at 3 a.m.: large type, high contrast,
// status said in words and marks, not colour alone. Light and dark follow the browser's setting.
import { createHash } from 'node:crypto';

const CSS = `
:root{color-scheme:light dark;--fg:#111;--bg:#fff;--muted:#555;--line:#ccc;--ok:#0a6b2d;--warn:#8a5a00;--bad:#b00020;--blind:#4a2a7a;--code:#f3f3f3}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#121212;--muted:#aaa;--line:#444;--ok:#5fd38b;--warn:#f0b541;--bad:#ff6b7d;--blind:#c3a6ff;--code:#1f1f1f}}
*{box-sizing:border-box}
body{font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:1rem 1.25rem 3rem;max-width:72rem}
header,footer{color:var(--muted);font-size:.9rem}
header nav a{margin-right:1rem}
a{color:inherit}
h1{font-size:1.9rem;margin:.3rem 0}
h2{font-size:1.35rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.1rem;margin:0 0 .4rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
pre{background:var(--code);padding:.6rem .8rem;overflow-x:auto;border-radius:4px;white-space:pre}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;vertical-align:top;padding:.3rem .6rem;border-bottom:1px solid var(--line)}
.verdict{border:3px solid currentColor;border-radius:6px;padding:.8rem 1.1rem;margin:.8rem 0 1.2rem}
.verdict p{margin:.2rem 0;color:var(--fg)}
.s-ok{color:var(--ok)}.s-warn,.s-explained,.s-incomplete,.s-warnings{color:var(--warn)}.s-problem,.s-problems{color:var(--bad)}.s-blind,.s-unknown{color:var(--blind)}.s-skipped{color:var(--muted)}
.s-healthy{color:var(--ok)}
.item{border-left:6px solid currentColor;padding:.5rem 1rem;margin:0 0 1rem;list-style:none}
.item dl{display:grid;grid-template-columns:9rem 1fr;gap:.3rem 1rem;margin:.4rem 0;color:var(--fg)}
.item dt{font-weight:600;color:var(--muted)}
.item dd{margin:0;min-width:0}
.item h3{color:var(--fg)}
ol.items{padding:0}
.mark{font-weight:700;display:inline-block;min-width:1.4em}
.muted{color:var(--muted)}
.nowrap{white-space:nowrap}
.verdict ul{margin:.3rem 0;padding-left:1.2rem;color:var(--fg)}
summary{cursor:pointer}

.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
#refresh-failed{display:none;border:2px solid var(--bad);padding:.4rem .8rem;border-radius:4px}
`.trim();

export interface PageOptions {
  title: string;
  /** already-escaped HTML of the page body (inside <main>) */
  main: string;
  /** already-escaped HTML of the header line */
  header?: string;
  /** inline script (its hash goes into the Content-Security-Policy) */
  script?: string;
  /** seconds between reloads when scripts are off */
  refreshSeconds?: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The Content-Security-Policy of a page: nothing from elsewhere, its own inline style and script only. */
export function contentSecurityPolicy(script?: string): string {
  const scriptSrc = script ? `'sha256-${createHash('sha256').update(script).digest('base64')}'` : "'none'";
  return `default-src 'none'; style-src 'unsafe-inline'; script-src ${scriptSrc}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

export function htmlPage(o: PageOptions): string {
  const refresh = o.refreshSeconds ? `<noscript><meta http-equiv="refresh" content="${o.refreshSeconds}"></noscript>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(o.title)}</title>${refresh}
<style>${CSS}</style></head>
<body>
${o.header ? `<header>${o.header}</header>\n` : ''}<main id="main">
${o.main}
</main>
${o.script ? `<script>${o.script}</script>\n` : ''}</body></html>
`;
}
