// The per-component rows behind the gauges: what each known issue's metrics will say.
import { expect } from 'chai';
import { deriveCni } from '../../../src/issues/cni-pod-creation-blocked/detect.js';
import { deriveCrossNode, overlayOf, podNetworkReachability } from '../../../src/issues/cross-node-network/detect.js';
import { deriveEnrollment } from '../../../src/issues/namespace-not-enrolled/detect.js';
import { deriveZtunnelIstiod } from '../../../src/issues/ztunnel-istiod-connectivity/detect.js';
import { failedScrape, healthyInput, node, pod, readiness, s, scrape, target, withHealthy } from '../../support/builders.js';

/** No previous round, no other issue's findings. */
const NO_HISTORY = { previous: undefined, earlierNodeFindings: [] };

describe('issues: ztunnel and istiod rows', () => {
  it('sums xDS terminations per node and reason, and reads workloads and versions', () => {
    const out = deriveZtunnelIstiod(
      withHealthy((i) => {
        i.scrapes[0] = scrape(target('ztunnel', 'node-a'), [
          s('istio_build', 1, { component: 'ztunnel', tag: '1.28.1' }),
          s('istio_xds_connection_terminations_total', 2, { reason: 'ConnectionError' }),
          s('istio_xds_connection_terminations_total', 5, { reason: 'Reconnect' }),
          s('workload_manager_active_proxy_count', 7),
          s('workload_manager_pending_proxy_count', 1),
        ]);
      }),
      NO_HISTORY,
    );
    expect(out.xdsTerminations.filter((r) => r.node === 'node-a')).to.deep.equal([
      { node: 'node-a', reason: 'ConnectionError', value: 2 },
      { node: 'node-a', reason: 'Reconnect', value: 5 },
    ]);
    expect(out.workloads.filter((r) => r.node === 'node-a')).to.deep.equal([
      { node: 'node-a', state: 'active', value: 7 },
      { node: 'node-a', state: 'pending', value: 1 },
    ]);
    expect(out.ztunnelInfo[0]).to.deep.equal({ node: 'node-a', pod: 'ztunnel-node-a', version: '1.28.1' });
    expect(out.istiodXdsClients).to.deep.equal([{ pod: 'istiod-1', value: 3 }]);
    expect(out.istiodInfo).to.deep.equal([{ pod: 'istiod-1', version: '1.28.1' }]);
  });

  it('lists each pending readiness task and the ports of Service istiod', () => {
    const out = deriveZtunnelIstiod(
      withHealthy((i) => {
        i.probes.ztunnelReadiness[2] = readiness('node-c', ['state manager', 'workload proxy manager']);
        i.state.istiodService!.ports = i.state.istiodService!.ports.filter((p) => p.port !== 15012);
      }),
      NO_HISTORY,
    );
    expect(out.readinessPending).to.deep.equal([
      { node: 'node-c', pod: 'ztunnel-node-c', task: 'state manager' },
      { node: 'node-c', pod: 'ztunnel-node-c', task: 'workload proxy manager' },
    ]);
    expect(out.istiodServicePortPresent).to.deep.equal([
      { port: '15012', present: false },
      { port: '15014', present: true },
      { port: '15010', present: true },
    ]);
    expect(out.istiodReadyEndpoints).to.equal(1);
  });

  it('counts ready endpoint addresses once', () => {
    const out = deriveZtunnelIstiod(
      withHealthy((i) => {
        const e = i.state.istiodEndpoints[0]!;
        i.state.istiodEndpoints.push({ ...e }, { ...e, ip: '10.0.0.6', ready: false });
      }),
      NO_HISTORY,
    );
    expect(out.istiodReadyEndpoints).to.equal(1);
  });
});

