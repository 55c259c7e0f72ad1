// A renderer for exactly the kustomize features manifests/ uses, so the manifests can be rendered
// and checked where no kustomize binary is installed. Anything else in a kustomization.yaml is an
// error here, never silently ignored. Where `kubectl kustomize` exists, render.test.ts checks
// that this renderer and kustomize produce the same objects.
//
// Supported: `resources` (YAML files, possibly multi-document, and directories holding a
// kustomization.yaml), `configMapGenerator` with `files` (`path` or `key=path`), `namespace`,
// `behavior` create|replace and `options.labels`, and `transformers` naming files that hold a
// builtin LabelTransformer whose fieldSpecs put labels on `metadata/labels` of given kinds.
// Generated ConfigMaps get kustomize's content hash suffix, and pod templates' references to them
// are renamed to match.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

interface GeneratorSpec {
  name: string;
  namespace?: string;
  behavior?: 'create' | 'replace';
  files?: string[];
  options?: { labels?: Record<string, string> };
}

interface Item {
  obj: KubeObject;
  /** set for ConfigMaps from configMapGenerator: the name before the hash suffix */
  generatedName?: string;
}

const KUSTOMIZATION_KEYS = new Set(['apiVersion', 'kind', 'resources', 'configMapGenerator', 'transformers']);
const GENERATOR_KEYS = new Set(['name', 'namespace', 'behavior', 'files', 'options']);

export function objectId(o: KubeObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function readKustomization(dir: string): Record<string, unknown> {
  const path = join(dir, 'kustomization.yaml');
  const doc = parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  if (doc === null || typeof doc !== 'object') throw new Error(`${path}: not a mapping`);
  for (const key of Object.keys(doc)) {
    if (!KUSTOMIZATION_KEYS.has(key)) throw new Error(`${path}: kustomize-lite does not support "${key}"`);
  }
  return doc;
}

function readObjects(path: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as KubeObject | null;
    if (value === null) continue;
    if (!value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new Error(`${path}: every object needs apiVersion, kind and metadata.name`);
    }
    out.push(value);
  }
  return out;
}

function generatorData(dir: string, spec: GeneratorSpec): Record<string, string> {
  const data: Record<string, string> = {};
  for (const entry of spec.files ?? []) {
    const eq = entry.indexOf('=');
    const key = eq >= 0 ? entry.slice(0, eq) : basename(entry);
    const file = eq >= 0 ? entry.slice(eq + 1) : entry;
    if (key in data) throw new Error(`configMapGenerator ${spec.name}: key ${key} given twice`);
    data[key] = readFileSync(join(dir, file), 'utf8');
  }
  return data;
}

function applyGenerators(dir: string, specs: unknown, items: Item[]): void {
  if (specs === undefined) return;
  if (!Array.isArray(specs)) throw new Error(`${dir}: configMapGenerator must be a list`);
  for (const spec of specs as GeneratorSpec[]) {
    for (const key of Object.keys(spec)) {
      if (!GENERATOR_KEYS.has(key)) throw new Error(`${dir}: configMapGenerator.${key} is not supported`);
    }
    for (const key of Object.keys(spec.options ?? {})) {
      if (key !== 'labels') throw new Error(`${dir}: configMapGenerator options.${key} is not supported`);
    }
    const data = generatorData(dir, spec);
    const behavior = spec.behavior ?? 'create';
    if (behavior === 'replace') {
      const target = items.find((i) => i.generatedName === spec.name && i.obj.metadata.namespace === spec.namespace);
      if (!target) throw new Error(`${dir}: configMapGenerator ${spec.name} replaces nothing`);
      target.obj.data = data;
      if (spec.options?.labels) target.obj.metadata.labels = { ...target.obj.metadata.labels, ...spec.options.labels };
    } else if (behavior === 'create') {
      const metadata: KubeObject['metadata'] = { name: spec.name };
      if (spec.namespace !== undefined) metadata.namespace = spec.namespace;
      if (spec.options?.labels) metadata.labels = { ...spec.options.labels };
      items.push({ obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data }, generatedName: spec.name });
    } else {
      throw new Error(`${dir}: configMapGenerator behavior ${String(behavior)} is not supported`);
    }
  }
}

interface LabelTransformerSpec {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  labels?: Record<string, string>;
  fieldSpecs?: { kind?: string; path?: string; create?: boolean; [k: string]: unknown }[];
}

