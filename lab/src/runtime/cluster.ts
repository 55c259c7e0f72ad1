// Every node's processes, kept in step with the active faults and the restart actions.
import { agentDown, effectsOf, xdsPathMode, type Effects } from '../faults/effects.js';
import type { Topology } from '../cluster/topology.js';
import { APP_NAMESPACES, enrolledBy } from '../cluster/workloads.js';
import { NodeRuntime, type NodeRuntimeState } from './node.js';

const DAY_MS = 86_400_000;
const AMBIENT_NAMESPACES = new Set(APP_NAMESPACES.filter((n) => n.ambient).map((n) => n.name));

/** How long each node's ztunnel had been running when the lab started (1 to 3 hours, stable for a seed). */
export function initialZtunnelUptimeMs(t: Topology, node: string): number {
  const pod = t.pods.find((p) => p.role === 'ztunnel' && p.node === node);
  return (3600 + Math.floor(t.ids.fraction(`uptime/${pod?.name ?? node}`) * 7200)) * 1000;
}

/**
 * The pods istio-cni does not find a netns for when it starts after the node's reboot: every other
 * enrolled application pod of the node (half, rounded up), in name order.
 */
export function rebootLostPods(t: Topology, node: string): string[] {
  const pods = t.pods
    .filter((p) => p.role === 'app' && p.node === node && !p.late && enrolledBy(p.labels, AMBIENT_NAMESPACES.has(p.namespace)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return pods.filter((_, i) => i % 2 === 0).map((p) => p.uid);
}

export class ClusterRuntime {
  private readonly nodes = new Map<string, NodeRuntime>();
  private effects: Effects = effectsOf([]);

  constructor(
    private readonly t: Topology,
    now: number,
  ) {
    for (const n of t.nodes) {
      this.nodes.set(n.name, new NodeRuntime(n.name, now - initialZtunnelUptimeMs(t, n.name), t.startedAt - 2 * DAY_MS));
    }
  }

  node(name: string): NodeRuntime {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node "${name}"`);
    return n;
  }

  advance(now: number): void {
    for (const n of this.nodes.values()) n.advance(now);
  }

  /** Applies a new set of fault effects at `now`: process restarts, crash loops and paths change. */
  apply(effects: Effects, now: number): void {
    this.advance(now);
    const before = this.effects;
    for (const [name, n] of this.nodes) {
      const crash = (was: boolean, is: boolean, begin: () => void, end: () => void) => {
        if (!was && is) begin();
        else if (was && !is) end();
      };
      crash(before.ztunnelDown.has(name), effects.ztunnelDown.has(name), () => n.ztunnelCrash(now), () => n.ztunnelStart(now));
      crash(agentDown(before, name), agentDown(effects, name), () => n.agentCrash(now), () => n.agentRestart(now));
      crash(before.rebooted.has(name), effects.rebooted.has(name), () => n.reboot(now, rebootLostPods(this.t, name)), () => n.endReboot());
      n.setXdsMode(xdsPathMode(this.t, effects, name), now);
      n.setRefusingFault(effects.cniRefusing.get(name));
    }
    this.effects = effects;
    this.advance(now);
  }

  restartZtunnel(node: string, now: number): void {
    const n = this.node(node);
    n.advance(now);
    if (!n.ztunnel.running) throw new RestartError(`the ztunnel on ${node} is crash-looping (cni-blocked): it restarts by itself`);
    n.ztunnelStart(now);
    n.advance(now);
  }

  restartAgent(node: string, now: number): void {
    const n = this.node(node);
    n.advance(now);
    if (n.agent.crashLooping) throw new RestartError(`istio-cni on ${node} is crash-looping (cni-refusing:agent-socket-missing): it restarts by itself`);
    n.agentRestart(now);
    n.advance(now);
  }

  /** Back to healthy: rollouts are forgotten (those still waiting, once their node admits them). */
  forgetEpisodes(): void {
    for (const n of this.nodes.values()) n.forgetEpisode();
  }

  states(now: number): Map<string, NodeRuntimeState> {
    return new Map([...this.nodes].map(([name, n]) => [name, n.state(now)]));
  }
}

/** A restart that cannot be done (the container is already restarting on its own). */
export class RestartError extends Error {
  override name = 'RestartError';
}
