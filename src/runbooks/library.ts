// The runbooks the exporter serves at /runbooks/<AlertName> (and /runbooks/ as their index), rendered
// from docs/runbooks/*.md, which the image ships: the links in alerts, dashboards and the status page
// work in a cluster without Internet access. markdown-it renders them with raw HTML off (escaped) and
// its link validation on (no javascript: or data: URLs). Links between runbooks stay relative, so the
// pages work behind any path prefix (kubectl proxy, an ingress); links to other docs go to the
// published repository. Names are looked up in what the directory holds: nothing else is ever read.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import markdownIt, { type MarkdownIt } from 'markdown-it';
import { escapeHtml, htmlPage } from '../web/page.js';
import { PUBLISHED_DOCS_URL } from './location.js';

/** docs/runbooks of the installation: two levels up from src/runbooks (tsx) and dist/runbooks (built). */
export const RUNBOOKS_DIR = fileURLToPath(new URL('../../docs/runbooks/', import.meta.url));

const INDEX_FILE = 'README.md';
const ALERT_NAME = /^[A-Z][A-Za-z0-9]{0,99}$/;

export interface RunbookLibrary {
  /** the alert names with a runbook, sorted */
  names(): string[];
  /** the HTML page of one runbook, or undefined when there is none of that name */
  page(name: string): string | undefined;
  /** the HTML index (docs/runbooks/README.md) */
  index(): string;
}

/** Rewrites a link found in a runbook so it keeps working where the runbook is served. */
export function runbookHref(href: string, names: ReadonlySet<string>): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return href;
  const [path = '', fragment] = href.split('#', 2);
  const hash = fragment === undefined ? '' : `#${fragment}`;
  if (path === INDEX_FILE || path === `./${INDEX_FILE}`) return `./${hash}`;
  const own = /^(?:\.\/)?([A-Za-z0-9]+)\.md$/.exec(path);
  if (own && names.has(own[1]!)) return `${own[1]}${hash}`;
  // anything else relative to docs/runbooks: the published documentation
  const resolved = new URL(path, 'https://docs.invalid/docs/runbooks/').pathname.replace(/^\/docs\//, '');
  return `${PUBLISHED_DOCS_URL}/${resolved}${hash}`;
}

function renderer(names: ReadonlySet<string>): MarkdownIt {
  const md = markdownIt({ html: false, linkify: false, typographer: false });
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = token.attrGet('href');
    if (typeof href === 'string') {
      const rewritten = runbookHref(href, names);
      token.attrSet('href', rewritten);
      if (/^https?:/.test(rewritten)) token.attrSet('rel', 'noopener noreferrer');
    }
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

function header(current: string | undefined): string {
  const index = current === undefined ? '<strong>Runbooks</strong>' : '<a href="./">All runbooks</a>';
  // from /runbooks/X, the status page is one level up
  return `<nav aria-label="Site"><a href="../">Status page</a>${index}</nav>`;
}

/** Load every runbook of `dir` (default: the installation's docs/runbooks); an unreadable directory serves none. */
export function loadRunbooks(dir: string = RUNBOOKS_DIR): RunbookLibrary {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.md'));
  } catch {
    files = [];
  }
  const sources = new Map<string, string>();
  for (const f of files) {
    const name = f.slice(0, -3);
    if (f === INDEX_FILE || ALERT_NAME.test(name)) sources.set(f === INDEX_FILE ? INDEX_FILE : name, readFileSync(`${dir}/${f}`, 'utf8'));
  }
  const names = new Set([...sources.keys()].filter((n) => n !== INDEX_FILE));
  const md = renderer(names);
  const cache = new Map<string, string>();
  const render = (key: string, title: string, current: string | undefined): string | undefined => {
    const source = sources.get(key);
    if (source === undefined) return undefined;
    let html = cache.get(key);
    if (html === undefined) {
      html = htmlPage({ title, header: header(current), main: md.render(source) });
      cache.set(key, html);
    }
    return html;
  };
  const fallbackIndex = (): string =>
    htmlPage({
      title: 'Runbooks',
      header: header(undefined),
      main: `<h1>Runbooks</h1><ul>${[...names].sort().map((n) => `<li><a href="${escapeHtml(n)}">${escapeHtml(n)}</a></li>`).join('')}</ul>`,
    });
  return {
    names: () => [...names].sort(),
    page: (name) => (ALERT_NAME.test(name) && names.has(name) ? render(name, `${name} · runbook`, name) : undefined),
    index: () => render(INDEX_FILE, 'Runbooks', undefined) ?? fallbackIndex(),
  };
}
