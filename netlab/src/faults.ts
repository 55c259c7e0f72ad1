// Faults done to the real kernel (and, for istio-cni, to the node's CNI directory). Each can be
// applied and removed; removal restores what Flannel (or istio-cni) would restore. Device and
// entry faults act on the node's primary overlay: IPv4 when it runs it, else IPv6.
import { CommandError, ip, run, runAll, runJson, tc, type Argv } from './exec.js';
import { overlayCommands, peerCommands, peerFdbCommand, primaryOverlay, peerFdbDeleteCommand, peerNeighCommand, peerNeighDeleteCommand, peerRouteCommand, peerRouteDeleteCommand } from './flannel.js';
import { writeNodeCniConfig } from './cni-config.js';
import type { LabPlan, NodePlan } from './plan.js';

/** Talos runs Flannel at 1450 over KubeSpan at 1420 (siderolabs/talos#13457). */
export const DEFAULT_LOWERED_MTU = 1420;

export type Fault =
  /** flannel.<VNI> deleted (flanneld gone, or a node agent cleaning interfaces) */
  | { kind: 'vxlan-device-deleted'; node: string }
  /** flannel.<VNI> set down: the kernel closes its UDP socket and flushes its neighbours and routes */
  | { kind: 'vxlan-device-down'; node: string }
  /** VXLAN packets to the node dropped on arrival (a host firewall without the port, flannel#2388) */
  | { kind: 'vxlan-port-dropped'; node: string }
  /** the node's underlay MTU lowered below what its VXLAN device needs (device MTU + 50) */
  | { kind: 'underlay-mtu-lowered'; node: string; mtu?: number }
  /** the node's switch port down: its underlay loses carrier */
  | { kind: 'underlay-down'; node: string }
  | { kind: 'fdb-entry-missing'; node: string; peer: string }
  | { kind: 'neigh-entry-missing'; node: string; peer: string }
  | { kind: 'route-missing'; node: string; peer: string }
  /** the node's active CNI config lacks istio-cni (Flannel's install-cni rewrote it at boot) */
  | { kind: 'istio-cni-plugin-missing'; node: string }
  /**
   * The MTU of the node's switch port lowered: frames to and from the node past it are dropped by
   * the bridge, which sends no ICMP "fragmentation needed" (a layer-2 hop cannot): a PMTU blackhole
   * on the path that the node's own interfaces do not show (its underlay and device MTUs agree).
   */
  | { kind: 'path-mtu-lowered'; node: string; mtu?: number }
  /** Every packet between `group` and the other nodes dropped on arrival, both ways (the underlay split in two). */
  | { kind: 'partition'; group: string[] };

export type FaultKind = Fault['kind'];

export function nodeOf(plan: LabPlan, name: string): NodePlan {
  const node = plan.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name} in the lab (${plan.nodes.map((n) => n.name).join(', ')})`);
  return node;
}

const DROP_DEV = 'vxdrop0';
/** The kernel's default (include/linux/netdevice.h GSO_MAX_SEGS). */
const GSO_MAX_SEGS = 65535;

/**
 * Ingress u32 filters on the node's underlay, one per match. The drop is `action drop` (act_gact)
 * where the kernel has it; kernels without it get a mirred redirect to a veth that stays down,
 * which the kernel drops (tcf_mirred: target down -> TC_ACT_SHOT).
 */
async function dropOnArrival(node: NodePlan, matches: readonly string[][]): Promise<void> {
  const dev = node.underlayIface;
  await run(tc(node.netns, 'qdisc', 'add', 'dev', dev, 'ingress'));
  let fallback = false;
  for (const match of matches) {
    if (!fallback) {
      try {
        await run(tc(node.netns, 'filter', 'add', 'dev', dev, 'parent', 'ffff:', ...match, 'action', 'drop'));
        continue;
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        fallback = true;
        await run(ip(node.netns, 'link', 'add', DROP_DEV, 'type', 'veth', 'peer', 'name', 'vxdrop1'));
      }
    }
    await run(tc(node.netns, 'filter', 'add', 'dev', dev, 'parent', 'ffff:', ...match, 'action', 'mirred', 'egress', 'redirect', 'dev', DROP_DEV));
  }
}

/** An ingress u32 filter on the node's underlay matching UDP to the VXLAN port. */
async function dropVxlanPort(node: NodePlan): Promise<void> {
  const { family, device } = primaryOverlay(node);
  const [proto, m] = family === 'ipv6' ? ['ipv6', 'ip6'] : ['ip', 'ip'];
  await dropOnArrival(node, [['protocol', proto, 'prio', '1', 'u32', 'match', m, 'protocol', '17', '0xff', 'match', m, 'dport', String(device.port), '0xffff']]);
}

/** Drops on `node` whatever arrives from `others`' public addresses (IPv4 and IPv6). */
async function dropFrom(node: NodePlan, others: readonly NodePlan[]): Promise<void> {
  const sources = others.flatMap((o) => [o.publicIp, ...(o.v6 ? [o.v6.publicIp] : [])]);
  await dropOnArrival(
    node,
    sources.map((src) => (src.includes(':') ? ['protocol', 'ipv6', 'prio', '2', 'u32', 'match', 'ip6', 'src', `${src}/128`] : ['protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'src', `${src}/32`])),
  );
}

/** Removes every ingress filter of the node's underlay (and the fallback's veth). */
async function clearIngressDrops(node: NodePlan): Promise<void> {
  await run(tc(node.netns, 'qdisc', 'del', 'dev', node.underlayIface, 'ingress'));
  await run(ip(node.netns, 'link', 'del', DROP_DEV)).catch(() => undefined); // only made by the fallback
}

/**
 * Carrier changes reach the other end of a veth through the kernel's linkwatch, which may lag by
 * up to a second: wait until the node sees what was done, so a check or probe right after sees it too.
 */
async function awaitCarrier(node: NodePlan, carrier: boolean, deadlineMs = 5_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const [link] = await runJson<{ flags: string[] }[]>(ip(node.netns, '-j', 'link', 'show', node.underlayIface));
    if ((link?.flags.includes('LOWER_UP') ?? false) === carrier) return;
    if (Date.now() > until) throw new Error(`${node.name} ${node.underlayIface}: carrier still ${!carrier} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The two sides of a partition: the group, and every other node. */
