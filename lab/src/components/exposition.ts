// Writers for the two exposition formats the components speak, byte-for-byte in the style of the
// libraries they use:
//  - ztunnel: prometheus_client (Rust) OpenMetrics text: HELP text gets a trailing '.', counters'
//    samples carry `_total`, `# UNIT` for metrics with a unit, histograms as _sum, _count, then
//    buckets with `le` first, ending with `# EOF`.
//  - istiod / istio-cni: Go expfmt text 0.0.4 (via the OpenTelemetry exporter): labels sorted,
//    buckets first with `le` last, floats in Go's %g shortest form (1e+06 style exponents).

export type Labels = readonly (readonly [string, string])[];

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  return labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
}

/** Rust dtoa: shortest round-trip form, always with a fraction or exponent ("1.0", "0.005", "1e-7"). */
export function rustFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const s = String(v).replace('e+', 'e');
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/**
 * Go strconv.FormatFloat(v, 'g', -1, 64), which expfmt uses: shortest digits, and exponent form
 * when the exponent is < -4 or >= 6 (so 1048576 is written 1.048576e+06).
 */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const [mantissa = '0', expText = '0'] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}

export class OpenMetricsWriter {
  private readonly lines: string[] = [];
  /** the current family's HELP/TYPE/UNIT, written with its first sample (or at once unless empty families are left out) */
  private header: string[] = [];

  /**
   * @param omitEmptyFamilies leave out families with no sample, as prometheus-client 0.24.1+ does
   *   (Registry::encode skips a Family with no label set; plain counters and gauges are never empty)
   */
  constructor(private readonly omitEmptyFamilies = false) {}

  private flushHeader(): void {
    this.lines.push(...this.header);
    this.header = [];
  }

  private endFamily(): void {
    if (!this.omitEmptyFamilies) this.flushHeader();
    this.header = [];
  }

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, unit?: string): this {
    this.endFamily();
    this.header = [`# HELP ${name} ${help}.`, `# TYPE ${name} ${type}`];
    if (unit) this.header.push(`# UNIT ${name} ${unit}`);
    return this;
  }

  private sample(line: string): this {
    this.flushHeader();
    this.lines.push(line);
    return this;
  }

  counter(name: string, labels: Labels, value: number): this {
    return this.sample(`${name}_total${labelText(labels)} ${Math.floor(value)}`);
  }

  gauge(name: string, labels: Labels, value: number): this {
    return this.sample(`${name}${labelText(labels)} ${Math.trunc(value)}`);
  }

  /** `buckets` in declaration order with per-bucket (not cumulative) counts; the last is +Inf. */
  histogram(name: string, labels: Labels, sum: number, buckets: readonly (readonly [number, number])[]): this {
    const count = buckets.reduce((a, [, n]) => a + n, 0);
    this.sample(`${name}_sum${labelText(labels)} ${rustFloat(sum)}`);
    this.lines.push(`${name}_count${labelText(labels)} ${count}`);
    let cumulative = 0;
    for (const [le, n] of buckets) {
      cumulative += n;
      const leText = le === Number.POSITIVE_INFINITY ? '+Inf' : rustFloat(le);
      this.lines.push(`${name}_bucket${labelText([['le', leText], ...labels])} ${cumulative}`);
    }
    return this;
  }

  text(): string {
    this.endFamily();
    return `${this.lines.join('\n')}\n# EOF\n`;
  }
}

const byName = (labels: Labels) => [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export class PrometheusTextWriter {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${labelText(byName(labels))} ${goFloat(value)}`);
    return this;
  }

  /** `buckets`: upper bounds with cumulative counts, without +Inf (added from `count`). */
  histogram(name: string, labels: Labels, buckets: readonly (readonly [number, number])[], sum: number, count: number): this {
    const sorted = byName(labels);
    for (const [le, n] of buckets) this.lines.push(`${name}_bucket${labelText([...sorted, ['le', goFloat(le)]])} ${goFloat(n)}`);
    this.lines.push(`${name}_bucket${labelText([...sorted, ['le', '+Inf']])} ${goFloat(count)}`);
    this.lines.push(`${name}_sum${labelText(sorted)} ${goFloat(sum)}`, `${name}_count${labelText(sorted)} ${goFloat(count)}`);
    return this;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text;charset=utf-8;version=1.0.0';
