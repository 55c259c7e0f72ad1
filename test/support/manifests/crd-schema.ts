// The Prometheus Operator kinds (ServiceMonitor, PodMonitor, PrometheusRule) checked against the
// CRDs the operator installs: test/fixtures/crds/ holds prometheus-operator v0.93.1's
// example/prometheus-operator-crd/monitoring.coreos.com_*.yaml as kube-prometheus-stack 88.5.3
// ships them (charts/crds/crds/). The API server validates a custom resource against the CRD's
// openAPIV3Schema and, with kubectl's default --validate=strict, rejects fields the schema does not
// declare; both are checked here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kustomize-lite.js';

/** The part of an OpenAPI v3 schema the unknown-field walk reads. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: boolean | StructuralSchema;
  items?: StructuralSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

interface Crd {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: StructuralSchema } }[] };
}

export interface CrdSchema {
  /** apiVersion/kind, e.g. monitoring.coreos.com/v1/PodMonitor */
  key: string;
  /** throws with what the API server would refuse */
  validate: (obj: KubeObject) => void;
  /** JSON paths of fields the CRD does not declare */
  unknownFields: (obj: KubeObject) => string[];
}

const CRD_DIR = 'test/fixtures/crds';

/**
 * Fields of `value` the schema does not declare, as JSON paths. Kubernetes prunes (and strict
 * validation rejects) exactly these: a property not under `properties`, unless the schema lets
 * additional properties or unknown fields through. `metadata` is validated by the API server
 * itself, not by the CRD (its schema there is a bare `type: object`).
 */
export function unknownIn(value: unknown, schema: StructuralSchema, path: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownIn(v, schema.items!, `${path}[${i}]`)) : [];
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const declared = schema.properties?.[key];
    const extra = schema.additionalProperties;
    if (declared) out.push(...unknownIn(child, declared, `${path}.${key}`));
    else if (typeof extra === 'object') out.push(...unknownIn(child, extra, `${path}.${key}`));
    else if (extra !== true && schema.properties) out.push(`${path}.${key}`);
  }
  return out;
}

function loadCrd(root: string, file: string): Crd {
  const docs = parseAllDocuments(readFileSync(join(root, CRD_DIR, file), 'utf8'))
    .map((d) => d.toJS() as Crd | null)
    .filter((d): d is Crd => d?.kind === 'CustomResourceDefinition');
  const [crd] = docs;
  if (!crd) throw new Error(`${CRD_DIR}/${file}: no CustomResourceDefinition`);
  return crd;
}

/**
 * The CRDs' patterns are Go (RE2) expressions; the only construct JavaScript lacks there is the
 * `(?i)` flag group (e.g. `^(?i)(abort|warn)?$`), which becomes the `i` flag for the whole pattern.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)') ? new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

/** One schema per served version of the CRDs under test/fixtures/crds/. */
export function crdSchemas(root: string, files: readonly string[]): CrdSchema[] {
  // formats (int32, date-time, ...) are the API server's business; x-kubernetes-* keywords are ignored
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, code: { regExp: goRegExp } });
  return files.flatMap((file) => {
    const crd = loadCrd(root, file);
    return crd.spec.versions.map((v) => {
      const schema = v.schema.openAPIV3Schema;
      const check: ValidateFunction = ajv.compile(schema);
      const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      return {
        key,
        validate: (obj: KubeObject) => {
          if (!check(obj)) throw new Error(`${key}: ${ajv.errorsText(check.errors)}`);
        },
        unknownFields: (obj: KubeObject) => unknownIn(obj, schema, '').map((p) => `unknown field "${p.slice(1)}"`),
      };
    });
  });
}
