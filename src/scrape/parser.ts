// One streaming parser for both exposition formats the exporter meets:
//   - Prometheus text 0.0.4 (istiod, istio-cni: promhttp, counters without `_total`),
//   - OpenMetrics 1.0 (ztunnel: `# UNIT`, `_total` samples, `# EOF`, even when served as text/plain).
// The format is read from the body, never from Content-Type. Only samples the caller wants are
// materialised; every other sample line is checked for a valid name and value but its labels are
// not tokenised, so a large ztunnel body (tens of thousands of istio_tcp_* series) stays cheap.
import { StringDecoder } from 'node:string_decoder';
import type { Sample } from '../model.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

/**
 * Which samples to keep. Matched against the sample name (`istio_xds_connection_terminations_total`,
 * `pilot_xds`) and against the family named by the preceding `# TYPE` line, so listing a histogram's
 * family name (`foo`) keeps its `foo_bucket`, `foo_sum` and `foo_count` samples.
 */
export type SampleFilter = ReadonlySet<string> | ((name: string) => boolean) | SampleSelection;

/**
 * Samples kept whole (`names`), and counters kept only as sums by a few labels (`sumBy`): ztunnel's
 * `istio_tcp_connections_failed_total` has one series of some 30 labels per failing pair of
 * workloads, and the exporter reads it by `response_flags` alone. The other labels of such a sample
 * are checked but never copied, series with the same kept labels are added up as they arrive, and the
 * limits count the sums, so the family costs one sample per value of its kept labels.
 */
export interface SampleSelection {
  names: ReadonlySet<string>;
  sumBy: ReadonlyMap<string, readonly string[]>;
}

export interface ParseResult {
  samples: Sample[];
  /** 'openmetrics' once the body shows `# EOF`, `# UNIT`, an OpenMetrics-only type or an exemplar */
  format: ExpositionFormat;
  /** lines read, including comments and blank lines */
  lines: number;
}

