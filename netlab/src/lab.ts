// A Flannel-style VXLAN overlay on the real Linux kernel: N node namespaces on an underlay
// bridge, each with flannel.<VNI>, the FDB/neighbour/route entries Flannel programs for every
// peer, cni0 with pod namespaces behind it, and an HTTP endpoint in every node and pod namespace.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAll } from './exec.js';
import { flannelCommands } from './flannel.js';
import { nodeUnderlayCommands, podNetworkCommands, switchCommands } from './host-network.js';
import { newRunTag } from './names.js';
import { planLab, type LabOptions, type LabPlan, type NodePlan } from './plan.js';
import { nodeObject, type LabNodeObject, type NodeTaint } from './node-objects.js';
import { writeNodeCniConfig } from './cni-config.js';
import { applyFault, nodeOf, removeFault, type Fault } from './faults.js';
import { startInNetns, type NetnsProcess } from './processes.js';
import { probe, type ProbeOptions, type Site } from './probe.js';
import { sweepLeftovers, teardown, track, untrack, type LabResources } from './cleanup.js';
import type { ProbeResult } from './probe-result.js';

const ENDPOINT_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'endpoint.ts');

const faultKey = (f: Fault): string => JSON.stringify(f);

/** The first lab of a process first removes what killed runs left behind. */
let swept: Promise<unknown> | undefined;

export class OverlayLab {
  private readonly processes: NetnsProcess[] = [];
  private readonly sites = new Map<string, Site>();
  private readonly active = new Map<string, Fault>();
  private stopped = false;

  private constructor(
    readonly plan: LabPlan,
    private readonly resources: LabResources,
  ) {}

  /** Builds the whole lab; on any failure removes what it made and rethrows. */
  static async start(options: LabOptions = {}): Promise<OverlayLab> {
    swept ??= sweepLeftovers();
    await swept;
    const plan = planLab(newRunTag(), os.tmpdir(), options);
    const resources: LabResources = { plan, pids: new Set() };
    track(resources);
    const lab = new OverlayLab(plan, resources);
    try {
      await lab.build();
    } catch (err) {
      await lab.stop();
      throw err;
    }
    return lab;
  }

  private async build(): Promise<void> {
    const { plan } = this;
    await mkdir(plan.runDir, { recursive: true, mode: 0o755 });
    await runAll(switchCommands(plan));
    await Promise.all(
      plan.nodes.map(async (node) => {
        await runAll(nodeUnderlayCommands(plan, node));
        await runAll(flannelCommands(node, plan.nodes));
        await runAll(podNetworkCommands(node));
        await writeNodeCniConfig(node.cniConfDir, 'chained');
      }),
    );
    const sites: Site[] = plan.nodes.flatMap((n) => [this.siteOf(n.name, n.netns, n.publicIp), ...n.pods.map((p) => this.siteOf(p.name, p.netns, p.ip))]);
    await Promise.all(sites.map((s) => this.startEndpoint(s)));
  }

  private siteOf(name: string, netns: string, ip: string): Site {
    const site = { name, netns, ip, port: this.plan.endpointPort, control: path.join(this.plan.runDir, `${name}.sock`) };
    this.sites.set(name, site);
    return site;
  }

  /**
   * Runs a TypeScript file of this repository inside one of the lab's namespaces (`ip netns exec`),
   * the way the lab runs its endpoints: it must print "ready", it is killed with the lab on every
   * path out (stop, failure, signals), and its own stop() ends it earlier.
   */
  async start(netns: string, script: string, args: readonly string[], options: { wrapper?: readonly string[]; readyTimeoutMs?: number } = {}): Promise<NetnsProcess> {
    if (this.stopped) throw new Error('the lab is stopped');
    const proc = await startInNetns(netns, script, args, { ...options, onSpawn: (pid) => this.resources.pids.add(pid) });
    this.processes.push(proc);
    return proc;
  }

  private async startEndpoint(site: Site): Promise<void> {
    const proc = await startInNetns(site.netns, ENDPOINT_SCRIPT, ['--listen', `${site.ip}:${site.port}`, '--control', site.control], {
      onSpawn: (pid) => this.resources.pids.add(pid),
    });
    this.processes.push(proc);
  }

  get nodes(): readonly NodePlan[] {
    return this.plan.nodes;
  }

  node(name: string): NodePlan {
    return nodeOf(this.plan, name);
  }

  /** Every node as the Kubernetes API would show it (Flannel's annotations, podCIDR, taints). */
  nodeObjects(taints: Record<string, NodeTaint[]> = {}): LabNodeObject[] {
    return this.plan.nodes.map((n) => nodeObject(n, taints[n.name]));
  }

  /** The node's host network namespace, its endpoint on the underlay address. */
  host(node: string): Site {
    return this.site(node);
  }

  /** A pod on the node (the first by default), its endpoint on the pod address. */
  pod(node: string, index = 0): Site {
    return this.site(`${node}-pod-${index + 1}`);
  }

  private site(name: string): Site {
    const s = this.sites.get(name);
    if (!s) throw new Error(`no site ${name}`);
    return s;
  }

  probe(from: Site, to: Site, options?: ProbeOptions): Promise<ProbeResult> {
    return probe(from, to, options);
  }

  async apply(fault: Fault): Promise<void> {
    if (this.active.has(faultKey(fault))) throw new Error(`fault already applied: ${faultKey(fault)}`);
    await applyFault(this.plan, fault);
    this.active.set(faultKey(fault), fault);
  }

  async remove(fault: Fault): Promise<void> {
    if (!this.active.delete(faultKey(fault))) throw new Error(`fault not applied: ${faultKey(fault)}`);
    await removeFault(this.plan, fault);
  }

  /** Removes every applied fault, last applied first. */
  async removeAll(): Promise<void> {
    for (const fault of [...this.active.values()].reverse()) await this.remove(fault);
  }

  get activeFaults(): Fault[] {
    return [...this.active.values()];
  }

  /** Stops every process and deletes every namespace, link and file of the lab. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await teardown(this.resources, async () => void (await Promise.all(this.processes.map((p) => p.stop()))));
    untrack(this.plan.tag);
  }
}
