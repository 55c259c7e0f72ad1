// The agent mode's pieces that need no cluster: its settings, what it keeps of Node objects, which
// pods it takes for its node's ztunnel and istio-cni, and what its own /metrics and /summary serve.
import { expect } from 'chai';
import { AGENT_SETTINGS, resolveAgentConfig } from '../../../src/agent/config.js';
import { toAgentNode } from '../../../src/agent/kube/convert.js';
import { agentWatchedResources } from '../../../src/agent/kube/resources.js';
import { AgentMetrics } from '../../../src/agent/metrics.js';
import { localTargets, type AgentRound } from '../../../src/agent/round.js';
import { createAgentApp } from '../../../src/agent/server.js';
import { parseSettingArgs } from '../../../src/cli-flags.js';
import { ConfigError } from '../../../src/config.js';
import { podRole } from '../../../src/kube/cluster-state.js';
import { listen } from '../../../src/serve/http-listener.js';
import { pod, s, scrape, target } from '../../support/builders.js';

const load = (argv: string[], env: Record<string, string> = {}) => {
  const { flags, file } = parseSettingArgs('agent', AGENT_SETTINGS, argv);
  return resolveAgentConfig({ flags, file, env });
};

describe('agent mode', () => {
  describe('settings', () => {
    it('needs its node; everything else has a default', () => {
      const c = load(['--node-name', 'worker-1']);
      expect(c).to.deep.include({ nodeName: 'worker-1', listenAddress: ':9480', probeTimeout: 1_000, probeConcurrency: 8, startJitter: 10_000, refreshInterval: 15_000, cniConfDir: '/etc/cni/net.d', istioNamespace: 'istio-system' });
      expect(c.vxlanPort).to.equal(undefined);
    });

    it('a missing node name stops start-up with one line naming the key', () => {
      expect(() => load([])).to.throw(ConfigError, /^config: nodeName \(--node-name, AMBIENT_NODE_NAME\): is required/);
    });

    it('reads the same environment variables as serve where they mean the same', () => {
      expect(load([], { AMBIENT_NODE_NAME: 'w2', AMBIENT_VXLAN_PORT: '4789', AMBIENT_CNI_CONF_DIR: '/host/etc/cni/net.d' })).to.deep.include({ nodeName: 'w2', vxlanPort: 4789, cniConfDir: '/host/etc/cni/net.d' });
    });

    it('rejects a port out of range and a scrape timeout not shorter than the interval', () => {
      expect(() => load(['--node-name', 'w', '--vxlan-port', '70000'])).to.throw(ConfigError, /vxlanPort/);
      expect(() => load(['--node-name', 'w', '--scrape-timeout', '20s'])).to.throw(ConfigError, /scrapeTimeout/);
    });

    it("is as strict as serve's: whole milliseconds up to a day, whole numbers only, a connect timeout within the scrape timeout", () => {
      const bad: [string[], RegExp][] = [
        [['--refresh-interval', '10000h'], /^config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\): "10000h" is longer than 24h$/],
        [['--scrape-timeout', '1.5ms'], /^config: scrapeTimeout .*: "1.5ms" is not a whole number of milliseconds$/],
        [['--vxlan-port', '0x12b5'], /^config: vxlanPort \(--vxlan-port, AMBIENT_VXLAN_PORT\): "0x12b5" is not a whole number/],
        [['--scrape-max-bytes', '1e6'], /^config: scrapeMaxBytes .*: "1e6" is not a whole number/],
        [['--scrape-sample-limit', '0'], /^config: scrapeSampleLimit \(--scrape-sample-limit, AMBIENT_SCRAPE_SAMPLE_LIMIT\): 0 is not between 1 and 100000$/],
        [['--scrape-connect-timeout', '3s', '--scrape-timeout', '2s'], /^config: scrapeConnectTimeout .*: must not be longer than scrapeTimeout$/],
      ];
      for (const [argv, want] of bad) expect(() => load(['--node-name', 'w', ...argv]), argv.join(' ')).to.throw(ConfigError, want);
    });

    it("scrapes its node's ztunnel and istio-cni with serve's defaults: a 1 s connect timeout (or the scrape timeout, if shorter) and the per-target limits", () => {
      expect(load(['--node-name', 'w'])).to.deep.include({ scrapeConnectTimeout: 1_000, scrapeLimits: { samples: 200, labels: 16, labelNameLength: 128, labelValueLength: 256 } });
      expect(load(['--node-name', 'w', '--scrape-timeout', '300ms', '--scrape-sample-limit', '500']).scrapeConnectTimeout).to.equal(300);
      expect(load(['--node-name', 'w', '--scrape-sample-limit', '500']).scrapeLimits.samples).to.equal(500);
    });
  });

  describe('what it reads from the API', () => {
    it('only its own Node and its own node\'s pods (field selectors): its peers come with the plan', () => {
      expect(agentWatchedResources('worker-1').map((r) => `${r.name}: ${r.plural} ${r.fieldSelector ?? '-'}`)).to.deep.equal([
        'node: nodes metadata.name=worker-1',
        'pods: pods spec.nodeName=worker-1',
      ]);
    });

    it("keeps of a Node the Flannel annotations and pod CIDRs, and the taints of its own node only", () => {
      const raw = (name: string) => ({
        metadata: { name, annotations: { 'flannel.alpha.coreos.com/public-ip': '10.0.0.1', 'kubeadm.alpha.kubernetes.io/cri-socket': 'x' }, labels: { a: 'b' } },
        spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'cni.istio.io/not-ready', effect: 'NoSchedule' }] },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      });
      expect(toAgentNode(raw('self'), 'self')).to.deep.equal({
        metadata: { name: 'self', annotations: { 'flannel.alpha.coreos.com/public-ip': '10.0.0.1' } },
        spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'cni.istio.io/not-ready', effect: 'NoSchedule' }] },
      });
      expect(toAgentNode(raw('peer'), 'self').spec).to.not.have.property('taints');
    });

    it("scrapes its node's running ztunnel and istio-cni, as the exporter addresses them", () => {
      const targets = localTargets({
        ztunnelPods: [pod({ name: 'ztunnel-x', ip: '10.244.1.5' }), pod({ name: 'ztunnel-starting', ip: '', phase: 'Pending' })],
        cniPods: [pod({ name: 'istio-cni-node-x', ip: '192.168.0.7', hostNetwork: true })],
      });
      expect(targets.map((t) => t.url)).to.deep.equal(['http://10.244.1.5:15020/stats/prometheus', 'http://192.168.0.7:15014/metrics']);
    });

    it('believes an agent pod only in the agent namespace', () => {
      const labels = { 'app.kubernetes.io/name': 'ambient-exporter-agent' };
      expect(podRole(pod({ name: 'a', namespace: 'ambient-exporter-agent', labels }), 'istio-system')).to.equal('agent');
      expect(podRole(pod({ name: 'a', namespace: 'default', labels }), 'istio-system')).to.equal('other');
      expect(podRole(pod({ name: 'a', namespace: 'monitoring', labels }), 'istio-system', 'monitoring')).to.equal('agent');
    });
  });

  describe('its endpoints', () => {
    const round: AgentRound = {
      number: 1,
      startedAtMs: 1,
      finishedAtMs: 2,
      durationSeconds: 0.04,
      kube: { synced: true, watchUp: { nodes: true, pods: false } },
      checks: [
        {
          check: 'flannel_vxlan_device',
          family: 'ipv4',
          status: 'problem',
          reason: 'vxlan_device_missing',
          evidence: {},
          requires: { hostNetwork: true, hostPaths: [], capabilities: [], commands: [], kubeApi: [] },
          dependsOn: [],
        },
      ],
      scrapes: [scrape(target('ztunnel', 'w'), [s('istio_build', 1)]), { ...scrape(target('istio-cni', 'w'), []), up: false, error: 'timeout' }],
    };

    it('/metrics: a handful of ambient_agent_* series, no node label (the PodMonitor adds it)', async () => {
      const m = new AgentMetrics('0.1.0', false);
      m.update(round);
      const lines = (await m.registry.metrics()).split('\n').filter((l) => /^ambient_agent_/.test(l) && !/errors_total.* 0$/.test(l));
      expect(lines).to.deep.equal([
        'ambient_agent_build_info{version="0.1.0"} 1',
        'ambient_agent_check{check="flannel_vxlan_device",family="ipv4",status="problem",reason="vxlan_device_missing"} 1',
        'ambient_agent_local_scrape_up{component="ztunnel",pod="ztunnel-w"} 1',
        'ambient_agent_local_scrape_up{component="istio-cni",pod="istio-cni-w"} 0',
        'ambient_agent_local_scrape_duration_seconds{component="ztunnel",pod="ztunnel-w"} 0.01',
        'ambient_agent_local_scrape_duration_seconds{component="istio-cni",pod="istio-cni-w"} 0.01',
        'ambient_agent_local_scrape_errors_total{component="istio-cni",reason="timeout"} 1',
        'ambient_agent_kube_watch_up{resource="nodes"} 1',
        'ambient_agent_kube_watch_up{resource="pods"} 0',
        'ambient_agent_round_duration_seconds 0.04',
        'ambient_agent_last_round_timestamp_seconds 0.002',
      ]);
    });

    it('/summary: the last round as JSON, or 503 with the reason; /readyz follows readiness', async () => {
      let summary: { body: string } | { unavailable: string } = { unavailable: 'no round finished yet' };
      let ready = false;
      const app = createAgentApp({ metrics: new AgentMetrics('0.1.0', false), summary: () => summary, isReady: () => ready, acceptPlan: () => undefined });
      const l = await listen(app, '127.0.0.1:0');
      try {
        let r = await fetch(`${l.url}/summary`);
        expect([r.status, await r.text()]).to.deep.equal([503, 'no round finished yet\n']);
        expect((await fetch(`${l.url}/readyz`)).status).to.equal(503);
        summary = { body: '{"schemaVersion":1}' };
        ready = true;
        r = await fetch(`${l.url}/summary`);
        expect([r.status, r.headers.get('content-type'), await r.text()]).to.deep.equal([200, 'application/json; charset=utf-8', '{"schemaVersion":1}']);
        expect((await fetch(`${l.url}/readyz`)).status).to.equal(200);
        expect((await fetch(`${l.url}/healthz`)).status).to.equal(200);
      } finally {
        await l.close();
      }
    });
  });
});