function sides(plan: LabPlan, group: readonly string[]): [NodePlan[], NodePlan[]] {
  const inside = group.map((n) => nodeOf(plan, n));
  return [inside, plan.nodes.filter((n) => !inside.includes(n))];
}

export async function applyFault(plan: LabPlan, fault: Fault): Promise<void> {
  if (fault.kind === 'partition') {
    const [a, b] = sides(plan, fault.group);
    await Promise.all([...a.map((n) => dropFrom(n, b)), ...b.map((n) => dropFrom(n, a))]);
    return;
  }
  const node = nodeOf(plan, fault.node);
  const vx = primaryOverlay(node).device.name;
  switch (fault.kind) {
    case 'vxlan-device-deleted':
      return void (await run(ip(node.netns, 'link', 'del', vx)));
    case 'vxlan-device-down':
      return void (await run(ip(node.netns, 'link', 'set', vx, 'down')));
    case 'vxlan-port-dropped':
      return dropVxlanPort(node);
    case 'underlay-mtu-lowered':
      return void (await run(ip(node.netns, 'link', 'set', node.underlayIface, 'mtu', String(fault.mtu ?? DEFAULT_LOWERED_MTU))));
    case 'underlay-down':
      await run(ip(undefined, 'link', 'set', node.switchPort, 'down'));
      return awaitCarrier(node, false);
    case 'fdb-entry-missing':
      return void (await run(peerFdbDeleteCommand(node, nodeOf(plan, fault.peer))));
    case 'neigh-entry-missing':
      return void (await run(peerNeighDeleteCommand(node, nodeOf(plan, fault.peer))));
    case 'route-missing':
      return void (await run(peerRouteDeleteCommand(node, nodeOf(plan, fault.peer))));
    case 'istio-cni-plugin-missing':
      return writeNodeCniConfig(node.cniConfDir, 'absent');
    case 'path-mtu-lowered':
      // The lab's veths pass segmentation-offloaded packets along whole, past every MTU check
      // (is_skb_forwardable lets GSO through); a NIC puts wire-sized frames on the wire. One segment
      // per packet makes every node's underlay cut them in software, as a NIC would, before the switch.
      await runAll(plan.nodes.map((n) => ip(n.netns, 'link', 'set', 'dev', n.underlayIface, 'gso_max_segs', '1')));
      return void (await run(ip(undefined, 'link', 'set', node.switchPort, 'mtu', String(fault.mtu ?? DEFAULT_LOWERED_MTU))));
  }
}

export async function removeFault(plan: LabPlan, fault: Fault): Promise<void> {
  if (fault.kind === 'partition') {
    await Promise.all(plan.nodes.filter((n) => sides(plan, fault.group).flat().includes(n)).map((n) => clearIngressDrops(n)));
    return;
  }
  const node = nodeOf(plan, fault.node);
  const peers = plan.nodes.filter((n) => n !== node);
  switch (fault.kind) {
    case 'vxlan-device-deleted':
      // flanneld recreates the device with the MAC its node annotation advertises (vxlan.go
      // createVXLANDevice: GetStoredMacAddresses) and re-adds every lease
      return runAll(overlayCommands(node, plan.nodes, primaryOverlay(node)));
    case 'vxlan-device-down': {
      // setting the device up again does not bring back what the kernel flushed: a flanneld
      // restart re-adds every lease's neighbour and route
      const up: Argv[] = [ip(node.netns, 'link', 'set', primaryOverlay(node).device.name, 'up'), ...peers.flatMap((p) => peerCommands(node, p))];
      return runAll(up);
    }
    case 'vxlan-port-dropped':
      return clearIngressDrops(node);
    case 'underlay-mtu-lowered':
      return void (await run(ip(node.netns, 'link', 'set', node.underlayIface, 'mtu', String(node.underlayMtu))));
    case 'underlay-down':
      await run(ip(undefined, 'link', 'set', node.switchPort, 'up'));
      return awaitCarrier(node, true);
    case 'fdb-entry-missing':
      return void (await run(peerFdbCommand(node, nodeOf(plan, fault.peer))));
    case 'neigh-entry-missing':
      return void (await run(peerNeighCommand(node, nodeOf(plan, fault.peer))));
    case 'route-missing':
      return void (await run(peerRouteCommand(node, nodeOf(plan, fault.peer))));
    case 'istio-cni-plugin-missing':
      return writeNodeCniConfig(node.cniConfDir, 'chained');
    case 'path-mtu-lowered':
      await run(ip(undefined, 'link', 'set', node.switchPort, 'mtu', String(node.underlayMtu)));
      return runAll(plan.nodes.map((n) => ip(n.netns, 'link', 'set', 'dev', n.underlayIface, 'gso_max_segs', String(GSO_MAX_SEGS))));
  }
}
