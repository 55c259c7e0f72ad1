// The small kustomize renderer refuses what it does not implement, and hashes generated
// ConfigMaps the way kustomize does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { configMapHash, renderKustomization } from '../../support/manifests/kustomize-lite.js';

describe('manifests: kustomize-lite renderer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kustomize-lite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses kustomization fields it does not implement', () => {
    writeFileSync(join(dir, 'kustomization.yaml'), 'namespace: x\nresources: []\n');
    expect(() => renderKustomization(dir)).to.throw(/does not support "namespace"/);
  });

  it('hashes a generated ConfigMap as kustomize v5 does and renames the pod template reference', () => {
    // kustomize v5.5.0 renders `configMapGenerator: [{name: x, literals: [a=b]}]` as x-4h2mbtbbt6;
    // the same data from a file named `a` must hash the same.
    writeFileSync(join(dir, 'a'), 'b');
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'resources: [deploy.yaml]\nconfigMapGenerator:\n  - name: x\n    files: [a]\n',
    );
    writeFileSync(
      join(dir, 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      volumes: [{name: c, configMap: {name: x}}]\n',
    );
    expect(configMapHash({ a: 'b' })).to.equal('4h2mbtbbt6');
    const [deploy, cm] = renderKustomization(dir);
    expect(cm!.metadata.name).to.equal('x-4h2mbtbbt6');
    expect(JSON.stringify(deploy)).to.contain('"configMap":{"name":"x-4h2mbtbbt6"}');
  });

  it('applies a LabelTransformer to the kinds its fieldSpecs name, the later one last, and refuses other forms', () => {
    writeFileSync(join(dir, 'objs.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {x: y}}\n');
    const transformer = (value: string, spec = '{kind: ServiceAccount, path: metadata/labels, create: true}') =>
      `apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: t}\nlabels: {release: ${value}}\nfieldSpecs: [${spec}]\n`;
    writeFileSync(join(dir, 't1.yaml'), transformer('one'));
    writeFileSync(join(dir, 't2.yaml'), transformer('two'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [objs.yaml]\ntransformers: [t1.yaml, t2.yaml]\n');
    const [sa, cm] = renderKustomization(dir);
    expect(sa!.metadata.labels).to.deep.equal({ release: 'two' });
    expect(cm!.metadata.labels).to.deep.equal({ x: 'y' });
    writeFileSync(join(dir, 't2.yaml'), transformer('two', '{path: metadata/labels, create: true}'));
    expect(() => renderKustomization(dir)).to.throw(/only fieldSpecs/);
  });

  it('refuses an object defined twice', () => {
    writeFileSync(join(dir, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n');
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [sa.yaml, sa.yaml]\n');
    expect(() => renderKustomization(dir)).to.throw(/defined twice/);
  });
});
