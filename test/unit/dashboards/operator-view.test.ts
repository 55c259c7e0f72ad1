// What an operator reads off the dashboards, checked on the generated JSON: stat tiles show the value
// now (never an older one from the time range), a blind exporter never looks all clear, broken nodes
// come first on a large cluster, and the firing-alerts table keeps what tells two alerts apart.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Dashboard, DynamicConfigValue, Panel, RowPanel, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { DEFAULT_RUNBOOK_BASE_URL, KNOWN_ISSUES, UIDS, allPanels, buildDashboards, metricNames, panelQueries } from '../../../dashboards/src/index.js';
import { RULES_DIR } from './support.js';

const dashboards = buildDashboards().map((g) => g.dashboard);
const overview = dashboards.find((d) => d.uid === UIDS.overview)!;

interface Target {
  expr?: string;
  refId?: string;
  instant?: boolean;
  range?: boolean;
  legendFormat?: string;
}
interface Override {
  matcher: { id: string; options?: unknown };
  properties: DynamicConfigValue[];
}

const targets = (p: Panel): Target[] => (p.targets ?? []) as Target[];
const mappings = (p: Panel): ValueMapping[] => p.fieldConfig?.defaults.mappings ?? [];
const options = (p: Panel): Record<string, any> => (p.options ?? {}) as Record<string, any>;
const overrides = (p: Panel): Override[] => (p.fieldConfig?.overrides ?? []);

function panel(d: Dashboard, title: string): Panel {
  const p = allPanels(d).find((x) => x.title === title);
  if (!p) throw new Error(`${d.uid} has no panel "${title}"`);
  return p;
}

/** What Grafana shows for a stat whose query returns nothing: the null mapping's text and colour. */
function noDataDisplay(p: Panel): { text?: string; color?: string } | undefined {
  for (const m of mappings(p)) {
    if (m.type === 'special' && ['null', 'null+nan'].includes(m.options.match)) return m.options.result;
  }
  return undefined;
}

interface AlertRule {
  alert?: string;
  expr?: string;
  labels?: Record<string, string>;
}
function alertRules(): AlertRule[] {
  return readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.rules.yaml'))
    .flatMap((f) => (parse(readFileSync(join(RULES_DIR, f), 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups)
    .flatMap((g) => g.rules)
    .filter((r) => r.alert !== undefined);
}

describe('dashboards: stat tiles show the value now', () => {
  it('every stat target is an instant query, reduced with `last`', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d).filter((x) => x.type === 'stat')) {
        for (const t of targets(p)) expect({ instant: t.instant, range: t.range }, `${d.uid} "${p.title}"`).to.deep.equal({ instant: true, range: false });
        expect(options(p).reduceOptions.calcs, `${d.uid} "${p.title}"`).to.deep.equal(['last']);
      }
    }
  });

  it('no stat counts broken things with `count(x == 0)` (empty, not 0, when all is well)', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d).filter((x) => x.type === 'stat')) {
        for (const t of targets(p)) expect(t.expr ?? '', `${d.uid} "${p.title}"`).to.not.match(/count\s*\([^()]*==\s*0\s*\)/);
      }
    }
  });
});

describe('dashboards: a blind exporter never looks all clear', () => {
  it('every stat shows "No data" (or "unknown") in a colour that is not green when its query returns nothing', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d).filter((x) => x.type === 'stat')) {
        const shown = noDataDisplay(p);
        expect(shown, `${d.uid} "${p.title}" maps no value`).to.not.equal(undefined);
        expect(shown?.color, `${d.uid} "${p.title}"`).to.not.match(/green/);
      }
    }
  });

  it('each issue tile reads "unknown", in orange, while the verdict series are absent', () => {
    for (const issue of KNOWN_ISSUES) {
      const tile = allPanels(overview).find((p) => p.type === 'stat' && targets(p).some((t) => t.expr?.includes(`issue="${issue.issue}"`)));
      expect(noDataDisplay(tile!), issue.issue).to.deep.include({ text: 'unknown', color: 'orange' });
      expect(tile?.fieldConfig?.defaults.noValue).to.equal('unknown');
    }
  });

  it('the overview\'s top row has an "Exporter sees the cluster" tile: scraped, watching, API ready, refreshing, and 0 (never empty) otherwise', () => {
    const top = (overview.panels ?? []).filter((p) => p.type !== 'row' && (p as Panel).gridPos?.y === 0) as Panel[];
    const tile = top.find((p) => p.title === 'Exporter sees the cluster');
    expect(tile, 'tile in the always-visible top row').to.not.equal(undefined);
    const [t] = targets(tile!);
    expect(metricNames(t?.expr ?? '')).to.have.members(['up', 'ambient_exporter_kube_watch_up', 'ambient_kube_api_ready', 'ambient_exporter_last_refresh_timestamp_seconds']);
    expect(t?.expr).to.contain('job="ambient-exporter"');
    expect(t?.expr).to.match(/or vector\(0\)$/);
    const byValue = (mappings(tile!).find((m) => m.type === 'value')?.options ?? {}) as Record<string, { text: string; color: string }>;
    expect(byValue['1']).to.include({ text: 'yes', color: 'green' });
    expect(byValue['0']).to.include({ text: 'no', color: 'red' });
  });
});

