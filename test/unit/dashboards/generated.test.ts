// The committed dashboards are exactly what the generator writes, and follow the conventions an operator
// relies on: stable uids, a datasource and hidden cluster variable, a unit and description on every
// panel, $__rate_interval in every rate, links that land on existing dashboards and runbooks.
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { ALERTS, DEFAULT_RUNBOOK_BASE_URL, UIDS, allPanels, buildDashboards, panelQueries, ranges, render, variableRefs, vectorSelectors } from '../../../dashboards/src/index.js';
import { DASHBOARDS_DIR, ROOT, RULES_DIR } from './support.js';
import { parse } from 'yaml';

const generated = buildDashboards();
const GRAFANA_BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__url_time_range', '__value', '__data']);

function variables(d: Dashboard): VariableModel[] {
  return d.templating.list ?? [];
}

describe('dashboards: generated JSON', () => {
  it('the committed files equal the generator output (run `npm run generate` after editing dashboards/src)', () => {
    for (const { file, dashboard } of generated) {
      const path = join(DASHBOARDS_DIR, file);
      expect(existsSync(path), `${file} is not committed`).to.equal(true);
      expect(readFileSync(path, 'utf8'), `${file} differs from the generator output`).to.equal(render(dashboard));
    }
  });

  it('dashboards/ holds no JSON the generator does not write', () => {
    const committed = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(committed).to.deep.equal(generated.map((g) => g.file).sort());
  });

  it('generates the same output twice (no clocks, no randomness)', () => {
    const again = buildDashboards();
    expect(again.map((g) => render(g.dashboard))).to.deep.equal(generated.map((g) => render(g.dashboard)));
  });
});

describe('dashboards: identity', () => {
  it('uids are the fixed, documented ones: unique, at most 40 characters, URL-safe', () => {
    const uids = generated.map((g) => g.dashboard.uid);
    expect(uids).to.deep.equal([UIDS.overview, UIDS.ztunnel, UIDS.controlPlane, UIDS.network]);
    expect(new Set(uids).size).to.equal(uids.length);
    for (const uid of uids) expect(uid).to.match(/^[a-z0-9-]{1,40}$/);
  });

  it('carry the current schemaVersion, a title, a description and the ambient-exporter tag', () => {
    for (const { dashboard: d } of generated) {
      expect(d.schemaVersion, d.uid).to.equal(defaultDashboard().schemaVersion);
      expect(d.title, d.uid).to.be.a('string').and.not.empty;
      expect(d.description, d.uid).to.be.a('string').and.not.empty;
      expect(d.tags, d.uid).to.include('ambient-exporter');
    }
  });

  it('panel ids are unique within each dashboard, and panels stay on the 24-column grid without overlapping', () => {
    for (const { dashboard: d } of generated) {
      const all = [...(d.panels ?? []), ...allPanels(d)];
      const ids = [...new Set(all)].map((p) => p.id);
      expect(new Set(ids).size, d.uid).to.equal(ids.length);
      // expanded rows and their panels share one plane; collapsed rows' panels are laid out when opened
      const visible = (d.panels ?? []);
      for (const [i, a] of visible.entries()) {
        const ga = a.gridPos!;
        expect(ga.x + ga.w, `${d.uid} panel ${a.id}`).to.be.at.most(24);
        for (const b of visible.slice(i + 1)) {
          const gb = b.gridPos!;
          const overlap = ga.x < gb.x + gb.w && gb.x < ga.x + ga.w && ga.y < gb.y + gb.h && gb.y < ga.y + ga.h;
          expect(overlap, `${d.uid}: panels ${a.id} and ${b.id} overlap`).to.equal(false);
        }
      }
    }
  });
});

