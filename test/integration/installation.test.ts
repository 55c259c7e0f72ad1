// What `npm run build` produces and how it behaves where the lab is not installed: dist/ holds the
// exporter alone (no file compiled from the lab), and in an installation like the image's
// (package.json, dist/, production node_modules without the lab workspace) `lab` and `demo` say in
// one line that the lab is a development tool, exit 2, and never print a stack trace.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { LAB_PACKAGE } from '../../src/dev-tools.js';
import { VERSION } from '../../src/version.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function node(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 20_000, env: { ...process.env, KUBECONFIG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NOT_INSTALLED = {
  lab: /^ambient-exporter: the lab is a development tool, not part of this installation; run it from a source checkout: npx tsx src\/cli\.ts lab$/,
  demo: /^ambient-exporter: the demo runs the lab, a development tool not part of this installation; run it from a source checkout: npm run demo$/,
};

function expectOneLine(r: { status: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.status, r.stderr).to.equal(2);
  expect(r.stdout).to.equal('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
}

describe('npm run build and an installation without the lab', function () {
  this.timeout(120_000);
  let install: string;

  before(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).to.equal(0);
    // The image's layout: package.json, dist/ and the production dependencies, no workspace linked.
    install = mkdtempSync(join(tmpdir(), 'ambient-install-'));
    cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
    cpSync(DIST, join(install, 'dist'), { recursive: true });
    mkdirSync(join(install, 'node_modules'));
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      if (entry === LAB_PACKAGE || entry.startsWith('.')) continue;
      symlinkSync(join(ROOT, 'node_modules', entry), join(install, 'node_modules', entry));
    }
  });

  after(() => {
    if (install) rmSync(install, { recursive: true, force: true });
  });

  it('compiles into dist/ only the exporter: every file comes from src/, none from the lab', () => {
    const files = filesUnder(DIST).map((f) => relative(DIST, f).split('\\').join('/'));
    expect(files).to.include('cli.js');
    for (const f of files) {
      const source = posix.join('src', f.replace(/\.js(\.map)?$|\.d\.ts$/, '.ts'));
      expect(existsSync(join(ROOT, source)), `dist/${f} from ${source}`).to.be.true;
    }
    // source maps name the files each output was compiled from
    for (const map of files.filter((f) => f.endsWith('.js.map'))) {
      const { sources } = JSON.parse(readFileSync(join(DIST, map), 'utf8')) as { sources: string[] };
      for (const s of sources) expect(relative(ROOT, resolve(DIST, posix.dirname(map), s)), `dist/${map}`).to.match(/^src\//);
    }
  });

  it('runs the exporter in that installation', () => {
    const r = node(['dist/cli.js', '--version'], install);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(VERSION);
  });

  for (const command of ['lab', 'demo'] as const) {
    it(`\`${command}\` there prints one line saying the lab is not part of the installation, and exits 2`, () => {
      expectOneLine(node(['dist/cli.js', command, '--nodes', '1'], install), NOT_INSTALLED[command]);
    });

    it(`\`${command}\` from the built dist/ of a checkout (where the lab and the demo are TypeScript, which only tsx runs) says the same`, () => {
      expectOneLine(node(['dist/cli.js', command, '--nodes', '1'], ROOT), NOT_INSTALLED[command]);
    });
  }
});
