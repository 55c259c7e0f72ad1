// What a service account may do, read from the rendered RBAC objects: every rule bound to it
// (ClusterRoleBindings cluster-wide, RoleBindings in their namespace), as "scope group/resource verb".
import type { KubeObject } from '../../support/manifests/kustomize-lite.js';

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
export const grant = (scope: string, group: string, resource: string, verb: string): string => `${scope} ${group || 'core'}/${resource} ${verb}`;

function rulesOf(objects: KubeObject[], kind: string, name: string, namespace?: string): PolicyRule[] {
  const role = objects.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace));
  if (!role) throw new Error(`binding refers to ${kind} ${name}, which the manifests do not define`);
  return (role as unknown as { rules?: PolicyRule[] }).rules ?? [];
}

/** Every rule bound to the service account, with the scope it applies in. */
export function boundRules(objects: KubeObject[], sa: { name: string; namespace: string }): { scope: string; rule: PolicyRule }[] {
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

export function grantsOf(rules: { scope: string; rule: PolicyRule }[]): string[] {
  const out = new Set<string>();
  for (const { scope, rule } of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) for (const verb of rule.verbs) out.add(grant(scope, group, resource, verb));
    }
  }
  return [...out].sort();
}

