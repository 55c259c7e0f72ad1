// Fields the schema does not know, found by the TypeScript compiler (a tool: the tools tier runs it).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '../../support/manifests/kustomize-lite.js';
import { schemaFor, unknownCrdFields } from '../../support/manifests/schemas.js';

const execFileP = promisify(execFile);

/**
 * Fields the schema does not know. The models' validators accept unknown fields, but the API
 * server rejects them (kubectl's default --validate=strict), and a misspelt securityContext field
 * would silently do nothing. So each Kubernetes object is type-checked as a literal of its
 * TypeScript interface, where excess-property checks name every unknown field, and each custom
 * resource is walked against its CRD's structural schema. Returns "id: message" lines.
 */
export async function unknownFields(objects: { id: string; obj: KubeObject }[], projectRoot: string): Promise<string[]> {
  const typed = objects.flatMap((o) => {
    const { unknown } = schemaFor(o.obj);
    return 'crd' in unknown ? [] : [{ ...o, ...unknown }];
  });
  return [...unknownCrdFields(objects), ...(await unknownTypedFields(typed, projectRoot))];
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
