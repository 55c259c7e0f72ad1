// A process holding a slice of the simulated agents (simulated-agents.ts) for bench/scale.ts, driven
// over the IPC channel: a process may hold only so many sockets (each agent takes a listener, two
// watch connections and the exporter's connection), so 5,000 agents run in a few processes.
//   {init} -> 'ready' once every agent listens; {start, jitterMs}; {stop} -> 'stopped';
//   {synced} -> how many have listed; {close} -> 'closed', then the process exits.
import { loadKubeConfig } from '../src/kube/client.js';
import { SimulatedAgents, type SimulatedAgentsOptions, type SimulatedNode } from './simulated-agents.js';

export type AgentsCommand =
  | { id: number; cmd: 'init'; nodes: SimulatedNode[]; kubeconfigPath: string; options: Omit<SimulatedAgentsOptions, 'kubeConfig'> }
  | { id: number; cmd: 'start'; jitterMs: number }
  | { id: number; cmd: 'stop' | 'synced' | 'close' };

export interface AgentsReply {
  id: number;
  value?: number;
  error?: string;
}

let agents: SimulatedAgents | undefined;

async function handle(m: AgentsCommand): Promise<number | undefined> {
  switch (m.cmd) {
    case 'init':
      agents = new SimulatedAgents(m.nodes, { ...m.options, kubeConfig: loadKubeConfig({ kubeconfig: m.kubeconfigPath }).kubeConfig });
      await agents.listen();
      return undefined;
    case 'start':
      void agents?.start(m.jitterMs);
      return undefined;
    case 'stop':
      await agents?.stop();
      return undefined;
    case 'synced':
      return agents?.synced() ?? 0;
    case 'close':
      await agents?.close();
      return undefined;
  }
}

process.on('message', (m: AgentsCommand) => {
  handle(m).then(
    (value) => {
      process.send!({ id: m.id, ...(value === undefined ? {} : { value }) } satisfies AgentsReply);
      if (m.cmd === 'close') process.disconnect();
    },
    (err: unknown) => process.send!({ id: m.id, error: String(err) } satisfies AgentsReply),
  );
});
