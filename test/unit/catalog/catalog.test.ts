// One catalog: each issue module's names resolve to what the rest of the bundle ships (its alert
// groups, the alerts that page for its causes and their runbooks, its dashboard row, its lab
// faults), everything shipped belongs to a module or to the exporter, and every generated artefact
// is what `npm run generate` writes from these sources.
import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards } from '../../../dashboards/src/index.js';
import { checkGenerated } from '../../../scripts/generate.js';
import { ALERT_GROUPS } from '../../../scripts/rules/alerts.js';
import { EXPORTER_FAMILIES, VERDICT_FAMILIES } from '../../../src/export/exporter-families.js';
import { ISSUES, MODULES } from '../../../src/issues/registry.js';
import { FAULT_NAMES } from 'ambient-lab';
import { ROOT } from '../../support/rule-files.js';

const EXPORTER_GROUP = 'ambient-exporter';
const groupsByName = new Map(ALERT_GROUPS.map((g) => [g.name, g]));
const alertNames = new Set(ALERT_GROUPS.flatMap((g) => g.alerts.map((a) => a.alert)));

describe('catalog: issue modules and the bundle', () => {
  it('issue labels are unique snake_case, and the module folders are named after them', () => {
    expect(new Set(ISSUES).size).to.equal(ISSUES.length);
    const folders = readdirSync(join(ROOT, 'src/issues'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).to.deep.equal(ISSUES.map((i) => i.replaceAll('_', '-')).sort());
    for (const i of ISSUES) expect(i).to.match(/^[a-z]+(_[a-z]+)*$/);
  });

  for (const m of MODULES) {
    describe(m.issue, () => {
      it('names alert groups that exist, and no group belongs to two issues', () => {
        for (const g of m.bundle.alertGroups) expect(groupsByName.has(g), g).to.equal(true);
        for (const other of MODULES.filter((o) => o !== m)) expect(other.bundle.alertGroups).not.to.include.members([...m.bundle.alertGroups]);
      });

      it('has causes with unique names, each paged by a shipped alert that has a runbook', () => {
        expect(m.causes.length).to.be.greaterThan(0);
        expect(new Set(m.causes.map((c) => c.cause)).size).to.equal(m.causes.length);
        for (const c of m.causes) {
          expect(c.cause).to.match(/^[a-z]+(_[a-z]+)*$/);
          expect(alertNames.has(c.pagedBy), `${c.cause} paged by ${c.pagedBy}`).to.equal(true);
          expect(existsSync(join(ROOT, 'docs/runbooks', `${c.pagedBy}.md`)), `runbook of ${c.pagedBy}`).to.equal(true);
        }
      });

      it('pages only through alerts of its own groups', () => {
        const own = new Set(m.bundle.alertGroups.flatMap((g) => groupsByName.get(g)?.alerts.map((a) => a.alert) ?? []));
        for (const c of m.causes) expect(own.has(c.pagedBy), `${c.pagedBy} is in ${m.bundle.alertGroups.join(', ')}`).to.equal(true);
      });

      it('names a dashboard row that exists', () => {
        const { dashboard, row } = m.bundle.dashboardRow;
        const built = buildDashboards().find((d) => d.dashboard.uid === `ambient-${dashboard === 'overview' ? 'mesh-health' : dashboard.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        expect(built, `dashboard ${dashboard}`).not.to.equal(undefined);
        const rows = (built!.dashboard.panels ?? []).filter((p) => p.type === 'row').map((p) => p.title);
        expect(rows, `rows of ${dashboard}`).to.include(row);
      });

      it('names lab faults that exist', () => {
        expect(m.bundle.labFaults.length).to.be.greaterThan(0);
        for (const f of m.bundle.labFaults) expect(FAULT_NAMES).to.include(f);
      });

      it('declares its families with the ambient_ prefix and documents each', () => {
        for (const f of m.families) {
          expect(f.name).to.match(/^ambient_[a-z_]+$/);
          expect(f.help.length).to.be.greaterThan(10);
          if (f.type === 'counter') expect(f.name).to.match(/_total$/);
        }
      });
    });
  }

  it('every alert group belongs to one issue module, or to the exporter', () => {
    const claimed = new Set([...MODULES.flatMap((m) => m.bundle.alertGroups), EXPORTER_GROUP]);
    expect(ALERT_GROUPS.map((g) => g.name).filter((g) => !claimed.has(g))).to.deep.equal([]);
  });

  it('every lab fault (but healthy) reproduces some issue', () => {
    const claimed = new Set(MODULES.flatMap((m) => m.bundle.labFaults));
    expect(FAULT_NAMES.filter((f) => f !== 'healthy' && !claimed.has(f))).to.deep.equal([]);
  });

  it('every runbook belongs to a shipped alert', () => {
    const runbooks = readdirSync(join(ROOT, 'docs/runbooks')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(runbooks.map((f) => f.replace(/\.md$/, '')).filter((a) => !alertNames.has(a))).to.deep.equal([]);
  });

  it('no metric family is declared twice', () => {
    const names = [...EXPORTER_FAMILIES, ...VERDICT_FAMILIES, ...MODULES.flatMap((m) => m.families)].map((f) => f.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).to.deep.equal([]);
  });

  it('every generated file is what `npm run generate` writes (run it and commit on failure)', () => {
    expect(checkGenerated(ROOT)).to.deep.equal([]);
  });
});
