// What on-call engineers rely on in every alert: the contract's names exist, each alert has a
// severity, a fixed summary, a templated description and a runbook that exists; every aggregation
// and inhibition keeps clusters apart; the `for` ladder lets each inhibiting cause fire before the
// alerts it silences, and keep_firing_for keeps it up while what it explained settles.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_ALERTS } from '../../../scripts/rules/alerts.js';
import { INHIBITIONS } from '../../../scripts/rules/inhibitions.js';
import { inhibitRules } from '../../../scripts/rules/render.js';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../../scripts/rules/spec.js';
import { RUNBOOKS_DIR, durationSeconds, loadAlerts, loadRecordings, type AlertRule } from '../../support/rule-files.js';

const alerts = loadAlerts();
const byName = new Map(alerts.map((a) => [a.alert, a]));
const recordings = loadRecordings();

/** The recording rules an expression reads. */
function recordingsRead(expr: string): Array<{ record: string; expr: string }> {
  return recordings.filter((r) => new RegExp(`(^|[^\\w:])${r.record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w:])`).test(expr));
}

/** Every `by (...)` list of an expression and of the recording rules it reads. */
function byLists(expr: string): string[][] {
  const own = [...expr.matchAll(/\bby \(([^)]*)\)/g)].map((m) => (m[1] as string).split(',').map((l) => l.trim()));
  return [...own, ...recordingsRead(expr).flatMap((r) => byLists(r.expr))];
}

/**
 * Labels an alert carries besides alertname/severity: its first `by (...)` list (or that of the
 * recording it reads), plus label_replace targets (the last four arguments of every label_replace,
 * nested ones included).
 */
function outputLabels(a: { expr: string }): string[] {
  const added = a.expr.includes('label_replace(')
    ? [...a.expr.matchAll(/,\s*"([a-z_]+)",\s*"[^"]*",\s*"[^"]*",\s*"[^"]*"\s*\)/g)].map((m) => m[1] as string)
    : [];
  const by = /\bby \(([^)]*)\)/.exec(a.expr);
  if (by) return [...(by[1] as string).split(',').map((l) => l.trim()), ...added];
  const recorded = recordingsRead(a.expr)[0];
  if (recorded) return [...outputLabels(recorded), ...added];
  return added;
}

/** The longest range window an expression reads, directly or through recording rules, in seconds. */
function longestWindow(expr: string): number {
  const own = [...expr.matchAll(/\[(\d+[smhdwy])\]/g)].map((m) => durationSeconds(m[1] as string));
  return Math.max(0, ...own, ...recordingsRead(expr).map((r) => longestWindow(r.expr)));
}

const seconds = (d: string | undefined) => durationSeconds(d ?? '0s');

/** How much later than its cause a symptom may stop: a recovery's own lag plus a rule evaluation or two. */
const SETTLE = 120;

