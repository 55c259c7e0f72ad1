// Every kustomization renders, and every object in it is valid against the Kubernetes and
// Prometheus Operator schemas, with no field the API server would reject as unknown.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { objectId, type KubeObject } from '../../support/manifests/kustomize-lite.js';
import { entryPoints, PROJECT_ROOT, render } from '../../support/manifests/paths.js';
import { schemaFor, unknownFields } from './schemas.js';

function kubectlKustomize(entry: string): KubeObject[] | undefined {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', join(PROJECT_ROOT, entry)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseAllDocuments(out)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

const byId = (objects: KubeObject[]): Record<string, KubeObject> => Object.fromEntries(objects.map((o) => [objectId(o), o]));

describe('manifests: every kustomization', () => {
  const entries = entryPoints();

  it('includes the base and the Prometheus Operator, kube-prometheus-stack and enrollment-policy overlays', () => {
    expect(entries).to.include.members([
      'manifests/base',
      'manifests/overlays/prometheus-operator',
      'manifests/overlays/kube-prometheus-stack',
      'manifests/overlays/enrollment-policy',
    ]);
  });

  for (const entry of entries) {
    describe(entry, () => {
      const objects = render(entry);

      it('renders at least the exporter Deployment', () => {
        expect(objects.map((o) => o.kind)).to.include('Deployment');
      });

      it('validates every object against its schema', () => {
        for (const obj of objects) {
          expect(() => schemaFor(obj).validate(obj), objectId(obj)).not.to.throw();
        }
      });

      it('has no field unknown to the schema (the API server would reject it)', async () => {
        const problems = await unknownFields(objects.map((obj) => ({ id: objectId(obj), obj })), PROJECT_ROOT);
        expect(problems).to.deep.equal([]);
      });

      it('renders exactly as `kubectl kustomize` does, where kubectl is installed', function () {
        const real = kubectlKustomize(entry);
        if (real === undefined) this.skip();
        expect(byId(objects)).to.deep.equal(byId(real));
      });
    });
  }
});

describe('manifests: the unknown-field check itself', () => {
  it('names a misspelt field and the object it is in', async () => {
    const typo = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'x' },
      automountServiceAccountTokn: false,
    } as unknown as KubeObject;
    const problems = await unknownFields([{ id: 'v1/ServiceAccount//x', obj: typo }], PROJECT_ROOT);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^v1\/ServiceAccount\/\/x: .*automountServiceAccountTokn/);
  });

  it("names a misspelt field of a custom resource, checked against the operator's CRD", async () => {
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r', namespace: 'n' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', keep_firing_for: '5m', keep_firing: '5m' }] }] },
    } as unknown as KubeObject;
    const problems = await unknownFields([{ id: 'rule', obj: rule }], PROJECT_ROOT);
    expect(problems).to.deep.equal(['rule: unknown field "spec.groups[0].rules[0].keep_firing"']);
  });

  it("rejects a custom resource the operator's CRD does not accept", () => {
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'm' }, spec: { podMetricsEndpoints: 'all' } } as unknown as KubeObject;
    expect(() => schemaFor(monitor).validate(monitor)).to.throw(/podMetricsEndpoints/);
  });
});