/** The body is not valid exposition text. `line` is 1-based. */
export class ParseError extends Error {
  override name = 'ParseError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export const keepAllSamples: SampleFilter = () => true;

function isSelection(filter: SampleFilter): filter is SampleSelection {
  return typeof filter === 'object' && 'names' in filter && 'sumBy' in filter;
}

/**
 * Bounds on what one body may make the parser keep, as Prometheus's per-target `sample_limit`,
 * `label_limit`, `label_name_length_limit` and `label_value_length_limit`. Only kept samples count:
 * skipped families cost no memory. Lengths are in characters, after unescaping.
 */
export interface SampleLimits {
  /** kept samples per body */
  samples: number;
  /** labels per kept sample */
  labels: number;
  labelNameLength: number;
  labelValueLength: number;
}

export const NO_SAMPLE_LIMITS: SampleLimits = { samples: Infinity, labels: Infinity, labelNameLength: Infinity, labelValueLength: Infinity };

/** A body within the syntax but over a limit; `limit` is the scrape error reason it becomes. */
export class SampleLimitError extends Error {
  override name = 'SampleLimitError';
  constructor(
    readonly limit: 'sample_limit' | 'label_limit',
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. V8 may represent a slice of
 * a long string as a view into it (a sliced string): a short label value kept from a chunk of a
 * response would otherwise keep the whole chunk alive for as long as the sample lives.
 */
function detached(s: string): string {
  return s.length === 0 ? '' : Buffer.from(s, 'utf8').toString('utf8');
}

const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'gaugehistogram', 'stateset', 'info']);
const OPENMETRICS_ONLY_TYPES = new Set(['unknown', 'gaugehistogram', 'stateset', 'info']);
/** Sample-name suffixes a family's samples may carry (both formats). */
const FAMILY_SUFFIXES = new Set(['_total', '_created', '_bucket', '_sum', '_count', '_gcount', '_gsum', '_info']);

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const HASH = 0x23;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;
const EQUALS = 0x3d;

function isNameStart(c: number): boolean {
  // [a-zA-Z_:]
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}
function isLabelStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
function isLabelChar(c: number): boolean {
  return isLabelStart(c) || (c >= 0x30 && c <= 0x39);
}
function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/** Go's ParseFloat accepts NaN/Inf spellings case-insensitively; Number() does not know `+Inf`. */
export function parseSampleValue(token: string): number | undefined {
  if (token.length === 0) return undefined;
  const n = Number(token);
  if (!Number.isNaN(n)) return n;
  switch (token.toLowerCase()) {
    case 'nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/**
 * Line-at-a-time state machine. Feed it text with `consume` (returns where the unfinished last line
 * starts) and call `finish` with whatever is left at the end of the body.
 */
/** Longest accepted line (characters). */
export const MAX_LINE_LENGTH = 1 << 20;

export class ExpositionParser {
  readonly samples: Sample[] = [];
  private lineNo = 0;

  /** lines parsed so far */
  get lines(): number {
    return this.lineNo;
  }

  private eofSeen = false;
  private openMetrics = false;
  private family = '';
  private familyWanted = false;
  private readonly want: (name: string) => boolean;
  private readonly sumBy: ReadonlyMap<string, ReadonlySet<string>>;
  /** the sum kept for each name and kept label values of a summed family */
  private readonly sums = new Map<string, Sample>();

  constructor(
    filter: SampleFilter,
    private readonly limits: SampleLimits = NO_SAMPLE_LIMITS,
  ) {
    if (typeof filter === 'function') this.want = filter;
    else if (isSelection(filter)) this.want = (name) => filter.names.has(name) || filter.sumBy.has(name);
    else this.want = (name) => filter.has(name);
    this.sumBy = new Map(isSelection(filter) ? [...filter.sumBy].map(([name, labels]) => [name, new Set(labels)]) : []);
  }

  /** Parse every complete line of `text`; returns the index where the incomplete tail begins. */
  consume(text: string): number {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) return start;
      this.line(text, start, nl);
      start = nl + 1;
    }
  }

  /** Parse the final line (which had no trailing newline) and check the body as a whole. */
  finish(rest: string): ParseResult {
    if (rest.length > 0) this.line(rest, 0, rest.length);
    if (this.openMetrics && !this.eofSeen) throw new ParseError(this.lineNo, 'OpenMetrics body without # EOF (truncated?)');
    return { samples: this.samples, format: this.openMetrics ? 'openmetrics' : 'prometheus', lines: this.lineNo };
  }

  private fail(reason: string): never {
    throw new ParseError(this.lineNo, reason);
  }

  private overLimit(limit: SampleLimitError['limit'], detail: string): never {
    throw new SampleLimitError(limit, this.lineNo, detail);
  }

  private line(t: string, s: number, e: number): void {
    this.lineNo++;
    if (e > s && t.charCodeAt(e - 1) === CR) e--;
    while (s < e && isBlank(t.charCodeAt(s))) s++;
    if (this.eofSeen) {
      if (s === e) return;
      this.fail('content after # EOF');
    }
    if (s === e) return;
    if (t.charCodeAt(s) === HASH) this.comment(t, s + 1, e);
    else this.sample(t, s, e);
  }

  // ---------- comments: # HELP, # TYPE, # UNIT, # EOF; anything else is a plain comment ----------

  private comment(t: string, i: number, e: number): void {
    while (i < e && isBlank(t.charCodeAt(i))) i++;
    let k = i;
    while (k < e && !isBlank(t.charCodeAt(k))) k++;
    const keyword = t.slice(i, k);
    if (keyword === 'EOF') {
      while (k < e && isBlank(t.charCodeAt(k))) k++;
      if (k !== e) this.fail('unexpected text after # EOF');
      this.eofSeen = true;
      this.openMetrics = true;
      return;
    }
    if (keyword !== 'HELP' && keyword !== 'TYPE' && keyword !== 'UNIT') return;
    if (k === e) this.fail(`# ${keyword} without a metric name`);
    while (k < e && isBlank(t.charCodeAt(k))) k++;
    const nameStart = k;
    if (k === e || !isNameStart(t.charCodeAt(k))) this.fail(`# ${keyword} without a valid metric name`);
    while (k < e && isNameChar(t.charCodeAt(k))) k++;
    if (k < e && !isBlank(t.charCodeAt(k))) this.fail(`invalid metric name in # ${keyword}`);
    const name = t.slice(nameStart, k);
    if (keyword === 'UNIT') {
      this.openMetrics = true;
      return;
    }
    if (keyword === 'HELP') return;
    while (k < e && isBlank(t.charCodeAt(k))) k++;
    let end = e;
    while (end > k && isBlank(t.charCodeAt(end - 1))) end--;
    const type = t.slice(k, end);
    if (!METRIC_TYPES.has(type)) this.fail(`unknown metric type ${quote(type)}`);
    if (OPENMETRICS_ONLY_TYPES.has(type)) this.openMetrics = true;
    this.family = name;
    this.familyWanted = this.want(name);
  }

  // ---------- samples ----------

  private keeps(name: string): boolean {
    if (this.want(name)) return true;
    const fam = this.family;
    return this.familyWanted && name.length > fam.length && name.startsWith(fam) && FAMILY_SUFFIXES.has(name.slice(fam.length));
  }

  private sample(t: string, s: number, e: number): void {
    if (!isNameStart(t.charCodeAt(s))) this.fail('expected a metric name or comment');
    let i = s + 1;
    while (i < e && isNameChar(t.charCodeAt(i))) i++;
    const name = t.slice(s, i);
    if (i === e) this.fail(`sample ${quote(name)} has no value`);
    const c = t.charCodeAt(i);
    if (c !== LBRACE && !isBlank(c)) this.fail(`invalid character in metric name ${quote(t.slice(s, i + 1))}`);
    while (i < e && isBlank(t.charCodeAt(i))) i++;
    const hasLabels = i < e && t.charCodeAt(i) === LBRACE;

    if (!this.keeps(name)) {
      // Cheap path: the value sits after the last `}` (labels or exemplar labels) or right after the name.
      if (hasLabels) {
        const close = t.lastIndexOf('}', e - 1);
        if (close < i) this.fail('unterminated label set');
        this.valueTail(t, close + 1, e, false);
      } else {
        this.valueTail(t, i, e, true);
      }
      return;
    }

    const summed = this.sumBy.get(name);
    if (!summed && this.samples.length >= this.limits.samples) this.overLimit('sample_limit', `more than ${this.limits.samples} kept samples`);
    const labels: Record<string, string> = {};
    if (hasLabels) i = this.labelSet(t, i + 1, e, labels, this.limits, summed);
    const value = this.valueTail(t, i, e, true);
    if (summed) this.addToSum(name, labels, value);
    else this.samples.push({ name: detached(name), labels, value });
  }

  private addToSum(name: string, labels: Record<string, string>, value: number): void {
    // a counter's series is never negative nor NaN: one that lies is left out of the sum, not let spoil it
    if (!Number.isFinite(value) || value < 0) return;
    const key = `${name}\u0000${Object.keys(labels)
      .sort()
      .map((k) => `${k}\u0001${labels[k]}`)
      .join('\u0000')}`;
    const sum = this.sums.get(key);
    if (sum) {
      sum.value += value;
      return;
    }
    if (this.samples.length >= this.limits.samples) this.overLimit('sample_limit', `more than ${this.limits.samples} kept samples`);
    const sample = { name: detached(name), labels, value };
    this.sums.set(key, sample);
    this.samples.push(sample);
  }

  /**
   * Parses `{` already consumed ... `}`; returns the index after `}`. With `limits` (a kept sample)
   * the labels are checked against them and copied out of the body; without (an exemplar, which is
   * validated and dropped) they are not.
   */
  private labelSet(t: string, i: number, e: number, labels: Record<string, string>, limits?: SampleLimits, only?: ReadonlySet<string>): number {
    let count = 0;
    for (;;) {
      while (i < e && isBlank(t.charCodeAt(i))) i++;
      if (i >= e) this.fail('unterminated label set');
      if (t.charCodeAt(i) === RBRACE) return i + 1;
      const ns = i;
      if (!isLabelStart(t.charCodeAt(i))) this.fail('invalid label name');
      i++;
      while (i < e && isLabelChar(t.charCodeAt(i))) i++;
      let lname = t.slice(ns, i);
      while (i < e && isBlank(t.charCodeAt(i))) i++;
      if (i >= e || t.charCodeAt(i) !== EQUALS) this.fail(`expected = after label ${quote(lname)}`);
      i++;
      while (i < e && isBlank(t.charCodeAt(i))) i++;
      if (i >= e || t.charCodeAt(i) !== QUOTE) this.fail(`expected " to open the value of label ${quote(lname)}`);
      i++;
      // Fast path: no escapes before the closing quote.
      let j = i;
      let value: string | undefined;
      while (j < e) {
        const c = t.charCodeAt(j);
        if (c === QUOTE) {
          value = t.slice(i, j);
          break;
        }
        if (c === BACKSLASH) break;
        j++;
      }
      if (value === undefined) {
        if (j >= e) this.fail(`unterminated value of label ${quote(lname)}`);
        ({ value, end: j } = this.escapedValue(t, i, e, lname));
      }
      i = j + 1;
      if (Object.hasOwn(labels, lname)) this.fail(`duplicate label ${quote(lname)}`);
      if (only && !only.has(lname)) {
        // a label a summed family does not keep: checked, never copied
      } else if (limits) {
        if (++count > limits.labels) this.overLimit('label_limit', `more than ${limits.labels} labels`);
        if (lname.length > limits.labelNameLength) this.overLimit('label_limit', `label name ${quote(lname)} longer than ${limits.labelNameLength} characters`);
        if (value.length > limits.labelValueLength) this.overLimit('label_limit', `value of label ${quote(lname)} longer than ${limits.labelValueLength} characters`);
        lname = detached(lname);
        value = detached(value);
      }
      if (only && !only.has(lname)) {
        // not kept (see above)
      } else if (lname === '__proto__') Object.defineProperty(labels, lname, { value, enumerable: true, writable: true, configurable: true });
      else labels[lname] = value;
      while (i < e && isBlank(t.charCodeAt(i))) i++;
      if (i >= e) this.fail('unterminated label set');
      const c = t.charCodeAt(i);
      if (c === COMMA) i++;
      else if (c !== RBRACE) this.fail(`expected , or } after label ${quote(lname)}`);
    }
  }

  /** Label value with escapes \\, \" and \n; returns the value and the index of the closing quote. */
  private escapedValue(t: string, i: number, e: number, lname: string): { value: string; end: number } {
    let out = '';
    let from = i;
    for (let j = i; j < e; j++) {
      const c = t.charCodeAt(j);
      if (c === QUOTE) return { value: out + t.slice(from, j), end: j };
      if (c !== BACKSLASH) continue;
      const n = t.charCodeAt(j + 1);
      const repl = n === BACKSLASH ? '\\' : n === QUOTE ? '"' : n === 0x6e ? '\n' : undefined;
      if (repl === undefined) this.fail(`invalid escape in value of label ${quote(lname)}`);
      out += t.slice(from, j) + repl;
      j++;
      from = j + 1;
    }
    this.fail(`unterminated value of label ${quote(lname)}`);
  }

  /** `value [timestamp] [# {exemplar labels} value [timestamp]]`; returns the value. */
  private valueTail(t: string, i: number, e: number, allowExemplar: boolean): number {
    while (i < e && isBlank(t.charCodeAt(i))) i++;
    let k = i;
    while (k < e && !isBlank(t.charCodeAt(k))) k++;
    const value = parseSampleValue(t.slice(i, k));
    if (value === undefined) this.fail(i === k ? 'missing sample value' : `invalid sample value ${quote(t.slice(i, k))}`);
    while (k < e && isBlank(t.charCodeAt(k))) k++;
    if (k === e) return value;
    if (t.charCodeAt(k) !== HASH) {
      const ts = k;
      while (k < e && !isBlank(t.charCodeAt(k))) k++;
      if (parseSampleValue(t.slice(ts, k)) === undefined) this.fail(`invalid timestamp ${quote(t.slice(ts, k))}`);
      while (k < e && isBlank(t.charCodeAt(k))) k++;
      if (k === e) return value;
      if (t.charCodeAt(k) !== HASH) this.fail('unexpected text after timestamp');
    }
    if (!allowExemplar) this.fail('unexpected text after sample value');
    this.exemplar(t, k + 1, e);
    return value;
  }

  /** OpenMetrics exemplar after `#`: ` {labels} value [timestamp]`. Validated, then dropped. */
  private exemplar(t: string, i: number, e: number): void {
    this.openMetrics = true;
    while (i < e && isBlank(t.charCodeAt(i))) i++;
    if (i >= e || t.charCodeAt(i) !== LBRACE) this.fail('exemplar must start with {');
    i = this.labelSet(t, i + 1, e, {});
    this.valueTail(t, i, e, false);
  }
}

/**
 * Parse an exposition body arriving as chunks (an HTTP response stream). Lines may be split across
 * chunks anywhere, including inside a multi-byte UTF-8 character. Throws ParseError on invalid text
 * and SampleLimitError at the first kept sample over `limits` (reading no further); errors of the
 * source (reset, abort, size cap) propagate unchanged.
 */
export async function parseExposition(
  chunks: AsyncIterable<Buffer | Uint8Array | string>,
  filter: SampleFilter,
  limits: SampleLimits = NO_SAMPLE_LIMITS,
): Promise<ParseResult> {
  const parser = new ExpositionParser(filter, limits);
  const decoder = new StringDecoder('utf8');
  // Text of the unfinished line, kept in pieces: joining only when a newline arrives keeps a body
  // without newlines linear in its size instead of re-copying it on every chunk.
  const pending: string[] = [];
  let pendingLength = 0;
  for await (const chunk of chunks) {
    const piece = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (!piece.includes('\n')) {
      if (piece !== '') pending.push(piece);
      pendingLength += piece.length;
      // No real series comes near this; refusing early keeps a newline-less body from being held.
      if (pendingLength > MAX_LINE_LENGTH) throw new ParseError(parser.lines + 1, `line longer than ${MAX_LINE_LENGTH} characters`);
      continue;
    }
    pendingLength = 0;
    const text = pending.length > 0 ? pending.join('') + piece : piece;
    pending.length = 0;
    const rest = parser.consume(text);
    if (rest < text.length) {
      pending.push(text.slice(rest));
      pendingLength = text.length - rest;
    }
  }
  return parser.finish(pending.join('') + decoder.end());
}

/** Parse a whole exposition body held in a string. */
export function parseExpositionText(body: string, filter: SampleFilter, limits: SampleLimits = NO_SAMPLE_LIMITS): ParseResult {
  const parser = new ExpositionParser(filter, limits);
  return parser.finish(body.slice(parser.consume(body)));
}

/**
 * The samples of a body parsed elsewhere (a node agent's local scrape, handed over in its summary)
 * that `filter` keeps, held to `limits` as if the body had been parsed here: a sample is kept by its
 * name, or by its family's name with a family suffix (`foo_bucket` for `foo`); over a limit throws
 * SampleLimitError (`line` is the sample's position). Summed families arrive summed: kept as they are.
 */
export function selectSamples(samples: readonly Sample[], filter: SampleFilter, limits: SampleLimits): Sample[] {
  const want = typeof filter === 'function' ? filter : isSelection(filter) ? (n: string) => filter.names.has(n) || filter.sumBy.has(n) : (n: string) => filter.has(n);
  const keeps = (name: string): boolean => {
    if (want(name)) return true;
    const suffix = [...FAMILY_SUFFIXES].find((x) => name.endsWith(x) && name.length > x.length);
    return suffix !== undefined && want(name.slice(0, -suffix.length));
  };
  const out: Sample[] = [];
  samples.forEach((sample, i) => {
    if (!keeps(sample.name)) return;
    if (out.length >= limits.samples) throw new SampleLimitError('sample_limit', i + 1, `more than ${limits.samples} kept samples`);
    const names = Object.keys(sample.labels);
    if (names.length > limits.labels) throw new SampleLimitError('label_limit', i + 1, `more than ${limits.labels} labels`);
    for (const name of names) {
      if (name.length > limits.labelNameLength) throw new SampleLimitError('label_limit', i + 1, `label name ${quote(name)} longer than ${limits.labelNameLength} characters`);
      if (sample.labels[name]!.length > limits.labelValueLength) {
        throw new SampleLimitError('label_limit', i + 1, `value of label ${quote(name)} longer than ${limits.labelValueLength} characters`);
      }
    }
    out.push(sample);
  });
  return out;
}
