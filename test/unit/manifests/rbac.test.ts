// The RBAC the manifests grant the exporter equals what its informers need, derived from the
// informer table itself (src/kube/resources.ts): every list/watch is allowed, nothing else is.
import { expect } from 'chai';
import { WATCHED_RESOURCES } from '../../../src/kube/resources.js';
import type { KubeObject } from './kustomize-lite.js';
import { exporterPod, resolvePodConfig } from './exporter-pod.js';
import { entryPoints, render } from './paths.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface Binding {
  roleRef: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/** One permission: `scope` is "cluster" for a cluster-wide grant, else the namespace it holds in. */
const grant = (scope: string, group: string, resource: string, verb: string): string => `${scope} ${group || 'core'}/${resource} ${verb}`;

function rulesOf(objects: KubeObject[], kind: string, name: string, namespace?: string): PolicyRule[] {
  const role = objects.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace));
  if (!role) throw new Error(`binding refers to ${kind} ${name}, which the manifests do not define`);
  return (role as unknown as { rules?: PolicyRule[] }).rules ?? [];
}

/** Every rule bound to the service account, with the scope it applies in. */
function boundRules(objects: KubeObject[], sa: { name: string; namespace: string }): { scope: string; rule: PolicyRule }[] {
  const out: { scope: string; rule: PolicyRule }[] = [];
  for (const o of objects) {
    if (o.kind !== 'ClusterRoleBinding' && o.kind !== 'RoleBinding') continue;
    const b = o as unknown as Binding & KubeObject;
    const forSa = (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.namespace);
    if (!forSa) continue;
    const scope = o.kind === 'ClusterRoleBinding' ? 'cluster' : o.metadata.namespace!;
    for (const rule of rulesOf(objects, b.roleRef.kind, b.roleRef.name, o.metadata.namespace)) out.push({ scope, rule });
  }
  return out;
}

function grantsOf(rules: { scope: string; rule: PolicyRule }[]): string[] {
  const out = new Set<string>();
  for (const { scope, rule } of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) for (const verb of rule.verbs) out.add(grant(scope, group, resource, verb));
    }
  }
  return [...out].sort();
}

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
