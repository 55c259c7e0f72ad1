// Turns a dashboard spec (shell + sections of sized panels) into classic dashboard JSON. Layout and ids
// are computed here rather than by the SDK's builder, whose auto-layout lets a panel overflow the
// 24-column grid and gives rows id 0; here every panel gets a unique id in document order.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, DashboardLink, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TAG, EXTRA_TAGS } from './common.js';
import type { Sized } from './panels.js';

const GRID_WIDTH = 24;

export interface Section {
  /** row title; a section without one sits above the first row */
  title?: string;
  /** collapsed rows keep their panels inside the row object */
  collapsed?: boolean;
  panels: Sized[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<VariableModel>[];
  links: cog.Builder<DashboardLink>[];
  sections: Section[];
}

/** Places panels left to right, wrapping at 24 columns; returns the y below the last panel. */
function flow(panels: Sized[], top: number, nextId: () => number): { placed: Panel[]; bottom: number } {
  let x = 0;
  let y = top;
  let lineHeight = 0;
  const placed: Panel[] = [];
  for (const s of panels) {
    if (s.w > GRID_WIDTH) throw new Error(`panel "${s.panel.title}" is wider than the grid`);
    if (x + s.w > GRID_WIDTH) {
      x = 0;
      y += lineHeight;
      lineHeight = 0;
    }
    placed.push({ ...tidyPanel(s.panel), id: nextId(), gridPos: { h: s.h, w: s.w, x, y } });
    x += s.w;
    lineHeight = Math.max(lineHeight, s.h);
  }
  return { placed, bottom: y + lineHeight };
}

function layout(sections: Section[]): (Panel | RowPanel)[] {
  let id = 0;
  const nextId = () => ++id;
  const out: (Panel | RowPanel)[] = [];
  let y = 0;
  for (const section of sections) {
    if (section.title === undefined) {
      const { placed, bottom } = flow(section.panels, y, nextId);
      out.push(...placed);
      y = bottom;
      continue;
    }
    const row: RowPanel = {
      type: 'row',
      id: nextId(),
      title: section.title,
      collapsed: section.collapsed ?? false,
      gridPos: { h: 1, w: GRID_WIDTH, x: 0, y },
      panels: [],
    };
    const { placed, bottom } = flow(section.panels, y + 1, nextId);
    if (row.collapsed) {
      row.panels = placed;
      out.push(row);
      y += 1;
    } else {
      out.push(row, ...placed);
      y = bottom;
    }
  }
  return out;
}

/** The SDK writes interval-variable fields (auto, auto_min, auto_count) on every variable; drop them. */
function tidyVariable(v: VariableModel): VariableModel {
  if (v.type === 'interval') return v;
  const { auto: _a, auto_min: _m, auto_count: _c, ...rest } = v;
  return rest;
}

/**
 * The SDK defaults every link and annotation to `placement: "inControlsMenu"`, which Grafana 12 reads
 * as "hide in the controls dropdown"; these links belong in plain sight, so the field is dropped.
 */
function withoutPlacement<T extends { placement?: unknown }>(x: T): Omit<T, 'placement'> {
  const { placement: _p, ...rest } = x;
  return rest;
}

function tidyPanel(p: Panel): Panel {
  return p.links ? { ...p, links: p.links.map(withoutPlacement) } : p;
}

export function assemble(spec: DashboardSpec): Dashboard {
  const shell = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([DASHBOARD_TAG, ...EXTRA_TAGS])
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .annotation(
      new AnnotationQueryBuilder()
        .name('Annotations & Alerts')
        .builtIn(1)
        .datasource({ type: 'grafana', uid: '-- Grafana --' })
        .enable(true)
        .hide(true)
        .iconColor('rgba(0, 211, 255, 1)')
        .type('dashboard'),
    )
    .links(spec.links)
    .variables(spec.variables)
    .build();
  return {
    ...shell,
    annotations: { list: (shell.annotations.list ?? []).map(withoutPlacement) },
    links: (shell.links ?? []).map(withoutPlacement),
    templating: { list: (shell.templating.list ?? []).map(tidyVariable) },
    panels: layout(spec.sections),
  };
}

/** Every non-row panel, including those inside collapsed rows, in document order. */
export function allPanels(d: Dashboard): Panel[] {
  const out: Panel[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row') out.push(...(p as RowPanel).panels);
    else out.push(p);
  }
  return out;
}

/** The committed file's exact text: stable key order from the builders, two-space indent, final newline. */
export function render(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
