// The RBAC the manifests grant the exporter equals what its informers need, derived from the
// informer table itself (src/kube/resources.ts): every list/watch is allowed, nothing else is.
import { expect } from 'chai';
import { WATCHED_RESOURCES } from '../../../src/kube/resources.js';
import { exporterPod, resolvePodConfig } from './exporter-pod.js';
import { boundRules, grant, grantsOf } from './rbac.js';
import { entryPoints, render } from '../../support/manifests/paths.js';

describe('manifests: RBAC of the exporter', () => {
  for (const entry of entryPoints()) {
    describe(entry, () => {
      const objects = render(entry);
      const pod = exporterPod(objects);
      const config = resolvePodConfig(objects);
      const rules = boundRules(objects, pod.serviceAccount);

      it('runs the Deployment as its own service account, which the manifests create', () => {
        expect(pod.serviceAccount.name).to.equal('ambient-exporter');
        expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccount.name && o.metadata.namespace === pod.namespace)).to
          .be.true;
      });

      it('grants exactly the list and watch of every watched resource, in the scope it is watched in', () => {
        const expected = WATCHED_RESOURCES.flatMap((r) =>
          r.verbs.map((verb) => grant(r.scope === 'cluster' ? 'cluster' : config.istioNamespace, r.group, r.plural, verb)),
        ).sort();
        expect(grantsOf(rules)).to.deep.equal([...new Set(expected)].sort());
      });

      it('uses no wildcard, resource name, non-resource URL, secret or write verb', () => {
        for (const { rule } of rules) {
          expect([...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs]).not.to.include('*');
          expect(rule.resourceNames, 'resourceNames').to.equal(undefined);
          expect(rule.nonResourceURLs, 'nonResourceURLs').to.equal(undefined);
          expect(rule.resources ?? []).not.to.include('secrets');
          expect(rule.verbs.filter((v) => !['list', 'watch'].includes(v))).to.deep.equal([]);
        }
      });
    });
  }
});
