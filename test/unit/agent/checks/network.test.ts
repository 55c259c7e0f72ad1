// The node-network checks on real kernel state captured from the lab (test/fixtures/netlab), one
// row per scenario: which check reports what, and every other check stays ok.
import { expect } from 'chai';
import { evaluateNetwork, expectedFlannel, expectedOverlays, NETWORK_CHECKS, type CheckResult, type NodeObject, type RawNetwork } from '../../../../src/agent/checks/index.js';
import { FLANNEL_BACKEND_DATA, FLANNEL_PUBLIC_IP } from '../../../../src/istio.js';
import { edit, loadFixture, type NetlabFixture } from './fixtures.js';

type Verdict = `${CheckResult['status']}/${CheckResult['reason']}`;

function judge(f: NetlabFixture, overrides: { raw?: RawNetwork; nodes?: NodeObject[]; expectedVxlanPort?: number } = {}): Record<string, Verdict> {
  const expected = expectedFlannel(f.node, overrides.nodes ?? f.nodes);
  const results = evaluateNetwork(overrides.raw ?? f.raw, expected, { expectedVxlanPort: overrides.expectedVxlanPort ?? f.expectedVxlanPort });
  expect(results.map((r) => r.check)).to.deep.equal([...NETWORK_CHECKS]);
  return Object.fromEntries(results.map((r) => [r.check, `${r.status}/${r.reason}`]));
}

function result(f: NetlabFixture, check: string, nodes?: NodeObject[]): CheckResult {
  const r = evaluateNetwork(f.raw, expectedFlannel(f.node, nodes ?? f.nodes), { expectedVxlanPort: f.expectedVxlanPort }).find((x) => x.check === check);
  if (!r) throw new Error(`no ${check}`);
  return r;
}

const allOk = Object.fromEntries(NETWORK_CHECKS.map((c) => [c, 'ok/ok'])) as Record<string, Verdict>;
const dependentsUnknown = {
  flannel_vxlan_port: 'unknown/vxlan_device_unavailable',
  flannel_fdb: 'unknown/vxlan_device_unavailable',
  flannel_neighbours: 'unknown/vxlan_device_unavailable',
  flannel_routes: 'unknown/vxlan_device_unavailable',
} as const;

