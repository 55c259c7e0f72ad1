// The node agents and the exporter on the real-kernel lab, as the integration suites drive them:
// the lab and its mesh started once per suite and stopped after it, back to healthy after each
// case, and the exporter's findings read from its /metrics.
import type { AgentSummary } from '../../src/agent/summary.js';
import { AmbientOnLab } from '../../netlab/src/ambient.js';
import { OverlayLab } from '../../netlab/src/index.js';
import { waitFor } from './wait.js';

export async function exporterMetrics(mesh: AmbientOnLab): Promise<string[]> {
  const res = await fetch(`${mesh.exporterUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
  return (await res.text()).split('\n');
}

/** The exporter's root causes per node, as /metrics shows them: "node issue cause". */
export const nodeIssues = (lines: string[]): string[] =>
  lines.filter((l) => l.startsWith('ambient_node_issue{')).map((l) => l.replace(/^ambient_node_issue\{node="([^"]+)",issue="([^"]+)",cause="([^"]+)"\} 1$/, '$1 $2 $3'));

export async function agentSummary(mesh: AmbientOnLab, node: string): Promise<AgentSummary> {
  const res = await fetch(`${mesh.agentUrl(node)}/summary`, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`${node} /summary: ${res.status}`);
  return (await res.json()) as AgentSummary;
}

/** Waits until the exporter's findings are exactly `want`, and returns its /metrics then. */
export async function exporterSees(mesh: AmbientOnLab, want: string[], timeoutMs = 20_000): Promise<string[]> {
  let last: string[] = [];
  return waitFor(
    async () => {
      const lines = await exporterMetrics(mesh);
      last = nodeIssues(lines);
      return JSON.stringify(last) === JSON.stringify(want) ? lines : undefined;
    },
    { timeoutMs, what: () => `findings ${JSON.stringify(want)} (now ${JSON.stringify(last)})` },
  );
}

export interface MeshOnLab {
  lab: OverlayLab;
  mesh: AmbientOnLab;
}

/**
 * Registers the suite's hooks: a lab of `nodes` nodes with an agent on each and the exporter on
 * node-1 before it, its faults removed and no finding left after each case, everything stopped after it.
 */
export function useMeshOnLab(nodes: number): MeshOnLab {
  const ctx = {} as MeshOnLab;
  before(async function () {
    this.timeout(90_000);
    ctx.lab = await OverlayLab.start({ nodes, podsPerNode: 2, hostAddress: true });
    ctx.mesh = await AmbientOnLab.start(ctx.lab);
    await ctx.mesh.startAgents();
    await ctx.mesh.startExporter();
  });
  after(async function () {
    this.timeout(30_000);
    await ctx.mesh?.close();
    await ctx.lab?.stop();
  });
  afterEach(async () => {
    await ctx.lab?.removeAll();
    if (ctx.mesh) await exporterSees(ctx.mesh, [], 30_000);
  });
  return ctx;
}
