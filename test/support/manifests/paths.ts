// Where the manifests live, and the entry points a user applies with `kubectl apply -k`.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderKustomization, type KubeObject } from './kustomize-lite.js';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const MANIFESTS = join(PROJECT_ROOT, 'manifests');

/** manifests/base and every manifests/overlays/<name>, relative to the project root. */
export function entryPoints(): string[] {
  const overlays = join(MANIFESTS, 'overlays');
  const names = existsSync(overlays)
    ? readdirSync(overlays, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(overlays, e.name, 'kustomization.yaml')))
        .map((e) => `manifests/overlays/${e.name}`)
        .sort()
    : [];
  return ['manifests/base', ...names];
}

export function render(entry: string): KubeObject[] {
  return renderKustomization(join(PROJECT_ROOT, entry));
}

export function findObject(objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.find(
    (o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!found) throw new Error(`${kind} ${namespace ?? '*'}/${name} not found`);
  return found;
}
