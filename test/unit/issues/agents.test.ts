// What the node agents' reports do to the verdicts, table-driven: node-local causes of the
// cross-node issue (most specific first, whatever the exporter's vantage point), the exporter's own
// node judged by its agent, a silent agent telling underlay from overlay, istio-cni's plugin missing
// from a node's CNI config, and the agents' local scrapes standing in for the exporter's.
import { expect } from 'chai';
import { deriveSignals } from '../../../src/issues/derive.js';
import type { SignalInput } from '../../../src/issues/types.js';
import {
  NETWORK_CHECK_NAMES,
  agentReport,
  check,
  failedScrape,
  healthyChecks,
  healthyInput,
  readiness,
  s,
  silentAgent,
  NODES,
  withAgents,
} from '../../support/builders.js';
import type { CheckSummary, PeerResult } from '../../../src/agent/summary.js';

/** node-b's agent reports `problem` instead of the ok result of its check. */
function agentSees(input: SignalInput, node: string, ...problems: CheckSummary[]): void {
  input.agents = (input.agents ?? []).map((a) => {
    if (a.node !== node) return a;
    const checks = healthyChecks().map((c) => problems.find((p) => p.check === c.check && p.family === c.family) ?? c);
    return agentReport(node, [...checks, ...problems.filter((p) => !checks.includes(p))]);
  });
}

/** The exporter gets no answer from pod-network addresses on `nodes` (ztunnel readiness probes, istiod scrapes). */
function podsUnreachable(input: SignalInput, nodes: string[]): void {
  input.scrapes = input.scrapes.map((x) => (nodes.includes(x.target.node) && x.target.component === 'istiod' ? failedScrape(x.target, 'timeout', false) : x));
  input.probes.ztunnelReadiness = input.probes.ztunnelReadiness.map((r) => (nodes.includes(r.node) ? readiness(r.node, [], { reachable: false, ready: false }) : r));
}

const agents = (edit: (i: SignalInput) => void = () => undefined) => () => {
  const i = withAgents(healthyInput());
  edit(i);
  return i;
};

type Outcome = PeerResult['pod'];
/**
 * Every agent probes every other node (three nodes: K = 2) and reports what `link` says; agents on
 * `unread` nodes are not read (their host network does not answer the exporter).
 */
function peersSee(input: SignalInput, link: (s: string, t: string) => [Outcome, Outcome, Outcome], unread: string[] = []): void {
  input.agents = (input.agents ?? []).map((a) => {
    if (unread.includes(a.node)) return silentAgent(a.node);
    const results = NODES.filter((t) => t !== a.node).map((t): PeerResult => {
      const [pod, host, padded] = link(a.node, t);
      return { node: t, podIp: '10.244.9.0', hostIp: '192.168.0.9', pod, host, padded, podSeconds: 0.01, hostSeconds: 0.01 };
    });
    return { ...a, summary: { ...a.summary!, peers: { plan: null, results } } };
  });
}
const HEALTHY_LINK: [Outcome, Outcome, Outcome] = ['ok', 'ok', 'ok'];
const at = (node: string, paths: [Outcome, Outcome, Outcome]) => (s: string, t: string): [Outcome, Outcome, Outcome] => (s === node || t === node ? paths : HEALTHY_LINK);

const findings = (input: SignalInput): string[] => deriveSignals(input).nodeIssues.map((f) => `${f.node} ${f.issue} ${f.cause}`);

