// The schema of every kind manifests/ ships. Kubernetes kinds: the validating model class
// (kubernetes-models) and the TypeScript interface the unknown-field check compiles against
// (test/tools/manifests/unknown-fields.ts). Prometheus Operator kinds: the operator's own CRDs
// (crd-schema.ts).
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { crdSchemas } from './crd-schema.js';
import type { KubeObject } from './kustomize-lite.js';
import { PROJECT_ROOT } from './paths.js';

export interface Schema {
  /** validates against the OpenAPI schema; throws with the failing path */
  validate(obj: KubeObject): void;
  /** how unknown fields are found: the TypeScript interface (module, name), or the CRD's structural schema */
  unknown: { typeModule: string; typeName: string } | { crd: (obj: KubeObject) => string[] };
}

function schema(model: new (data: never) => { validate(): void }, typeModule: string, typeName: string): Schema {
  return { validate: (obj) => new model(obj as never).validate(), unknown: { typeModule, typeName } };
}

const OPERATOR_CRDS = crdSchemas(PROJECT_ROOT, [
  'monitoring.coreos.com_servicemonitors.yaml',
  'monitoring.coreos.com_podmonitors.yaml',
  'monitoring.coreos.com_prometheusrules.yaml',
]);

export const SCHEMAS: Record<string, Schema> = {
  'v1/Namespace': schema(Namespace, 'kubernetes-models/v1/Namespace', 'INamespace'),
  'v1/ServiceAccount': schema(ServiceAccount, 'kubernetes-models/v1/ServiceAccount', 'IServiceAccount'),
  'v1/ConfigMap': schema(ConfigMap, 'kubernetes-models/v1/ConfigMap', 'IConfigMap'),
  'v1/Service': schema(Service, 'kubernetes-models/v1/Service', 'IService'),
  'apps/v1/Deployment': schema(Deployment, 'kubernetes-models/apps/v1/Deployment', 'IDeployment'),
  'apps/v1/DaemonSet': schema(DaemonSet, 'kubernetes-models/apps/v1/DaemonSet', 'IDaemonSet'),
  'networking.k8s.io/v1/NetworkPolicy': schema(NetworkPolicy, 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'),
  'rbac.authorization.k8s.io/v1/ClusterRole': schema(ClusterRole, 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole', 'IClusterRole'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': schema(
    ClusterRoleBinding,
    'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding',
    'IClusterRoleBinding',
  ),
  'rbac.authorization.k8s.io/v1/Role': schema(Role, 'kubernetes-models/rbac.authorization.k8s.io/v1/Role', 'IRole'),
  'rbac.authorization.k8s.io/v1/RoleBinding': schema(RoleBinding, 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding', 'IRoleBinding'),
  ...Object.fromEntries(OPERATOR_CRDS.map((c) => [c.key, { validate: c.validate, unknown: { crd: c.unknownFields } } satisfies Schema])),
};

export function schemaFor(obj: KubeObject): Schema {
  const s = SCHEMAS[`${obj.apiVersion}/${obj.kind}`];
  if (!s) throw new Error(`no schema registered for ${obj.apiVersion} ${obj.kind}: add it to test/support/manifests/schemas.ts`);
  return s;
}

/** Fields of custom resources their CRD's structural schema does not know, as "id: message" lines. */
export function unknownCrdFields(objects: { id: string; obj: KubeObject }[]): string[] {
  return objects.flatMap((o) => {
    const { unknown } = schemaFor(o.obj);
    return 'crd' in unknown ? unknown.crd(o.obj).map((m) => `${o.id}: ${m}`) : [];
  });
}
