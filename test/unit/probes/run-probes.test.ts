import { expect } from 'chai';
import { emptyClusterState, type ClusterState, type PodInfo, type ServiceInfo } from '../../../src/model.js';
import { pod as buildPod } from '../../support/builders.js';
import { istiodDialTargets, readinessTargets, runProbes } from '../../../src/probes/index.js';
import { startHttpServer, type LocalServer } from '../../support/http.js';
import { blackholedEndpoint, closedPort, startTcpServer } from '../../support/net.js';

function pod(name: string, node: string, ip: string, extra: Partial<PodInfo> = {}): PodInfo {
  return buildPod({ namespace: 'istio-system', name, uid: name, node, ip, ...extra });
}

function state(parts: Partial<ClusterState>): ClusterState {
  return { ...emptyClusterState(), synced: true, ...parts };
}

/** Service istiod as the chart declares it (port 15012 is named https-dns). */
function istiodService(clusterIP: string, xdsPort: number | undefined): ServiceInfo {
  const ports = [
    { name: 'grpc-xds', port: 15010, targetPort: 15010, protocol: 'TCP' },
    { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
    { name: 'http-monitoring', port: 15014, targetPort: 15014, protocol: 'TCP' },
  ];
  if (xdsPort !== undefined) ports.splice(1, 0, { name: 'https-dns', port: xdsPort, targetPort: xdsPort, protocol: 'TCP' });
  return { namespace: 'istio-system', name: 'istiod', clusterIP, ports };
}

describe('probes/index', () => {
  describe('istiodDialTargets', () => {
    it('dials the ClusterIP on 15012 and each ready endpoint on the port its slice maps', () => {
      const s = state({
        istiodService: istiodService('10.96.0.20', 15012),
        istiodEndpoints: [
          { ip: '10.244.1.9', ready: true, node: 'node-1', pod: 'istiod-a', ports: { 'https-dns': 15012, 'grpc-xds': 15010 } },
          { ip: '10.244.2.9', ready: false, node: 'node-2', pod: 'istiod-b', ports: { 'https-dns': 15012 } },
        ],
      });
      expect(istiodDialTargets(s, 'istio-system').map((t) => `${t.kind} ${t.address}`)).to.deep.equal(['service 10.96.0.20:15012', 'endpoint 10.244.1.9:15012']);
    });

    it('still dials ClusterIP:15012 when the Service lacks the port (the dial fails as ztunnel does), and endpoints on 15012', () => {
      const s = state({
        istiodService: istiodService('10.96.0.20', undefined),
        istiodEndpoints: [{ ip: '10.244.1.9', ready: true, node: 'node-1', pod: 'istiod-a', ports: { 'grpc-xds': 15010 } }],
      });
      expect(istiodDialTargets(s, 'istio-system').map((t) => `${t.kind} ${t.address}`)).to.deep.equal(['service 10.96.0.20:15012', 'endpoint 10.244.1.9:15012']);
    });

    it('dials only IP literals, and asks only ztunnels with an IP literal for readiness', () => {
      const s = state({
        istiodService: istiodService('10.96.0.20/x', 15012),
        istiodEndpoints: [
          { ip: '127.0.0.77/latest/meta-data?', ready: true, node: 'node-1', pod: 'istiod-a', ports: { 'https-dns': 15012 } },
          { ip: '10.244.2.9', ready: true, node: 'node-2', pod: 'istiod-b', ports: { 'https-dns': 15012 } },
        ],
      });
      expect(istiodDialTargets(s, 'istio-system').map((t) => `${t.kind} ${t.address}`)).to.deep.equal(['endpoint 10.244.2.9:15012']);
      const pods = [pod('ztunnel-a', 'node-1', 'evil.example/x?'), pod('ztunnel-b', 'node-2', '10.244.2.5')];
      expect(readinessTargets(pods).map((p) => p.name)).to.deep.equal(['ztunnel-b']);
    });

    it('dials no Service that is absent, headless or in another namespace', () => {
      expect(istiodDialTargets(state({}), 'istio-system')).to.deep.equal([]);
      expect(istiodDialTargets(state({ istiodService: istiodService('None', 15012) }), 'istio-system')).to.deep.equal([]);
      expect(istiodDialTargets(state({ istiodService: istiodService('10.96.0.20', 15012) }), 'istio-other')).to.deep.equal([]);
    });
  });

  describe('runProbes', () => {
    const servers: LocalServer[] = [];
    after(async () => Promise.all(servers.map((s) => s.close())));

    it('dials istiod, asks every ztunnel for readiness, and reports the API as not ready without a kubeconfig', async () => {
      const xds = await startTcpServer((socket) => socket.end());
      const readyZtunnel = await startHttpServer((_q, r) => r.writeHead(200).end('ready\n'));
      // Same port on another loopback address: the readiness port is one number for every pod.
      const pendingZtunnel = await startHttpServer((_q, r) => r.writeHead(500).end('not ready, pending: state manager\n'), { host: '127.0.0.2', port: readyZtunnel.port });
      servers.push(xds, readyZtunnel, pendingZtunnel);
      const deadPort = await closedPort();

      const s = state({
        istiodService: istiodService('127.0.0.1', xds.port),
        istiodEndpoints: [
          { ip: '127.0.0.1', ready: true, node: 'node-1', pod: 'istiod-a', ports: { 'https-dns': xds.port } },
          { ip: '127.0.0.1', ready: true, node: 'node-2', pod: 'istiod-b', ports: { 'https-dns': deadPort } },
          { ip: '127.0.0.9', ready: false, node: 'node-3', pod: 'istiod-c', ports: { 'https-dns': xds.port } },
        ],
        ztunnelPods: [pod('ztunnel-b', 'node-2', '127.0.0.2'), pod('ztunnel-a', 'node-1', '127.0.0.1'), pod('ztunnel-c', 'node-3', '', { phase: 'Pending' })],
      });
      const out = await runProbes(s, { timeoutMs: 1000, istioNamespace: 'istio-system', xdsPort: xds.port, readinessPort: readyZtunnel.port });

      expect(out.istiodDials.map((d) => [d.kind, d.address, d.success])).to.deep.equal([
        ['service', `127.0.0.1:${xds.port}`, true],
        ['endpoint', `127.0.0.1:${xds.port}`, true],
        ['endpoint', `127.0.0.1:${deadPort}`, false],
      ]);
      expect(out.ztunnelReadiness.map(({ node, pod, reachable, ready, pendingTasks }) => ({ node, pod, reachable, ready, pendingTasks }))).to.deep.equal([
        { node: 'node-1', pod: 'ztunnel-a', reachable: true, ready: true, pendingTasks: [] },
        { node: 'node-2', pod: 'ztunnel-b', reachable: true, ready: false, pendingTasks: ['state manager'] },
      ]);
      expect(out.api).to.deep.equal({ ready: false, durationSeconds: 0 });
    });

    it('spends the connect timeout, not the whole probe budget, on blackholed addresses', async function () {
      const hole = await blackholedEndpoint('127.0.0.1');
      if (!hole) this.skip();
      try {
        const s = state({
          istiodService: istiodService('127.0.0.1', hole.port),
          istiodEndpoints: [{ ip: '127.0.0.1', ready: true, node: 'node-1', pod: 'istiod-a', ports: { 'https-dns': hole.port } }],
          ztunnelPods: [pod('ztunnel-a', 'node-1', '127.0.0.1')],
        });
        const started = performance.now();
        const out = await runProbes(s, { timeoutMs: 5000, connectTimeoutMs: 200, istioNamespace: 'istio-system', xdsPort: hole.port, readinessPort: hole.port });
        expect((performance.now() - started) / 1000).to.be.below(1.5);
        expect(out.istiodDials.map((d) => d.success)).to.deep.equal([false, false]);
        expect(out.ztunnelReadiness.map(({ reachable, ready }) => ({ reachable, ready }))).to.deep.equal([{ reachable: false, ready: false }]);
      } finally {
        await hole.close();
      }
    });
  });
});
