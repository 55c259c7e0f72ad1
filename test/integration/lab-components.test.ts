// What the simulated ztunnel, istiod and istio-cni serve, and how their numbers move with the lab
// clock and the faults.
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { startLab, type Lab } from 'ambient-lab';
import { Exposition, type Labels } from '../support/exposition.js';
import { httpGet } from '../support/http.js';

const MINUTE = 60_000;

describe('lab components', function () {
  this.timeout(20_000);
  let lab: Lab;
  let clock: number;
  let core: k8s.CoreV1Api;
  const target = (component: string, node = 'lab-node-1') => lab.scrapeTargets().find((t) => t.component === component && t.node === node)!;
  const scrape = async (component: string, node?: string, accept?: string) =>
    (await httpGet(target(component, node).url, 2000, accept ? { Accept: accept } : {})).body;
  const value = (body: string, name: string, labels: Labels = {}) => Exposition.parse(body).value(name, labels);

  beforeEach(async () => {
    clock = Date.UTC(2025, 5, 1, 12);
    lab = await startLab({ nodes: 3, syncIntervalMs: 0, ztunnelTrafficSeries: 6, now: () => clock });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  afterEach(() => lab.close());

  it('ztunnel serves OpenMetrics on both paths, labelled text/plain unless OpenMetrics is asked for first', async () => {
    const plain = await httpGet(target('ztunnel').url, 2000);
    expect(plain.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(plain.body.endsWith('\n# EOF\n')).to.equal(true);
    expect(plain.body).to.contain('# UNIT istio_xds_message_bytes bytes\n');
    expect(plain.body).to.contain('# TYPE istio_tcp_connections_opened counter\n');
    expect(plain.body).to.match(/^istio_tcp_connections_opened_total\{reporter="(source|destination)",source_workload="/m);
    expect(value(plain.body, 'istio_build', { component: 'ztunnel', tag: '1.28.2' })).to.equal(1);

    const om = await httpGet(target('ztunnel').url.replace('/stats/prometheus', '/metrics'), 2000, {
      Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    });
    expect(om.headers['content-type']).to.equal('application/openmetrics-text;charset=utf-8;version=1.0.0');
    expect(om.body).to.equal(plain.body);
    expect((await httpGet(target('ztunnel').url.replace('/stats/prometheus', '/stats'), 2000)).status).to.equal(404);
  });

  it('ztunnel carries the full traffic labels, the configured number of series, and the DNS bucket quirk', async () => {
    const body = await scrape('ztunnel');
    const m = Exposition.parse(body);
    const opened = m.select('istio_tcp_connections_opened_total');
    expect(opened).to.have.length(6);
    const labels = opened[0]!.labels;
    expect(labels).to.include.keys('reporter', 'source_principal', 'destination_service', 'destination_workload_namespace', 'request_protocol', 'response_flags', 'connection_security_policy', 'source_region', 'destination_zone');
    expect(labels.request_protocol).to.equal('tcp');
    const { le: _le, ...dnsLabels } = m.select('istio_dns_upstream_request_duration_seconds_bucket')[0]!.labels;
    const bucket = (le: string) => m.value('istio_dns_upstream_request_duration_seconds_bucket', { ...dnsLabels, le });
    expect(bucket('0.001')).to.be.a('number');
    expect(bucket('0.001')).to.equal(bucket('0.005'));
    expect(value(body, 'workload_manager_active_proxy_count')).to.be.greaterThan(0);
  });

  it('ztunnel readiness answers only GET /healthz/ready', async () => {
    const base = target('ztunnel').url.replace(':15020/stats/prometheus', ':15021');
    expect((await httpGet(`${base}/healthz/ready`, 2000)).body).to.equal('ready\n');
    expect((await httpGet(`${base}/ready`, 2000)).status).to.equal(404);
    const post = await fetch(`${base}/healthz/ready`, { method: 'POST' });
    expect(post.status).to.equal(405);
  });

  it('ztunnel counters grow with time; while istiod is unreachable ConnectionError grows about every 20 s, messages stop, traffic goes on', async () => {
    const first = await scrape('ztunnel');
    clock += 10 * MINUTE;
    const later = await scrape('ztunnel');
    const opened = (b: string) => Exposition.parse(b).sum('istio_tcp_connections_opened_total');
    expect(opened(later)).to.be.greaterThan(opened(first));
    expect(value(later, 'istio_xds_connection_terminations_total', { reason: 'ConnectionError' })).to.equal(undefined);

    await lab.setFaults([{ name: 'istiod-unreachable' }]);
    const atFault = await scrape('ztunnel');
    clock += 10 * MINUTE;
    const during = await scrape('ztunnel');
    const errors = (b: string) => value(b, 'istio_xds_connection_terminations_total', { reason: 'ConnectionError' }) ?? 0;
    // the first connect is still waiting out its 5 s timeout
    expect(errors(atFault)).to.equal(0);
    // back-off doubling from 20 ms to 15 s, each connect timing out after 5 s (src/xds/client.rs)
    expect(errors(during)).to.be.within(600 / 20, 600 / 15);
    // cached state: the ztunnel stays Ready and keeps carrying its pods' traffic
    expect(opened(during)).to.be.greaterThan(opened(atFault));
    expect((await httpGet(target('ztunnel').url.replace(':15020/stats/prometheus', ':15021/healthz/ready'), 2000)).body).to.equal('ready\n');
    const addressMessages = { url: 'type.googleapis.com/istio.workload.Address' };
    expect(value(during, 'istio_xds_message_total', addressMessages)).to.equal(value(atFault, 'istio_xds_message_total', addressMessages));

    await lab.setFaults([]);
    clock += MINUTE;
    const after = await scrape('ztunnel');
    expect(errors(after)).to.equal(errors(during));
    expect(opened(after)).to.be.greaterThan(opened(during));
    // reconnected at its next attempt (at most 15 s later): istiod answers the new stream at once
    expect(value(after, 'istio_xds_message_total', addressMessages)).to.be.greaterThan(value(during, 'istio_xds_message_total', addressMessages) ?? 0);
  });

  it('a crash-looping ztunnel restarts with fresh counters and keeps its restart count', async () => {
    const before = await scrape('ztunnel');
    expect(value(before, 'istio_xds_connection_terminations_total', { reason: 'Reconnect' })).to.be.greaterThan(0);
    const faultAt = clock;
    await lab.setFaults([{ name: 'cni-blocked' }]);
    clock += 5 * MINUTE;
    await lab.sync();
    const crashing = (await core.listPodForAllNamespaces({ labelSelector: 'app=ztunnel', fieldSelector: 'spec.nodeName=lab-node-1' })).items[0];
    expect(crashing?.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime?.getTime()).to.equal(faultAt);
    const restarts = crashing?.status?.containerStatuses?.[0]?.restartCount ?? 0;
    expect(restarts).to.be.greaterThan(3);
    const events = (await core.listEventForAllNamespaces({ fieldSelector: 'reason=FailedCreatePodSandBox' })).items;
    expect(events.map((e) => e.count)).to.deep.equal([20, 20]);

    await lab.setFaults([]);
    const after = await scrape('ztunnel');
    expect(value(after, 'istio_xds_connection_terminations_total', { reason: 'Reconnect' })).to.equal(undefined);
    expect(Exposition.parse(after).select('istio_tcp_connections_opened_total')).to.have.length(0);
    const back = (await core.listPodForAllNamespaces({ labelSelector: 'app=ztunnel', fieldSelector: 'spec.nodeName=lab-node-1' })).items[0];
    expect(back?.status?.containerStatuses?.[0]).to.include({ ready: true, restartCount: restarts });
    expect(back?.status?.containerStatuses?.[0]?.state?.running?.startedAt?.getTime()).to.equal(Math.floor(clock / 1000) * 1000);
  });

  it('istiod serves Go text metrics with counters named as registered (no _total)', async () => {
    const r = await httpGet(target('istiod', 'lab-node-0').url, 2000);
    expect(r.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    expect(r.body).to.not.contain('# EOF');
    expect(r.body).to.contain('# TYPE pilot_xds_pushes counter\n');
    expect(r.body).to.not.match(/^pilot_\w+_total[{ ]/m);
    expect(value(r.body, 'istio_build', { component: 'pilot', tag: '1.28.2' })).to.equal(1);
    expect(value(r.body, 'pilot_xds', { version: '1.28.2' })).to.equal(3);
    expect(value(r.body, 'pilot_xds_pushes', { type: 'wds' })).to.be.greaterThan(0);
    expect(value(r.body, 'pilot_xds_push_time_bucket', { type: 'wds', le: '+Inf' })).to.equal(value(r.body, 'pilot_xds_pushes', { type: 'wds' }));
    expect(value(r.body, 'citadel_server_root_cert_expiry_seconds')).to.be.greaterThan(0);
    // the CA's expiry as timestamps (what the exporter keeps), consistent with the time left
    const nowS = clock / 1000;
    for (const [timestamp, left] of [
      ['citadel_server_root_cert_expiry_timestamp', 'citadel_server_root_cert_expiry_seconds'],
      ['citadel_server_cert_chain_expiry_timestamp', 'citadel_server_cert_chain_expiry_seconds'],
    ] as const) {
      expect(value(r.body, timestamp), timestamp).to.be.greaterThan(nowS + 30 * 86_400);
      expect(Math.abs(value(r.body, timestamp)! - nowS - value(r.body, left)!), `${timestamp} - now = ${left}`).to.be.lessThan(2);
    }
    // the Go and process collectors (the control-plane dashboard's istiod memory and CPU)
    expect(value(r.body, 'go_memstats_heap_inuse_bytes')).to.be.greaterThan(0);
    expect(value(r.body, 'process_resident_memory_bytes')).to.be.greaterThan(value(r.body, 'go_memstats_heap_inuse_bytes')!);
    expect(value(r.body, 'process_cpu_seconds_total')).to.be.greaterThan(0);
    expect(value(r.body, 'pilot_k8s_reg_events', { event: 'add', type: 'Pods' })).to.be.greaterThan(0);

    await lab.setFaults([{ name: 'cross-node' }]);
    expect(value(await scrape('istiod', 'lab-node-0'), 'pilot_xds', { version: '1.28.2' })).to.equal(1);
    const ip = new URL(target('istiod', 'lab-node-0').url).hostname;
    expect((await httpGet(`http://${ip}:8080/ready`, 2000)).status).to.equal(200);
    expect((await httpGet(`http://${ip}:15014/version`, 2000)).body).to.match(/^1\.28\.2-/);
  });

  it('istio-cni serves its gauges and counters, and /readyz on :8000', async () => {
    const body = await scrape('istio-cni');
    expect(value(body, 'ztunnel_connected')).to.equal(1);
    expect(value(body, 'istio_cni_install_ready')).to.equal(1);
    expect(value(body, 'istio_cni_installs_total', { result: 'SUCCESS' })).to.equal(1);
    expect(body).to.contain('# TYPE nodeagent_reconcile_events_total counter\n');
    const ip = new URL(target('istio-cni').url).hostname;
    expect((await httpGet(`http://${ip}:8000/readyz`, 2000)).status).to.equal(200);
  });

  it('lists a scrape target per component pod', () => {
    const t = lab.scrapeTargets();
    expect(t.filter((x) => x.component === 'ztunnel').map((x) => x.node)).to.deep.equal(lab.nodes);
    expect(t.filter((x) => x.component === 'istio-cni')).to.have.length(3);
    expect(t.filter((x) => x.component === 'istiod').map((x) => x.node)).to.deep.equal(['lab-node-0']);
    for (const x of t) expect(x.url).to.match(/^http:\/\/127\.\d+\.\d+\.\d+:15014\/metrics$|:15020\/stats\/prometheus$/);
  });
});