/**
 * kustomize's builtin LabelTransformer, for fieldSpecs that select a kind and its metadata/labels
 * (created when absent): the only form manifests/ uses. Later transformers overwrite the same key.
 */
function applyTransformers(dir: string, files: unknown, items: Item[]): void {
  if (files === undefined) return;
  if (!Array.isArray(files)) throw new Error(`${dir}: transformers must be a list`);
  for (const file of files as string[]) {
    const path = join(dir, file);
    const spec = parseYaml(readFileSync(path, 'utf8')) as LabelTransformerSpec;
    if (spec.apiVersion !== 'builtin' || spec.kind !== 'LabelTransformer') throw new Error(`${path}: only the builtin LabelTransformer is supported`);
    for (const key of Object.keys(spec)) {
      if (!['apiVersion', 'kind', 'metadata', 'labels', 'fieldSpecs'].includes(key)) throw new Error(`${path}: LabelTransformer ${key} is not supported`);
    }
    const kinds = new Set<string>();
    for (const f of spec.fieldSpecs ?? []) {
      const extra = Object.keys(f).filter((k) => !['kind', 'path', 'create'].includes(k));
      if (!f.kind || f.path !== 'metadata/labels' || f.create !== true || extra.length > 0) {
        throw new Error(`${path}: only fieldSpecs {kind, path: metadata/labels, create: true} are supported`);
      }
      kinds.add(f.kind);
    }
    for (const { obj } of items) {
      if (kinds.has(obj.kind)) obj.metadata.labels = { ...obj.metadata.labels, ...spec.labels };
    }
  }
}

function accumulate(dir: string): Item[] {
  const k = readKustomization(dir);
  const items: Item[] = [];
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) items.push(...accumulate(path));
    else items.push(...readObjects(path).map((obj) => ({ obj })));
  }
  applyGenerators(dir, k.configMapGenerator, items);
  applyTransformers(dir, k.transformers, items);
  return items;
}

/**
 * kustomize's ConfigMap hash (api/hasher): sha256 of the JSON of {data, kind, name}, of which the
 * first 10 hex digits are kept with 0,1,3,a,e swapped for g,h,k,m,t. kustomize v5 hashes the
 * generated map before it is named, so `name` is "" (observed against kustomize v5.5.0, and
 * checked by render.test.ts wherever kubectl is installed).
 */
export function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const json = goJson({ data: sorted, kind: 'ConfigMap', name: '' });
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  return [...hex].map((c) => swap[c] ?? c).join('');
}

/** JSON as Go's encoding/json writes it: HTML-sensitive characters and U+2028/9 escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

type PodSpecLike = {
  volumes?: { configMap?: { name?: string } }[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
};
type ContainerLike = {
  env?: { valueFrom?: { configMapKeyRef?: { name?: string } } }[];
  envFrom?: { configMapRef?: { name?: string } }[];
};

function renameConfigMapRefs(obj: KubeObject, from: string, to: string): void {
  const spec = (obj.spec as { template?: { spec?: PodSpecLike } } | undefined)?.template?.spec;
  if (!spec) return;
  for (const v of spec.volumes ?? []) if (v.configMap?.name === from) v.configMap.name = to;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const e of c.env ?? []) if (e.valueFrom?.configMapKeyRef?.name === from) e.valueFrom.configMapKeyRef.name = to;
    for (const e of c.envFrom ?? []) if (e.configMapRef?.name === from) e.configMapRef.name = to;
  }
}

/** Render the kustomization in `dir` into its list of objects. */
export function renderKustomization(dir: string): KubeObject[] {
  const items = structuredClone(accumulate(resolve(dir)));
  for (const item of items) {
    if (item.generatedName === undefined) continue;
    const hashed = `${item.generatedName}-${configMapHash(item.obj.data as Record<string, string>)}`;
    item.obj.metadata.name = hashed;
    for (const other of items) {
      if (other.obj.metadata.namespace === item.obj.metadata.namespace) renameConfigMapRefs(other.obj, item.generatedName, hashed);
    }
  }
  const seen = new Set<string>();
  for (const { obj } of items) {
    const id = objectId(obj);
    if (seen.has(id)) throw new Error(`${dir}: ${id} is defined twice`);
    seen.add(id);
  }
  return items.map((i) => i.obj);
}
