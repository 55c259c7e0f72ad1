// Reading generated dashboards back: every query of every panel, Grafana variables substituted so
// Prometheus and promtool can run them, and the metric names each query selects. Used by the unit
// checks (parse, metric names, conventions) and by the end-to-end test against real Prometheus.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { allPanels } from './layout.js';

export interface PanelQuery {
  dashboard: string;
  panelId: number;
  panelTitle: string;
  panelType: string;
  refId: string;
  expr: string;
  instant: boolean;
}

interface PromTarget {
  expr?: string;
  refId?: string;
  instant?: boolean;
}

export function panelQueries(d: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const p of allPanels(d)) {
    for (const t of (p.targets ?? []) as PromTarget[]) {
      if (t.expr === undefined) continue;
      out.push({
        dashboard: d.uid ?? '',
        panelId: p.id ?? -1,
        panelTitle: p.title ?? '',
        panelType: p.type,
        refId: t.refId ?? '',
        expr: t.expr,
        instant: t.instant ?? false,
      });
    }
  }
  return out;
}

/**
 * Values a fresh dashboard load gives the variables on a single-cluster Prometheus: every "All" is
 * `.*`; `cluster` has no value (no series carries the label) and matches series without it.
 */
export const DEFAULT_SUBSTITUTIONS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '1m',
  __range: '1h',
  cluster: '',
  node: '.*',
  namespace: '.*',
};

/** `$name` or `${name}` / `${name:format}`; `$1` (a label_replace group reference) is not a variable. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Names of the `$var` / `${var}` references in a query. */
export function variableRefs(expr: string): string[] {
  return [...expr.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? '');
}

/** Replaces Grafana variables by the given values; unknown variables are left for the caller to catch. */
export function substitute(expr: string, values: Record<string, string> = DEFAULT_SUBSTITUTIONS): string {
  return expr.replace(VARIABLE, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return values[name] ?? whole;
  });
}

// ---------- a small PromQL scanner: enough to find vector selectors ----------

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'limitk', 'limit_ratio',
]);
const MODIFIERS_WITH_LABEL_LIST = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan', ...MODIFIERS_WITH_LABEL_LIST]);

export interface VectorSelector {
  /** metric name, '' for a bare `{...}` selector */
  name: string;
  /** text between the braces, '' when there are none */
  matchers: string;
  /** the selector is followed by a range `[...]` */
  range: string | undefined;
}

function skipString(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== quote) j += s[j] === '\\' && quote !== '`' ? 2 : 1;
  return j + 1;
}

/** Index just past the bracket closing the one opened at `i` (strings inside are skipped). */
function skipGroup(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"' || c === "'" || c === '`') {
      j = skipString(s, j);
      continue;
    }
    if (c === open) depth++;
    if (c === close && --depth === 0) return j + 1;
    j++;
  }
  throw new Error(`unbalanced ${open}${close} in: ${s}`);
}

function skipSpaces(s: string, i: number): number {
  let j = i;
  while (j < s.length && /\s/.test(s[j] ?? '')) j++;
  return j;
}

function readRange(s: string, i: number): { range: string | undefined; end: number } {
  const j = skipSpaces(s, i);
  if (s[j] !== '[') return { range: undefined, end: i };
  const end = skipGroup(s, j, '[', ']');
  return { range: s.slice(j + 1, end - 1), end };
}

export function vectorSelectors(expr: string): VectorSelector[] {
  const out: VectorSelector[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] ?? '';
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
    } else if (c === '{') {
      const end = skipGroup(expr, i, '{', '}');
      const r = readRange(expr, end);
      out.push({ name: '', matchers: expr.slice(i + 1, end - 1), range: r.range });
      i = r.end;
    } else if (c === '[') {
      i = skipGroup(expr, i, '[', ']');
    } else if (/[A-Za-z_:]/.test(c)) {
      let j = i;
      while (j < expr.length && /[A-Za-z0-9_:]/.test(expr[j] ?? '')) j++;
      const word = expr.slice(i, j);
      const next = skipSpaces(expr, j);
      const lower = word.toLowerCase();
      if (KEYWORDS.has(lower)) {
        i = MODIFIERS_WITH_LABEL_LIST.has(lower) && expr[next] === '(' ? skipGroup(expr, next, '(', ')') : j;
      } else if (expr[next] === '(' || (AGGREGATIONS.has(lower) && /^(by|without)\b/i.test(expr.slice(next)))) {
        i = j; // a function call or an aggregation
      } else {
        let matchers = '';
        let end = j;
        if (expr[next] === '{') {
          end = skipGroup(expr, next, '{', '}');
          matchers = expr.slice(next + 1, end - 1);
        }
        const r = readRange(expr, end);
        out.push({ name: word, matchers, range: r.range });
        i = r.end;
      }
    } else if (/[0-9.]/.test(c)) {
      // numbers, including 1e-06 and durations after `offset`
      let j = i + 1;
      while (j < expr.length && /[0-9A-Za-z.]/.test(expr[j] ?? '')) j++;
      if (/[eE]$/.test(expr.slice(i, j)) && /[+-]/.test(expr[j] ?? '')) {
        j++;
        while (j < expr.length && /[0-9]/.test(expr[j] ?? '')) j++;
      }
      i = j;
    } else {
      i++;
    }
  }
  return out;
}

export function metricNames(expr: string): string[] {
  return [...new Set(vectorSelectors(expr).map((s) => s.name).filter((n) => n !== ''))].sort();
}

/** Every `[...]` range in a query (rate windows and subqueries alike). */
export function ranges(expr: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') i = skipString(expr, i);
    else if (c === '{') i = skipGroup(expr, i, '{', '}');
    else if (c === '[') {
      const end = skipGroup(expr, i, '[', ']');
      out.push(expr.slice(i + 1, end - 1));
      i = end;
    } else i++;
  }
  return out;
}
