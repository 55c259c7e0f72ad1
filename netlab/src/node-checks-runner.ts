// Runs one round of the node checks (src/agent/checks) in the namespace it is started in and
// prints {results, raw} as JSON: how the tests run the checks "on" a lab node, as the agent will
// run on a real one (hostNetwork). Input: a JSON file with the NodeCheckInput.
import { readFileSync } from 'node:fs';
import { runNodeChecks, type NodeCheckInput } from '../../src/agent/checks/index.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node-checks-runner.ts INPUT.json\n');
  process.exit(2);
}
const input = JSON.parse(readFileSync(file, 'utf8')) as NodeCheckInput;
process.stdout.write(`${JSON.stringify(await runNodeChecks(input))}\n`);
