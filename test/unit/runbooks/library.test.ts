// The runbooks the exporter serves: every alert's page rendered from docs/runbooks, links between
// runbooks that keep working where they are served, raw HTML escaped, and nothing read but the
// runbooks themselves, whatever name is asked for.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbooks, runbookHref } from '../../../src/runbooks/library.js';
import { PUBLISHED_DOCS_URL } from '../../../src/runbooks/location.js';
import { ALERT_GROUPS } from '../../../scripts/rules/alerts.js';

const alerts = ALERT_GROUPS.flatMap((g) => g.alerts.map((a) => a.alert));

describe('runbooks: the shipped ones, served', () => {
  const lib = loadRunbooks();

  it('serves a page for every alert that has a runbook, titled with its name', () => {
    const served = new Set(lib.names());
    for (const a of alerts.filter((x) => served.has(x))) {
      const page = lib.page(a)!;
      expect(page).to.contain(`<title>${a} · runbook</title>`).and.contain(`<h1>${a}</h1>`).and.contain('<h2>Meaning</h2>');
    }
    expect(served.size).to.be.greaterThan(10);
  });

  it('links between runbooks resolve to runbooks it serves, and the index links each one', () => {
    const served = new Set(lib.names());
    for (const name of served) {
      for (const [, href] of lib.page(name)!.matchAll(/<a href="([^"]+)"/g)) {
        if (/^https?:/.test(href!) || href === '../' || href === './' || href!.startsWith('#') || href!.startsWith('./#')) continue;
        expect(served.has(href!.split('#')[0]!), `${name} links ${href}`).to.equal(true);
      }
    }
    const index = lib.index();
    for (const name of served) expect(index, name).to.contain(`href="${name}"`);
  });
});

describe('runbooks: rendering and lookup', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbooks-'));
    writeFileSync(join(dir, 'README.md'), '# Runbooks\n\n[A](AmbientA.md) and [B](AmbientB.md#mitigation)\n');
    writeFileSync(
      join(dir, 'AmbientA.md'),
      '# AmbientA\n\nSee [B](AmbientB.md#diagnosis), [the index](README.md), [metrics](../metrics.md), [site](https://example.org/x) ' +
        'and [bad](javascript:alert(1)).\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n```sh\necho "<b>" && rm -rf /\n```\n',
    );
    writeFileSync(join(dir, 'AmbientB.md'), '# AmbientB\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a runbook');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites links: runbook to runbook relative, the index to ./, other docs to the published repository', () => {
    const names = new Set(['AmbientA', 'AmbientB']);
    expect(runbookHref('AmbientB.md#diagnosis', names)).to.equal('AmbientB#diagnosis');
    expect(runbookHref('./AmbientB.md', names)).to.equal('AmbientB');
    expect(runbookHref('README.md', names)).to.equal('./');
    expect(runbookHref('../metrics.md', names)).to.equal(`${PUBLISHED_DOCS_URL}/metrics.md`);
    expect(runbookHref('AmbientGone.md', names)).to.equal(`${PUBLISHED_DOCS_URL}/runbooks/AmbientGone.md`);
    expect(runbookHref('https://example.org/x', names)).to.equal('https://example.org/x');
    expect(runbookHref('#impact', names)).to.equal('#impact');
  });

  it('escapes raw HTML and refuses javascript: links; code stays code', () => {
    const page = loadRunbooks(dir).page('AmbientA')!;
    expect(page).not.to.contain('<script>alert');
    expect(page).not.to.contain('<img');
    expect(page).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.to.match(/href="javascript:/i);
    expect(page).to.contain('<code class="language-sh">echo &quot;&lt;b&gt;&quot; &amp;&amp; rm -rf /');
    expect(page).to.contain('<a href="AmbientB#diagnosis">B</a>');
    expect(page).to.contain('<a href="./">the index</a>');
    expect(page).to.contain('<a href="https://example.org/x" rel="noopener noreferrer">site</a>');
  });

  it('finds only runbooks by alert name: no other file, no path, no traversal', () => {
    const lib = loadRunbooks(dir);
    expect(lib.names()).to.deep.equal(['AmbientA', 'AmbientB']);
    for (const bad of ['README', 'notes', 'notes.txt', '../README', '..%2FAmbientA', '/etc/passwd', 'AmbientA/../AmbientB', 'ambienta', '']) {
      expect(lib.page(bad), bad).to.equal(undefined);
    }
    expect(lib.index()).to.contain('<a href="AmbientB#mitigation">B</a>');
  });

  it('serves no runbook, and an index saying so, when the directory is missing', () => {
    const lib = loadRunbooks(join(dir, 'nowhere'));
    expect(lib.names()).to.deep.equal([]);
    expect(lib.page('AmbientA')).to.equal(undefined);
    expect(lib.index()).to.contain('<h1>Runbooks</h1>');
  });
});
