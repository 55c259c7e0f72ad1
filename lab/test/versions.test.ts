// What the Istio version changes in the lab's bodies and texts: ztunnel's families, labels and
// content type; istio-cni's refusal texts as kubelet reports them.
import { expect } from 'chai';
import { pluginError } from '../src/cluster/objects/sandbox-errors.js';
import { istioRelease, type IstioMinor } from '../src/cluster/release.js';
import { buildTopology } from '../src/cluster/topology.js';
import { ztunnelMetrics } from '../src/components/ztunnel-metrics.js';
import { ztunnelContentType } from '../src/components/ztunnel.js';
import { trafficSeries } from '../src/components/ztunnel-traffic.js';
import type { ZtunnelCounters } from '../src/runtime/processes.js';
import { IdSource } from '../src/util/ids.js';

const T0 = Date.UTC(2025, 5, 1);

function body(minor: IstioMinor, counters: Partial<ZtunnelCounters> = {}): string {
  const t = buildTopology({ nodes: 3, ids: new IdSource('v'), startedAt: T0, release: istioRelease(minor) });
  const c: ZtunnelCounters = { processStartMs: T0, xdsHeldSeconds: 7200, connectionErrors: 0, streams: 1, trafficSeconds: 7200, ...counters };
  const proxied = t.pods.filter((p) => p.role === 'app' && p.node === 'lab-node-1' && p.namespace !== 'legacy');
  return ztunnelMetrics({ release: t.release, counters: c, series: trafficSeries(t, 'lab-node-1', 12), proxied });
}

const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
const samples = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('lab bodies by Istio version', () => {
  it('1.24: no locality labels, no process fds, empty families written, always OpenMetrics', () => {
    const b = body('1.24');
    expect(b).to.not.contain('source_region=');
    expect(families(b)).to.not.include('process_open_fds');
    expect(families(b)).to.include('istio_on_demand_dns');
    expect(b).to.contain('istio_build{component="ztunnel",tag="1.24.6"} 1');
    expect(ztunnelContentType('text/plain', istioRelease('1.24').contentType)).to.equal('application/openmetrics-text;charset=utf-8;version=1.0.0');
  });

  it('1.28: locality labels and process fds, empty families written, OpenMetrics only when Accept asks for it first', () => {
    const b = body('1.28');
    expect(b).to.contain('source_region="unknown"');
    expect(families(b)).to.include.members(['process_open_fds', 'istio_on_demand_dns', 'istio_dns_upstream_failures']);
    expect(families(b)).to.not.include('istio_tcp_connections_failed');
    const mode = istioRelease('1.28').contentType;
    expect(ztunnelContentType('application/vnd.google.protobuf;q=0.9,application/openmetrics-text;version=1.0.0', mode)).to.equal('text/plain; charset=utf-8');
  });

  it('1.30: failed and sockets families, empty families left out, OpenMetrics when any Accept entry asks', () => {
    const b = body('1.30');
    expect(families(b)).to.include.members(['istio_tcp_connections_failed', 'istio_tcp_sockets_open']);
    expect(families(b)).to.not.include.members(['istio_on_demand_dns', 'istio_dns_upstream_failures']);
    expect(samples(b, 'istio_tcp_sockets_open').map((l) => l.split(' ')[0])).to.deep.equal(['istio_tcp_sockets_open{reporter="destination"}', 'istio_tcp_sockets_open{reporter="source"}']);
    const mode = istioRelease('1.30').contentType;
    expect(ztunnelContentType('application/vnd.google.protobuf;q=0.9,application/openmetrics-text;version=1.0.0', mode)).to.equal('application/openmetrics-text;charset=utf-8;version=1.0.0');
  });

  it('1.30: a never-synced ztunnel serves no xDS message or traffic family at all, only what always exists', () => {
    const b = body('1.30', { xdsHeldSeconds: 0, streams: 0, trafficSeconds: 0, connectionErrors: 7 });
    expect(families(b)).to.deep.equal([
      'istio_build',
      'istio_xds_connection_terminations',
      'workload_manager_active_proxy_count',
      'workload_manager_pending_proxy_count',
      'workload_manager_proxies_started',
      'workload_manager_proxies_stopped',
      'process_open_fds',
      'process_max_fds',
    ]);
    expect(b).to.contain('istio_xds_connection_terminations_total{reason="ConnectionError"} 7');
  });

  for (const minor of ['1.24', '1.28', '1.30'] as const) {
    it(`${minor}: response flags other than "-" only on closed (and failed) counters`, () => {
      const b = body(minor);
      const flagged = b.split('\n').filter((l) => /response_flags="(DENY|CONNECT)"/.test(l)).map((l) => l.split('{')[0]);
      expect(flagged.length).to.be.greaterThan(0);
      expect([...new Set(flagged)].sort()).to.deep.equal(minor === '1.30' ? ['istio_tcp_connections_closed_total', 'istio_tcp_connections_failed_total'] : ['istio_tcp_connections_closed_total']);
      // outbound failures carry a flag from 1.29 only
      const outboundFlagged = b.split('\n').some((l) => l.includes('reporter="source"') && /response_flags="(DENY|CONNECT)"/.test(l));
      expect(outboundFlagged).to.equal(minor === '1.30');
    });
  }
});

describe('lab istio-cni refusal texts by Istio version', () => {
  const text = (minor: IstioMinor, reason: Parameters<typeof pluginError>[0]) => pluginError(reason, istioRelease(minor), '10.244.2.17');

  it('no ztunnel connection: 1.24 wraps it as a partial add', () => {
    expect(text('1.24', 'no-ztunnel-connection')).to.equal(
      'istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): partial add error: no ztunnel connection',
    );
    for (const m of ['1.28', '1.30'] as const) {
      expect(text(m, 'no-ztunnel-connection')).to.equal('istio-cni cmdAdd failed to contact node Istio CNI agent: unable to push CNI event (status code 500): no ztunnel connection');
    }
  });

  it('not retryable from 1.25; the raw inner error on 1.24', () => {
    expect(text('1.28', 'not-retryable')).to.match(/status code 500\): pod add cannot be retried: exit status 2$/);
    expect(text('1.24', 'not-retryable')).to.match(/status code 500\): exit status 2$/);
  });

  it('the ipset exist error, the missing socket, Unauthorized and ztunnel’s nack', () => {
    expect(text('1.24', 'ipset-exist')).to.match(/failed to add IP 10\.244\.2\.17 to ipset istio-inpod-probes-v4: exist$/);
    expect(text('1.30', 'agent-socket-missing')).to.match(/failed to send event request: Post "http:\/\/unix\/cmdadd": dial unix \/var\/run\/istio-cni\/pluginevent\.sock: connect: no such file or directory$/);
    expect(text('1.30', 'unauthorized')).to.equal('Unauthorized');
    expect(text('1.24', 'ack-error')).to.contain('partial add error: got ack error: failure to start proxy');
    expect(text('1.30', 'ack-error')).to.contain('(status code 500): got ack error: failure to start proxy');
  });
});
