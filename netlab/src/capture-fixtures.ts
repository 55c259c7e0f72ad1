// Captures real kernel state from lab node-1 under each fault, as the checks' collectors read it,
// into test/fixtures/netlab/<scenario>/ for the table-driven unit tests of the pure checks.
// Run as root: npx tsx netlab/src/capture-fixtures.ts
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ip, run } from './exec.js';
import { primaryOverlay } from './flannel.js';
import { OverlayLab } from './lab.js';
import { runNodeChecksIn } from './node-checks.js';
import { REPO_ROOT } from './processes.js';
import type { Fault } from './faults.js';
import type { LabOptions } from './plan.js';
import type { Collected } from '../../src/agent/checks/index.js';

const OUT = path.join(REPO_ROOT, 'test', 'fixtures', 'netlab');
const SELF = 'node-1';
const PEER = 'node-2';

interface Scenario {
  name: string;
  faults: Fault[];
  /** capture from this namespace instead of node-1's */
  netns?: (lab: OverlayLab) => string;
  /** done after the faults, for states no single fault makes, and its undo */
  then?: (lab: OverlayLab) => Promise<void>;
  undo?: (lab: OverlayLab) => Promise<void>;
}

const SCENARIOS: Scenario[] = [
  { name: 'healthy', faults: [] },
  { name: 'vxlan-device-deleted', faults: [{ kind: 'vxlan-device-deleted', node: SELF }] },
  { name: 'vxlan-device-down', faults: [{ kind: 'vxlan-device-down', node: SELF }] },
  {
    // down and up again without flanneld re-adding its leases: what the kernel flushed stays gone
    name: 'vxlan-device-bounced',
    faults: [],
    then: async (lab) => {
      const n = lab.node(SELF);
      await run(ip(n.netns, 'link', 'set', primaryOverlay(n).device.name, 'down'));
      await run(ip(n.netns, 'link', 'set', primaryOverlay(n).device.name, 'up'));
    },
    // a flanneld restart re-adds the leases, as removing the device-down fault does
    undo: async (lab) => {
      await lab.apply({ kind: 'vxlan-device-down', node: SELF });
      await lab.remove({ kind: 'vxlan-device-down', node: SELF });
    },
  },
  // the checks started without hostNetwork: they see a pod's namespace
  { name: 'in-pod-namespace', faults: [], netns: (lab) => lab.pod(SELF).netns },
  { name: 'vxlan-port-dropped', faults: [{ kind: 'vxlan-port-dropped', node: SELF }] },
  { name: 'underlay-mtu-lowered', faults: [{ kind: 'underlay-mtu-lowered', node: SELF }] },
  { name: 'underlay-down', faults: [{ kind: 'underlay-down', node: SELF }] },
  { name: 'fdb-entry-missing', faults: [{ kind: 'fdb-entry-missing', node: SELF, peer: PEER }] },
  { name: 'neigh-entry-missing', faults: [{ kind: 'neigh-entry-missing', node: SELF, peer: PEER }] },
  { name: 'route-missing', faults: [{ kind: 'route-missing', node: SELF, peer: PEER }] },
];

async function write(dir: string, file: string, c: Collected<unknown> | undefined, text = false): Promise<void> {
  if (!c) return;
  if (!c.ok) throw new Error(`${file}: collection failed: ${c.failure} ${c.detail}`);
  await writeFile(path.join(dir, file), text ? String(c.value) : `${JSON.stringify(c.value, null, 1)}\n`);
}

async function capture(lab: OverlayLab, name: string, netns?: string): Promise<void> {
  const dir = path.join(OUT, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { raw } = await runNodeChecksIn(lab, SELF, { unprivileged: true, ...(netns ? { netns } : {}) });
  await write(dir, 'ip-link.json', raw.links);
  await write(dir, 'ip-addr.json', raw.addresses);
  // each Flannel device's tables under devices/<name>/
  for (const [device, tables] of Object.entries(raw.devices)) {
    const sub = path.join(dir, 'devices', device);
    await mkdir(sub, { recursive: true });
    await write(sub, 'bridge-fdb.json', tables.fdb);
    await write(sub, 'ip-neigh.json', tables.neigh);
    await write(sub, 'ip-route.json', tables.routes);
  }
  if (!raw.udp.ok) throw new Error(`udp: ${raw.udp.detail}`);
  await writeFile(path.join(dir, 'proc-net-udp.txt'), raw.udp.value.v4);
  await writeFile(path.join(dir, 'proc-net-udp6.txt'), raw.udp.value.v6);
  const meta = { node: SELF, expectedVxlanPort: primaryOverlay(lab.node(SELF)).device.port, nodes: lab.nodeObjects() };
  await writeFile(path.join(dir, 'input.json'), `${JSON.stringify(meta, null, 1)}\n`);
}

async function captureLab(options: LabOptions, scenarios: Scenario[], prefix = ''): Promise<void> {
  const lab = await OverlayLab.start({ nodes: 3, ...options });
  try {
    for (const s of scenarios) {
      for (const f of s.faults) await lab.apply(f);
      await s.then?.(lab);
      await capture(lab, `${prefix}${s.name}`, s.netns?.(lab));
      await lab.removeAll();
      await s.undo?.(lab);
      process.stdout.write(`captured ${prefix}${s.name}\n`);
    }
  } finally {
    await lab.stop();
  }
}

// IPv6-only (flannel-v6.1 alone) and dual stack (both devices); faults hit the primary overlay
const IPV6_SCENARIOS: Scenario[] = [
  { name: 'healthy', faults: [] },
  { name: 'vxlan-device-deleted', faults: [{ kind: 'vxlan-device-deleted', node: SELF }] },
  { name: 'underlay-mtu-lowered', faults: [{ kind: 'underlay-mtu-lowered', node: SELF }] },
  { name: 'fdb-entry-missing', faults: [{ kind: 'fdb-entry-missing', node: SELF, peer: PEER }] },
  { name: 'route-missing', faults: [{ kind: 'route-missing', node: SELF, peer: PEER }] },
];

const GROUPS: { prefix: string; options: LabOptions; scenarios: Scenario[] }[] = [
  { prefix: '', options: {}, scenarios: SCENARIOS },
  { prefix: 'talos-4789-', options: { vxlanPort: 4789 }, scenarios: [{ name: 'healthy', faults: [] }] },
  { prefix: 'ipv6-only-', options: { ipFamilies: ['ipv6'] }, scenarios: IPV6_SCENARIOS },
  {
    prefix: 'dual-stack-',
    options: { ipFamilies: ['ipv4', 'ipv6'] },
    scenarios: [{ name: 'healthy', faults: [] }, { name: 'vxlan-device-down', faults: [{ kind: 'vxlan-device-down', node: SELF }] }],
  },
];

// arguments name the groups to capture by prefix (`ipv6-only- dual-stack-`; `ipv4` for the plain one); none: all
const wanted = process.argv.slice(2).map((a) => (a === 'ipv4' ? '' : a));
for (const g of GROUPS) if (wanted.length === 0 || wanted.includes(g.prefix)) await captureLab(g.options, g.scenarios, g.prefix);