describe('issues: what the node agents report', () => {
  const rows: { name: string; input: () => SignalInput; want: string[] }[] = [
    { name: 'healthy, every node with an agent: nothing', input: agents(), want: [] },
    {
      name: "node-b's VXLAN device missing: its own cause, ahead of its pods not answering the exporter",
      input: agents((i) => {
        agentSees(i, 'node-b', check('flannel_vxlan_device', 'problem', 'vxlan_device_missing'));
        podsUnreachable(i, ['node-b']);
      }),
      want: ['node-b cross_node_network vxlan_device_missing'],
    },
    {
      name: 'a local cause holds even while the exporter still reaches the node (an MTU mismatch lets small requests through)',
      input: agents((i) => agentSees(i, 'node-c', check('flannel_vxlan_mtu', 'problem', 'overlay_mtu_mismatch'))),
      want: ['node-c cross_node_network overlay_mtu_mismatch'],
    },
    {
      name: 'several checks failing: the most fundamental names the node (underlay before the device, the device before its peers)',
      input: agents((i) =>
        agentSees(i, 'node-b', check('flannel_fdb', 'problem', 'fdb_entry_missing'), check('underlay_link', 'problem', 'underlay_down'), check('flannel_vxlan_mtu', 'problem', 'overlay_mtu_mismatch')),
      ),
      want: ['node-b cross_node_network underlay_down'],
    },
    {
      name: "the exporter's own node (node-a) with its device down: that cause for node-a, and the others it cannot reach are not reported",
      input: agents((i) => {
        agentSees(i, 'node-a', check('flannel_vxlan_device', 'problem', 'vxlan_device_down'));
        podsUnreachable(i, ['node-b', 'node-c']);
      }),
      want: ['node-a cross_node_network vxlan_device_down'],
    },
    {
      name: "the exporter's own node reaches no other, its agent sees nothing wrong locally: exporter_node_cut_off (a dropped port on node-a looks so)",
      input: agents((i) => podsUnreachable(i, ['node-b', 'node-c'])),
      want: ['node-a cross_node_network exporter_node_cut_off'],
    },
    {
      name: "nodes explained by their own agents take no part in judging the exporter's node: both others broken locally is no cut-off of node-a",
      input: agents((i) => {
        agentSees(i, 'node-b', check('flannel_vxlan_device', 'problem', 'vxlan_device_missing'));
        agentSees(i, 'node-c', check('flannel_routes', 'problem', 'route_missing'));
        podsUnreachable(i, ['node-b', 'node-c']);
      }),
      want: ['node-b cross_node_network vxlan_device_missing', 'node-c cross_node_network fdb_incomplete'],
    },
    {
      name: 'the peers agree: node-c unreachable over the pod network, reached over the host network: peer_overlay_down, not the vantage point\'s cause',
      input: agents((i) => {
        podsUnreachable(i, ['node-c']);
        peersSee(i, at('node-c', ['connect_timeout', 'ok', 'not_run']));
      }),
      want: ['node-c cross_node_network peer_overlay_down'],
    },
    {
      name: "the exporter's own node with its overlay down (it reaches no other): peer_overlay_down for node-a, as for any node, and nothing for the others",
      input: agents((i) => {
        podsUnreachable(i, ['node-b', 'node-c']);
        peersSee(i, at('node-a', ['connect_timeout', 'ok', 'not_run']));
      }),
      want: ['node-a cross_node_network peer_overlay_down'],
    },
    {
      name: 'the peers agree node-b is off both networks (its agent silent): peer_underlay_down',
      input: agents((i) => {
        podsUnreachable(i, ['node-b']);
        peersSee(i, at('node-b', ['connect_timeout', 'connect_timeout', 'not_run']), ['node-b']);
      }),
      want: ['node-b cross_node_network peer_underlay_down'],
    },
    {
      name: 'small probes to node-c pass, padded ones stall: peer_mtu_blackhole, though the exporter reaches it',
      input: agents((i) => peersSee(i, at('node-c', ['ok', 'ok', 'stalled']))),
      want: ['node-c cross_node_network peer_mtu_blackhole'],
    },
    {
      name: "a node's own agent's cause still comes first: node-c's MTU mismatch seen locally, its probers' MTU blackhole agreeing",
      input: agents((i) => {
        agentSees(i, 'node-c', check('flannel_vxlan_mtu', 'problem', 'overlay_mtu_mismatch'));
        peersSee(i, at('node-c', ['ok', 'ok', 'stalled']));
      }),
      want: ['node-c cross_node_network overlay_mtu_mismatch'],
    },
    {
      name: 'the peers agree every node is healthy: the vantage point\'s pod_network_unreachable yields to them',
      input: agents((i) => {
        podsUnreachable(i, ['node-c']);
        peersSee(i, () => HEALTHY_LINK);
      }),
      want: [],
    },
    {
      name: 'pods unreachable while the agent answers and sees nothing: pod_network_unreachable (the VXLAN port dropped on the way)',
      input: agents((i) => podsUnreachable(i, ['node-c'])),
      want: ['node-c cross_node_network pod_network_unreachable'],
    },
    {
      name: 'pods unreachable and the agent silent on the host network too: node_unreachable (underlay, not overlay)',
      input: agents((i) => {
        podsUnreachable(i, ['node-c']);
        i.agents = i.agents!.map((a) => (a.node === 'node-c' ? silentAgent('node-c') : a));
      }),
      want: ['node-c cross_node_network node_unreachable'],
    },
    {
      name: 'an agent that answers with an error (refused, 503) still proves the host network: pod_network_unreachable',
      input: agents((i) => {
        podsUnreachable(i, ['node-c']);
        i.agents = i.agents!.map((a) => (a.node === 'node-c' ? { ...silentAgent('node-c'), error: 'http_status' as const, reachable: true } : a));
      }),
      want: ['node-c cross_node_network pod_network_unreachable'],
    },
    {
      name: 'a NotReady node is a node failure, whatever its agent last said',
      input: agents((i) => {
        agentSees(i, 'node-b', check('flannel_vxlan_device', 'problem', 'vxlan_device_missing'));
        i.state.nodes.find((n) => n.name === 'node-b')!.ready = false;
      }),
      want: [],
    },
    {
      name: 'dual stack: the IPv6 device missing while the IPv4 one is fine is the node\'s cause',
      input: agents((i) =>
        agentSees(i, 'node-b', ...NETWORK_CHECK_NAMES.map((c) => check(c, 'ok', 'ok', 'ipv6')), check('flannel_vxlan_device', 'problem', 'vxlan_device_missing', 'ipv6')),
      ),
      want: ['node-b cross_node_network vxlan_device_missing'],
    },
    {
      name: "checks the agent could not judge (unknown) are no finding: what it cannot see it does not report",
      input: agents((i) => agentSees(i, 'node-b', ...NETWORK_CHECK_NAMES.map((c) => check(c, 'unknown', 'no_host_network')))),
      want: [],
    },
    {
      name: "istio-cni runs on node-c but its plugin is not in the node's active CNI config: cni_plugin_not_configured",
      input: agents((i) => agentSees(i, 'node-c', check('istio_cni_config', 'problem', 'cni_plugin_not_configured'))),
      want: ['node-c namespace_not_enrolled cni_plugin_not_configured'],
    },
    {
      name: 'the same config on a node without istio-cni is no finding: istio-cni does not belong there',
      input: agents((i) => {
        agentSees(i, 'node-c', check('istio_cni_config', 'problem', 'cni_plugin_not_configured'));
        i.state.cniPods = i.state.cniPods.filter((p) => p.node !== 'node-c');
      }),
      want: [],
    },
    {
      name: "the agents' local scrapes feed the detections: node-b's istio-cni, scraped by its agent, has no ztunnel connected",
      input: agents((i) => {
        i.scrapes = i.scrapes.map((x) => (x.target.component === 'istio-cni' && x.target.node === 'node-b' ? { ...x, samples: [s('ztunnel_connected', 0), s('istio_cni_install_ready', 1)] } : x));
      }),
      want: ['node-b cni_pod_creation_blocked ztunnel_not_connected'],
    },
  ];

  for (const { name, input, want } of rows) {
    it(name, () => expect(findings(input())).to.deep.equal(want));
  }

  describe('one cause per check family', () => {
    const families: [CheckSummary, string][] = [
      [check('underlay_link', 'problem', 'underlay_down'), 'underlay_down'],
      [check('flannel_vxlan_device', 'problem', 'vxlan_device_missing'), 'vxlan_device_missing'],
      [check('flannel_vxlan_device', 'problem', 'vxlan_device_down'), 'vxlan_device_down'],
      [check('flannel_vxlan_device', 'problem', 'vni_mismatch'), 'vxlan_device_misconfigured'],
      [check('flannel_vxlan_device', 'problem', 'vtep_mac_mismatch'), 'vxlan_device_misconfigured'],
      [check('flannel_vxlan_device', 'problem', 'not_vxlan'), 'vxlan_device_misconfigured'],
      [check('flannel_vxlan_device', 'problem', 'vxlan_port_unexpected'), 'vxlan_device_misconfigured'],
      [check('flannel_vxlan_port', 'problem', 'vxlan_port_not_bound'), 'vxlan_port_not_bound'],
      [check('flannel_vxlan_mtu', 'problem', 'overlay_mtu_mismatch'), 'overlay_mtu_mismatch'],
      [check('flannel_fdb', 'problem', 'fdb_entry_missing'), 'fdb_incomplete'],
      [check('flannel_fdb', 'problem', 'fdb_entry_stale'), 'fdb_incomplete'],
      [check('flannel_neighbours', 'problem', 'neigh_entry_missing'), 'fdb_incomplete'],
      [check('flannel_routes', 'problem', 'route_mismatch'), 'fdb_incomplete'],
    ];
    for (const [problem, cause] of families) {
      it(`${problem.check} ${problem.reason} -> ${cause}`, () => {
        expect(findings(agents((i) => agentSees(i, 'node-b', problem))())).to.deep.equal([`node-b cross_node_network ${cause}`]);
      });
    }
  });

  it("an agent's local scrape is no evidence of the pod network: a node whose readiness probe times out is unreachable, though its ztunnel was scraped", () => {
    const i = agents((x) => {
      x.probes.ztunnelReadiness = x.probes.ztunnelReadiness.map((r) => (r.node === 'node-c' ? readiness('node-c', [], { reachable: false, ready: false }) : r));
    })();
    const reach = deriveSignals(i).issues.cross_node_network.podNetworkReachable;
    expect(reach.find((r) => r.node === 'node-c')?.reachable).to.equal(false);
  });
});