describe('dashboards: runbooks of the issue tiles', () => {
  it('each tile links the runbook of every alert that pages for its issue (every enrollment cause included)', () => {
    const rules = alertRules();
    for (const issue of KNOWN_ISSUES) {
      const tile = allPanels(overview).find((p) => p.type === 'stat' && targets(p).some((t) => t.expr?.includes(`issue="${issue.issue}"`)))!;
      const linked = (tile.links ?? []).map((l) => l.url ?? '').filter((u) => u.startsWith(DEFAULT_RUNBOOK_BASE_URL));
      // alerts that fire on the issue's findings (not those that only exclude them, as AmbientFlannelNotReady does)
      const paging = rules.filter((r) => (r.expr ?? '').split(/\bunless\b/)[0]?.includes(`issue="${issue.issue}"`)).map((r) => r.alert!);
      expect(paging, issue.issue).to.not.be.empty;
      for (const alert of paging) expect(linked, `${issue.issue} tile links ${alert}`).to.include(`${DEFAULT_RUNBOOK_BASE_URL}/${alert}.md`);
    }
    const enrollment = KNOWN_ISSUES.find((i) => i.issue === 'namespace_not_enrolled')!;
    expect(enrollment.alerts).to.deep.equal(['AmbientNamespaceNotEnrolled', 'AmbientWorkloadsNotCaptured', 'AmbientWorkloadsNotProxied', 'AmbientCniPluginNotConfigured']);
  });
});

describe('dashboards: broken nodes first', () => {
  it('every per-node table is sorted by a 0/1 health column (bad first) or lists only affected nodes', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d).filter((x) => x.type === 'table')) {
        const sortBy = (options(p).sortBy ?? []) as { displayName: string; desc: boolean }[];
        if (sortBy[0]?.displayName !== 'Node') continue; // sorted by something else: checked below
        const exprs = targets(p).map((t) => t.expr ?? '');
        // series present only while something is wrong: the table lists affected nodes only
        const onlyAffected = exprs.every((e) => metricNames(e).every((m) => m === 'ambient_node_issue' || m === 'ambient_node_check_problem'));
        expect(onlyAffected, `${d.uid} "${p.title}" lists every node in name order`).to.equal(true);
      }
    }
  });

  it('tables sorted by a health column sort ascending on a column every row has', () => {
    const sorted = dashboards.flatMap((d) =>
      allPanels(d)
        .filter((p) => p.type === 'table')
        .map((p) => ({ d, p, sort: ((options(p).sortBy ?? []) as { displayName: string; desc: boolean }[])[0] }))
        .filter((x) => x.sort && !['Node', 'Alert', 'Issue', 'Namespace'].includes(x.sort.displayName)),
    );
    expect(sorted.map((x) => `${x.d.uid} / ${x.p.title} / ${x.sort!.displayName}`)).to.have.members([
      'ambient-mesh-health / Nodes / ztunnel ready',
      'ambient-ztunnel / ztunnel pods / Ready',
      'ambient-control-plane / istio-cni per node / ztunnel connected',
      'ambient-control-plane / Data plane version skew / Supported',
      'ambient-network / Nodes / Pod network',
    ]);
    for (const { sort } of sorted) expect(sort!.desc).to.equal(false);
  });

  it('table columns are named for the label they hold: `issue` is the Issue, `cause` the Cause', () => {
    const titles = dashboards.flatMap((d) =>
      allPanels(d)
        .filter((p) => p.type === 'table')
        .flatMap((p) => (p.transformations ?? []).filter((t) => t.id === 'organize').map((t) => ({ where: `${d.uid} / ${p.title}`, rename: (t.options as { renameByName: Record<string, string> }).renameByName }))),
    );
    const named = (label: string) => titles.filter((t) => label in t.rename).map((t) => `${t.where}: ${t.rename[label]}`);
    expect(named('issue')).to.not.be.empty;
    for (const n of named('issue')) expect(n).to.match(/: Issue$/);
    for (const n of named('cause')) expect(n).to.match(/: Cause$/);
  });

  it('the overview, network and control-plane dashboards each have a table of only the affected nodes', () => {
    for (const [uid, title] of [
      [UIDS.overview, 'Affected nodes'],
      [UIDS.network, 'Nodes cut off: which and why'],
      [UIDS.controlPlane, 'Blocked nodes'],
    ] as const) {
      const p = panel(dashboards.find((d) => d.uid === uid)!, title);
      expect(targets(p).flatMap((t) => metricNames(t.expr ?? '')), `${uid} "${title}"`).to.deep.equal(['ambient_node_issue']);
    }
  });

  it('time series with a series per node list them in a table legend sorted by the worst value', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d).filter((x) => x.type === 'timeseries')) {
        if (!targets(p).some((t) => (t.legendFormat ?? '').includes('{{node}}'))) continue;
        const legend = options(p).legend as { displayMode: string; sortBy?: string; calcs: string[] };
        expect(legend.displayMode, `${d.uid} "${p.title}"`).to.equal('table');
        expect(legend.sortBy, `${d.uid} "${p.title}"`).to.be.oneOf(['Max', 'Min']);
        expect(legend.calcs, `${d.uid} "${p.title}"`).to.include(legend.sortBy!.toLowerCase());
      }
    }
  });
});

