// What users scrape: the derived series written as literal exposition text (kube-state-metrics
// style: label order and number formatting are what these tests pin, so they compare text lines),
// and series of vanished nodes disappearing on the next round (read through the parser).
import { expect } from 'chai';
import { ExporterMetrics } from '../../../src/export/metrics.js';
import { deriveSignals } from '../../../src/issues/derive.js';
import type { SignalInput } from '../../../src/issues/types.js';
import { Exposition } from '../../support/exposition.js';
import { agentReport, check, healthyChecks, healthyInput, readiness, silentAgent, withAgents, withHealthy } from '../../support/builders.js';

async function exposition(inputs: SignalInput[], prefix: RegExp): Promise<string[]> {
  const m = new ExporterMetrics({ version: '1.2.3', mode: 'cluster', kube: true, defaultMetrics: false });
  for (const input of inputs) {
    m.update({
      stateKnown: true,
      stateAgeSeconds: 0,
      state: input.state,
      scrapes: input.scrapes,
      agents: [...(input.agents ?? [])],
      probes: input.probes,
      signals: deriveSignals(input),
      durationSeconds: 0.5,
      finishedAtMs: 1_000_000,
    });
  }
  const text = await m.registry.metrics();
  return text.split('\n').filter((l) => prefix.test(l));
}

