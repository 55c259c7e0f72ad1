// Panel factories. Each takes what a reader needs (title, description, unit, queries) and returns a
// built classic-JSON panel with its size; layout.ts places it. Defaults the Foundation SDK leaves
// unhelpful (hidden legends, empty reducer calcs) are set explicitly here, once.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardLinkBuilder,
  DashboardLinkType,
  FieldColorBuilder,
  FieldColorModeId,
  MappingType,
  SpecialValueMatch,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type {
  DashboardLink,
  DataTransformerConfig,
  DynamicConfigValue,
  Panel,
  ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TableCellDisplayMode,
  TableCellHeight,
  TableSortByFieldStateBuilder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE, NODE_MATCHER, sel } from './common.js';

/** A built panel and the grid cells it takes; layout.ts assigns x, y and the id. */
export interface Sized {
  panel: Panel;
  w: number;
  h: number;
}

export interface Query {
  expr: string;
  legend?: string;
  /** time series only: drawn on its own, outside the stack (e.g. failures next to stacked successes), in red */
  apart?: boolean;
}

interface Described {
  title: string;
  /** what the panel shows and what a bad value means */
  description: string;
  /** Grafana unit id, e.g. `cps`, `Bps`, `s`, `none`, `suffix: nodes` */
  unit: string;
  w?: number;
  h?: number;
  links?: Link[];
}

