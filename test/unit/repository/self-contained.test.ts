// A clone of this repository alone is enough to run the test suite: no test reads a file outside the
// repository, and `npm test` brings the Prometheus tools the rule and end-to-end tests run.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The code of a TypeScript file without its comments (good enough for string literals of paths). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('repository: self-contained tests', () => {
  it('no test or test helper names a path outside the repository', () => {
    const offenders: string[] = [];
    for (const file of filesUnder('test')) {
      const code = withoutComments(readFileSync(join(ROOT, file), 'utf8'));
      for (const m of code.matchAll(/['"`]([^'"`\n]*\.\.\/[^'"`\n]*)['"`]/g)) {
        const literal = m[1]!;
        // Relative to the file itself (imports, new URL(..., import.meta.url)) or to the repository root.
        const fromFile = relative(ROOT, resolve(ROOT, file, '..', literal));
        const fromRoot = relative(ROOT, resolve(ROOT, literal));
        if (fromFile.startsWith('..') && fromRoot.startsWith('..')) offenders.push(`${file}: ${literal}`);
      }
      if (/\/work\/shared|['"`]\.\.\/shared\//.test(code)) offenders.push(`${file}: reads ../shared`);
    }
    expect(offenders).to.deep.equal([]);
  });

  it('`npm test` installs the tools it needs first (Prometheus, Alertmanager, Chromium)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).to.equal('bash scripts/ensure-prometheus.sh && bash scripts/ensure-chromium.sh');
    const script = readFileSync(join(ROOT, 'scripts/ensure-prometheus.sh'), 'utf8');
    expect(script, 'non-interactive').to.include('DEBIAN_FRONTEND=noninteractive');
    expect(script).to.match(/apt-get install -y/);
  });
});
