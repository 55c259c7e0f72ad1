// Loads a node's raw state captured from the real-kernel lab (netlab/src/capture-fixtures.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceTables, NodeObject, RawNetwork } from '../../../../src/agent/checks/index.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'netlab');

export interface NetlabFixture {
  raw: RawNetwork;
  node: string;
  expectedVxlanPort: number;
  nodes: NodeObject[];
}

export function loadFixture(scenario: string): NetlabFixture {
  const dir = path.join(DIR, scenario);
  const json = (f: string) => (existsSync(path.join(dir, f)) ? { ok: true as const, value: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown } : undefined);
  const need = (f: string) => {
    const v = json(f);
    if (!v) throw new Error(`fixture ${scenario} lacks ${f}`);
    return v;
  };
  const text = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  const input = JSON.parse(text('input.json')) as { node: string; expectedVxlanPort: number; nodes: NodeObject[] };
  const links = json('ip-link.json');
  const addresses = json('ip-addr.json');
  if (!links || !addresses) throw new Error(`fixture ${scenario} lacks ip-link.json or ip-addr.json`);
  const devicesDir = path.join(dir, 'devices');
  const names = existsSync(devicesDir) ? readdirSync(devicesDir).sort() : [];
  const devices: Record<string, DeviceTables> = Object.fromEntries(
    names.map((d) => [d, { fdb: need(`devices/${d}/bridge-fdb.json`), neigh: need(`devices/${d}/ip-neigh.json`), routes: need(`devices/${d}/ip-route.json`) }]),
  );
  return {
    raw: { links, addresses, udp: { ok: true, value: { v4: text('proc-net-udp.txt'), v6: text('proc-net-udp6.txt') } }, devices },
    ...input,
  };
}

/** A deep copy with one change, for variants of real captures. */
export function edit<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}
