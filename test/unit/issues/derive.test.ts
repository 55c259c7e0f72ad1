// Every detection rule, table-driven: a cluster situation in, root causes per node/namespace out.
import { expect } from 'chai';
import { deriveSignals } from '../../../src/issues/derive.js';
import type { Issue } from '../../../src/issues/registry.js';
import type { XdsErrorHistory } from '../../../src/issues/ztunnel-istiod-connectivity/detect.js';
import { failedScrape, healthyInput, pod, readiness, s, scrape, target, withHealthy } from '../../support/builders.js';

const SANDBOX_MSG =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "abc": plugin type="istio-cni" name="istio-cni" failed (add): istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): no ztunnel connection';

/** ztunnels on these nodes are unready with `state manager` pending. */
function ztunnelsNotSynced(input: ReturnType<typeof healthyInput>, nodes: string[]): void {
  for (const p of input.state.ztunnelPods) if (nodes.includes(p.node)) p.ready = false;
  input.probes.ztunnelReadiness = input.probes.ztunnelReadiness.map((r) => (nodes.includes(r.node) ? readiness(r.node, ['state manager']) : r));
}

/** pod-network addresses on these nodes (ztunnel, istiod) time out (overlay down), ztunnels there unready. */
function cutOff(input: ReturnType<typeof healthyInput>, nodes: string[]): void {
  input.scrapes = input.scrapes.map((x) =>
    nodes.includes(x.target.node) && x.target.component !== 'istio-cni' ? failedScrape(x.target, 'timeout', false) : x,
  );
  input.probes.ztunnelReadiness = input.probes.ztunnelReadiness.map((r) =>
    nodes.includes(r.node) ? readiness(r.node, [], { reachable: false, ready: false }) : r,
  );
  for (const p of input.state.ztunnelPods) if (nodes.includes(p.node)) p.ready = false;
}

function cniDisconnected(input: ReturnType<typeof healthyInput>, n: string): void {
  input.scrapes = input.scrapes.map((x) =>
    x.target.component === 'istio-cni' && x.target.node === n ? scrape(x.target, [s('ztunnel_connected', 0), s('istio_cni_install_ready', 1)]) : x,
  );
}

function blockedPod(input: ReturnType<typeof healthyInput>, n: string, name = 'reviews-new'): void {
  input.state.workloadPods.push(
    pod({ name, namespace: 'bookinfo', node: n, phase: 'Pending', started: false, ready: false, waitingReason: 'ContainerCreating', ip: '' }),
  );
  input.state.sandboxEvents.push({ namespace: 'bookinfo', pod: name, podUid: `uid-${name}`, reason: 'FailedCreatePodSandBox', message: SANDBOX_MSG, lastSeen: 1000, count: 3 });
}

/** xDS history of a node: `errors` failed streams, last grown at `errorAt`; `messages` received, never grown. */
function history(errors: number, errorAt: number, messages = 0): XdsErrorHistory {
  return { errors, messages, lastErrorGrowthMs: errorAt, lastMessageGrowthMs: 0, compared: true };
}

interface Case {
  name: string;
  input: () => ReturnType<typeof healthyInput>;
  nodes: string[]; // "node issue cause"
  namespaces: string[]; // "namespace cause"
}