describe('issues: cross-node rows', () => {
  it('accepts VXLAN lease data as Flannel writes it and rejects a missing type', () => {
    expect(overlayOf(node('n'))).to.deep.equal({ backend: 'vxlan', configured: true });
    expect(overlayOf(node('n', { annotations: { 'flannel.alpha.coreos.com/backend-type': 'host-gw' } }))).to.deep.equal({ backend: 'host-gw', configured: true });
    expect(overlayOf(node('n', { annotations: {} }))).to.deep.equal({ backend: 'none', configured: false });
    expect(
      overlayOf(node('n', { annotations: { 'flannel.alpha.coreos.com/backend-type': 'vxlan', 'flannel.alpha.coreos.com/backend-data': 'not json' } })),
    ).to.deep.equal({ backend: 'vxlan', configured: false });
  });

  it('judges reachability from pod-network addresses only (not host-network istio-cni, not port-forwards)', () => {
    const input = withHealthy((i) => {
      i.scrapes = [
        failedScrape(target('istio-cni', 'node-b'), 'timeout', false),
        failedScrape({ ...target('ztunnel', 'node-c'), static: true }, 'timeout', false),
        scrape(target('ztunnel', 'node-a'), []),
      ];
      i.probes.ztunnelReadiness = [];
    });
    expect([...podNetworkReachability(input)]).to.deep.equal([['node-a', true]]);
  });

  it('reports no overlay rows where Flannel is not in use', () => {
    const out = deriveCrossNode(
      withHealthy((i) => {
        i.state.flannelPods = [];
        for (const n of i.state.nodes) n.annotations = {};
      }),
    );
    expect(out.overlayConfigured).to.deep.equal([]);
    expect(out.nodeFindings).to.deep.equal([]);
  });
});

describe('issues: istio-cni rows', () => {
  it('counts blocked and redirection-pending pods per node and namespace', () => {
    const out = deriveCni(
      withHealthy((i) => {
        for (const name of ['a', 'b']) {
          i.state.workloadPods.push(
            pod({ name, namespace: 'shop', node: 'node-b', phase: 'Pending', started: false, ready: false, annotations: { 'ambient.istio.io/redirection': 'pending' } }),
          );
          i.state.sandboxEvents.push({ namespace: 'shop', pod: name, podUid: '', reason: 'FailedCreatePodSandBox', message: 'x: no ztunnel connection', lastSeen: 5, count: 1 });
        }
        // the latest failure of this pod is about something else
        i.state.workloadPods.push(pod({ name: 'c', namespace: 'shop', node: 'node-b', phase: 'Pending', started: false }));
        i.state.sandboxEvents.push(
          { namespace: 'shop', pod: 'c', podUid: '', reason: 'FailedCreatePodSandBox', message: 'no ztunnel connection', lastSeen: 1, count: 1 },
          { namespace: 'shop', pod: 'c', podUid: '', reason: 'FailedCreatePodSandBox', message: 'failed to allocate IP', lastSeen: 9, count: 1 },
        );
      }),
    );
    expect(out.podsBlocked).to.deep.equal([{ node: 'node-b', namespace: 'shop', count: 2 }]);
    expect(out.redirectionPending).to.deep.equal([{ node: 'node-b', namespace: 'shop', count: 2 }]);
    expect(out.ztunnelConnected.map((r) => r.value)).to.deep.equal([1, 1, 1]);
  });
});

describe('issues: enrollment rows', () => {
  it('reports enrolled and expected namespaces, and pods of enrolled ones by redirection', () => {
    const out = deriveEnrollment(
      withHealthy((i) => {
        i.state.namespaces.push({ name: 'shop', labels: {} });
        i.enrollment = { ...i.enrollment, namespaces: [...i.enrollment.namespaces, 'shop'] };
        i.state.workloadPods.push(pod({ name: 'p', namespace: 'bookinfo', annotations: { 'ambient.istio.io/redirection': 'pending' } }));
        i.state.workloadPods.push(pod({ name: 'q', namespace: 'bookinfo', phase: 'Pending', started: false }));
      }),
      NO_HISTORY,
    );
    expect(out.namespaces).to.deep.equal([
      { namespace: 'bookinfo', enrolled: true, expected: true },
      { namespace: 'shop', enrolled: false, expected: true },
    ]);
    expect(out.pods).to.deep.equal([
      { namespace: 'bookinfo', redirection: 'enabled', count: 3 },
      { namespace: 'bookinfo', redirection: 'pending', count: 1 },
      { namespace: 'bookinfo', redirection: 'none', count: 0 },
    ]);
  });

  it('keeps namespaces with no policy and no label out of the output', () => {
    const out = deriveEnrollment(healthyInput({ enrollment: { namespaces: [], exclude: [] } }), NO_HISTORY);
    expect(out.namespaces.map((n) => n.namespace)).to.deep.equal(['bookinfo']);
  });
});
