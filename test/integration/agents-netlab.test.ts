// Node agents and the exporter on the real-kernel overlay lab: an agent in every node namespace
// (host network, uid 65534, no capabilities), the exporter in node-1's, a Kubernetes API serving
// the lab's nodes and the mesh's pods, and stand-ins answering as ztunnel, istio-cni and istiod at
// their real addresses. Each overlay fault is done to the kernel: the faulted node's agent reports
// what it sees in its summary, and the exporter names the right node with the right cause.
import { expect } from 'chai';
import type { AgentSummary } from '../../src/agent/summary.js';
import type { Fault } from '../../netlab/src/index.js';
import { objectsOf, type AmbientOnLab } from '../../netlab/src/ambient.js';
import { describeNetlab } from '../../netlab/test/support/describe-netlab.js';
import { waitFor } from '../support/wait.js';
import { agentSummary, exporterMetrics, exporterSees, nodeIssues, useMeshOnLab } from '../support/netlab-mesh.js';

type Verdicts = Record<string, string>;

/** A summary of a round that started after `since` (ms): the node as it is now. */
async function freshSummary(mesh: AmbientOnLab, node: string, since: number): Promise<AgentSummary> {
  return waitFor(async () => {
    const s = await agentSummary(mesh, node);
    return s.round.startedAtMs > since ? s : undefined;
  }, { timeoutMs: 15_000, what: `a summary of ${node} newer than the fault` });
}

const verdicts = (s: AgentSummary): Verdicts => Object.fromEntries(s.checks.map((c) => [`${c.family ?? '-'}/${c.check}`, `${c.status}/${c.reason}`]));
const ALL_OK: Verdicts = Object.fromEntries(
  ['flannel_vxlan_device', 'underlay_link', 'flannel_vxlan_mtu', 'flannel_vxlan_port', 'flannel_fdb', 'flannel_neighbours', 'flannel_routes'].map((c) => [`ipv4/${c}`, 'ok/ok']),
);
Object.assign(ALL_OK, { '-/istio_cni_config': 'ok/ok', '-/istio_cni_taint': 'ok/ok' });
const DEPENDENTS_UNKNOWN: Verdicts = Object.fromEntries(['flannel_vxlan_port', 'flannel_fdb', 'flannel_neighbours', 'flannel_routes'].map((c) => [`ipv4/${c}`, 'unknown/vxlan_device_unavailable']));

