// The node checks run inside real-kernel lab nodes (`ip netns exec`), as uid 65534 with every
// capability dropped: healthy -> every check ok; each fault -> the right check on the right node
// reports it with the right reason, and every other check stays ok.
import { expect } from 'chai';
import type { CheckResult } from '../../src/agent/checks/index.js';
import { OverlayLab, type Fault } from '../../netlab/src/index.js';
import { runNodeChecksIn, type NodeChecksOptions } from '../../netlab/src/node-checks.js';
import { describeNetlab } from '../../netlab/test/support/describe-netlab.js';

type Verdicts = Record<string, string>;

const verdicts = (results: CheckResult[]): Verdicts => Object.fromEntries(results.map((r) => [r.check, `${r.status}/${r.reason}`]));

const ALL_OK: Verdicts = {
  flannel_vxlan_device: 'ok/ok',
  underlay_link: 'ok/ok',
  flannel_vxlan_mtu: 'ok/ok',
  flannel_vxlan_port: 'ok/ok',
  flannel_fdb: 'ok/ok',
  flannel_neighbours: 'ok/ok',
  flannel_routes: 'ok/ok',
  istio_cni_config: 'ok/ok',
  istio_cni_taint: 'ok/ok',
};
const DEPENDENTS_UNKNOWN: Verdicts = {
  flannel_vxlan_port: 'unknown/vxlan_device_unavailable',
  flannel_fdb: 'unknown/vxlan_device_unavailable',
  flannel_neighbours: 'unknown/vxlan_device_unavailable',
  flannel_routes: 'unknown/vxlan_device_unavailable',
};

