// A mocha root hook plugin for the unit tier (`npm run test:unit` loads it with --require): any
// attempt to start a program fails the test that made it, naming the tier it belongs in. The unit
// tier is hermetic and fast; promtool, Prometheus, amtool, kubectl, chromium and the CLI as a child
// process are for test/tools, test/integration and test/e2e.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const SPAWNING = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

function refuse(name: string): never {
  throw new Error(`child_process.${name}: the unit tier starts no program; a test that needs one belongs in test/tools or test/integration (docs/development.md)`);
}

export const mochaHooks = {
  beforeAll(): void {
    const cp = childProcess as unknown as Record<string, unknown>;
    for (const name of SPAWNING) cp[name] = () => refuse(name);
    syncBuiltinESMExports();
  },
};
