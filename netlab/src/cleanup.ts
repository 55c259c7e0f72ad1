// Removing what a lab made, on every path out: a normal stop, a failed build, SIGINT/SIGTERM of
// the test process, its exit, and (for runs that were SIGKILLed) the next run's sweep.
import { readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ip, run, runQuietlySync, type Argv } from './exec.js';
import { ownerPid } from './names.js';
import type { LabPlan } from './plan.js';

/** What teardown must remove: every name is derivable from the plan, pids are added as they start. */
export interface LabResources {
  plan: LabPlan;
  pids: Set<number>;
}

/** Deleting a switch port deletes its veth peer (the node's eth0); pods go before their node. */
export function teardownCommands(plan: LabPlan): Argv[] {
  return [
    ...plan.nodes.map((n) => ip(undefined, 'link', 'del', n.switchPort)),
    ip(undefined, 'link', 'del', plan.bridge),
    ...plan.nodes.flatMap((n) => n.pods.map((p): Argv => ['ip', 'netns', 'del', p.netns])),
    ...plan.nodes.map((n): Argv => ['ip', 'netns', 'del', n.netns]),
  ];
}

const live = new Map<string, LabResources>();
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function killSync(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function teardownSync(res: LabResources): void {
  for (const pid of res.pids) killSync(pid);
  for (const argv of teardownCommands(res.plan)) runQuietlySync(argv);
  rmSync(res.plan.runDir, { recursive: true, force: true });
}

function onSignal(signal: NodeJS.Signals): void {
  for (const res of live.values()) teardownSync(res);
  live.clear();
  process.exit(SIGNAL_EXIT[signal] ?? 1);
}

function onExit(): void {
  for (const res of live.values()) teardownSync(res);
  live.clear();
}

/** Handlers are installed only while a lab is live, so the process's own signal behaviour is untouched otherwise. */
function setHandlers(on: boolean): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (on) process.on(signal, onSignal);
    else process.removeListener(signal, onSignal);
  }
  if (on) process.on('exit', onExit);
  else process.removeListener('exit', onExit);
}

export function track(res: LabResources): void {
  if (live.size === 0) setHandlers(true);
  live.set(res.plan.tag, res);
}

export function untrack(tag: string): void {
  live.delete(tag);
  if (live.size === 0) setHandlers(false);
}

export async function teardown(res: LabResources, stopProcesses: () => Promise<void>): Promise<void> {
  await stopProcesses();
  for (const pid of res.pids) killSync(pid);
  for (const argv of teardownCommands(res.plan)) await run(argv).catch(() => undefined);
  rmSync(res.plan.runDir, { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function netnsPids(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const deadOwner = (name: string): boolean => {
  const pid = ownerPid(name);
  return pid !== undefined && !alive(pid);
};

/** Names, in the host namespace, that a lab run made: network namespaces and links. */
export async function taggedNames(match: (name: string) => boolean): Promise<{ netns: string[]; links: string[] }> {
  const netns = ((await run(['ip', '-j', 'netns', 'list']).then((o) => (o.trim() ? (JSON.parse(o) as unknown) : []))) as { name: string }[]).map((n) => n.name);
  const links = ((await run(['ip', '-j', 'link', 'show']).then((o) => JSON.parse(o) as unknown)) as { ifname: string }[]).map((l) => l.ifname);
  return { netns: netns.filter(match), links: links.filter(match) };
}

/**
 * Removes leftovers of earlier runs whose process is gone (killed before its teardown ran):
 * the processes still inside their namespaces, the namespaces, links and run directories.
 * Runs of live processes, this one included, are left alone.
 */
export async function sweepLeftovers(): Promise<{ netns: string[]; links: string[]; dirs: string[] }> {
  const found = await taggedNames(deadOwner);
  for (const ns of found.netns) {
    for (const pid of netnsPids(ns)) killSync(pid);
  }
  // links first: a switch port takes its node's underlay with it
  for (const link of found.links) await run(ip(undefined, 'link', 'del', link)).catch(() => undefined);
  for (const ns of found.netns.sort((a, b) => b.length - a.length)) await run(['ip', 'netns', 'del', ns]).catch(() => undefined);
  const dirs = readdirSync(os.tmpdir()).filter(deadOwner);
  for (const d of dirs) rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });
  return { ...found, dirs };
}
