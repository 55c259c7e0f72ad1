// What on-call engineers rely on in every alert: the contract's names exist, each alert has a
// severity, a fixed summary, a templated description and a runbook that exists; the `for` ladder
// lets each inhibiting cause fire before the alerts it silences.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_ALERTS } from '../../../scripts/rules/alerts.js';
import { INHIBITIONS } from '../../../scripts/rules/inhibitions.js';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../../scripts/rules/spec.js';
import { RUNBOOKS_DIR, durationSeconds, loadAlerts, loadRecordings, type AlertRule } from './files.js';

const alerts = loadAlerts();
const byName = new Map(alerts.map((a) => [a.alert, a]));

/** Labels an alert carries besides alertname/severity: its `by (...)` list, or that of the recording it reads. */
function outputLabels(a: AlertRule): string[] {
  const by = /\bby \(([^)]*)\)/.exec(a.expr);
  if (by) return (by[1] as string).split(',').map((l) => l.trim());
  const recorded = loadRecordings().find((r) => a.expr.startsWith(r.record));
  if (recorded) return outputLabels({ alert: recorded.record, expr: recorded.expr });
  return [];
}

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
        const labels = outputLabels(a).filter((l) => l !== 'cluster');
        expect(d.length).to.be.greaterThan(40);
        // every object label the alert carries is named in the description
        for (const l of labels) expect(d, `description should name {{ $labels.${l} }}`).to.contain(`{{ $labels.${l} }}`);
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

      it('waits at least 3m, longer than a DaemonSet rolling restart keeps a pod unready', () => {
        expect(durationSeconds(a.for ?? '0s')).to.be.at.least(180);
      });

      it('reads the exporter through job="ambient-exporter" or a recorded series', () => {
        const viaRecording = loadRecordings().some((r) => a.expr.startsWith(r.record));
        expect(viaRecording || a.expr.includes('job="ambient-exporter"')).to.equal(true);
      });
    });
  }

  it('the runbook index links every runbook', () => {
    const index = readFileSync(join(RUNBOOKS_DIR, 'README.md'), 'utf8');
    for (const a of alerts) expect(index).to.contain(`(${a.alert}.md)`);
  });

  describe('inhibitions', () => {
    for (const [idx, inh] of INHIBITIONS.entries()) {
      const label = `#${idx + 1} ${inh.sources.join('|')} -> ${inh.targets.join('|')}`;
      it(`${label}: names existing alerts`, () => {
        for (const n of [...inh.sources, ...inh.targets]) expect(byName.has(n), n).to.equal(true);
      });

      it(`${label}: equal and target labels exist on both sides`, () => {
        for (const s of inh.sources) {
          for (const l of inh.equal) expect(outputLabels(byName.get(s) as AlertRule), `${s} carries ${l}`).to.include(l);
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
    }
  });
});
