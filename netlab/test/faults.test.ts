// Every fault, done to the real kernel, changes exactly the traffic it should, and removing it
// restores the overlay. Probes are HTTP from one namespace's endpoint to another's.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OverlayLab, PADDED_BYTES, type Fault, type ProbeResult } from '../src/index.js';
import { describeNetlab } from './support/describe-netlab.js';

/** Long enough for any healthy answer in the lab (milliseconds), short enough to keep the suite fast. */
const PROBE_MS = 700;

type ProbeName = 'pod 1→2' | 'pod 2→1' | 'pod 1→2 padded' | 'pod 1→3' | 'pod 2→3' | 'host 1→2' | 'host 1→2 padded';
type Seen = Record<ProbeName, 'ok' | 'fails'>;

function probeAll(lab: OverlayLab): Promise<Record<ProbeName, ProbeResult>> {
  const n = (i: number) => `node-${i}`;
  const probes: Record<ProbeName, () => Promise<ProbeResult>> = {
    'pod 1→2': () => lab.probe(lab.pod(n(1)), lab.pod(n(2)), { timeoutMs: PROBE_MS }),
    'pod 2→1': () => lab.probe(lab.pod(n(2)), lab.pod(n(1)), { timeoutMs: PROBE_MS }),
    'pod 1→2 padded': () => lab.probe(lab.pod(n(1)), lab.pod(n(2)), { bytes: PADDED_BYTES, timeoutMs: PROBE_MS }),
    'pod 1→3': () => lab.probe(lab.pod(n(1)), lab.pod(n(3)), { timeoutMs: PROBE_MS }),
    'pod 2→3': () => lab.probe(lab.pod(n(2)), lab.pod(n(3)), { timeoutMs: PROBE_MS }),
    'host 1→2': () => lab.probe(lab.host(n(1)), lab.host(n(2)), { timeoutMs: PROBE_MS }),
    'host 1→2 padded': () => lab.probe(lab.host(n(1)), lab.host(n(2)), { bytes: PADDED_BYTES, timeoutMs: PROBE_MS }),
  };
  const names = Object.keys(probes) as ProbeName[];
  return Promise.all(names.map((k) => probes[k]())).then((rs) => Object.fromEntries(names.map((k, i) => [k, rs[i]])) as Record<ProbeName, ProbeResult>);
}

const seen = (rs: Record<ProbeName, ProbeResult>): Seen =>
  Object.fromEntries(Object.entries(rs).map(([k, r]) => [k, r.outcome === 'ok' ? 'ok' : 'fails'])) as Seen;

const ALL_OK: Seen = { 'pod 1→2': 'ok', 'pod 2→1': 'ok', 'pod 1→2 padded': 'ok', 'pod 1→3': 'ok', 'pod 2→3': 'ok', 'host 1→2': 'ok', 'host 1→2 padded': 'ok' };
/** node-1 cut off from the overlay, the underlay fine */
const OVERLAY_CUT: Seen = { ...ALL_OK, 'pod 1→2': 'fails', 'pod 2→1': 'fails', 'pod 1→2 padded': 'fails', 'pod 1→3': 'fails' };
/** node-1 cannot reach node-2's pods (one peer's entries), other peers fine */
const ONE_PEER_CUT: Seen = { ...ALL_OK, 'pod 1→2': 'fails', 'pod 2→1': 'fails', 'pod 1→2 padded': 'fails' };