describe('dashboards: variables', () => {
  it('every dashboard has a prometheus `datasource` variable and a hidden single-value `cluster` variable without All', () => {
    for (const { dashboard: d } of generated) {
      const ds = variables(d).find((v) => v.name === 'datasource');
      expect(ds, d.uid).to.include({ type: 'datasource', query: 'prometheus' });
      const cluster = variables(d).find((v) => v.name === 'cluster');
      // All would add clusters together in every sum; Grafana picks the first cluster instead, or none
      // (`cluster=~""`, matching series without the label) when no series has one.
      expect(cluster, d.uid).to.include({ type: 'query', hide: 2, includeAll: false, multi: false });
      expect(cluster, d.uid).to.not.have.any.keys('allValue', 'current');
      expect(cluster?.query).to.equal('label_values(ambient_exporter_build_info, cluster)');
      expect(cluster?.datasource).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('per-node dashboards have a multi-value `node` variable; the overview also a `namespace` variable', () => {
    for (const { dashboard: d } of generated) {
      const node = variables(d).find((v) => v.name === 'node');
      expect(node, d.uid).to.include({ type: 'query', multi: true, includeAll: true, allValue: '.*' });
    }
    const overview = generated.find((g) => g.dashboard.uid === UIDS.overview)!.dashboard;
    expect(variables(overview).map((v) => v.name)).to.include('namespace');
  });

  it('queries use only variables the dashboard defines or Grafana provides', () => {
    for (const { dashboard: d } of generated) {
      const defined = new Set(variables(d).map((v) => v.name));
      for (const q of panelQueries(d)) {
        for (const v of variableRefs(q.expr)) {
          expect(defined.has(v) || GRAFANA_BUILTIN_VARIABLES.has(v), `${d.uid} "${q.panelTitle}" uses $${v}`).to.equal(true);
        }
      }
    }
  });
});

describe('dashboards: panels', () => {
  it('every panel has a description and a unit', () => {
    for (const { dashboard: d } of generated) {
      for (const p of allPanels(d)) {
        expect(p.description, `${d.uid} "${p.title}"`).to.be.a('string').and.not.empty;
        expect(p.fieldConfig?.defaults.unit, `${d.uid} "${p.title}" has no unit`).to.be.a('string').and.not.empty;
      }
    }
  });

  it('every panel with queries reads from ${datasource}', () => {
    for (const { dashboard: d } of generated) {
      for (const p of allPanels(d).filter((p) => (p.targets ?? []).length > 0)) {
        expect(p.datasource, `${d.uid} "${p.title}"`).to.deep.equal({ type: 'prometheus', uid: '${datasource}' });
      }
    }
  });

  it('every rate window is $__rate_interval, and counters are only read through rate()', () => {
    for (const { dashboard: d } of generated) {
      for (const q of panelQueries(d)) {
        for (const r of ranges(q.expr)) expect(r, `${d.uid} "${q.panelTitle}": ${q.expr}`).to.equal('$__rate_interval');
        for (const s of vectorSelectors(q.expr).filter((s) => s.name.endsWith('_total'))) {
          expect(s.range, `${d.uid} "${q.panelTitle}": counter ${s.name} read without rate()`).to.equal('$__rate_interval');
        }
      }
    }
  });

  it('every series selector is filtered by the cluster variable', () => {
    for (const { dashboard: d } of generated) {
      for (const q of panelQueries(d)) {
        for (const s of vectorSelectors(q.expr)) {
          expect(s.matchers, `${d.uid} "${q.panelTitle}": ${s.name}`).to.contain('cluster=~"$cluster"');
        }
      }
    }
  });

  it('each known issue has a status tile on the overview, linked to its runbook', () => {
    const overview = generated.find((g) => g.dashboard.uid === UIDS.overview)!.dashboard;
    for (const issue of ['ztunnel_istiod_connectivity', 'cross_node_network', 'cni_pod_creation_blocked', 'namespace_not_enrolled']) {
      const tile = allPanels(overview).find((p) => p.type === 'stat' && panelQueries({ ...overview, panels: [p] }).some((q) => q.expr.includes(`issue="${issue}"`)));
      expect(tile, issue).to.not.equal(undefined);
      expect((tile?.links ?? []).some((l) => (l.url ?? '').startsWith(DEFAULT_RUNBOOK_BASE_URL)), `${issue} tile links a runbook`).to.equal(true);
    }
  });
});

describe('dashboards: links', () => {
  const uids = new Set(generated.map((g) => g.dashboard.uid));

  function allUrls(d: Dashboard): string[] {
    const text = JSON.stringify(d);
    return [...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1] ?? '');
  }

  it('every dashboard links to the others by tag', () => {
    for (const { dashboard: d } of generated) {
      expect(d.links?.some((l) => l.type === 'dashboards' && l.tags.includes('ambient-exporter') && l.keepTime && l.includeVars), d.uid).to.equal(true);
    }
  });

  it('links to /d/<uid> land on a dashboard this project ships', () => {
    for (const { dashboard: d } of generated) {
      for (const url of allUrls(d).filter((u) => u.startsWith('/d/'))) {
        expect(uids.has(url.slice(3).split('?')[0] ?? ''), `${d.uid}: ${url}`).to.equal(true);
      }
    }
  });

  it('runbook links name a runbook in docs/runbooks/ for a shipped alert', () => {
    const runbookDir = join(ROOT, 'docs/runbooks');
    for (const { dashboard: d } of generated) {
      for (const url of allUrls(d).filter((u) => u.startsWith(`${DEFAULT_RUNBOOK_BASE_URL}/`))) {
        const file = url.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1);
        if (file === '${__value.raw}.md') continue; // the firing-alerts table links whichever alert fires
        expect(existsSync(join(runbookDir, file)), `${d.uid}: ${file} missing from docs/runbooks/`).to.equal(true);
      }
    }
  });

  it('the runbook panel lists exactly the alerts the rules define', () => {
    const alerts = new Set<string>();
    for (const f of readdirSync(RULES_DIR).filter((f) => f.endsWith('.rules.yaml'))) {
      const doc = parse(readFileSync(join(RULES_DIR, f), 'utf8')) as { groups?: { rules?: { alert?: string }[] }[] };
      for (const g of doc.groups ?? []) for (const r of g.rules ?? []) if (r.alert) alerts.add(r.alert);
    }
    expect([...ALERTS].sort()).to.deep.equal([...alerts].sort());
  });
});
