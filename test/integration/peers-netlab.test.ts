// Neighbour probing on the real-kernel lab: four nodes, an agent in each (host network, uid 65534,
// no capabilities), the exporter on node-1 handing out the probe plans (3 probers per node, by
// rendezvous hashing) and agreeing on what the probes say. Each fault is done to the kernel; the
// exporter must name the right nodes with the right cause, from many vantage points:
// - VXLAN dropped on arrival at a node: its probers fail over the pod network, reach its node IP;
// - a node's underlay down: its probers reach it over neither;
// - the MTU of a node's switch port lowered (a layer-2 hop sends no ICMP): small probes pass,
//   padded ones are dropped, and the node's own interfaces show nothing;
// - the underlay split in two groups: the smaller group, as a partition;
// - the exporter's own node with VXLAN dropped: that node, as any other, and nothing else.
import { expect } from 'chai';
import type { Fault } from '../../netlab/src/index.js';
import { describeNetlab } from '../../netlab/test/support/describe-netlab.js';
import { waitFor } from '../support/wait.js';
import { agentSummary, exporterMetrics, exporterSees, nodeIssues, useMeshOnLab } from '../support/netlab-mesh.js';

const peerSeries = (lines: string[]): string[] => lines.filter((l) => l.startsWith('ambient_node_peer_reachable{'));

describeNetlab('neighbour probing between the node agents on the real-kernel lab', function () {
  this.timeout(180_000);
  const ctx = useMeshOnLab(4);

  it('healthy: every agent holds its plan and reaches its targets on every path; 3 probers per node; nothing found', async () => {
    const lines = await waitFor(
      async () => {
        const l = await exporterMetrics(ctx.mesh);
        // 4 nodes, each probed by 3 others: every pair, both ways
        return peerSeries(l).length === 12 && nodeIssues(l).length === 0 ? l : undefined;
      },
      { timeoutMs: 30_000, what: 'every pair probed' },
    );
    expect(peerSeries(lines).every((l) => l.endsWith(' 1')), peerSeries(lines).join('\n')).to.equal(true);
    for (const n of ctx.lab.nodes) {
      const s = await agentSummary(ctx.mesh, n.name);
      expect(s.peers?.plan?.targets, n.name).to.equal(3);
      expect(s.peers?.results.map((r) => `${r.pod} ${r.host} ${r.padded}`), n.name).to.deep.equal(['ok ok ok', 'ok ok ok', 'ok ok ok']);
      // the pod-network probe goes to the peer's VXLAN device address (its lease subnet's first address)
      for (const r of s.peers?.results ?? []) expect(r.podIp).to.equal(ctx.lab.node(r.node).subnetIp);
    }
  });

  const rows: { fault: Fault; want: string[]; why: string }[] = [
    { fault: { kind: 'vxlan-port-dropped', node: 'node-3' }, want: ['node-3 cross_node_network peer_overlay_down'], why: 'its probers reach its node IP, not its VXLAN address' },
    { fault: { kind: 'underlay-down', node: 'node-3' }, want: ['node-3 cross_node_network peer_underlay_down'], why: 'its probers reach it over neither network' },
    { fault: { kind: 'path-mtu-lowered', node: 'node-3' }, want: ['node-3 cross_node_network peer_mtu_blackhole'], why: 'small probes pass, padded ones are dropped on the way, where the node\'s own MTUs show nothing' },
    {
      fault: { kind: 'partition', group: ['node-3', 'node-4'] },
      want: ['node-3 cross_node_network network_partition', 'node-4 cross_node_network network_partition'],
      why: 'the exporter on node-1 reads only its side; the other group is reported as one partition',
    },
    {
      fault: { kind: 'vxlan-port-dropped', node: 'node-1' },
      want: ['node-1 cross_node_network peer_overlay_down'],
      why: "the exporter's own node, judged by its probers like any other: no other node blamed",
    },
  ];
  for (const { fault, want, why } of rows) {
    it(`${fault.kind} on ${'node' in fault ? fault.node : fault.group.join('+')}: ${why}`, async () => {
      await ctx.lab.apply(fault);
      await exporterSees(ctx.mesh, want, 30_000);
    });
  }
});
