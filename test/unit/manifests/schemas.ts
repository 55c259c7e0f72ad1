// The schema of every kind manifests/ ships. Kubernetes kinds: the validating model class
// (kubernetes-models) and the TypeScript interface used for the unknown-field check. Prometheus
// Operator kinds: the operator's own CRDs (crd-schema.ts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
import type { KubeObject } from '../../support/manifests/kustomize-lite.js';
import { PROJECT_ROOT } from '../../support/manifests/paths.js';

interface Schema {
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
  if (!s) throw new Error(`no schema registered for ${obj.apiVersion} ${obj.kind}: add it to test/unit/manifests/schemas.ts`);
  return s;
}

const execFileP = promisify(execFile);

/**
 * Fields the schema does not know. The models' validators accept unknown fields, but the API
 * server rejects them (kubectl's default --validate=strict), and a misspelt securityContext field
 * would silently do nothing. So each Kubernetes object is type-checked as a literal of its
 * TypeScript interface, where excess-property checks name every unknown field, and each custom
 * resource is walked against its CRD's structural schema. Returns "id: message" lines.
 */
export async function unknownFields(objects: { id: string; obj: KubeObject }[], projectRoot: string): Promise<string[]> {
  const fromCrds: string[] = [];
  const typed: { id: string; obj: KubeObject; typeModule: string; typeName: string }[] = [];
  for (const o of objects) {
    const { unknown } = schemaFor(o.obj);
    if ('crd' in unknown) fromCrds.push(...unknown.crd(o.obj).map((m) => `${o.id}: ${m}`));
    else typed.push({ ...o, ...unknown });
  }
  return [...fromCrds, ...(await unknownTypedFields(typed, projectRoot))];
}

async function unknownTypedFields(objects: { id: string; obj: KubeObject; typeModule: string; typeName: string }[], projectRoot: string): Promise<string[]> {
  if (objects.length === 0) return [];
  const cacheDir = join(projectRoot, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  // Inside node_modules so the type packages resolve; removed afterwards.
  const dir = mkdtempSync(join(cacheDir, 'manifest-fields-'));
  try {
    const imports = new Map<string, string>();
    const lines: string[] = [];
    const ids: string[] = [];
    for (const { id, obj, typeModule, typeName } of objects) {
      imports.set(typeName, typeModule);
      ids.push(id);
      lines.push(`export const o${ids.length - 1}: ${typeName} = ${JSON.stringify(obj)};`);
    }
    const header = [...imports].map(([name, mod]) => `import type { ${name} } from '${mod}';`);
    writeFileSync(join(dir, 'check.ts'), [...header, ...lines].join('\n') + '\n');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: true, types: [] },
        files: ['check.ts'],
      }),
    );
    const tsc = join(projectRoot, 'node_modules', '.bin', 'tsc');
    const result = await execFileP(tsc, ['-p', join(dir, 'tsconfig.json')]).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    return result
      .split('\n')
      .filter((l) => l.includes('error TS'))
      .map((l) => {
        const line = Number(/check\.ts\((\d+),/.exec(l)?.[1] ?? 0);
        const id = ids[line - 1 - header.length] ?? '?';
        return `${id}: ${l.replace(/^.*error TS\d+: /, '')}`;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