describeNetlab('netlab: faults on the real kernel', function () {
  this.timeout(60_000);
  let lab: OverlayLab;
  before(async () => (lab = await OverlayLab.start({ nodes: 3 })));
  after(async () => lab?.stop());
  afterEach(async () => lab?.removeAll());

  it('healthy: every probe passes', async () => {
    expect(seen(await probeAll(lab))).to.deep.equal(ALL_OK);
  });

  const rows: { fault: Fault; want: Seen; why: string }[] = [
    { fault: { kind: 'vxlan-device-deleted', node: 'node-1' }, want: OVERLAY_CUT, why: 'no device: node-1 pods reach no other node; the underlay is fine' },
    { fault: { kind: 'vxlan-device-down', node: 'node-1' }, want: OVERLAY_CUT, why: 'device down: the same, and its neighbours and routes are flushed' },
    { fault: { kind: 'vxlan-port-dropped', node: 'node-1' }, want: OVERLAY_CUT, why: 'VXLAN dropped on arrival at node-1: both directions die (replies are VXLAN too)' },
    { fault: { kind: 'underlay-mtu-lowered', node: 'node-1' }, want: { ...ALL_OK, 'pod 1→2 padded': 'fails' }, why: 'small requests pass, full-size packets to node-1 are dropped' },
    { fault: { kind: 'fdb-entry-missing', node: 'node-1', peer: 'node-2' }, want: ONE_PEER_CUT, why: 'no FDB entry for node-2 on node-1' },
    { fault: { kind: 'neigh-entry-missing', node: 'node-1', peer: 'node-2' }, want: ONE_PEER_CUT, why: 'no neighbour entry for node-2\'s subnet on node-1' },
    { fault: { kind: 'route-missing', node: 'node-1', peer: 'node-2' }, want: ONE_PEER_CUT, why: 'no route to node-2\'s podCIDR on node-1' },
    {
      fault: { kind: 'underlay-down', node: 'node-1' },
      want: { ...OVERLAY_CUT, 'host 1→2': 'fails', 'host 1→2 padded': 'fails' },
      why: 'node-1 off the switch: host and pod traffic both die, node-2 and node-3 still talk',
    },
    {
      fault: { kind: 'path-mtu-lowered', node: 'node-1' },
      // Traffic a node forwards for its pods keeps its segmentation offload past the lab's switch (veth
      // to veth, no wire): only what the nodes send themselves (host, and the agents' probes across the
      // overlay, test/integration/peers-netlab.test.ts) meets the lowered MTU. A lab limit, not a kernel one.
      want: { ...ALL_OK, 'host 1→2 padded': 'fails' },
      why: "node-1's switch port at 1420: small requests pass, full-size frames from the nodes are dropped, with no ICMP to lower the MSS",
    },
    {
      fault: { kind: 'partition', group: ['node-1'] },
      want: { ...OVERLAY_CUT, 'host 1→2': 'fails', 'host 1→2 padded': 'fails' },
      why: 'node-1 apart from the others: everything between them dies, node-2 and node-3 still talk',
    },
    {
      fault: { kind: 'partition', group: ['node-1', 'node-2'] },
      want: { ...ALL_OK, 'pod 1→3': 'fails', 'pod 2→3': 'fails' },
      why: 'node-1 and node-2 apart from node-3: traffic within each group passes, across it dies',
    },
  ];
  for (const { fault, want, why } of rows) {
    it(`${fault.kind}${'group' in fault ? ` ${fault.group.join('+')}` : ''}: ${why}; removing it restores the overlay`, async () => {
      await lab.apply(fault);
      expect(seen(await probeAll(lab)), 'with the fault').to.deep.equal(want);
      await lab.remove(fault);
      expect(seen(await probeAll(lab)), 'after removing it').to.deep.equal(ALL_OK);
    });
  }

  it('underlay-mtu-lowered: a padded response stalls mid-transfer (a hang, not a refusal) while a host-to-host transfer negotiates its MSS and passes', async () => {
    await lab.apply({ kind: 'underlay-mtu-lowered', node: 'node-1' });
    const [small, padded, host] = await Promise.all([
      lab.probe(lab.pod('node-1'), lab.pod('node-2'), { timeoutMs: PROBE_MS }),
      lab.probe(lab.pod('node-1'), lab.pod('node-2'), { bytes: PADDED_BYTES, timeoutMs: PROBE_MS }),
      lab.probe(lab.host('node-1'), lab.host('node-2'), { bytes: PADDED_BYTES, timeoutMs: PROBE_MS }),
    ]);
    expect(small).to.include({ outcome: 'ok', status: 200 });
    expect(padded.outcome).to.equal('timeout');
    expect(padded.bytes).to.be.lessThan(PADDED_BYTES);
    expect(host).to.include({ outcome: 'ok', bytes: PADDED_BYTES });
  });

  it('istio-cni-plugin-missing: the node\'s CNI config is Flannel\'s own again, until removed', async () => {
    const file = path.join(lab.node('node-1').cniConfDir, '10-flannel.conflist');
    const types = async () => ((JSON.parse(await readFile(file, 'utf8')) as { plugins: { type: string }[] }).plugins.map((p) => p.type));
    expect(await types()).to.deep.equal(['flannel', 'portmap', 'istio-cni']);
    await lab.apply({ kind: 'istio-cni-plugin-missing', node: 'node-1' });
    expect(await types()).to.deep.equal(['flannel', 'portmap']);
    await lab.remove({ kind: 'istio-cni-plugin-missing', node: 'node-1' });
    expect(await types()).to.deep.equal(['flannel', 'portmap', 'istio-cni']);
  });

  it('refuses to apply a fault twice or remove one that is not applied', async () => {
    const fault: Fault = { kind: 'underlay-down', node: 'node-2' };
    await lab.apply(fault);
    let err: unknown;
    await lab.apply(fault).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/already applied/);
    await lab.remove(fault);
    err = undefined;
    await lab.remove(fault).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/not applied/);
  });
});
