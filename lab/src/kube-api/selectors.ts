// Label and field selectors with the grammar of k8s.io/apimachinery (labels.Parse, fields.ParseSelector).
import type { KubeObject } from './types.js';

export class SelectorError extends Error {
  override name = 'SelectorError';
}

export type LabelRequirement =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

const KEY = String.raw`(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const RE_NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const RE_EXISTS = new RegExp(`^(${KEY})$`);
const RE_EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const RE_SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const RE_NUMERIC = new RegExp(`^(${KEY})\\s*(>|<)\\s*(-?\\d+)$`);
const RE_VALUE = new RegExp(`^${VALUE}$`);

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

export function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  if (text === undefined || text.trim() === '') return [];
  return splitTopLevel(text).map((part): LabelRequirement => {
    let m: RegExpExecArray | null;
    if ((m = RE_NOT_EXISTS.exec(part))) return { key: m[1]!, op: '!' };
    if ((m = RE_SET.exec(part))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      if (values.some((v) => !RE_VALUE.test(v))) throw new SelectorError(`unable to parse requirement: invalid value in "${part}"`);
      return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
    }
    if ((m = RE_EQUALITY.exec(part))) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
    if ((m = RE_NUMERIC.exec(part))) return { key: m[1]!, op: m[2] === '>' ? 'gt' : 'lt', value: Number(m[3]) };
    if ((m = RE_EXISTS.exec(part))) return { key: m[1]!, op: 'exists' };
    throw new SelectorError(`unable to parse requirement: found '${part}', expected: key, !key, key=value, key!=value, key in (...), key notin (...)`);
  });
}

export function matchesLabelSelector(labels: Record<string, string> | undefined, reqs: readonly LabelRequirement[]): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
        return has && v === r.value;
      case '!=':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'gt':
        return has && Number(v) > r.value;
      case 'lt':
        return has && Number(v) < r.value;
    }
  });
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on unescaped commas and unescapes `\,` `\=` `\\` as fields.ParseSelector does. */
function splitEscaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[++i];
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(text: string | undefined, known: readonly string[]): FieldRequirement[] {
  if (text === undefined || text.trim() === '') return [];
  return splitEscaped(text, ',').map((part) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)(.*)$/s.exec(part.trim());
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1]!;
    if (!known.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!) };
  });
}

export function matchesFieldSelector(
  obj: KubeObject,
  reqs: readonly FieldRequirement[],
  getters: Record<string, (o: KubeObject) => string>,
): boolean {
  return reqs.every((r) => {
    const v = getters[r.field]?.(obj) ?? '';
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}
