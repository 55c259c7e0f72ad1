// Each of the five overlay fault classes is visible to some combination of the node's own checks
// and active probes across the lab, and this says which: a dropped VXLAN port changes no local
// state anywhere, so only a probe across the overlay sees it; and a peer of the broken node never
// sees any of them locally. That is what neighbour probing between agents has to add.
import { expect } from 'chai';
import type { CheckResult } from '../../src/agent/checks/index.js';
import { OverlayLab, PADDED_BYTES, type Fault, type ProbeResult } from '../../netlab/src/index.js';
import { runNodeChecksIn } from '../../netlab/src/node-checks.js';
import { describeNetlab } from '../../netlab/test/support/describe-netlab.js';

const PROBE_MS = 700;

interface Signals {
  /** problems node-1's own checks report, as check/reason */
  local: string[];
  /** problems node-2 (a peer) reports about itself */
  peerLocal: string[];
  /** probes that failed */
  probesFailing: string[];
}

async function observe(lab: OverlayLab): Promise<Signals> {
  const problems = (rs: CheckResult[]) => rs.filter((r) => r.status === 'problem').map((r) => `${r.check}/${r.reason}`);
  const probes: Record<string, Promise<ProbeResult>> = {
    'pod node-2 -> pod node-1': lab.probe(lab.pod('node-2'), lab.pod('node-1'), { timeoutMs: PROBE_MS }),
    'pod node-1 -> pod node-2': lab.probe(lab.pod('node-1'), lab.pod('node-2'), { timeoutMs: PROBE_MS }),
    'pod node-1 -> pod node-2, padded': lab.probe(lab.pod('node-1'), lab.pod('node-2'), { bytes: PADDED_BYTES, timeoutMs: PROBE_MS }),
    'host node-2 -> host node-1': lab.probe(lab.host('node-2'), lab.host('node-1'), { timeoutMs: PROBE_MS }),
    'host node-2 -> host node-1, padded': lab.probe(lab.host('node-2'), lab.host('node-1'), { bytes: PADDED_BYTES, timeoutMs: PROBE_MS }),
  };
  const [own, peer, ...outcomes] = await Promise.all([
    runNodeChecksIn(lab, 'node-1', { unprivileged: true }),
    runNodeChecksIn(lab, 'node-2', { unprivileged: true }),
    ...Object.values(probes),
  ]);
  const names = Object.keys(probes);
  return {
    local: problems(own.results),
    peerLocal: problems(peer.results),
    probesFailing: names.filter((_, i) => (outcomes[i] as ProbeResult).outcome !== 'ok'),
  };
}

const POD_PROBES = ['pod node-2 -> pod node-1', 'pod node-1 -> pod node-2', 'pod node-1 -> pod node-2, padded'];
const HOST_PROBES = ['host node-2 -> host node-1', 'host node-2 -> host node-1, padded'];

describeNetlab('overlay fault classes: seen by local checks, probes, or both', function () {
  this.timeout(90_000);
  let lab: OverlayLab;
  before(async () => (lab = await OverlayLab.start({ nodes: 3 })));
  after(async () => lab?.stop());
  afterEach(async () => lab?.removeAll());

  it('healthy: no local problem, no failing probe', async () => {
    expect(await observe(lab)).to.deep.equal({ local: [], peerLocal: [], probesFailing: [] });
  });

  const classes: { name: string; fault: Fault; want: Signals; seenBy: 'local and probes' | 'probes only' }[] = [
    {
      name: 'VXLAN device missing or down',
      fault: { kind: 'vxlan-device-down', node: 'node-1' },
      want: { local: ['flannel_vxlan_device/vxlan_device_down'], peerLocal: [], probesFailing: POD_PROBES },
      seenBy: 'local and probes',
    },
    {
      name: 'VXLAN UDP port dropped',
      fault: { kind: 'vxlan-port-dropped', node: 'node-1' },
      want: { local: [], peerLocal: [], probesFailing: POD_PROBES },
      seenBy: 'probes only',
    },
    {
      name: 'MTU mismatch',
      fault: { kind: 'underlay-mtu-lowered', node: 'node-1' },
      want: { local: ['flannel_vxlan_mtu/overlay_mtu_mismatch'], peerLocal: [], probesFailing: ['pod node-1 -> pod node-2, padded'] },
      seenBy: 'local and probes',
    },
    {
      name: 'FDB incomplete',
      fault: { kind: 'fdb-entry-missing', node: 'node-1', peer: 'node-2' },
      want: { local: ['flannel_fdb/fdb_entry_missing'], peerLocal: [], probesFailing: POD_PROBES },
      seenBy: 'local and probes',
    },
    {
      name: 'underlay down',
      fault: { kind: 'underlay-down', node: 'node-1' },
      want: { local: ['underlay_link/underlay_down'], peerLocal: [], probesFailing: [...POD_PROBES, ...HOST_PROBES] },
      seenBy: 'local and probes',
    },
  ];
  for (const { name, fault, want, seenBy } of classes) {
    it(`${name}: seen by ${seenBy}; a peer's own checks see nothing`, async () => {
      await lab.apply(fault);
      const got = await observe(lab);
      expect(got).to.deep.equal(want);
      expect(got.local.length > 0 || got.probesFailing.length > 0, 'visible to something').to.equal(true);
      expect(got.local.length > 0 ? 'local and probes' : 'probes only').to.equal(seenBy);
    });
  }

  it('overlay against underlay: only the underlay fault fails host-to-host probes', async () => {
    await lab.apply({ kind: 'vxlan-port-dropped', node: 'node-1' });
    const overlay = await observe(lab);
    await lab.removeAll();
    await lab.apply({ kind: 'underlay-down', node: 'node-1' });
    const underlay = await observe(lab);
    expect(overlay.probesFailing.filter((p) => p.startsWith('host'))).to.deep.equal([]);
    expect(underlay.probesFailing.filter((p) => p.startsWith('host'))).to.deep.equal(HOST_PROBES);
  });
});
