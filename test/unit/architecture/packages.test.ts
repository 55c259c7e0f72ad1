// The two packages of the repository and the edges between their modules: no import cycle (type
// imports count: they are what tie files together when reading), the exporter (src/) never reaches
// the lab statically, the lab (lab/src/) never reaches the exporter, and the lab imports only what
// its own package.json declares. Built on dpdm's module graph, resolved as Node resolves it.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import type { Component as LabComponent } from 'ambient-lab';
import type { DemoModule, LabModule } from '../../../src/dev-tools.js';
import type { Component } from '../../../src/model.js';
import { PROJECT_ROOT } from '../../support/manifests/paths.js';

// Compile-time checks (`npm run typecheck` fails on drift): the CLI's local interfaces fit the
// modules it loads at run time, and the lab's component kinds are the exporter's.
type Fits<T extends U, U> = T;
export type LabPackageFits = Fits<typeof import('ambient-lab'), LabModule>;
export type DemoScriptFits = Fits<typeof import('../../../scripts/demo.js'), DemoModule>;
export type SameComponents = [Fits<LabComponent, Component>, Fits<Component, LabComponent>];

const ENTRIES = ['src/**/*.ts', 'lab/src/**/*.ts'];

/** Every static or dynamic import with a literal specifier, as "issuer -> resolved file" (or the request when unresolved). */
function edges(tree: DependencyTree): { issuer: string; request: string; target: string }[] {
  return Object.entries(tree).flatMap(([issuer, deps]) => (deps ?? []).map((d) => ({ issuer, request: d.request, target: d.id ?? d.request })));
}

describe('packages: the exporter (src/) and the lab (lab/src/)', () => {
  let tree: DependencyTree;
  before(async () => {
    tree = await parseDependencyTree(ENTRIES, { cwd: PROJECT_ROOT, context: PROJECT_ROOT, transform: false, skipDynamicImports: false });
    expect(Object.keys(tree).filter((f) => f.startsWith('src/'))).not.to.be.empty;
    expect(Object.keys(tree).filter((f) => f.startsWith('lab/src/'))).not.to.be.empty;
  });

  it('have no import cycle', () => {
    const inPackages = (f: string) => f.startsWith('src/') || f.startsWith('lab/src/');
    const cycles = parseCircular(tree).filter((c) => c.every(inPackages));
    expect(cycles.map((c) => c.join(' -> '))).to.deep.equal([]);
  });

  it('the exporter imports nothing from the lab', () => {
    const reaching = edges(tree).filter((e) => e.issuer.startsWith('src/') && (e.target.startsWith('lab/') || e.request === 'ambient-lab' || e.request.startsWith('ambient-lab/')));
    expect(reaching.map((e) => `${e.issuer} imports ${e.request}`)).to.deep.equal([]);
  });

  it('the lab imports nothing from the exporter, and only the packages its package.json declares', () => {
    const lab = JSON.parse(readFileSync(join(PROJECT_ROOT, 'lab/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = new Set([...Object.keys(lab.dependencies ?? {}), ...builtinModules]);
    const outside = edges(tree).filter((e) => {
      if (!e.issuer.startsWith('lab/src/')) return false;
      if (e.request.startsWith('.')) return !e.target.startsWith('lab/src/');
      if (e.request.startsWith('node:')) return false;
      const name = e.request.startsWith('@') ? e.request.split('/').slice(0, 2).join('/') : e.request.split('/')[0]!;
      return !declared.has(name);
    });
    expect(outside.map((e) => `${e.issuer} imports ${e.request}`)).to.deep.equal([]);
  });
});