export interface Link {
  title: string;
  url: string;
  /** open in a new tab (runbooks) rather than in place (other dashboards) */
  external?: boolean;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function refId(index: number): string {
  const id = REF_IDS[index];
  if (id === undefined) throw new Error(`too many queries in one panel (${index + 1})`);
  return id;
}

function rangeTarget(q: Query, index: number): DataqueryBuilder {
  const t = new DataqueryBuilder().expr(q.expr).range().refId(refId(index));
  return q.legend === undefined ? t : t.legendFormat(q.legend);
}

/** One evaluation at the dashboard's end time: what the value is now, never an older one. */
function instantTarget(q: Query, index: number): DataqueryBuilder {
  const t = new DataqueryBuilder().expr(q.expr).instant().refId(refId(index));
  return q.legend === undefined ? t : t.legendFormat(q.legend);
}

function instantTableTarget(expr: string, index: number): DataqueryBuilder {
  return new DataqueryBuilder()
    .expr(expr)
    .instant()
    .format(PromQueryFormat.Table)
    .legendFormat('__auto')
    .refId(refId(index));
}

function linkBuilders(links: Link[] | undefined): cog.Builder<DashboardLink>[] {
  return (links ?? []).map((l) =>
    new DashboardLinkBuilder(l.title)
      .type(DashboardLinkType.Link)
      .url(l.url)
      .targetBlank(l.external ?? false)
      .icon('external link')
      .tooltip('')
      .tags([])
      .asDropdown(false)
      .includeVars(false)
      .keepTime(false),
  );
}

function thresholds(steps: { value: number | null; color: string }[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** green below 1, red from 1: counts of broken things */
export const BAD_WHEN_POSITIVE = [
  { value: null, color: 'green' },
  { value: 1, color: 'red' },
];
/** red below 1, green from 1: "is it up" gauges */
export const GOOD_WHEN_ONE = [
  { value: null, color: 'red' },
  { value: 1, color: 'green' },
];

export function boolMappings(yes: string, no: string, badWhenZero = true): ValueMapping[] {
  return [
    {
      type: MappingType.ValueToText,
      options: {
        '0': { text: no, color: badWhenZero ? 'red' : 'text', index: 0 },
        '1': { text: yes, color: badWhenZero ? 'green' : 'text', index: 1 },
      },
    },
  ];
}

/**
 * How a panel with one series per node lists its series. `list` suits a handful of series; with one
 * per node (200 on a large cluster) a table legend sorted by the worst value puts the node to look at
 * first: `max` sorts by the highest value (rates, errors, pending work), `min` by the lowest (0/1
 * "is it working" gauges, where 0 is bad).
 */
export type LegendStyle = 'list' | 'max' | 'min';

const REDUCER_TITLES = { max: 'Max', min: 'Min' } as const;

function legend(style: LegendStyle = 'list'): VizLegendOptionsBuilder {
  const b = new VizLegendOptionsBuilder().showLegend(true).placement(LegendPlacement.Bottom);
  if (style === 'list') return b.displayMode(LegendDisplayMode.List).calcs([]);
  return b
    .displayMode(LegendDisplayMode.Table)
    .calcs(['lastNotNull', style])
    .sortBy(REDUCER_TITLES[style])
    .sortDesc(style === 'max');
}

function tooltip(): VizTooltipOptionsBuilder {
  return new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending);
}

/** Stat targets are instant, so the one value there is is the current one. */
function currentValue(): ReduceDataOptionsBuilder {
  return new ReduceDataOptionsBuilder().calcs(['last']).values(false);
}

/**
 * What a stat shows when its query returns nothing. Grafana otherwise paints "No data" in the base
 * threshold colour, which is green for counts of broken things: an exporter that is down or has not
 * listed the cluster yet would look all clear.
 */
export interface NoData {
  text: string;
  color: string;
}
export const NO_DATA: NoData = { text: 'No data', color: 'text' };

function noDataMapping(n: NoData): ValueMapping {
  return { type: MappingType.SpecialValue, options: { match: SpecialValueMatch.NullAndNan, result: { text: n.text, color: n.color, index: 99 } } };
}

// ---------- time series ----------

export interface TimeSeriesOptions extends Described {
  queries: Query[];
  stack?: boolean;
  min?: number;
  max?: number;
  mappings?: ValueMapping[];
  decimals?: number;
  legend?: LegendStyle;
}

export function timeSeries(o: TimeSeriesOptions): Sized {
  const b = new timeseries.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .legend(legend(o.legend))
    .tooltip(tooltip())
    .fillOpacity(10)
    .lineWidth(1)
    .showPoints(VisibilityMode.Never)
    .links(linkBuilders(o.links));
  if (o.stack) b.stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A'));
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  if (o.decimals !== undefined) b.decimals(o.decimals);
  if (o.mappings) b.mappings(o.mappings);
  o.queries.forEach((q, i) => {
    b.withTarget(rangeTarget(q, i));
    if (q.apart) {
      b.overrideByQuery(refId(i), [
        prop('custom.stacking', { mode: StackingMode.None, group: 'A' }),
        prop('color', { mode: 'fixed', fixedColor: 'red' }),
      ]);
    }
  });
  return { panel: b.build(), w: o.w ?? 12, h: o.h ?? 8 };
}

// ---------- state timeline (0/1 per node over time) ----------

export interface StateTimelineOptions extends Described {
  queries: Query[];
  mappings: ValueMapping[];
}

export function stateTimeline(o: StateTimelineOptions): Sized {
  const b = new statetimeline.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .mappings(o.mappings)
    .thresholds(thresholds(GOOD_WHEN_ONE))
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .showValue(VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.8)
    .fillOpacity(80)
    .legend(legend())
    .tooltip(tooltip())
    .links(linkBuilders(o.links));
  o.queries.forEach((q, i) => b.withTarget(rangeTarget(q, i)));
  return { panel: b.build(), w: o.w ?? 12, h: o.h ?? 8 };
}

// ---------- stat ----------

export interface StatOptions extends Described {
  queries: Query[];
  steps?: { value: number | null; color: string }[];
  mappings?: ValueMapping[];
  colorMode?: BigValueColorMode;
  textMode?: BigValueTextMode;
  /** shown when the query returns nothing (default NO_DATA: "No data", never in a threshold colour) */
  noData?: NoData;
}

export function statPanel(o: StatOptions): Sized {
  const b = new stat.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .reduceOptions(currentValue())
    .graphMode(BigValueGraphMode.None)
    .colorMode(o.colorMode ?? BigValueColorMode.Value)
    .textMode(o.textMode ?? BigValueTextMode.Auto)
    .thresholds(thresholds(o.steps ?? [{ value: null, color: 'text' }]))
    .links(linkBuilders(o.links));
  const noData = o.noData ?? NO_DATA;
  b.mappings([...(o.mappings ?? []), noDataMapping(noData)]).noValue(noData.text);
  o.queries.forEach((q, i) => b.withTarget(instantTarget(q, i)));
  return { panel: b.build(), w: o.w ?? 6, h: o.h ?? 4 };
}

// ---------- tables from several instant queries joined on their labels ----------

export type Column =
  /** a 0/1 gauge shown as yes/no, coloured when 0 is bad */
  | { kind: 'bool'; name: string; expr: string; yes: string; no: string; neutral?: boolean }
  /** a number with its unit; red from `badFrom` if given; `labels` shows extra label columns before it */
  | { kind: 'value'; name: string; expr: string; unit: string; badFrom?: number; labels?: Record<string, string> }
  /** only the labels matter (value is always 1): e.g. the pending task or the root cause */
  | { kind: 'labels'; expr: string; labels: Record<string, string>; bad?: boolean };

export interface TableOptions extends Described {
  /** label every query keeps, shown first (node, namespace) */
  key: string;
  keyTitle: string;
  columns: Column[];
  /** data link on the key column, `${__value.raw}` is the key */
  keyLink?: Link;
  /**
   * Initial sort (default: the key, ascending). Sort by a column every row has a value in, e.g. a
   * 0/1 "ready" column ascending, so the broken rows come first on a large cluster.
   */
  sortBy?: { column: string; desc?: boolean };
}

function prop(id: string, value: unknown): DynamicConfigValue {
  return { id, value };
}

/**
 * Grafana names an instant table's value column `Value #<refId>` when a panel has several queries
 * and plain `Value` when it has one.
 */
function valueField(index: number, count: number): string {
  return count > 1 ? `Value #${refId(index)}` : 'Value';
}

export function joinedTable(o: TableOptions): Sized {
  const b = new table.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .cellHeight(TableCellHeight.Sm)
    .showHeader(true)
    .links(linkBuilders(o.links));

  const exclude: Record<string, boolean> = { Time: true, __name__: true };
  const rename: Record<string, string> = { [o.key]: o.keyTitle };
  const order: Record<string, number> = { [o.key]: 0 };
  let position = 1;
  o.columns.forEach((c, i) => {
    b.withTarget(instantTableTarget(c.expr, i));
    const value = valueField(i, o.columns.length);
    if (c.kind === 'labels') {
      exclude[value] = true;
      for (const [label, title] of Object.entries(c.labels)) {
        rename[label] = title;
        order[label] = position++;
        if (c.bad) b.overrideByName(title, [prop('custom.cellOptions', { type: TableCellDisplayMode.ColorText }), prop('color', { mode: 'fixed', fixedColor: 'red' })]);
      }
      return;
    }
    if (c.kind === 'value') {
      for (const [label, title] of Object.entries(c.labels ?? {})) {
        rename[label] = title;
        order[label] = position++;
      }
    }
    rename[value] = c.name;
    order[value] = position++;
    if (c.kind === 'bool') {
      b.overrideByName(c.name, [
        prop('mappings', boolMappings(c.yes, c.no, !c.neutral)),
        prop('unit', 'none'),
        ...(c.neutral ? [] : [prop('custom.cellOptions', { type: TableCellDisplayMode.ColorBackground })]),
      ]);
    } else {
      const props = [prop('unit', c.unit)];
      if (c.badFrom !== undefined) {
        props.push(
          prop('thresholds', { mode: ThresholdsMode.Absolute, steps: [{ value: null, color: 'green' }, { value: c.badFrom, color: 'red' }] }),
          prop('custom.cellOptions', { type: TableCellDisplayMode.ColorText }),
        );
      }
      b.overrideByName(c.name, props);
    }
  });
  if (o.keyLink) {
    b.overrideByName(o.keyTitle, [prop('links', [{ title: o.keyLink.title, url: o.keyLink.url, targetBlank: o.keyLink.external ?? false }])]);
  }

  const transformations: DataTransformerConfig[] = [];
  if (o.columns.length > 1) transformations.push({ id: 'merge', options: {} });
  transformations.push({
    id: 'organize',
    options: { excludeByName: exclude, indexByName: order, renameByName: rename, includeByName: {} },
  });
  b.transformations(transformations);
  const sort = o.sortBy ?? { column: o.keyTitle };
  b.sortBy([new TableSortByFieldStateBuilder().displayName(sort.column).desc(sort.desc ?? false)]);
  return { panel: b.build(), w: o.w ?? 24, h: o.h ?? 8 };
}

// ---------- text ----------

export interface TextOptions {
  title: string;
  description: string;
  markdown: string;
  w?: number;
  h?: number;
}

export function markdown(o: TextOptions): Sized {
  const b = new text.PanelBuilder()
    .title(o.title)
    .description(o.description)
    .unit('none')
    .mode(text.TextMode.Markdown)
    .content(o.markdown);
  return { panel: b.build(), w: o.w ?? 24, h: o.h ?? 6 };
}

/** The nodes whose root cause is one known issue now, with the cause: short, and empty when healthy. */
export function affectedNodesTable(o: { issue: string; title: string; description: string; keyLink?: Link }): Sized {
  return joinedTable({
    title: o.title,
    description: o.description,
    unit: 'none',
    key: 'node',
    keyTitle: 'Node',
    ...(o.keyLink ? { keyLink: o.keyLink } : {}),
    columns: [
      {
        kind: 'labels',
        expr: `max by (node, cause) (${sel('ambient_node_issue', `issue="${o.issue}"`, NODE_MATCHER)})`,
        labels: { cause: 'Cause' },
        bad: true,
      },
    ],
    w: 18,
    h: 6,
  });
}