describe('dashboards: counting right', () => {
  it('the firing-alerts table keeps every label the alert rules aggregate by (what tells two alerts apart)', () => {
    const p = panel(overview, 'Firing alerts');
    const expr = targets(p)[0]?.expr ?? '';
    const kept = new Set((/max by \(([^)]*)\)/.exec(expr)?.[1] ?? '').split(',').map((l) => l.trim()));
    const needed = new Set<string>();
    for (const r of alertRules()) {
      for (const m of (r.expr ?? '').matchAll(/\bby\s*\(([^)]*)\)/g)) for (const l of (m[1] ?? '').split(',')) needed.add(l.trim());
      for (const l of Object.keys(r.labels ?? {})) needed.add(l);
    }
    needed.delete('cluster'); // the dashboard's own filter
    needed.delete('');
    expect([...needed].filter((l) => !kept.has(l)), 'labels dropped from the table').to.deep.equal([]);
  });

  it('cluster-wide sums of ztunnel traffic count each connection once (reporter="destination")', () => {
    for (const d of dashboards) {
      for (const q of panelQueries(d)) {
        if (!metricNames(q.expr).some((m) => m.startsWith('istio_tcp_'))) continue;
        const perNode = /by \([^)]*\bnode\b/.test(q.expr);
        if (!perNode) expect(q.expr, `${d.uid} "${q.panelTitle}"`).to.contain('reporter="destination"');
      }
    }
  });

  it('stacked panels draw failures (*_senderr) apart from the successes, not on top of them', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d).filter((x) => x.type === 'timeseries')) {
        const stacked = (p.fieldConfig?.defaults.custom as { stacking?: { mode: string } } | undefined)?.stacking?.mode === 'normal';
        if (!stacked) continue;
        for (const t of targets(p)) {
          const failures = /_senderr"/.test(t.expr ?? '') && !/type!~"\.\*_senderr"/.test(t.expr ?? '');
          const apart = overrides(p).some(
            (o) => o.matcher.id === 'byFrameRefID' && o.matcher.options === t.refId && o.properties.some((x) => x.id === 'custom.stacking' && (x.value as { mode: string }).mode === 'none'),
          );
          if (failures) expect(apart, `${d.uid} "${p.title}" ${t.refId} is stacked`).to.equal(true);
        }
      }
    }
    const pushes = panel(dashboards.find((d) => d.uid === UIDS.controlPlane)!, 'xDS pushes by type');
    expect(targets(pushes).map((t) => t.expr)).to.satisfy((exprs: string[]) => exprs.some((e) => e.includes('type=~".*_senderr"')));
  });

  it('the overlay backend column shows the backend whether or not it is configured', () => {
    const nodes = panel(dashboards.find((d) => d.uid === UIDS.network)!, 'Nodes');
    const backend = targets(nodes).find((t) => (t.expr ?? '').includes('max by (node, backend)'));
    expect(backend?.expr).to.not.match(/==\s*1/);
  });

  it('the xDS errors column counts errors in the last 5 minutes, 0 for nodes whose ztunnel has none', () => {
    const nodes = panel(overview, 'Nodes');
    const errors = targets(nodes).find((t) => (t.expr ?? '').includes('xds_connection_errors'));
    expect(errors?.expr).to.match(/\* 300\) or 0 \* max by \(node\)/);
  });
});

// The collapsed rows' panels are in allPanels too; make sure nothing above silently skipped them.
describe('dashboards: the checks above see collapsed rows', () => {
  it('the overview\'s collapsed Exporter row holds stat panels that the stat checks covered', () => {
    const row = (overview.panels ?? []).find((p) => p.type === 'row' && (p as RowPanel).collapsed) as RowPanel | undefined;
    expect((row?.panels ?? []).some((p) => (p).type === 'stat')).to.equal(true);
  });
});
