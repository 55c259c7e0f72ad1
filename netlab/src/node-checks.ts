// Running the node checks on a lab node: the runner process inside the node's namespace, given
// the lab's Node objects and the node's CNI directory. `unprivileged` runs it as uid/gid 65534
// with every capability dropped and no_new_privs (setpriv), the least privilege the checks claim.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult, NodeCheckInput, RawNetwork } from '../../src/agent/checks/index.js';
import type { OverlayLab } from './lab.js';
import { primaryOverlay } from './flannel.js';
import { runTsInNetns } from './processes.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node-checks-runner.ts');

export const UNPRIVILEGED: readonly string[] = [
  'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
];

export interface NodeChecksOptions extends Partial<Omit<NodeCheckInput, 'nodeName'>> {
  unprivileged?: boolean;
  /** run in this namespace instead of the node's (e.g. a pod's: an agent without hostNetwork) */
  netns?: string;
  /** prepended to the command inside the namespace, after any privilege drop */
  wrapper?: readonly string[];
}

export async function runNodeChecksIn(lab: OverlayLab, nodeName: string, options: NodeChecksOptions = {}): Promise<{ results: CheckResult[]; raw: RawNetwork }> {
  const node = lab.node(nodeName);
  const { unprivileged, netns, wrapper = [], ...rest } = options;
  const input: NodeCheckInput = { nodeName, nodes: lab.nodeObjects(), cniConfDir: node.cniConfDir, expectedVxlanPort: primaryOverlay(node).device.port, ...rest };
  const file = path.join(lab.plan.runDir, `checks-${nodeName}-${process.hrtime.bigint()}.json`);
  await writeFile(file, JSON.stringify(input), { mode: 0o644 });
  const out = await runTsInNetns(netns ?? node.netns, RUNNER, [file], { wrapper: [...(unprivileged ? UNPRIVILEGED : []), ...wrapper] });
  return JSON.parse(out) as { results: CheckResult[]; raw: RawNetwork };
}