describeNetlab('node agents and the exporter on the real-kernel lab', function () {
  this.timeout(180_000);
  const ctx = useMeshOnLab(3);
  const exporterSeesNow = (want: string[]) => exporterSees(ctx.mesh, want);

  it('healthy: every agent sees its node healthy and scrapes its ztunnel and istio-cni; the exporter finds nothing and reads every agent', async () => {
    for (const n of ctx.lab.nodes) {
      // the peers whose entries its checks compare come with the exporter's plan: a round after it arrived
      const s = await waitFor(async () => {
        const x = await agentSummary(ctx.mesh, n.name);
        return x.peers?.plan && x.round.startedAtMs > x.peers.plan.receivedAtMs ? x : undefined;
      }, { timeoutMs: 15_000, what: `a round of ${n.name} with the exporter's plan` });
      expect(s.node).to.equal(n.name);
      expect(verdicts(s), n.name).to.deep.equal(ALL_OK);
      expect(s.scrapes.map((x) => `${x.component} ${x.up}`), n.name).to.deep.equal(['ztunnel true', 'istio-cni true']);
      expect(s.kube).to.deep.equal({ synced: true, watchUp: { node: true, pods: true } });
      expect(s.ready).to.equal(true);
    }
    await exporterSeesNow([]);
    // the exporter's read of each agent a round after the plan arrived: every check judged
    const known = ctx.lab.nodes.map((n) => `ambient_node_checks_unknown{node="${n.name}"} 0`);
    const lines = await waitFor(async () => {
      const l = await exporterMetrics(ctx.mesh);
      return JSON.stringify(l.filter((x) => x.startsWith('ambient_node_checks_unknown{'))) === JSON.stringify(known) ? l : undefined;
    }, { timeoutMs: 15_000, what: 'every agent read with every check judged' });
    for (const n of ctx.lab.nodes) expect(lines).to.include(`ambient_exporter_scrape_up{component="agent",node="${n.name}",pod="ambient-exporter-agent-${n.name}"} 1`);
  });

  const rows: { fault: Fault; agent?: Verdicts; cause: string; why: string }[] = [
    {
      fault: { kind: 'vxlan-device-deleted', node: 'node-2' },
      agent: { 'ipv4/flannel_vxlan_device': 'problem/vxlan_device_missing', 'ipv4/flannel_vxlan_mtu': 'unknown/vxlan_device_unavailable', ...DEPENDENTS_UNKNOWN },
      cause: 'vxlan_device_missing',
      why: 'the device is gone: the node tells, ahead of its pods not answering',
    },
    {
      fault: { kind: 'vxlan-device-down', node: 'node-2' },
      agent: { 'ipv4/flannel_vxlan_device': 'problem/vxlan_device_down', ...DEPENDENTS_UNKNOWN },
      cause: 'vxlan_device_down',
      why: 'down: the kernel closed its socket and flushed its entries',
    },
    {
      fault: { kind: 'underlay-mtu-lowered', node: 'node-2' },
      agent: { 'ipv4/flannel_vxlan_mtu': 'problem/overlay_mtu_mismatch' },
      cause: 'overlay_mtu_mismatch',
      why: 'small probes still pass: only the node itself shows it',
    },
    {
      fault: { kind: 'fdb-entry-missing', node: 'node-2', peer: 'node-1' },
      agent: { 'ipv4/flannel_fdb': 'problem/fdb_entry_missing' },
      cause: 'fdb_incomplete',
      why: "node-2 cannot answer node-1: the missing entry is node-2's",
    },
    {
      fault: { kind: 'vxlan-port-dropped', node: 'node-2' },
      agent: {},
      cause: 'peer_overlay_down',
      why: "a drop on the way changes nothing on the node: its peers' agents reach its node IP, not its VXLAN address",
    },
    {
      fault: { kind: 'underlay-down', node: 'node-2' },
      cause: 'peer_underlay_down',
      why: "its peers' agents reach it over neither network: off the network, not only the overlay",
    },
  ];
  for (const { fault, agent, cause, why } of rows) {
    it(`${fault.kind} on node-2: ${why} -> ${cause}`, async () => {
      const since = Date.now();
      await ctx.lab.apply(fault);
      if (agent) {
        const s = await freshSummary(ctx.mesh, 'node-2', since);
        expect(verdicts(s), 'node-2').to.deep.equal({ ...ALL_OK, ...agent });
        expect(verdicts(await freshSummary(ctx.mesh, 'node-3', since)), 'node-3').to.deep.equal(ALL_OK);
      }
      const lines = await exporterSeesNow([`node-2 cross_node_network ${cause}`]);
      const problems = lines.filter((l) => l.startsWith('ambient_node_check_problem{'));
      expect(problems.every((l) => l.includes('node="node-2"')), problems.join('\n')).to.equal(true);
    });
  }

  it('istio-cni-plugin-missing on node-3: its agent reads the config; istio-cni runs there, so pods start outside the mesh', async () => {
    const since = Date.now();
    await ctx.lab.apply({ kind: 'istio-cni-plugin-missing', node: 'node-3' });
    expect(verdicts(await freshSummary(ctx.mesh, 'node-3', since))).to.deep.equal({ ...ALL_OK, '-/istio_cni_config': 'problem/cni_plugin_not_configured' });
    await exporterSeesNow(['node-3 namespace_not_enrolled cni_plugin_not_configured']);
  });

  it("vxlan-device-deleted on the exporter's own node: that node's cause, not exporter_node_cut_off, and no other node blamed", async () => {
    await ctx.lab.apply({ kind: 'vxlan-device-deleted', node: 'node-1' });
    await exporterSeesNow(['node-1 cross_node_network vxlan_device_missing']);
  });

  it("vxlan-port-dropped on the exporter's own node: nothing local to see; its peers' agents name it, as any node", async () => {
    await ctx.lab.apply({ kind: 'vxlan-port-dropped', node: 'node-1' });
    await exporterSeesNow(['node-1 cross_node_network peer_overlay_down']);
  });

  it("vxlan-port-dropped on the exporter's own node, the agents probing no peer (--peer-probers 0): exporter_node_cut_off from its one vantage point", async () => {
    await ctx.mesh.stopExporter();
    await ctx.mesh.startExporter(['--peer-probers', '0']);
    try {
      await ctx.lab.apply({ kind: 'vxlan-port-dropped', node: 'node-1' });
      await exporterSeesNow(['node-1 cross_node_network exporter_node_cut_off']);
    } finally {
      await ctx.mesh.stopExporter();
      await ctx.mesh.startExporter();
    }
  });

  it("the exporter leaves an agent's node's ztunnel to the agent: with node-2's pods unreachable its ztunnel still counts as scraped", async () => {
    await ctx.lab.apply({ kind: 'vxlan-port-dropped', node: 'node-2' });
    const lines = await exporterSeesNow(['node-2 cross_node_network peer_overlay_down']);
    expect(lines).to.include('ambient_node_pod_network_reachable{node="node-2"} 0');
    expect(lines).to.include('ambient_exporter_scrape_up{component="ztunnel",node="node-2",pod="ztunnel-node-2"} 1');
  });

  it('an agent gone (its pod no longer Ready): the exporter scrapes that node\'s ztunnel and istio-cni itself, over the overlay', async () => {
    const objects = objectsOf(ctx.lab, ctx.mesh.exporterNode).map((o) =>
      o.metadata.name === 'ambient-exporter-agent-node-3' ? { ...o, status: { ...(o.status as object), conditions: [{ type: 'Ready', status: 'False' }] } } : o,
    );
    await ctx.mesh.stopAgent('node-3');
    ctx.mesh.api.apply(objects);
    try {
      await ctx.lab.apply({ kind: 'vxlan-port-dropped', node: 'node-3' });
      // the exporter's own scrape of node-3's ztunnel crosses the overlay, where VXLAN to node-3 is dropped
      const lines = await waitFor(
        async () => {
          const l = await exporterMetrics(ctx.mesh);
          return l.includes('ambient_exporter_scrape_up{component="ztunnel",node="node-3",pod="ztunnel-node-3"} 0') ? l : undefined;
        },
        { timeoutMs: 20_000, what: "the exporter's own failed scrape of node-3's ztunnel" },
      );
      expect(lines.some((l) => l.startsWith('ambient_exporter_scrape_up{component="agent",node="node-3"'))).to.equal(false);
      expect(nodeIssues(lines)).to.deep.equal(['node-3 cross_node_network pod_network_unreachable']);
    } finally {
      ctx.mesh.api.apply(objectsOf(ctx.lab, ctx.mesh.exporterNode));
      await ctx.mesh.startAgent('node-3');
    }
  });
});
