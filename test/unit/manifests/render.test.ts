// Every kustomization renders, and every object in it is valid against the Kubernetes and
// Prometheus Operator schemas, its custom resources with no field their CRD does not know. The
// tools tier checks the rest with tools: no field unknown to the Kubernetes types (tsc), and the
// same objects from `kubectl kustomize` (test/tools/manifests/render.test.ts).
import { expect } from 'chai';
import { objectId, type KubeObject } from '../../support/manifests/kustomize-lite.js';
import { entryPoints, render } from '../../support/manifests/paths.js';
import { schemaFor, unknownCrdFields } from '../../support/manifests/schemas.js';

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

      it('has no field its CRD does not know in a custom resource (the API server would reject it)', () => {
        expect(unknownCrdFields(objects.map((obj) => ({ id: objectId(obj), obj })))).to.deep.equal([]);
      });
    });
  }
});

describe('manifests: the unknown-field check of custom resources', () => {
  it("names a misspelt field of a custom resource, checked against the operator's CRD", () => {
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'r', namespace: 'n' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', keep_firing_for: '5m', keep_firing: '5m' }] }] },
    } as unknown as KubeObject;
    expect(unknownCrdFields([{ id: 'rule', obj: rule }])).to.deep.equal(['rule: unknown field "spec.groups[0].rules[0].keep_firing"']);
  });

  it("rejects a custom resource the operator's CRD does not accept", () => {
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'm' }, spec: { podMetricsEndpoints: 'all' } } as unknown as KubeObject;
    expect(() => schemaFor(monitor).validate(monitor)).to.throw(/podMetricsEndpoints/);
  });
});
