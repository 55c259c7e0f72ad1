// Kubernetes label selectors in their string form ("a=b,c!=d,e in (x,y),!f,g"), matched in memory.
// Semantics follow k8s.io/apimachinery/pkg/labels: requirements are ANDed; `!=` and `notin` also
// match when the key is absent; the empty selector matches everything.

export type SelectorOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

export class SelectorError extends Error {
  constructor(selector: string, reason: string) {
    super(`invalid label selector "${selector}": ${reason}`);
    this.name = 'SelectorError';
  }
}

// Label keys: optional DNS prefix and a name; values may be empty. Kept permissive on purpose: the API
// server validates labels, this only has to split the selector correctly.
const KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?$/;

/** Split on commas that are not inside a parenthesised value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new SelectorError(selector, 'unbalanced ")"');
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new SelectorError(selector, 'unbalanced "("');
  terms.push(current);
  return terms.map((t) => t.trim());
}

function checkKey(selector: string, key: string): string {
  if (!KEY.test(key)) throw new SelectorError(selector, `bad key "${key}"`);
  return key;
}

function checkValue(selector: string, value: string): string {
  if (!VALUE.test(value)) throw new SelectorError(selector, `bad value "${value}"`);
  return value;
}

function parseTerm(selector: string, term: string): SelectorRequirement {
  if (term === '') throw new SelectorError(selector, 'empty requirement');
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    if (set[3]!.trim() === '') throw new SelectorError(selector, `empty value set for "${set[1]}"`);
    const values = set[3]!.split(',').map((v) => checkValue(selector, v.trim()));
    return { key: checkKey(selector, set[1]!), operator: set[2] as 'in' | 'notin', values };
  }
  if (term.startsWith('!')) return { key: checkKey(selector, term.slice(1).trim()), operator: '!', values: [] };
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (cmp) {
    const operator = cmp[2] === '!=' ? '!=' : '=';
    return { key: checkKey(selector, cmp[1]!), operator, values: [checkValue(selector, cmp[3]!.trim())] };
  }
  return { key: checkKey(selector, term), operator: 'exists', values: [] };
}

/** Parse a selector string; throws SelectorError with the offending part. */
export function parseSelector(selector: string): SelectorRequirement[] {
  if (selector.trim() === '') return [];
  return splitTerms(selector).map((term) => parseTerm(selector, term));
}

function matchesRequirement(labels: Record<string, string>, r: SelectorRequirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case '=':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
  }
}

/** True when labels satisfy every requirement of the selector (a string or a parsed selector). */
export function matchesSelector(labels: Record<string, string>, selector: string | readonly SelectorRequirement[]): boolean {
  const requirements = typeof selector === 'string' ? parseSelector(selector) : selector;
  return requirements.every((r) => matchesRequirement(labels, r));
}
