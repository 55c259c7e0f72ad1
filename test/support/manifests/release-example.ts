// docs/deploy.md's example of another Helm release name, laid out as the example assumes: the
// checkout next to the user's own overlay (my-ambient-exporter/) in a temporary directory.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.js';

export interface ReleaseExample {
  /** the user's overlay directory (kustomization.yaml and release-label.yaml) */
  overlay: string;
  remove(): void;
}

/** The two YAML blocks of docs/deploy.md's release-name example: the kustomization, then the transformer. */
function docsExample(): { kustomization: string; transformer: string } {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs/deploy.md'), 'utf8');
  const section = /<!-- release-name example[^>]*-->([\s\S]*?)<!-- end release-name example -->/.exec(doc)?.[1] ?? '';
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  if (blocks.length !== 2) throw new Error(`docs/deploy.md's release-name example: expected two YAML blocks, found ${blocks.length}`);
  return { kustomization: blocks[0]!, transformer: blocks[1]! };
}

export function layOutReleaseExample(): ReleaseExample {
  const dir = mkdtempSync(join(tmpdir(), 'kps-release-'));
  cpSync(join(PROJECT_ROOT, 'manifests'), join(dir, 'ambient-exporter/manifests'), { recursive: true });
  const { kustomization, transformer } = docsExample();
  const overlay = join(dir, 'my-ambient-exporter');
  mkdirSync(overlay);
  writeFileSync(join(overlay, 'kustomization.yaml'), kustomization);
  writeFileSync(join(overlay, 'release-label.yaml'), transformer);
  return { overlay, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