const cases: Case[] = [
  { name: 'healthy cluster', input: () => healthyInput(), nodes: [], namespaces: [] },
  {
    name: 'Service istiod without port 15012: every unsynced ztunnel, one cluster-wide cause',
    input: () =>
      withHealthy((i) => {
        i.state.istiodService!.ports = i.state.istiodService!.ports.filter((p) => p.port !== 15012);
        ztunnelsNotSynced(i, ['node-a', 'node-b', 'node-c']);
      }),
    nodes: ['node-a ztunnel_istiod_connectivity service_port_missing', 'node-b ztunnel_istiod_connectivity service_port_missing', 'node-c ztunnel_istiod_connectivity service_port_missing'],
    namespaces: [],
  },
  {
    name: 'Service istiod absent',
    input: () =>
      withHealthy((i) => {
        i.state.istiodService = undefined;
        ztunnelsNotSynced(i, ['node-b']);
      }),
    nodes: ['node-a ztunnel_istiod_connectivity service_port_missing', 'node-b ztunnel_istiod_connectivity service_port_missing', 'node-c ztunnel_istiod_connectivity service_port_missing'],
    namespaces: [],
  },
  {
    name: 'no ready endpoints behind istiod',
    input: () =>
      withHealthy((i) => {
        i.state.istiodEndpoints = i.state.istiodEndpoints.map((e) => ({ ...e, ready: false }));
        ztunnelsNotSynced(i, ['node-c']);
      }),
    // ztunnels that synced earlier stay Ready (the state manager task is one-shot) but are cut off too
    nodes: ['node-a ztunnel_istiod_connectivity no_ready_endpoints', 'node-b ztunnel_istiod_connectivity no_ready_endpoints', 'node-c ztunnel_istiod_connectivity no_ready_endpoints'],
    namespaces: [],
  },
  {
    name: 'xDS port does not answer (dials fail)',
    input: () =>
      withHealthy((i) => {
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false, durationSeconds: 0.5 }));
        ztunnelsNotSynced(i, ['node-a', 'node-b', 'node-c']);
      }),
    nodes: ['node-a ztunnel_istiod_connectivity xds_dial_failed', 'node-b ztunnel_istiod_connectivity xds_dial_failed', 'node-c ztunnel_istiod_connectivity xds_dial_failed'],
    namespaces: [],
  },
  {
    // a NetworkPolicy in istio-system that admits the ztunnels but not the exporter, or a firewall on
    // the exporter's node: the exporter's vantage point, not an outage every ztunnel suffers
    name: "the exporter's dials fail while every ztunnel is configured: no cluster-wide cause, no node marked",
    input: () =>
      withHealthy((i) => {
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false, durationSeconds: 0.5 }));
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'one ztunnel not synced while istiod looks fine',
    input: () => withHealthy((i) => ztunnelsNotSynced(i, ['node-b'])),
    nodes: ['node-b ztunnel_istiod_connectivity xds_not_synced'],
    namespaces: [],
  },
  {
    name: 'ztunnel waiting only for the istio-cni node agent is not an istiod problem',
    input: () =>
      withHealthy((i) => {
        i.probes.ztunnelReadiness[1] = readiness('node-b', ['workload proxy manager']);
        i.state.ztunnelPods[1]!.ready = false;
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'one node away from the exporter cut off, which explains its unsynced ztunnel',
    input: () =>
      withHealthy((i) => {
        ztunnelsNotSynced(i, ['node-c']);
        cutOff(i, ['node-c']);
      }),
    nodes: ['node-c cross_node_network pod_network_unreachable'],
    namespaces: [],
  },
  {
    // From one vantage point "every other node is cut off" and "my node is cut off" look alike (the
    // others' ztunnels and Flannel pods stay Ready either way): one page, about the exporter's node.
    name: 'overlay down for most nodes the exporter tried: one finding on its own node, not one per healthy node',
    input: () =>
      withHealthy((i) => {
        ztunnelsNotSynced(i, ['node-b', 'node-c']);
        cutOff(i, ['node-b', 'node-c']);
      }),
    nodes: ['node-a cross_node_network exporter_node_cut_off'],
    namespaces: [],
  },
  {
    name: 'connection refused is an answer: the network to the node works',
    input: () =>
      withHealthy((i) => {
        i.scrapes = i.scrapes.map((x) => (x.target.component === 'ztunnel' && x.target.node === 'node-b' ? failedScrape(x.target, 'connect', true) : x));
        i.probes.ztunnelReadiness[1] = readiness('node-b', [], { reachable: true, ready: false });
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'overlay down and Service istiod without 15012: cut-off nodes report the overlay, the others the Service',
    input: () =>
      withHealthy((i) => {
        i.state.istiodService!.ports = i.state.istiodService!.ports.filter((p) => p.port !== 15012);
        cutOff(i, ['node-c']);
      }),
    nodes: [
      'node-a ztunnel_istiod_connectivity service_port_missing',
      'node-b ztunnel_istiod_connectivity service_port_missing',
      'node-c cross_node_network pod_network_unreachable',
    ],
    namespaces: [],
  },
  {
    name: "the exporter's own node cut off: every ztunnel and Flannel pod stays Ready, as running ones do",
    input: () =>
      withHealthy((i) => {
        cutOff(i, ['node-b', 'node-c']);
        for (const p of i.state.ztunnelPods) p.ready = true;
      }),
    nodes: ['node-a cross_node_network exporter_node_cut_off'],
    namespaces: [],
  },
  {
    name: 'a Ready ztunnel whose xDS stream keeps failing since the last round',
    input: () =>
      withHealthy((i) => {
        i.nowMs = 1_000_000;
        i.previous = { ztunnel_istiod_connectivity: { xdsErrors: new Map([
          ['node-a', history(0, 0)],
          ['node-b', history(2, 0)],
          ['node-c', history(5, 0)],
        ]) } };
        i.scrapes[1] = scrape(target('ztunnel', 'node-b'), [s('istio_xds_connection_terminations_total', 4, { reason: 'ConnectionError' })]);
        i.scrapes[2] = scrape(target('ztunnel', 'node-c'), [s('istio_xds_connection_terminations_total', 1, { reason: 'Error' })]); // restarted: counter reset
      }),
    nodes: ['node-b ztunnel_istiod_connectivity xds_connection_errors'],
    namespaces: [],
  },
  {
    name: 'a ztunnel retrying with back-off stays flagged between growths, and is cleared five minutes after the last',
    input: () =>
      withHealthy((i) => {
        i.nowMs = 10 * 60_000;
        i.previous = { ztunnel_istiod_connectivity: { xdsErrors: new Map([
          ['node-a', history(4, i.nowMs - 60_000)], // grew a minute ago, no configuration since: still failing
          ['node-b', history(4, i.nowMs - 6 * 60_000)], // last grew six minutes ago: recovered
          ['node-c', history(0, 0)],
        ]) } };
        for (const n of [0, 1]) i.scrapes[n] = scrape(i.scrapes[n]!.target, [s('istio_xds_connection_terminations_total', 4, { reason: 'ConnectionError' })]);
      }),
    nodes: ['node-a ztunnel_istiod_connectivity xds_connection_errors'],
    namespaces: [],
  },
  {
    name: 'a stream that failed and then received configuration has recovered',
    input: () =>
      withHealthy((i) => {
        i.nowMs = 10 * 60_000;
        i.previous = { ztunnel_istiod_connectivity: { xdsErrors: new Map([['node-a', history(4, i.nowMs - 30_000, 7)], ['node-b', history(0, 0)], ['node-c', history(0, 0)]]) } };
        i.scrapes[0] = scrape(i.scrapes[0]!.target, [
          s('istio_xds_connection_terminations_total', 4, { reason: 'ConnectionError' }),
          s('istio_xds_message_total', 9, { url: 'type.googleapis.com/istio.workload.Address' }),
        ]);
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'routine Reconnect terminations are not a failure',
    input: () =>
      withHealthy((i) => {
        i.nowMs = 1_000_000;
        i.previous = { ztunnel_istiod_connectivity: { xdsErrors: new Map(['node-a', 'node-b', 'node-c'].map((n) => [n, history(0, 0)])) } };
        i.scrapes[1] = scrape(target('ztunnel', 'node-b'), [s('istio_xds_connection_terminations_total', 40, { reason: 'Reconnect' })]);
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'a pod past its sandbox (ImagePullBackOff) is no longer blocked by an old CNI event',
    input: () =>
      withHealthy((i) => {
        blockedPod(i, 'node-c');
        i.state.workloadPods.at(-1)!.waitingReason = 'ImagePullBackOff';
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'sidecar-injected pods in an ambient namespace are not expected to be captured',
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'legacy-sidecar', namespace: 'bookinfo', annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' } }));
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'Flannel pod not ready on one node',
    input: () =>
      withHealthy((i) => {
        i.state.flannelPods[2]!.ready = false;
        cutOff(i, ['node-c']);
      }),
    nodes: ['node-c cross_node_network flannel_not_ready'],
    namespaces: [],
  },
  {
    name: 'node without a Flannel backend annotation',
    input: () =>
      withHealthy((i) => {
        i.state.nodes[1]!.annotations = {};
      }),
    nodes: ['node-b cross_node_network overlay_not_configured'],
    namespaces: [],
  },
  {
    name: 'malformed VXLAN lease data',
    input: () =>
      withHealthy((i) => {
        i.state.nodes[1]!.annotations['flannel.alpha.coreos.com/backend-data'] = '{"VNI":1}';
      }),
    nodes: ['node-b cross_node_network overlay_not_configured'],
    namespaces: [],
  },
  {
    name: "the exporter's own node is broken: report it, not every node it cannot see",
    input: () =>
      withHealthy((i) => {
        i.state.flannelPods[0]!.ready = false;
        cutOff(i, ['node-b', 'node-c']);
      }),
    nodes: ['node-a cross_node_network flannel_not_ready'],
    namespaces: [],
  },
  {
    name: "a node-specific xDS failure still explains that node's istio-cni problem",
    input: () =>
      withHealthy((i) => {
        ztunnelsNotSynced(i, ['node-b']);
        cniDisconnected(i, 'node-b');
      }),
    nodes: ['node-b ztunnel_istiod_connectivity xds_not_synced'],
    namespaces: [],
  },
  {
    name: "Flannel down on istiod's node, exporter elsewhere: the failed dials are the network's, not istiod's",
    input: () =>
      withHealthy((i) => {
        i.ownNode = 'node-b';
        i.state.flannelPods[0]!.ready = false; // node-a hosts istiod
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false }));
        cutOff(i, ['node-a']);
      }),
    nodes: ['node-a cross_node_network flannel_not_ready'],
    namespaces: [],
  },
  {
    name: "the exporter's own node cut off: its failed dials to istiod are no istiod outage",
    input: () =>
      withHealthy((i) => {
        i.ownNode = 'node-c';
        i.state.flannelPods[2]!.ready = false;
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false }));
        cutOff(i, ['node-a', 'node-b']);
      }),
    nodes: ['node-c cross_node_network flannel_not_ready'],
    namespaces: [],
  },
  {
    name: 'a NotReady node is down: its Flannel pod turning NotReady is no overlay fault',
    input: () =>
      withHealthy((i) => {
        i.state.nodes[2]!.ready = false;
        i.state.flannelPods[2]!.ready = false;
        cutOff(i, ['node-c']);
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'a NotReady node is down, not cut off by the overlay',
    input: () =>
      withHealthy((i) => {
        i.state.nodes[2]!.ready = false;
        cutOff(i, ['node-c']);
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'istio-cni has no ztunnel and pods fail with "no ztunnel connection"',
    input: () =>
      withHealthy((i) => {
        cniDisconnected(i, 'node-b');
        blockedPod(i, 'node-b');
      }),
    nodes: ['node-b cni_pod_creation_blocked ztunnel_not_connected'],
    namespaces: [],
  },
  {
    name: 'sandbox failures alone (istio-cni not scraped)',
    input: () =>
      withHealthy((i) => {
        i.scrapes = i.scrapes.filter((x) => !(x.target.component === 'istio-cni' && x.target.node === 'node-c'));
        blockedPod(i, 'node-c');
      }),
    nodes: ['node-c cni_pod_creation_blocked sandbox_failures'],
    namespaces: [],
  },
  {
    name: 'a sandbox event of an earlier pod with the same name does not count',
    input: () =>
      withHealthy((i) => {
        blockedPod(i, 'node-c');
        i.state.sandboxEvents[0]!.podUid = 'uid-of-an-earlier-pod';
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'cut-off node whose istio-cni lost ztunnel: the overlay is the root cause',
    input: () =>
      withHealthy((i) => {
        cutOff(i, ['node-b']);
        cniDisconnected(i, 'node-b');
        blockedPod(i, 'node-b');
      }),
    nodes: ['node-b cross_node_network pod_network_unreachable'],
    namespaces: [],
  },
  {
    name: 'a ztunnel that restarted during an istiod outage never synced, never connected to istio-cni: istiod is the root cause of its node, pod creation failures included',
    input: () =>
      withHealthy((i) => {
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false }));
        ztunnelsNotSynced(i, ['node-b']);
        i.probes.ztunnelReadiness[1] = readiness('node-b', ['state manager', 'workload proxy manager']);
        cniDisconnected(i, 'node-b');
        blockedPod(i, 'node-b');
      }),
    nodes: ['node-a ztunnel_istiod_connectivity xds_dial_failed', 'node-b ztunnel_istiod_connectivity xds_dial_failed', 'node-c ztunnel_istiod_connectivity xds_dial_failed'],
    namespaces: [],
  },
  {
    name: "istiod unreachable cluster-wide does not explain a synced ztunnel's node losing its istio-cni connection",
    input: () =>
      withHealthy((i) => {
        i.probes.istiodDials = i.probes.istiodDials.map((d) => ({ ...d, success: false }));
        // a ztunnel that restarted meanwhile agrees: it waits for its first configuration
        ztunnelsNotSynced(i, ['node-c']);
        cniDisconnected(i, 'node-b');
      }),
    nodes: ['node-a ztunnel_istiod_connectivity xds_dial_failed', 'node-b cni_pod_creation_blocked ztunnel_not_connected', 'node-c ztunnel_istiod_connectivity xds_dial_failed'],
    namespaces: [],
  },
  {
    name: 'namespace expected by policy but not labelled',
    input: () =>
      withHealthy((i) => {
        i.state.namespaces.push({ name: 'shop', labels: {} });
        i.enrollment = { ...i.enrollment, namespaces: [...i.enrollment.namespaces, 'shop'] };
      }),
    nodes: [],
    namespaces: ['shop label_missing'],
  },
  {
    name: 'namespace selected by the policy selector but not labelled',
    input: () =>
      withHealthy((i) => {
        i.state.namespaces.push({ name: 'payments', labels: { team: 'payments', mesh: 'required' } });
        i.enrollment.selector = 'mesh=required';
      }),
    nodes: [],
    namespaces: ['payments label_missing'],
  },
  {
    name: 'excluded namespaces are never expected',
    input: () =>
      withHealthy((i) => {
        i.enrollment = { ...i.enrollment, namespaces: [...i.enrollment.namespaces, 'istio-system'] };
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'labelled namespace with running pods that were never captured',
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'ratings-old', namespace: 'bookinfo', node: 'node-b' }));
      }),
    nodes: [],
    namespaces: ['bookinfo pods_not_captured'],
  },
  {
    name: 'host-network and opted-out pods are not expected to be captured',
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'agent', namespace: 'bookinfo', hostNetwork: true }));
        i.state.workloadPods.push(pod({ name: 'opted-out', namespace: 'bookinfo', labels: { 'istio.io/dataplane-mode': 'none' } }));
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'without the Kubernetes API (static targets) only what ztunnel says counts',
    input: () =>
      withHealthy((i) => {
        i.state = { ...i.state, synced: false, istiodService: undefined, istiodEndpoints: [], ztunnelPods: [], nodes: [], flannelPods: [] };
        i.probes.ztunnelReadiness = [readiness('node-b', ['state manager'])];
      }),
    nodes: ['node-b ztunnel_istiod_connectivity xds_not_synced'],
    namespaces: [],
  },

  // ---- what a real cluster shows (istio-ambient-facts §10) ----
  {
    name: 'istio-cni restarted and no ztunnel connected since: ztunnel_connected absent while a ztunnel runs counts as 0',
    input: () =>
      withHealthy((i) => {
        i.scrapes = i.scrapes.map((x) => (x.target.component === 'istio-cni' && x.target.node === 'node-c' ? scrape(x.target, [s('istio_cni_install_ready', 1)]) : x));
      }),
    nodes: ['node-c cni_pod_creation_blocked ztunnel_not_connected'],
    namespaces: [],
  },
  {
    name: 'ztunnel_connected absent on a node with no ztunnel is no finding',
    input: () =>
      withHealthy((i) => {
        i.state.ztunnelPods = i.state.ztunnelPods.filter((p) => p.node !== 'node-c');
        i.scrapes = i.scrapes.filter((x) => !(x.target.component === 'ztunnel' && x.target.node === 'node-c'));
        i.probes.ztunnelReadiness = i.probes.ztunnelReadiness.filter((r) => r.node !== 'node-c');
        i.scrapes = i.scrapes.map((x) => (x.target.component === 'istio-cni' && x.target.node === 'node-c' ? scrape(x.target, [s('istio_cni_install_ready', 1)]) : x));
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'istio-cni lying: ztunnel_connected twice (0 and 1) counts at its worst, and does not hide the finding',
    input: () =>
      withHealthy((i) => {
        i.scrapes = i.scrapes.map((x) =>
          x.target.component === 'istio-cni' && x.target.node === 'node-b' ? scrape(x.target, [s('ztunnel_connected', 0), s('ztunnel_connected', 1), s('istio_cni_install_ready', 1)]) : x,
        );
      }),
    nodes: ['node-b cni_pod_creation_blocked ztunnel_not_connected'],
    namespaces: [],
  },
  {
    name: 'istio-cni lying: ztunnel_connected NaN is no value, and with a ztunnel running counts as 0',
    input: () =>
      withHealthy((i) => {
        i.scrapes = i.scrapes.map((x) =>
          x.target.component === 'istio-cni' && x.target.node === 'node-b' ? scrape(x.target, [s('ztunnel_connected', Number.NaN), s('istio_cni_install_ready', 1)]) : x,
        );
      }),
    nodes: ['node-b cni_pod_creation_blocked ztunnel_not_connected'],
    namespaces: [],
  },
  {
    name: 'istio-cni refusing pods for another reason (its agent socket missing while it restarts) blocks them too',
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'new', namespace: 'bookinfo', node: 'node-b', phase: 'Pending', started: false, ready: false, waitingReason: 'ContainerCreating', ip: '' }));
        i.state.sandboxEvents.push({
          namespace: 'bookinfo',
          pod: 'new',
          podUid: 'uid-new',
          reason: 'FailedCreatePodSandBox',
          message:
            'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": plugin type="istio-cni" name="istio-cni" failed (add): ' +
            'istio-cni cmdAdd failed to contact node Istio CNI agent: failed to send event request: Post "http://unix/cmdadd": dial unix /var/run/istio-cni/pluginevent.sock: connect: no such file or directory',
          lastSeen: 1000,
          count: 4,
        });
      }),
    nodes: ['node-b cni_pod_creation_blocked cni_agent_errors'],
    namespaces: [],
  },
  {
    name: "a sandbox failure of another CNI plugin is not istio-cni's",
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'new', namespace: 'bookinfo', node: 'node-b', phase: 'Pending', started: false, ready: false, waitingReason: 'ContainerCreating', ip: '' }));
        i.state.sandboxEvents.push({
          namespace: 'bookinfo',
          pod: 'new',
          podUid: 'uid-new',
          reason: 'FailedCreatePodSandBox',
          message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": plugin type="flannel" failed (add): failed to allocate for range 0',
          lastSeen: 1000,
          count: 4,
        });
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'flanneld crash-looping while its node still answers: the kernel path forwards, no cross-node finding',
    input: () =>
      withHealthy((i) => {
        i.state.flannelPods[1]!.ready = false;
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: "flanneld crash-looping on the exporter's own node while it reaches the others: no finding",
    input: () =>
      withHealthy((i) => {
        i.state.flannelPods[0]!.ready = false;
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'IPv6-only Flannel VXLAN: backend-v6-data alone is a valid overlay',
    input: () =>
      withHealthy((i) => {
        for (const n of i.state.nodes) {
          n.annotations = {
            'flannel.alpha.coreos.com/backend-type': 'vxlan',
            'flannel.alpha.coreos.com/backend-v6-data': '{"VNI":1,"VtepMAC":"8e:5c:11:47:31:af"}',
            'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
          };
        }
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'a backend-type annotation that is no backend name (200 KB of it) is no valid overlay',
    input: () =>
      withHealthy((i) => {
        i.state.nodes[2]!.annotations['flannel.alpha.coreos.com/backend-type'] = 'x'.repeat(200_000);
      }),
    nodes: ['node-c cross_node_network overlay_not_configured'],
    namespaces: [],
  },
  {
    name: 'a pod labelled istio.io/dataplane-mode=ambient in an unlabelled namespace is enrolled: not captured, it is a finding',
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'solo', namespace: 'legacy', node: 'node-b', labels: { 'istio.io/dataplane-mode': 'ambient' } }));
      }),
    nodes: [],
    namespaces: ['legacy pods_not_captured'],
  },
  {
    name: 'a pod opted out with istio.io/dataplane-mode=none in an ambient namespace is not expected captured',
    input: () =>
      withHealthy((i) => {
        i.state.workloadPods.push(pod({ name: 'out', namespace: 'bookinfo', node: 'node-b', labels: { 'istio.io/dataplane-mode': 'none' } }));
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: 'custom enablement selectors (1.27+): a namespace enrolled by another label, its uncaptured pods found',
    input: () =>
      withHealthy((i) => {
        i.enrollment = { ...i.enrollment, enablementSelectors: [{ namespaceSelector: { matchLabels: { 'mesh.example.com/ambient': 'on' } } }] };
        i.state.namespaces.push({ name: 'shop', labels: { 'mesh.example.com/ambient': 'on' } });
        i.state.workloadPods.push(pod({ name: 'cart', namespace: 'shop', node: 'node-b' }));
      }),
    // bookinfo's dataplane-mode label no longer enrols anything under these selectors, and policy expects it
    nodes: [],
    namespaces: ['bookinfo label_missing', 'shop pods_not_captured'],
  },
  {
    name: 'pods annotated enabled that ztunnel does not hold, for over 3 minutes (a reboot without drain): pods_not_proxied on that node',
    input: () =>
      withHealthy((i) => {
        i.nowMs = 10 * 60_000;
        for (const name of ['a', 'b', 'c', 'd']) i.state.workloadPods.push(pod({ name: `reviews-${name}`, namespace: 'bookinfo', node: 'node-c', annotations: { 'ambient.istio.io/redirection': 'enabled' } }));
        i.previous = {
          namespace_not_enrolled: { proxied: [{ node: 'node-c', enabled: 5, active: 4, shortSinceMs: i.nowMs - 4 * 60_000 }] },
        };
      }),
    nodes: ['node-c namespace_not_enrolled pods_not_proxied'],
    namespaces: [],
  },
  {
    name: 'a shortfall of ztunnel workloads younger than 3 minutes is pod churn: no finding yet',
    input: () =>
      withHealthy((i) => {
        i.nowMs = 10 * 60_000;
        for (const name of ['a', 'b', 'c', 'd']) i.state.workloadPods.push(pod({ name: `reviews-${name}`, namespace: 'bookinfo', node: 'node-c', annotations: { 'ambient.istio.io/redirection': 'enabled' } }));
        i.previous = { namespace_not_enrolled: { proxied: [{ node: 'node-c', enabled: 5, active: 4, shortSinceMs: i.nowMs - 60_000 }] } };
      }),
    nodes: [],
    namespaces: [],
  },
  {
    name: "a node whose ztunnel never synced is the istiod cause's, not pods_not_proxied (it holds no workloads yet)",
    input: () =>
      withHealthy((i) => {
        i.nowMs = 10 * 60_000;
        i.state.istiodEndpoints = i.state.istiodEndpoints.map((e) => ({ ...e, ready: false }));
        ztunnelsNotSynced(i, ['node-c']);
        i.scrapes = i.scrapes.map((x) => (x.target.component === 'ztunnel' && x.target.node === 'node-c' ? scrape(x.target, [s('workload_manager_active_proxy_count', 0)]) : x));
        i.previous = { namespace_not_enrolled: { proxied: [{ node: 'node-c', enabled: 1, active: 0, shortSinceMs: 0 }] } };
      }),
    nodes: ['node-a ztunnel_istiod_connectivity no_ready_endpoints', 'node-b ztunnel_istiod_connectivity no_ready_endpoints', 'node-c ztunnel_istiod_connectivity no_ready_endpoints'],
    namespaces: [],
  },
];

describe('issues: root cause per node and namespace', () => {
  for (const c of cases) {
    it(c.name, () => {
      const out = deriveSignals(c.input());
      expect(out.nodeIssues.map((f) => `${f.node} ${f.issue} ${f.cause}`)).to.deep.equal(c.nodes);
      expect(out.namespaceIssues.map((f) => `${f.namespace} ${f.cause}`)).to.deep.equal(c.namespaces);
      const expectedCounts: Record<Issue, number> = {
        ztunnel_istiod_connectivity: c.nodes.filter((n) => n.includes(' ztunnel_istiod_connectivity ')).length,
        cross_node_network: c.nodes.filter((n) => n.includes(' cross_node_network ')).length,
        cni_pod_creation_blocked: c.nodes.filter((n) => n.includes(' cni_pod_creation_blocked ')).length,
        namespace_not_enrolled: c.namespaces.length + c.nodes.filter((n) => n.includes(' namespace_not_enrolled ')).length,
      };
      expect(out.issueAffected).to.deep.equal(expectedCounts);
    });
  }
});
