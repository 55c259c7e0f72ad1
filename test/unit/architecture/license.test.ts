// The licence package.json declares is the one the repository ships, in full.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../../support/manifests/paths.js';

describe('licence', () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { license: string };
  const text = readFileSync(join(PROJECT_ROOT, 'LICENSE'), 'utf8');

  it('package.json declares Apache-2.0 and LICENSE holds the Apache License 2.0, terms to appendix', () => {
    expect(pkg.license).to.equal('Apache-2.0');
    expect(text).to.match(/^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
    expect(text).to.contain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
    expect(text).to.contain('9. Accepting Warranty or Additional Liability.');
    expect(text).to.contain('END OF TERMS AND CONDITIONS');
    expect(text).to.contain('APPENDIX: How to apply the Apache License to your work.');
  });
});
