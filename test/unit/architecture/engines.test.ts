// The Node the project names is the Node it installs on: every package in package-lock.json (the
// exporter's dependencies, the lab's and the development tools) accepts the oldest Node that
// package.json's engines admit, so `npm ci` there prints no EBADENGINE warning; and the README
// names that Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import semver from 'semver';
import { PROJECT_ROOT } from '../../support/manifests/paths.js';

interface LockPackage {
  version?: string;
  engines?: { node?: string };
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
const oldest = semver.minVersion(pkg.engines.node);

describe('engines: the Node the project names', () => {
  it('package.json names a lowest Node version', () => {
    expect(oldest, pkg.engines.node).not.to.equal(null);
  });

  it('every locked package accepts it (no EBADENGINE on `npm ci`)', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node !== undefined && !semver.satisfies(oldest!, p.engines.node))
      .map(([path, p]) => `${path.replace(/^node_modules\//, '')}@${p.version ?? '?'} wants node ${p.engines?.node}`);
    expect(refusing).to.deep.equal([]);
  });

  it('the README names it', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).to.contain(`Node ${oldest!.major}.${oldest!.minor}`);
  });
});