describe('agent checks: node network on captured kernel state', () => {
  const rows: { scenario: string; want: Partial<Record<string, Verdict>>; why: string }[] = [
    { scenario: 'healthy', want: {}, why: 'what Flannel programs, all present' },
    { scenario: 'talos-4789-healthy', want: {}, why: 'Talos port 4789 when 4789 is expected' },
    {
      scenario: 'vxlan-device-deleted',
      want: { flannel_vxlan_device: 'problem/vxlan_device_missing', flannel_vxlan_mtu: 'unknown/vxlan_device_unavailable', ...dependentsUnknown },
      why: 'one problem at the root; what hangs off the device cannot be judged',
    },
    { scenario: 'vxlan-device-down', want: { flannel_vxlan_device: 'problem/vxlan_device_down', ...dependentsUnknown }, why: 'down: the kernel closed the socket and flushed neighbours and routes' },
    {
      scenario: 'vxlan-device-bounced',
      want: { flannel_neighbours: 'problem/neigh_entry_missing', flannel_routes: 'problem/route_missing' },
      why: 'up again without flanneld re-adding: the flushed entries stay gone, the FDB survives',
    },
    { scenario: 'vxlan-port-dropped', want: {}, why: 'a drop on the path leaves every local fact intact: only a probe sees it' },
    { scenario: 'underlay-mtu-lowered', want: { flannel_vxlan_mtu: 'problem/overlay_mtu_mismatch' }, why: '1450 + 50 > 1420' },
    { scenario: 'underlay-down', want: { underlay_link: 'problem/underlay_down' }, why: 'no carrier; flannel.1 itself stays up' },
    { scenario: 'fdb-entry-missing', want: { flannel_fdb: 'problem/fdb_entry_missing' }, why: 'one peer entry deleted' },
    { scenario: 'neigh-entry-missing', want: { flannel_neighbours: 'problem/neigh_entry_missing' }, why: 'one peer entry deleted' },
    { scenario: 'route-missing', want: { flannel_routes: 'problem/route_missing' }, why: 'one peer route deleted' },
    {
      scenario: 'in-pod-namespace',
      want: Object.fromEntries(NETWORK_CHECKS.map((c) => [c, 'unknown/no_host_network'])),
      why: 'run without hostNetwork: a pod namespace has neither flannel.1 nor the node IP',
    },
  ];
  for (const { scenario, want, why } of rows) {
    it(`${scenario}: ${why}`, () => {
      expect(judge(loadFixture(scenario))).to.deep.equal({ ...allOk, ...want });
    });
  }

  it('names the peer whose entry is missing, and only that peer', () => {
    const r = result(loadFixture('fdb-entry-missing'), 'flannel_fdb');
    expect(r.evidence).to.include({ peers_expected: 2, peers_ok: 1 });
    expect(r.evidence.missing).to.deep.equal(['node-2']);
  });

  it('gives the MTU numbers behind a mismatch', () => {
    expect(result(loadFixture('underlay-mtu-lowered'), 'flannel_vxlan_mtu').evidence).to.include({ device_mtu: 1450, underlay_mtu: 1420, headroom_bytes: -30, needed_bytes: 50 });
  });

  it('shows the bound VXLAN socket as evidence', () => {
    expect(result(loadFixture('healthy'), 'flannel_vxlan_port').evidence).to.deep.include({ port: 8472, sockets: ['0.0.0.0:8472 uid=0'] });
    expect(result(loadFixture('talos-4789-healthy'), 'flannel_vxlan_port').evidence).to.deep.include({ port: 4789 });
  });

  describe('variants of real captures', () => {
    const healthy = loadFixture('healthy');
    const own = (nodes: NodeObject[]) => nodes.find((n) => n.metadata?.name === healthy.node) as NodeObject;
    const peer = (nodes: NodeObject[], name: string) => nodes.find((n) => n.metadata?.name === name) as NodeObject;
    const annotations = (n: NodeObject) => n.metadata?.annotations as Record<string, string>;
    const setMac = (n: NodeObject, mac: string) => {
      const data = JSON.parse(annotations(n)[FLANNEL_BACKEND_DATA] ?? '{}') as { VNI: number };
      annotations(n)[FLANNEL_BACKEND_DATA] = JSON.stringify({ VNI: data.VNI, VtepMAC: mac });
    };

    it('a Talos node (4789) where 8472 is expected: the device port is wrong', () => {
      expect(judge(loadFixture('talos-4789-healthy'), { expectedVxlanPort: 8472 })).to.deep.equal({ ...allOk, flannel_vxlan_device: 'problem/vxlan_port_unexpected' });
    });

    it('without an expected port, any port is the device port and must be bound', () => {
      const f = loadFixture('talos-4789-healthy');
      expect(evaluateNetwork(f.raw, expectedFlannel(f.node, f.nodes), {}).every((r) => r.status === 'ok')).to.equal(true);
    });

    it('the device MAC is not the advertised VtepMAC (flannel#1795): peers send to a MAC it drops', () => {
      const nodes = edit(healthy.nodes, (ns) => setMac(own(ns), '02:00:00:00:00:01'));
      expect(judge(healthy, { nodes })).to.deep.equal({ ...allOk, flannel_vxlan_device: 'problem/vtep_mac_mismatch' });
    });

    it('a peer moved to another public IP: its FDB entry is stale', () => {
      const nodes = edit(healthy.nodes, (ns) => void (annotations(peer(ns, 'node-2'))[FLANNEL_PUBLIC_IP] = '10.99.0.99'));
      expect(judge(healthy, { nodes })).to.deep.equal({ ...allOk, flannel_fdb: 'problem/fdb_entry_stale' });
    });

    it('a peer advertises a new VtepMAC not yet programmed: FDB missing, neighbour stale', () => {
      const nodes = edit(healthy.nodes, (ns) => setMac(peer(ns, 'node-3'), '02:00:00:00:00:03'));
      expect(judge(healthy, { nodes })).to.deep.equal({ ...allOk, flannel_fdb: 'problem/fdb_entry_missing', flannel_neighbours: 'problem/neigh_entry_stale' });
    });

    it('a route to the peer that is not via its subnet address onlink is a mismatch', () => {
      const raw = edit(healthy.raw, (r) => {
        const routes = (r.devices['flannel.1']!.routes as { ok: true; value: { gateway: string }[] }).value;
        if (routes[0]) routes[0].gateway = '10.244.9.9';
      });
      expect(judge(healthy, { raw })).to.deep.equal({ ...allOk, flannel_routes: 'problem/route_mismatch' });
    });

    it('nodes without a Flannel lease are not peers, only counted', () => {
      const nodes = [...healthy.nodes, { metadata: { name: 'node-9', annotations: {} }, spec: { podCIDR: '10.244.9.0/24' } }];
      expect(judge(healthy, { nodes })).to.deep.equal(allOk);
      expect(result(healthy, 'flannel_fdb', nodes).evidence).to.include({ peers_expected: 2, peers_without_lease: 1 });
    });

    it('the own node missing from the input: every network check is unknown', () => {
      const nodes = healthy.nodes.filter((n) => n.metadata?.name !== healthy.node);
      expect(Object.values(judge(healthy, { nodes }))).to.deep.equal(NETWORK_CHECKS.map(() => 'unknown/node_not_found'));
    });

    it('the own node has no Flannel VXLAN lease: nothing to compare with', () => {
      const nodes = edit(healthy.nodes, (ns) => void ((own(ns).metadata as { annotations: Record<string, string> }).annotations = {}));
      expect(Object.values(judge(healthy, { nodes }))).to.deep.equal(NETWORK_CHECKS.map(() => 'unknown/node_not_flannel_vxlan'));
    });

    it('the device up but its port in no socket (the socket table of a node whose device is down)', () => {
      const raw = { ...healthy.raw, udp: loadFixture('vxlan-device-down').raw.udp };
      expect(judge(healthy, { raw })).to.deep.equal({ ...allOk, flannel_vxlan_port: 'problem/vxlan_port_not_bound' });
    });

    it('a link named flannel.1 that is not VXLAN', () => {
      const raw = edit(healthy.raw, (r) => {
        const links = (r.links as { ok: true; value: { ifname: string; linkinfo?: { info_kind?: string } }[] }).value;
        const dev = links.find((l) => l.ifname === 'flannel.1');
        if (dev?.linkinfo) dev.linkinfo.info_kind = 'bridge';
      });
      expect(judge(healthy, { raw })).to.deep.equal({ ...allOk, flannel_vxlan_device: 'problem/not_vxlan', ...dependentsUnknown });
    });
  });

  describe('when collection fails', () => {
    const healthy = loadFixture('healthy');
    const failed = (failure: 'command_missing' | 'permission_denied' | 'command_failed' | 'timeout') => ({ ok: false as const, failure, detail: 'x' });

    it('no `ip`: every network check is unknown with command_missing, nothing throws', () => {
      const raw = { ...healthy.raw, links: failed('command_missing'), addresses: failed('command_missing') };
      expect(Object.values(judge(healthy, { raw }))).to.deep.equal(NETWORK_CHECKS.map(() => 'unknown/command_missing'));
    });

    it('/proc/net/udp not readable: only the port check is unknown', () => {
      const raw = { ...healthy.raw, udp: failed('permission_denied') };
      expect(judge(healthy, { raw })).to.deep.equal({ ...allOk, flannel_vxlan_port: 'unknown/permission_denied' });
    });

    it('a /proc/net/udp without its header line is not guessed at', () => {
      const raw = { ...healthy.raw, udp: { ok: true as const, value: { v4: 'garbage\n', v6: '' } } };
      expect(judge(healthy, { raw })).to.deep.equal({ ...allOk, flannel_vxlan_port: 'unknown/unparseable_output' });
    });

    it('the FDB dump failing or timing out leaves the other checks standing', () => {
      const tables = healthy.raw.devices['flannel.1']!;
      const withTables = (t: Partial<typeof tables>) => ({ ...healthy.raw, devices: { 'flannel.1': { ...tables, ...t } } });
      expect(judge(healthy, { raw: withTables({ fdb: failed('command_failed') }) })).to.deep.equal({ ...allOk, flannel_fdb: 'unknown/command_failed' });
      expect(judge(healthy, { raw: withTables({ routes: failed('timeout') }) })).to.deep.equal({ ...allOk, flannel_routes: 'unknown/timeout' });
    });

    it('JSON of an unknown shape is unparseable, not a crash', () => {
      const raw = { ...healthy.raw, links: { ok: true as const, value: { not: 'a list' } } };
      expect(Object.values(judge(healthy, { raw }))).to.deep.equal(NETWORK_CHECKS.map(() => 'unknown/unparseable_output'));
      const neigh = { ...healthy.raw, devices: { 'flannel.1': { ...healthy.raw.devices['flannel.1']!, neigh: { ok: true as const, value: [{ lladdr: 'no dst' }] } } } };
      expect(judge(healthy, { raw: neigh })).to.deep.equal({ ...allOk, flannel_neighbours: 'unknown/unparseable_output' });
    });
  });

  describe('IPv6 overlays (flannel-v6.<VNI>), captured from IPv6-only and dual-stack labs', () => {
    /** verdicts keyed family/check, for the overlays the own node advertises */
    function judgeFamilies(f: NetlabFixture): Record<string, Verdict> {
      const results = evaluateNetwork(f.raw, expectedOverlays(f.node, f.nodes), { expectedVxlanPort: f.expectedVxlanPort });
      return Object.fromEntries(results.map((r) => [`${r.family ?? '-'}/${r.check}`, `${r.status}/${r.reason}`]));
    }
    const okFor = (family: string) => Object.fromEntries(NETWORK_CHECKS.map((c) => [`${family}/${c}`, 'ok/ok'])) as Record<string, Verdict>;
    const unknownFor = (family: string) =>
      Object.fromEntries(['flannel_vxlan_port', 'flannel_fdb', 'flannel_neighbours', 'flannel_routes'].map((c) => [`${family}/${c}`, 'unknown/vxlan_device_unavailable']));

    const rows: { scenario: string; want: Record<string, Verdict>; why: string }[] = [
      { scenario: 'ipv6-only-healthy', want: okFor('ipv6'), why: 'flannel-v6.1 alone, its socket in udp6, entries to fd99:: peers; the kernel capped its MTU at 1500 - 70' },
      {
        scenario: 'ipv6-only-vxlan-device-deleted',
        want: { ...okFor('ipv6'), 'ipv6/flannel_vxlan_device': 'problem/vxlan_device_missing', 'ipv6/flannel_vxlan_mtu': 'unknown/vxlan_device_unavailable', ...unknownFor('ipv6') },
        why: 'the device that is missing is flannel-v6.1, not flannel.1',
      },
      { scenario: 'ipv6-only-underlay-mtu-lowered', want: { ...okFor('ipv6'), 'ipv6/flannel_vxlan_mtu': 'problem/overlay_mtu_mismatch' }, why: '1430 + 70 > 1420' },
      { scenario: 'ipv6-only-fdb-entry-missing', want: { ...okFor('ipv6'), 'ipv6/flannel_fdb': 'problem/fdb_entry_missing' }, why: 'an IPv6 FDB entry' },
      { scenario: 'ipv6-only-route-missing', want: { ...okFor('ipv6'), 'ipv6/flannel_routes': 'problem/route_missing' }, why: 'an IPv6 route, read with ip -6' },
      { scenario: 'dual-stack-healthy', want: { ...okFor('ipv4'), ...okFor('ipv6') }, why: 'both devices, each with its own MAC, socket and entries' },
      {
        scenario: 'dual-stack-vxlan-device-down',
        want: { ...okFor('ipv4'), 'ipv4/flannel_vxlan_device': 'problem/vxlan_device_down', ...unknownFor('ipv4'), ...okFor('ipv6') },
        why: 'flannel.1 down while flannel-v6.1 stays up: one family broken, the other judged on its own',
      },
    ];
    for (const { scenario, want, why } of rows) {
      it(`${scenario}: ${why}`, () => expect(judgeFamilies(loadFixture(scenario))).to.deep.equal(want));
    }

    it('an IPv6 device whose socket is only in the IPv4 table is not bound', () => {
      const f = loadFixture('ipv6-only-healthy');
      const v4Only = edit(f.raw, (r) => {
        if (r.udp.ok) r.udp.value = { v4: r.udp.value.v4 + r.udp.value.v6.split('\n').slice(1).join('\n'), v6: r.udp.value.v6.split('\n')[0] ?? '' };
      });
      expect(judgeFamilies({ ...f, raw: v4Only })['ipv6/flannel_vxlan_port']).to.equal('problem/vxlan_port_not_bound');
    });
  });
});
