// The PrometheusRule and Grafana dashboard ConfigMaps in the Prometheus Operator overlay are
// exactly what rules/ and dashboards/ hold: regenerated and diffed, then compared with the
// sources directly, so neither a stale commit nor a generator bug goes unnoticed.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { checkManifests, GENERATED_DIR, writeManifests } from '../../../scripts/generate/manifests.js';
import { objectId } from '../../support/manifests/kustomize-lite.js';
import { PROJECT_ROOT, render } from '../../support/manifests/paths.js';

const sources = (dir: string, suffix: string): string[] =>
  readdirSync(join(PROJECT_ROOT, dir))
    .filter((n) => n.endsWith(suffix))
    .sort();

describe('manifests: generated Prometheus Operator objects', () => {
  const objects = render('manifests/overlays/prometheus-operator');

  it('are what `npm run generate` regenerates from rules/ and dashboards/ (run it and commit on failure)', () => {
    expect(checkManifests(PROJECT_ROOT)).to.deep.equal([]);
  });

  it('hold one PrometheusRule per rules/*.rules.yaml, with the same groups', () => {
    const files = sources('rules', '.rules.yaml');
    expect(files, 'rules/*.rules.yaml').not.to.be.empty;
    const rules = objects.filter((o) => o.kind === 'PrometheusRule');
    expect(rules).to.have.length(files.length);
    const groupsInRules = rules.flatMap((r) => (r.spec as { groups: unknown[] }).groups);
    const groupsInFiles = files.flatMap((f) => (parse(readFileSync(join(PROJECT_ROOT, 'rules', f), 'utf8')) as { groups: unknown[] }).groups);
    expect(groupsInRules).to.deep.equal(groupsInFiles);
  });

  it('hold one ConfigMap labelled grafana_dashboard="1" per dashboards/*.json, byte for byte', () => {
    const files = sources('dashboards', '.json');
    expect(files, 'dashboards/*.json').not.to.be.empty;
    const maps = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    const data = Object.assign({}, ...maps.map((m) => m.data as Record<string, string>)) as Record<string, string>;
    expect(Object.keys(data).sort()).to.deep.equal(files);
    for (const f of files) expect(data[f], f).to.equal(readFileSync(join(PROJECT_ROOT, 'dashboards', f), 'utf8'));
  });

  it('each fit within what `kubectl apply` can store (256 KiB of last-applied annotation)', () => {
    for (const o of objects) expect(JSON.stringify(o).length, objectId(o)).to.be.below(256 * 1024);
  });
});

describe('manifests: generator drift check', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'generate-manifests-'));
    mkdirSync(join(root, 'rules'));
    mkdirSync(join(root, 'dashboards'));
    writeFileSync(join(root, 'rules', 'a.rules.yaml'), 'groups:\n  - name: a\n    rules:\n      - record: x:y\n        expr: vector(1)\n');
    writeFileSync(join(root, 'dashboards', 'Board One.json'), '{"title": "one"}\n');
    writeManifests(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is clean right after generation, with kubernetes-safe object names', () => {
    expect(checkManifests(root)).to.deep.equal([]);
    const cm = parse(readFileSync(join(root, GENERATED_DIR, 'dashboard-board-one.yaml'), 'utf8')) as { metadata: { name: string } };
    expect(cm.metadata.name).to.equal('ambient-exporter-dashboard-board-one');
  });

  it('reports a dashboard edited after generation', () => {
    writeFileSync(join(root, 'dashboards', 'Board One.json'), '{"title": "two"}\n');
    expect(checkManifests(root)).to.deep.equal([`${GENERATED_DIR}/dashboard-board-one.yaml: differs from its source`]);
  });

  it('reports, and on regeneration removes, the output of a deleted rules file', () => {
    rmSync(join(root, 'rules', 'a.rules.yaml'));
    expect(checkManifests(root)).to.include(`${GENERATED_DIR}/prometheusrule-a.yaml: has no source any more`);
    expect(writeManifests(root).removed).to.deep.equal([`${GENERATED_DIR}/prometheusrule-a.yaml`]);
    expect(checkManifests(root)).to.deep.equal([]);
  });

  it('refuses a dashboard that is not JSON', () => {
    cpSync(join(root, 'rules', 'a.rules.yaml'), join(root, 'dashboards', 'broken.json'));
    expect(() => writeManifests(root)).to.throw(/dashboards\/broken\.json: not valid JSON/);
  });
});