describe('metrics: exposition of derived signals', () => {
  it('writes the at-a-glance series for a cluster with istiod unreachable from one node', async () => {
    const input = withHealthy((i) => {
      i.state.ztunnelPods[1]!.ready = false;
      i.probes.ztunnelReadiness[1] = readiness('node-b', ['state manager']);
    });
    expect(await exposition([input], /^ambient_(issue_affected|node_issue|namespace_issue|ztunnel_readiness_pending|ztunnel_pod_ready)\{/)).to.deep.equal([
      'ambient_ztunnel_pod_ready{node="node-a",pod="ztunnel-node-a"} 1',
      'ambient_ztunnel_pod_ready{node="node-b",pod="ztunnel-node-b"} 0',
      'ambient_ztunnel_pod_ready{node="node-c",pod="ztunnel-node-c"} 1',
      'ambient_ztunnel_readiness_pending{node="node-b",pod="ztunnel-node-b",task="state manager"} 1',
      'ambient_issue_affected{issue="ztunnel_istiod_connectivity"} 1',
      'ambient_issue_affected{issue="cross_node_network"} 0',
      'ambient_issue_affected{issue="cni_pod_creation_blocked"} 0',
      'ambient_issue_affected{issue="namespace_not_enrolled"} 0',
      'ambient_node_issue{node="node-b",issue="ztunnel_istiod_connectivity",cause="xds_not_synced"} 1',
    ]);
  });

  it('mirrors ztunnel xDS terminations as a counter and reports istiod and the Service', async () => {
    const lines = await exposition([healthyInput()], /^(# TYPE ambient_ztunnel_xds|ambient_ztunnel_xds|ambient_istiod_(service_port_present|ready_endpoints|xds_clients|info))/);
    // families come in the order their issue module declares them
    expect(lines).to.deep.equal([
      '# TYPE ambient_ztunnel_xds_connection_terminations_total counter',
      'ambient_ztunnel_xds_connection_terminations_total{node="node-a",reason="Reconnect"} 3',
      'ambient_ztunnel_xds_connection_terminations_total{node="node-b",reason="Reconnect"} 3',
      'ambient_ztunnel_xds_connection_terminations_total{node="node-c",reason="Reconnect"} 3',
      'ambient_istiod_service_port_present{port="15012"} 1',
      'ambient_istiod_service_port_present{port="15014"} 1',
      'ambient_istiod_service_port_present{port="15010"} 1',
      'ambient_istiod_ready_endpoints 1',
      'ambient_istiod_xds_clients{pod="istiod-1"} 3',
      'ambient_istiod_info{pod="istiod-1",version="1.28.1"} 1',
    ]);
  });

  it('drops the series of a node that left the cluster at the next round', async () => {
    const gone = withHealthy((i) => {
      i.state.nodes = i.state.nodes.filter((n) => n.name !== 'node-c');
      for (const k of ['ztunnelPods', 'cniPods', 'flannelPods', 'workloadPods'] as const) i.state[k] = i.state[k].filter((p) => p.node !== 'node-c');
      i.scrapes = i.scrapes.filter((s) => s.target.node !== 'node-c');
      i.probes.ztunnelReadiness = i.probes.ztunnelReadiness.filter((r) => r.node !== 'node-c');
    });
    const lines = await exposition([healthyInput(), gone], /^ambient_/);
    expect(lines.filter((l) => l.includes('node-c'))).to.deep.equal([]);
    expect(lines.filter((l) => l.includes('node-b')).length).to.be.greaterThan(5);
  });

  it('serves no verdict before the Kubernetes API was ever listed', async () => {
    const m = new ExporterMetrics({ version: '1.2.3', mode: 'cluster', kube: true, defaultMetrics: false });
    const input = healthyInput();
    m.update({ stateKnown: false, stateAgeSeconds: undefined, state: { ...input.state, synced: false }, scrapes: [], probes: input.probes, signals: deriveSignals(input), durationSeconds: 0.1, finishedAtMs: 1_000_000 });
    const scraped = Exposition.parse(await m.registry.metrics());
    expect(scraped.has('ambient_issue_affected')).to.equal(false);
    expect(scraped.has('ambient_node_issue')).to.equal(false);
    expect(scraped.lines('ambient_kube_api_ready')).to.deep.equal(['ambient_kube_api_ready 1']);
    expect(scraped.lines('ambient_exporter_build_info')).to.deep.equal(['ambient_exporter_build_info{mode="cluster",version="1.2.3"} 1']);
  });

  it('says per resource whether its watch is up and when its state was last confirmed', async () => {
    const input = withHealthy((i) => {
      i.state.watchUp = { nodes: true, pods: false };
      i.state.watchLastEvent = { nodes: 1_767_225_600_500, pods: 1_767_225_000_000 };
    });
    expect(await exposition([input], /^ambient_exporter_kube_watch_/)).to.deep.equal([
      'ambient_exporter_kube_watch_up{resource="nodes"} 1',
      'ambient_exporter_kube_watch_up{resource="pods"} 0',
      'ambient_exporter_kube_watch_last_event_timestamp_seconds{resource="nodes"} 1767225600.5',
      'ambient_exporter_kube_watch_last_event_timestamp_seconds{resource="pods"} 1767225000',
    ]);
  });

  it('withdraws every verdict and issue series while the view of the API is stale, and says how old it is', async () => {
    const m = new ExporterMetrics({ version: '1.2.3', mode: 'cluster', kube: true, defaultMetrics: false });
    const input = withHealthy((i) => {
      i.state.ztunnelPods[1]!.ready = false;
      i.probes.ztunnelReadiness[1] = readiness('node-b', ['state manager']);
    });
    const round = { state: input.state, scrapes: input.scrapes, probes: input.probes, signals: deriveSignals(input), durationSeconds: 0.1, finishedAtMs: 1_000_000 };
    m.update({ ...round, stateKnown: true, stateAgeSeconds: 0 });
    expect(Exposition.parse(await m.registry.metrics()).has('ambient_node_issue', { node: 'node-b' })).to.equal(true);
    m.update({ ...round, stateKnown: false, stateAgeSeconds: 75.5 });
    const scraped = Exposition.parse(await m.registry.metrics());
    expect(scraped.lines('ambient_exporter_cluster_state_age_seconds')).to.deep.equal(['ambient_exporter_cluster_state_age_seconds 75.5']);
    for (const family of ['ambient_issue_affected', 'ambient_node_issue', 'ambient_ztunnel_pod_ready', 'ambient_namespace_enrolled']) {
      expect(scraped.has(family), family).to.equal(false);
    }
    expect(scraped.select('ambient_exporter_kube_watch_up').length).to.be.greaterThan(0);
  });

  it('counts failed scrapes across rounds, every component and reason starting at 0', async () => {
    const failing = withHealthy((i) => {
      i.scrapes[0] = { ...i.scrapes[0]!, up: false, error: 'timeout', reachable: false, samples: [] };
    });
    const lines = await exposition([failing, failing], /^ambient_exporter_scrape_errors_total\{component="ztunnel"/);
    expect(lines).to.deep.equal([
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="timeout"} 2',
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="connect"} 0',
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="http_status"} 0',
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="parse"} 0',
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="too_large"} 0',
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="sample_limit"} 0',
      'ambient_exporter_scrape_errors_total{component="ztunnel",reason="label_limit"} 0',
    ]);
  });

  it("with node agents: each agent as a scrape target, its node's problems (sparse), the checks it could not judge, and its failures counted", async () => {
    const input = withAgents(healthyInput());
    input.agents = [
      agentReport('node-a'),
      agentReport('node-b', [...healthyChecks().filter((c) => c.check !== 'flannel_vxlan_mtu'), check('flannel_vxlan_mtu', 'problem', 'overlay_mtu_mismatch'), check('istio_cni_taint', 'unknown', 'node_not_found')]),
      silentAgent('node-c'),
    ];
    const lines = await exposition([input], /^ambient_(node_check_problem|node_checks_unknown|exporter_scrape_up\{component="agent"|exporter_scrape_errors_total\{component="agent",reason="timeout"|node_issue)/);
    expect(lines).to.deep.equal([
      'ambient_exporter_scrape_up{component="agent",node="node-a",pod="ambient-exporter-agent-node-a"} 1',
      'ambient_exporter_scrape_up{component="agent",node="node-b",pod="ambient-exporter-agent-node-b"} 1',
      'ambient_exporter_scrape_up{component="agent",node="node-c",pod="ambient-exporter-agent-node-c"} 0',
      'ambient_exporter_scrape_errors_total{component="agent",reason="timeout"} 1',
      'ambient_node_check_problem{node="node-b",check="flannel_vxlan_mtu",family="ipv4",reason="overlay_mtu_mismatch"} 1',
      'ambient_node_checks_unknown{node="node-a"} 0',
      'ambient_node_checks_unknown{node="node-b"} 1',
      'ambient_node_issue{node="node-b",issue="cross_node_network",cause="overlay_mtu_mismatch"} 1',
    ]);
  });
});