describeNetlab('agent checks on the real-kernel lab', function () {
  this.timeout(90_000);
  let lab: OverlayLab;
  before(async () => (lab = await OverlayLab.start({ nodes: 3 })));
  after(async () => lab?.stop());
  afterEach(async () => lab?.removeAll());

  const check = async (node: string, options: NodeChecksOptions = {}) => (await runNodeChecksIn(lab, node, { unprivileged: true, ...options })).results;

  it('healthy: every check is ok on every node, run as uid 65534 with no capabilities (netlink reads need none)', async () => {
    const all = await Promise.all(lab.nodes.map((n) => check(n.name)));
    for (const results of all) expect(verdicts(results)).to.deep.equal(ALL_OK);
  });

  it('healthy as root with every capability dropped (empty bounding set, no_new_privs): every check ok', async () => {
    const wrapper = ['setpriv', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--'];
    expect(verdicts((await runNodeChecksIn(lab, 'node-1', { wrapper })).results)).to.deep.equal(ALL_OK);
  });

  const rows: { fault: Fault; want: Verdicts; why: string }[] = [
    {
      fault: { kind: 'vxlan-device-deleted', node: 'node-1' },
      want: { flannel_vxlan_device: 'problem/vxlan_device_missing', flannel_vxlan_mtu: 'unknown/vxlan_device_unavailable', ...DEPENDENTS_UNKNOWN },
      why: 'the device is the one problem; what hangs off it is not judged',
    },
    { fault: { kind: 'vxlan-device-down', node: 'node-1' }, want: { flannel_vxlan_device: 'problem/vxlan_device_down', ...DEPENDENTS_UNKNOWN }, why: 'down' },
    { fault: { kind: 'underlay-mtu-lowered', node: 'node-1' }, want: { flannel_vxlan_mtu: 'problem/overlay_mtu_mismatch' }, why: '1450 + 50 > 1420' },
    { fault: { kind: 'underlay-down', node: 'node-1' }, want: { underlay_link: 'problem/underlay_down' }, why: 'no carrier on eth0' },
    { fault: { kind: 'fdb-entry-missing', node: 'node-1', peer: 'node-2' }, want: { flannel_fdb: 'problem/fdb_entry_missing' }, why: 'one peer' },
    { fault: { kind: 'neigh-entry-missing', node: 'node-1', peer: 'node-2' }, want: { flannel_neighbours: 'problem/neigh_entry_missing' }, why: 'one peer' },
    { fault: { kind: 'route-missing', node: 'node-1', peer: 'node-2' }, want: { flannel_routes: 'problem/route_missing' }, why: 'one peer' },
    { fault: { kind: 'istio-cni-plugin-missing', node: 'node-1' }, want: { istio_cni_config: 'problem/cni_plugin_not_configured' }, why: 'Flannel\'s conflist without istio-cni' },
    { fault: { kind: 'vxlan-port-dropped', node: 'node-1' }, want: {}, why: 'dropped on the path: no local state changes (only a probe across the overlay sees it)' },
  ];
  for (const { fault, want, why } of rows) {
    it(`${fault.kind} on node-1: ${why}; node-2 sees nothing wrong`, async () => {
      await lab.apply(fault);
      const [own, peer] = await Promise.all([check('node-1'), check('node-2')]);
      expect(verdicts(own), 'node-1').to.deep.equal({ ...ALL_OK, ...want });
      expect(verdicts(peer), 'node-2').to.deep.equal(ALL_OK);
    });
  }

  it('names the peer whose FDB entry is missing', async () => {
    await lab.apply({ kind: 'fdb-entry-missing', node: 'node-1', peer: 'node-3' });
    const fdb = (await check('node-1')).find((r) => r.check === 'flannel_fdb');
    expect(fdb?.evidence).to.deep.include({ missing: ['node-3'], peers_expected: 2, peers_ok: 1 });
  });

  it('the cni.istio.io/not-ready taint on the Node object', async () => {
    const nodes = lab.nodeObjects({ 'node-1': [{ key: 'cni.istio.io/not-ready', effect: 'NoSchedule' }] });
    expect(verdicts(await check('node-1', { nodes }))).to.deep.equal({ ...ALL_OK, istio_cni_taint: 'problem/cni_not_ready_taint' });
  });

  it('started without hostNetwork (in a pod namespace): every network check is unknown, no_host_network', async () => {
    const results = verdicts(await check('node-1', { netns: lab.pod('node-1').netns }));
    expect(results).to.deep.equal({
      ...Object.fromEntries(Object.keys(ALL_OK).map((c) => [c, 'unknown/no_host_network'])),
      istio_cni_config: 'ok/ok',
      istio_cni_taint: 'ok/ok',
    });
  });

  it('without iproute2 on PATH: the network checks are unknown (command_missing), the rest still judged', async () => {
    const results = await runNodeChecksIn(lab, 'node-1', { wrapper: ['env', 'PATH=/nonexistent'] });
    expect(verdicts(results.results)).to.deep.equal({
      ...Object.fromEntries(Object.keys(ALL_OK).map((c) => [c, 'unknown/command_missing'])),
      istio_cni_config: 'ok/ok',
      istio_cni_taint: 'ok/ok',
    });
  });
});

describeNetlab('agent checks on the real-kernel lab: IPv6 overlays', function () {
  this.timeout(90_000);
  const byFamily = (results: CheckResult[]): Verdicts => Object.fromEntries(results.map((r) => [`${r.family ?? '-'}/${r.check}`, `${r.status}/${r.reason}`]));
  const okFor = (family: string): Verdicts => Object.fromEntries(Object.keys(ALL_OK).slice(0, 7).map((c) => [`${family}/${c}`, 'ok/ok']));
  const REST: Verdicts = { '-/istio_cni_config': 'ok/ok', '-/istio_cni_taint': 'ok/ok' };

  it('IPv6-only: flannel-v6.1 judged (not flannel.1); a deleted device is flannel-v6.1 missing', async () => {
    const lab = await OverlayLab.start({ nodes: 3, ipFamilies: ['ipv6'] });
    try {
      const run = async (node: string) => byFamily((await runNodeChecksIn(lab, node, { unprivileged: true })).results);
      expect(await run('node-1')).to.deep.equal({ ...okFor('ipv6'), ...REST });
      await lab.apply({ kind: 'vxlan-device-deleted', node: 'node-1' });
      const [own, peer] = await Promise.all([run('node-1'), run('node-2')]);
      expect(own['ipv6/flannel_vxlan_device']).to.equal('problem/vxlan_device_missing');
      expect(peer).to.deep.equal({ ...okFor('ipv6'), ...REST });
    } finally {
      await lab.stop();
    }
  });

  it('dual stack: both overlays judged, each on its own', async () => {
    const lab = await OverlayLab.start({ nodes: 2, ipFamilies: ['ipv4', 'ipv6'] });
    try {
      await lab.apply({ kind: 'underlay-mtu-lowered', node: 'node-1' });
      const results = byFamily((await runNodeChecksIn(lab, 'node-1', { unprivileged: true })).results);
      expect(results).to.deep.equal({
        ...okFor('ipv4'),
        ...okFor('ipv6'),
        'ipv4/flannel_vxlan_mtu': 'problem/overlay_mtu_mismatch',
        'ipv6/flannel_vxlan_mtu': 'problem/overlay_mtu_mismatch',
        ...REST,
      });
    } finally {
      await lab.stop();
    }
  });
});
