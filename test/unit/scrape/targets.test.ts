import { expect } from 'chai';
import { emptyClusterState, type ClusterState, type PodInfo, type Target } from '../../../src/model.js';
import { pod as buildPod } from '../../support/builders.js';
import { TargetSpecError, discoverTargets, parseStaticTarget } from '../../../src/scrape/targets.js';

function pod(name: string, node: string, ip: string, extra: Partial<PodInfo> = {}): PodInfo {
  return buildPod({ namespace: 'istio-system', name, uid: name, node, ip, ...extra });
}

function state(parts: Partial<ClusterState>): ClusterState {
  return { ...emptyClusterState(), synced: true, ...parts };
}

describe('scrape/targets', () => {
  describe('discoverTargets', () => {
    it('builds each component URL from the pod IP and skips pods without an address or not running', () => {
      const s = state({
        ztunnelPods: [
          pod('ztunnel-b', 'node-2', '10.244.2.5'),
          pod('ztunnel-a', 'node-1', '10.244.1.5'),
          pod('ztunnel-new', 'node-3', '', { phase: 'Pending' }),
          pod('ztunnel-starting', 'node-4', '10.244.4.5', { phase: 'Pending' }),
          pod('ztunnel-v6', 'node-5', 'fd00::5'),
        ],
        istiodPods: [pod('istiod-7d9', 'node-1', '10.244.1.9')],
        cniPods: [pod('istio-cni-node-x', 'node-1', '192.168.0.11', { hostNetwork: true })],
      });
      expect(discoverTargets(s, [])).to.deep.equal([
        { component: 'ztunnel', node: 'node-1', pod: 'ztunnel-a', url: 'http://10.244.1.5:15020/stats/prometheus', static: false },
        { component: 'ztunnel', node: 'node-2', pod: 'ztunnel-b', url: 'http://10.244.2.5:15020/stats/prometheus', static: false },
        { component: 'ztunnel', node: 'node-5', pod: 'ztunnel-v6', url: 'http://[fd00::5]:15020/stats/prometheus', static: false },
        { component: 'istiod', node: 'node-1', pod: 'istiod-7d9', url: 'http://10.244.1.9:15014/metrics', static: false },
        { component: 'istio-cni', node: 'node-1', pod: 'istio-cni-node-x', url: 'http://192.168.0.11:15014/metrics', static: false },
      ]);
    });

    it('never puts anything but an IP literal into a URL, whatever the state holds', () => {
      const s = state({
        ztunnelPods: [pod('ztunnel-a', 'node-1', '127.0.0.77/latest/meta-data?'), pod('ztunnel-b', 'node-2', 'evil.example'), pod('ztunnel-c', 'node-3', '10.244.3.5')],
        istiodPods: [pod('istiod-1', 'node-1', '10.0.0.1:8080')],
        cniPods: [pod('istio-cni-x', 'node-1', 'fe80::1%eth0', { hostNetwork: true })],
      });
      expect(discoverTargets(s, []).map((t) => t.url)).to.deep.equal(['http://10.244.3.5:15020/stats/prometheus']);
    });

    it('appends static targets and scrapes a URL once', () => {
      const s = state({ istiodPods: [pod('istiod-1', 'node-1', '127.0.0.5')] });
      const statics: Target[] = [
        parseStaticTarget('ztunnel:worker-1=http://127.0.0.1:15020/stats/prometheus'),
        parseStaticTarget('istiod:node-1=http://127.0.0.5:15014/metrics'),
      ];
      expect(discoverTargets(s, statics).map((t) => `${t.component} ${t.pod} ${t.static}`)).to.deep.equal(['istiod istiod-1 false', 'ztunnel 127.0.0.1:15020 true']);
    });
  });

  describe('parseStaticTarget', () => {
    it('parses COMPONENT:NODE=URL and names the pod after host:port', () => {
      expect(parseStaticTarget('ztunnel:worker-1=http://127.0.0.1:15020/stats/prometheus')).to.deep.equal({
        component: 'ztunnel',
        node: 'worker-1',
        pod: '127.0.0.1:15020',
        url: 'http://127.0.0.1:15020/stats/prometheus',
        static: true,
      });
      expect(parseStaticTarget('istio-cni:n=http://localhost/metrics')).to.include({ component: 'istio-cni', pod: 'localhost:80' });
      expect(parseStaticTarget('istiod:n=https://istiod.example:8443/metrics?x=1')).to.include({ pod: 'istiod.example:8443', url: 'https://istiod.example:8443/metrics?x=1' });
    });

    const bad: [string, RegExp][] = [
      ['ztunnel', /missing ":" or "="/],
      ['ztunnel=http://x', /missing ":" or "="/],
      ['envoy:n=http://127.0.0.1:1/metrics', /COMPONENT must be one of ztunnel, istiod, istio-cni, not "envoy"/],
      ['ztunnel:=http://127.0.0.1:1/metrics', /NODE must be a non-empty name/],
      ['ztunnel:a b=http://127.0.0.1:1/metrics', /NODE must be a non-empty name/],
      ['ztunnel:n=127.0.0.1:15020', /URL "127.0.0.1:15020" must start with http:\/\/ or https:\/\//],
      ['ztunnel:n=ftp://127.0.0.1/metrics', /must start with http:\/\/ or https:\/\//],
      ['ztunnel:n=http://', /is not a URL/],
    ];
    for (const [spec, message] of bad) {
      it(`rejects ${JSON.stringify(spec)} with a clear message`, () => {
        let caught: unknown;
        try {
          parseStaticTarget(spec);
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(TargetSpecError);
        const msg = (caught as Error).message;
        expect(msg).to.match(message);
        expect(msg).to.contain(`target "${spec}"`).and.contain('expected COMPONENT:NODE=URL');
        expect(msg).not.to.contain('\n');
      });
    }
  });
});
