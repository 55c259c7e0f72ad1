// Node agents for the simulated cluster, run in this process: one per lab node, listening on the
// node's address (as the DaemonSet's host-network pods do), each with a CNI directory of its own.
// The lab serves their pods when its extraObjects returns agentPodObjects(nodes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Lab } from 'ambient-lab';
import { resolveAgentConfig } from '../../src/agent/config.js';
import { startAgent, type Agent } from '../../src/agent/index.js';

export interface LabNode {
  name: string;
  ip: string;
}

export async function labNodes(lab: Lab): Promise<LabNode[]> {
  const list = (await (await fetch(`${lab.apiUrl}/api/v1/nodes`)).json()) as { items: { metadata: { name: string }; status: { addresses: { type: string; address: string }[] } }[] };
  return list.items.map((n) => ({ name: n.metadata.name, ip: n.status.addresses.find((a) => a.type === 'InternalIP')!.address }));
}

/** Flannel's conflist as the node has it: with istio-cni chained (as istio-cni leaves it), or without. */
export function cniConfDir(withIstioCni: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-agent-cni-'));
  const plugins = [{ type: 'flannel' }, { type: 'portmap' }, ...(withIstioCni ? [{ type: 'istio-cni' }] : [])];
  writeFileSync(path.join(dir, '10-flannel.conflist'), JSON.stringify({ cniVersion: '0.3.1', name: 'cbr0', plugins }));
  return dir;
}

export interface LabAgents {
  agents: Agent[];
  refreshAll(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an agent per node; `withoutIstioCni` names nodes whose CNI config lacks istio-cni. */
export async function startLabAgents(lab: Lab, nodes: readonly LabNode[], opts: { withoutIstioCni?: readonly string[]; refreshInterval?: string } = {}): Promise<LabAgents> {
  const dirs: string[] = [];
  const agents: Agent[] = [];
  try {
    for (const n of nodes) {
      const dir = cniConfDir(!(opts.withoutIstioCni ?? []).includes(n.name));
      dirs.push(dir);
      const config = resolveAgentConfig({
        flags: { nodeName: n.name, kubeconfig: lab.kubeconfigPath, listenAddress: `${n.ip}:9480`, refreshInterval: opts.refreshInterval ?? '1s', scrapeTimeout: '400ms', cniConfDir: dir, startJitter: '0s' },
        env: {},
      });
      agents.push(await startAgent(config, { defaultMetrics: false }));
    }
    await Promise.all(agents.map((a) => a.ready()));
  } catch (err) {
    await Promise.all(agents.map((a) => a.close()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    throw err;
  }
  return {
    agents,
    refreshAll: async () => void (await Promise.all(agents.map((a) => a.refreshNow()))),
    async close() {
      await Promise.all(agents.map((a) => a.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
