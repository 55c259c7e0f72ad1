// amtool accepts the complete Alertmanager example and the inhibition snippet merged into a minimal
// configuration (what users do with it).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RULES_DIR, loadYaml } from '../../support/rule-files.js';
import { requireTool, run } from '../../support/tools.js';

const snippetPath = join(RULES_DIR, 'alertmanager/inhibit-rules.yaml');
const examplePath = join(RULES_DIR, 'alertmanager/alertmanager.example.yaml');

describe('rules: amtool check-config', () => {
  const snippet = loadYaml<{ inhibit_rules: unknown[] }>(snippetPath);

  it('accepts the complete example', async () => {
    const { stdout } = await run(requireTool('amtool'), ['check-config', examplePath]);
    expect(stdout).to.contain('SUCCESS');
    expect(stdout).to.contain(`${snippet.inhibit_rules.length} inhibit rules`);
  });

  it('accepts the snippet merged into a minimal configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ambient-am-'));
    try {
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, stringify({ route: { receiver: 'null' }, receivers: [{ name: 'null' }], ...snippet }));
      const { stdout } = await run(requireTool('amtool'), ['check-config', file]);
      expect(stdout).to.contain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