describe('rules: alert catalog', () => {
  it('has every alert the contract names', () => {
    expect([...byName.keys()]).to.include.members([...CONTRACT_ALERTS]);
  });

  it('names are unique, CamelCase, prefixed Ambient and at most 40 characters', () => {
    expect(new Set(alerts.map((a) => a.alert)).size).to.equal(alerts.length);
    for (const a of alerts) expect(a.alert).to.match(/^Ambient[A-Z][A-Za-z0-9]*$/).and.have.length.at.most(40);
  });

  for (const a of alerts) {
    describe(a.alert, () => {
      it('has a severity of critical, warning or info', () => {
        expect(a.labels?.severity).to.be.oneOf(['critical', 'warning', 'info']);
      });

      it('has a fixed summary: a capitalised sentence ending in a period, no templating', () => {
        const s = a.annotations?.summary ?? '';
        expect(s).to.match(/^[A-Z].*\.$/);
        expect(s).not.to.contain('{{');
      });

      it('has a templated description naming what it is about', () => {
        const d = a.annotations?.description ?? '';
        const [first] = byLists(a.expr);
        const objects = (first ?? []).filter((l) => l !== 'cluster');
        expect(d.length).to.be.greaterThan(40);
        // every object label the alert carries is named in the description, every flag is used there
        for (const l of objects) expect(d, `description should name {{ $labels.${l} }}`).to.contain(`{{ $labels.${l} }}`);
        for (const l of outputLabels(a).filter((x) => !objects.includes(x) && x !== 'cluster')) expect(d, `description should use $labels.${l}`).to.contain(`$labels.${l}`);
      });

      it('says where through its labels: the object it is about, or the cluster for a cluster-wide alert', () => {
        const d = a.annotations?.description ?? '';
        const [first] = byLists(a.expr);
        const objects = (first ?? []).filter((l) => l !== 'cluster');
        if (objects.length === 0) expect(d, 'a cluster-wide alert names its cluster').to.contain('$labels.cluster');
        else expect(objects.some((l) => d.includes(`{{ $labels.${l} }}`))).to.equal(true);
      });

      it('has a runbook_url under the default base that resolves to docs/runbooks/<AlertName>.md', () => {
        const url = a.annotations?.runbook_url ?? '';
        expect(url).to.equal(`${DEFAULT_RUNBOOK_BASE_URL}/${a.alert}.md`);
        const file = join(RUNBOOKS_DIR, url.slice(DEFAULT_RUNBOOK_BASE_URL.length + 1));
        expect(existsSync(file), `${file} exists`).to.equal(true);
      });

      it('has a runbook with Meaning, Impact, Diagnosis and Mitigation', () => {
        const text = readFileSync(join(RUNBOOKS_DIR, `${a.alert}.md`), 'utf8');
        expect(text.startsWith(`# ${a.alert}\n`)).to.equal(true);
        for (const h of ['## Meaning', '## Impact', '## Diagnosis', '## Mitigation']) expect(text).to.contain(`\n${h}\n`);
      });

      it("has a runbook whose header states the rule's severity, for and keep_firing_for", () => {
        const header = readFileSync(join(RUNBOOKS_DIR, `${a.alert}.md`), 'utf8').split('\n')[2] ?? '';
        const keep = a.keep_firing_for ? ` · **Keeps firing:** ${a.keep_firing_for}` : '';
        expect(header).to.contain(`**Severity:** ${a.labels?.severity} · **For:** ${a.for}${keep} · `);
      });

      it('waits at least 3m, longer than a DaemonSet rolling restart keeps a pod unready', () => {
        expect(durationSeconds(a.for ?? '0s')).to.be.at.least(180);
      });

      it('reads the exporter through job="ambient-exporter" or a recorded series', () => {
        const viaRecording = recordingsRead(a.expr).length > 0;
        expect(viaRecording || a.expr.includes('job="ambient-exporter"')).to.equal(true);
      });

      it('aggregates by cluster everywhere (its own expression and the recordings it reads)', () => {
        const lists = byLists(a.expr);
        expect(lists, 'at least one by (...)').not.to.be.empty;
        for (const l of lists) expect(l, `by (${l.join(', ')})`).to.include('cluster');
      });
    });
  }

  it('the runbook index links every runbook', () => {
    const index = readFileSync(join(RUNBOOKS_DIR, 'README.md'), 'utf8');
    for (const a of alerts) expect(index).to.contain(`(${a.alert}.md)`);
  });

  describe('keep_firing_for', () => {
    const exporterDown = byName.get('AmbientExporterDown') as AlertRule;
    const critical = alerts.filter((a) => a.labels?.severity === 'critical' && !a.alert.startsWith('AmbientExporter'));

    it('every critical mesh alert keeps firing past the `for` of AmbientExporterDown (losing the exporter does not resolve a page before that one)', () => {
      expect(critical).not.to.be.empty;
      for (const a of critical) expect(seconds(a.keep_firing_for), a.alert).to.be.greaterThan(seconds(exporterDown.for));
    });
  });

  describe('inhibitions', () => {
    it('every rendered inhibition compares cluster', () => {
      for (const r of inhibitRules()) expect(r.equal, r.source_matchers.join(',')).to.include('cluster');
    });

    for (const [idx, inh] of INHIBITIONS.entries()) {
      const label = `#${idx + 1} ${inh.sources.join('|')} -> ${inh.targets.join('|')}`;
      it(`${label}: names existing alerts`, () => {
        for (const n of [...inh.sources, ...inh.targets]) expect(byName.has(n), n).to.equal(true);
      });

      it(`${label}: equal, source and target labels exist on their sides`, () => {
        for (const s of inh.sources) {
          for (const l of [...inh.equal, ...Object.keys(inh.sourceLabels ?? {})]) {
            expect(outputLabels(byName.get(s) as AlertRule), `${s} carries ${l}`).to.include(l);
          }
        }
        for (const t of inh.targets) {
          const labels = outputLabels(byName.get(t) as AlertRule);
          for (const l of [...inh.equal, ...Object.keys(inh.targetLabels ?? {})]) expect(labels, `${t} carries ${l}`).to.include(l);
        }
      });

      it(`${label}: each source fires before its targets`, () => {
        for (const s of inh.sources) {
          for (const t of inh.targets) {
            const src = byName.get(s) as AlertRule;
            const tgt = byName.get(t) as AlertRule;
            const [fs, ft] = [durationSeconds(src.for ?? '0s'), durationSeconds(tgt.for ?? '0s')];
            // Equal only where one node can never be under both (ambient_node_issue has one issue per node).
            const exclusive = src.expr.includes('ambient_node_issue') && tgt.expr.includes('ambient_node_issue');
            if (exclusive) expect(fs, `${s} for <= ${t} for`).to.be.at.most(ft);
            else expect(fs, `${s} for < ${t} for`).to.be.lessThan(ft);
          }
        }
      });

      it(`${label}: each source keeps firing ${SETTLE}s longer than its targets and than a target's range window takes to drain`, () => {
        // A target recovers after its cause, and each rule group is evaluated at its own offset:
        // a source resolving first would let the target through for that moment.
        for (const s of inh.sources) {
          for (const t of inh.targets) {
            const target = byName.get(t) as AlertRule;
            const outlast = Math.max(seconds(target.keep_firing_for), longestWindow(target.expr));
            if (outlast === 0) continue;
            const k = seconds(byName.get(s)?.keep_firing_for);
            expect(k, `${s} keep_firing_for >= ${t}'s ${outlast}s + ${SETTLE}s`).to.be.at.least(outlast + SETTLE);
          }
        }
      });

      it(`${label}: a source that gives way to another source keeps firing until that one has`, () => {
        for (const s of inh.sources.filter((x) => byName.get(x)?.keep_firing_for)) {
          for (const other of inh.sources.filter((o) => o !== s)) {
            const k = seconds(byName.get(s)?.keep_firing_for);
            expect(k, `${s} keep_firing_for > ${other} for`).to.be.greaterThan(seconds(byName.get(other)?.for));
          }
        }
      });
    }
  });
});
