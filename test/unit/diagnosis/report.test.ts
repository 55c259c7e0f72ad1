// What a person reads from one round: the verdict, each problem in the right layer with its evidence,
// pods, runbook and next command, consequences pointing at their cause, and never "healthy" when the
// exporter could not see the cluster. Built from the same derived signals the metrics export.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeOf } from '../../../src/diagnosis/exit-code.js';
import { buildReport, type ReportOptions } from '../../../src/diagnosis/report.js';
import type { CheckSummary } from '../../../src/agent/summary.js';
import type { Report, ReportCheck, ReportItem } from '../../../src/diagnosis/types.js';
import type { RoundResult } from '../../../src/export/exporter-families.js';
import { deriveSignals } from '../../../src/issues/derive.js';
import { LAYERS } from '../../../src/issues/diagnose-spec.js';
import { MODULES } from '../../../src/issues/registry.js';
import type { SignalInput } from '../../../src/issues/types.js';
import { ALERT_GROUPS } from '../../../scripts/rules/alerts.js';
import { agentReport, check as agentCheck, failedScrape, healthyChecks, healthyInput, pod, readiness, silentAgent, withAgents, withHealthy } from '../../support/builders.js';
import { RUNBOOKS_DIR } from '../../support/rule-files.js';

const OPTS: ReportOptions = { kube: true, maxStateAgeMs: 60_000, istioNamespace: 'istio-system', ownNode: 'node-a' };

function roundOf(input: SignalInput, over: Partial<RoundResult> = {}): RoundResult {
  return {
    stateKnown: true,
    stateAgeSeconds: 0,
    state: input.state,
    scrapes: input.scrapes,
    ...(input.agents ? { agents: input.agents } : {}),
    probes: input.probes,
    signals: deriveSignals(input),
    durationSeconds: 0.1,
    finishedAtMs: 1_000_000,
    ...over,
  };
}

const checks = (r: Report): ReportCheck[] => r.sections.flatMap((s) => s.checks);
const check = (r: Report, id: string): ReportCheck => {
  const c = checks(r).find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};
const items = (r: Report, status?: ReportItem['status']): ReportItem[] => checks(r).flatMap((c) => c.items).filter((i) => !status || i.status === status);

/** node-b's Flannel crash-loops and its pods no longer answer over the overlay. */
function flannelDown(i: SignalInput): void {
  i.state.flannelPods[1] = { ...i.state.flannelPods[1]!, ready: false, waitingReason: 'CrashLoopBackOff' };
  i.scrapes = i.scrapes.map((s) => (s.target.node === 'node-b' && s.target.component === 'ztunnel' ? failedScrape(s.target, 'timeout', false) : s));
  i.probes.ztunnelReadiness[1] = readiness('node-b', [], { reachable: false, ready: false });
}

describe('diagnosis: the report of one round', () => {
  it('healthy: every layer in the source document order, every check passed, exit 0', () => {
    const r = buildReport(roundOf(healthyInput()), OPTS);
    expect(r.sections.map((s) => s.id)).to.deep.equal(['access', ...LAYERS]);
    expect(r).to.include({ verdict: 'healthy', problems: 0, warnings: 0, unknown: 0, summary: 'Healthy: every check passed' });
    for (const c of checks(r)) expect(c.status, c.id).to.be.oneOf(['ok', 'skipped']);
    expect(check(r, 'cross_node_network.flannel_ready').evidence).to.equal('Flannel pod Ready on 3 of 3 nodes');
    expect(check(r, 'ztunnel_istiod_connectivity.service_port').evidence).to.equal('Service istio-system/istiod exposes port 15012');
    expect(exitCodeOf(r)).to.equal(0);
  });

  it('Flannel down on a node: one problem in the network layer, with the pod, the runbook and the next command; its symptoms explained by it', () => {
    const r = buildReport(roundOf(withHealthy(flannelDown)), OPTS);
    expect(r).to.include({ verdict: 'problems', problems: 1 });
    const [problem] = items(r, 'problem');
    expect(r.sections.find((s) => s.checks.some((c) => c.items.includes(problem!)))?.id).to.equal('network');
    expect(problem).to.deep.include({
      where: { node: 'node-b' },
      title: 'cross-node pod traffic broken (overlay down)',
      issue: 'cross_node_network',
      cause: 'flannel_not_ready',
      runbook: 'AmbientCrossNodeNetworkFailure',
      pods: { pods: [{ namespace: 'kube-flannel', name: 'kube-flannel-ds-node-b' }], total: 1 },
    });
    expect(problem!.evidence).to.contain('kube-flannel/kube-flannel-ds-node-b').and.contain('CrashLoopBackOff');
    expect(problem!.next[0]).to.equal('kubectl -n kube-flannel describe pod kube-flannel-ds-node-b');
    expect(problem!.next.join('\n')).to.contain('talosctl -n 192.168.0.1 get links flannel.1');
    // the failed scrape of node-b's ztunnel is a consequence, pointed at its cause
    const scrape = check(r, 'exporter.targets').items[0]!;
    expect(scrape).to.deep.include({ status: 'explained', where: { node: 'node-b' }, runbook: 'AmbientExporterTargetDown' });
    expect(scrape.explainedBy).to.deep.equal({ issue: 'cross_node_network', cause: 'flannel_not_ready', node: 'node-b' });
    expect(exitCodeOf(r)).to.equal(1);
  });

  it('a cluster-wide cause is one problem naming every node it marks, in the control plane', () => {
    const input = withHealthy((i) => {
      i.state.istiodService = { ...i.state.istiodService!, ports: i.state.istiodService!.ports.filter((p) => p.port !== 15012) };
    });
    const r = buildReport(roundOf(input), OPTS);
    expect(r.problems).to.equal(1);
    const c = check(r, 'ztunnel_istiod_connectivity.service_port');
    expect(c.status).to.equal('problem');
    expect(c.items).to.have.length(1);
    expect(c.items[0]).to.deep.include({ where: { nodes: ['node-a', 'node-b', 'node-c'] }, cause: 'service_port_missing', runbook: 'AmbientIstiodXdsPortMissing' });
    expect(c.items[0]!.evidence).to.equal('Service istio-system/istiod has no port 15012 (it has 15010, 443, 15014): no ztunnel can get configuration');
    expect(c.items[0]!.next[0]).to.equal("kubectl -n istio-system get svc istiod -o jsonpath='{.spec.ports}'");
  });

  it('pods stuck behind istio-cni are named, the first 10 and how many in all', () => {
    const stuck = Array.from({ length: 12 }, (_, n) =>
      pod({ name: `web-${String(n).padStart(2, '0')}`, namespace: 'bookinfo', node: 'node-c', phase: 'Pending', started: false, ready: false, waitingReason: 'ContainerCreating' }),
    );
    const input = withHealthy((i) => {
      i.state.workloadPods.push(...stuck);
      i.state.sandboxEvents = stuck.map((p) => ({
        namespace: p.namespace,
        pod: p.name,
        podUid: p.uid,
        reason: 'FailedCreatePodSandBox',
        message: 'plugin type="istio-cni" name="istio-cni" failed (add): unable to push CNI event (status code 500): partial add error: no ztunnel connection',
        lastSeen: 1,
        count: 1,
      }));
    });
    const r = buildReport(roundOf(input), OPTS);
    const [problem] = items(r, 'problem');
    expect(problem).to.deep.include({ where: { node: 'node-c' }, cause: 'sandbox_failures', runbook: 'AmbientPodCreationBlockedByCNI' });
    expect(problem!.pods!.total).to.equal(12);
    expect(problem!.pods!.pods.map((p) => p.name)).to.deep.equal(stuck.slice(0, 10).map((p) => p.name));
    expect(problem!.evidence).to.match(/^12 pods on node node-c wait in ContainerCreating/);
    expect(problem!.next[0]).to.equal('kubectl -n bookinfo describe pod web-00');
  });

  it('istio-cni without a ztunnel: the runbook is the alert that pages after the inhibitions (ztunnel or istio-cni not Ready first)', () => {
    /** node-c's istio-cni reports no ztunnel; `edit` sets what else is wrong there. */
    const runbookOf = (edit: (i: SignalInput) => void): string | undefined => {
      const input = withHealthy((i) => {
        i.scrapes = i.scrapes.map((x) =>
          x.target.node === 'node-c' && x.target.component === 'istio-cni' && x.up ? { ...x, samples: x.samples.map((m) => (m.name === 'ztunnel_connected' ? { ...m, value: 0 } : m)) } : x,
        );
        edit(i);
      });
      const problem = items(buildReport(roundOf(input), OPTS), 'problem').find((p) => p.issue === 'cni_pod_creation_blocked');
      expect(problem, 'the CNI finding on node-c').to.not.equal(undefined);
      expect(problem!.cause).to.equal('ztunnel_not_connected');
      return problem!.runbook;
    };
    const ztunnelCrashing = (i: SignalInput): void => {
      i.state.ztunnelPods[2] = { ...i.state.ztunnelPods[2]!, ready: false, waitingReason: 'CrashLoopBackOff' };
      i.probes.ztunnelReadiness[2] = readiness('node-c', [], { reachable: false, ready: false });
    };
    // ztunnel Ready: nothing on the node holds the pod creation alert back
    expect(runbookOf(() => undefined)).to.equal('AmbientPodCreationBlockedByCNI');
    // ztunnel crash-looping: AmbientZtunnelNotReady pages and holds the CNI alert back
    expect(runbookOf(ztunnelCrashing)).to.equal('AmbientZtunnelNotReady');
    // istio-cni itself not Ready too: its own alert holds back both
    expect(
      runbookOf((i) => {
        ztunnelCrashing(i);
        i.state.cniPods[2] = { ...i.state.cniPods[2]!, ready: false };
      }),
    ).to.equal('AmbientIstioCniNotReady');
  });

  it('never listed the API: blind, the reason first, no layer judged, exit 2', () => {
    const input = healthyInput();
    const r = buildReport(roundOf(input, { stateKnown: false, stateAgeSeconds: undefined, state: { ...input.state, synced: false } }), OPTS);
    expect(r.verdict).to.equal('blind');
    expect(r.summary).to.equal('Blind: the Kubernetes API was never listed');
    expect(r.sections.map((s) => s.id)).to.deep.equal(['access']);
    expect(check(r, 'exporter.kubernetes_api').items[0]).to.deep.include({ status: 'unknown', runbook: 'AmbientExporterBlind' });
    expect(exitCodeOf(r)).to.equal(2);
  });

  it('a view of the API older than the bound: blind with its age, even though the last state had no finding', () => {
    const input = withHealthy((i) => {
      i.state.watchUp = { pods: false, nodes: false };
    });
    const r = buildReport(roundOf(input, { stateKnown: false, stateAgeSeconds: 93.4 }), OPTS);
    expect(r.verdict).to.equal('blind');
    expect(r.summary).to.equal('Blind: its view of the Kubernetes API is 93 s old (every watch down)');
  });

  it('watches down within the bound: verdicts stand, with a warning that says so', () => {
    const input = withHealthy((i) => {
      i.state.watchUp = { pods: false, nodes: true };
    });
    const r = buildReport(roundOf(input, { stateAgeSeconds: 12 }), OPTS);
    expect(r.verdict).to.equal('warnings');
    expect(check(r, 'exporter.kubernetes_api').items[0]).to.deep.include({ status: 'warn', runbook: 'AmbientExporterKubeWatchDown' });
    expect(exitCodeOf(r)).to.equal(0);
  });

  it('outside the pod network: not judged from here, said so, exit 2', () => {
    const r = buildReport(roundOf(healthyInput()), { ...OPTS, ownNode: undefined, offPodNetwork: true });
    expect(r.verdict).to.equal('incomplete');
    expect(check(r, 'exporter.vantage').items[0]!.next[0]).to.match(/^kubectl -n ambient-exporter exec deployment\/ambient-exporter -- node dist\/cli.js diagnose/);
    expect(exitCodeOf(r)).to.equal(2);
  });

  it('a ztunnel short of its enabled pods for less than 3 minutes is a warning, not yet a finding', () => {
    const input = withHealthy((i) => {
      i.nowMs = 1_000_000;
      i.scrapes = i.scrapes.map((s) =>
        s.target.component === 'ztunnel' && s.target.node === 'node-a' ? { ...s, samples: s.samples.map((x) => (x.name === 'workload_manager_active_proxy_count' ? { ...x, value: 0 } : x)) } : s,
      );
    });
    const r = buildReport(roundOf(input), OPTS);
    const c = check(r, 'namespace_not_enrolled.pods_proxied');
    expect(c.status).to.equal('warn');
    expect(c.items[0]!.evidence).to.match(/^ztunnel proxies 0 workloads while 1 pod there is annotated enabled/);
  });
});

describe('diagnosis: the node agents in the report', () => {
  /** A healthy cluster with an agent pod on every node, whose agent on `node` reports `problem` instead of that check's ok result. */
  const agentSees = (node: string, problem: CheckSummary): SignalInput => {
    const input = withAgents(
      withHealthy((i) => {
        i.state.agentPods = ['node-a', 'node-b', 'node-c'].map((n) => pod({ name: `ambient-exporter-agent-${n}`, node: n, namespace: 'ambient-exporter-agent' }));
      }),
    );
    const checks = healthyChecks().map((c) => (c.check === problem.check ? problem : c));
    input.agents = input.agents!.map((a) => (a.node === node ? agentReport(node, checks) : a));
    return input;
  };

  it('without agents the two checks they feed do not apply; with healthy agents they pass', () => {
    const without = buildReport(roundOf(healthyInput()), OPTS);
    expect(check(without, 'cross_node_network.node_agents').status).to.equal('skipped');
    expect(check(without, 'namespace_not_enrolled.cni_plugin').status).to.equal('skipped');
    const healthy = buildReport(roundOf(withAgents(healthyInput())), OPTS);
    expect(healthy).to.include({ verdict: 'healthy' });
    expect(check(healthy, 'cross_node_network.node_agents')).to.include({ status: 'ok', evidence: 'node agents reported on 3 of 3 nodes' });
    expect(check(healthy, 'namespace_not_enrolled.cni_plugin')).to.include({ status: 'ok', evidence: "istio-cni's plugin chained in the active CNI config on 3 of 3 nodes with an agent" });
    expect(check(healthy, 'exporter.targets').evidence).to.match(/; node agents read 3 of 3$/);
  });

  it("a node's VXLAN device missing: one problem in the network layer, in the agent's words, with its pod to look at", () => {
    const input = agentSees('node-b', { ...agentCheck('flannel_vxlan_device', 'problem', 'vxlan_device_missing'), evidence: { device: 'flannel.1' } });
    const r = buildReport(roundOf(input), OPTS);
    expect(r).to.include({ verdict: 'problems', problems: 1 });
    const [problem] = check(r, 'cross_node_network.node_agents').items;
    expect(problem).to.deep.include({ status: 'problem', where: { node: 'node-b' }, cause: 'vxlan_device_missing', runbook: 'AmbientCrossNodeNetworkFailure' });
    expect(problem!.evidence).to.equal('the node agent on node-b sees flannel_vxlan_device (ipv4): vxlan_device_missing (device=flannel.1)');
    expect(problem!.next[0]).to.equal('kubectl -n ambient-exporter-agent get pod ambient-exporter-agent-node-b -o wide');
  });

  it("istio-cni's plugin missing from a node's CNI config: the data plane check names the node", () => {
    const input = agentSees('node-c', agentCheck('istio_cni_config', 'problem', 'cni_plugin_not_configured'));
    const r = buildReport(roundOf(input), OPTS);
    const c = check(r, 'namespace_not_enrolled.cni_plugin');
    expect(c.status).to.equal('problem');
    expect(c.items[0]).to.deep.include({ where: { node: 'node-c' }, cause: 'cni_plugin_not_configured', runbook: 'AmbientCniPluginNotConfigured' });
    expect(r.sections.find((s) => s.checks.includes(c))?.id).to.equal('dataPlane');
  });

  it("node-c's probers reach its node IP, not its VXLAN address: one problem, with its probers and how to read what they saw", () => {
    const input = withHealthy((i) => {
      withAgents(i);
      i.state.agentPods = ['node-a', 'node-b', 'node-c'].map((n) => pod({ name: `ambient-exporter-agent-${n}`, node: n, namespace: 'ambient-exporter-agent' }));
    });
    input.agents = input.agents!.map((a) => {
      const results = ['node-a', 'node-b', 'node-c']
        .filter((t) => t !== a.node)
        .map((t) => {
          const cut = t === 'node-c' || a.node === 'node-c';
          return { node: t, podIp: '10.244.9.0', hostIp: '192.168.0.9', pod: cut ? ('connect_timeout' as const) : ('ok' as const), host: 'ok' as const, padded: cut ? ('not_run' as const) : ('ok' as const), podSeconds: 0, hostSeconds: 0 };
        });
      return { ...a, summary: { ...a.summary!, peers: { plan: null, results } } };
    });
    const r = buildReport(roundOf(input), OPTS);
    expect(r).to.include({ verdict: 'problems', problems: 1 });
    const c = check(r, 'cross_node_network.peer_probes');
    const [problem] = c.items;
    expect(problem).to.deep.include({ status: 'problem', where: { node: 'node-c' }, cause: 'peer_overlay_down', runbook: 'AmbientCrossNodeNetworkFailure' });
    expect(problem!.evidence).to.equal(
      'node node-c is reached by its probers over its node IP, not over the pod network (its VXLAN address); its probers: node-a (not reached), node-b (not reached)',
    );
    expect(problem!.next[0]).to.equal(
      `kubectl get --raw /api/v1/namespaces/ambient-exporter-agent/pods/ambient-exporter-agent-node-a:9480/proxy/summary | jq '.peers.results[] | select(.node == "node-c")'`,
    );
  });

  it("a silent agent is a warning among the exporter's targets, not a finding of the node", () => {
    const input = withAgents(healthyInput());
    input.agents = input.agents!.map((a) => (a.node === 'node-c' ? silentAgent('node-c') : a));
    const r = buildReport(roundOf(input), OPTS);
    expect(r).to.include({ verdict: 'warnings', problems: 0 });
    expect(check(r, 'exporter.targets').items).to.deep.equal([
      { status: 'warn', where: { node: 'node-c' }, evidence: 'node agent ambient-exporter-agent-node-c: timeout', runbook: 'AmbientExporterTargetDown', next: [] },
    ]);
    expect(check(r, 'cross_node_network.node_agents').evidence).to.equal('node agents reported on 2 of 3 nodes');
  });
});

describe('diagnosis: what each module declares', () => {
  const alerts = new Set(ALERT_GROUPS.flatMap((g) => g.alerts.map((a) => a.alert)));

  for (const m of MODULES) {
    it(`${m.issue}: every cause in exactly one check, ids under the issue, layers of the troubleshooting order`, () => {
      for (const c of m.causes) {
        const owners = m.diagnose.checks.filter((k) => (k.causes).includes(c.cause));
        expect(owners.map((k) => k.id), c.cause).to.have.length(1);
      }
      for (const k of m.diagnose.checks) {
        expect(k.id.startsWith(`${m.issue}.`), k.id).to.equal(true);
        expect(LAYERS).to.include(k.layer);
      }
    });
  }

  it('every runbook a report names is a shipped alert with its page in docs/runbooks', () => {
    const scenarios = [healthyInput(), withHealthy(flannelDown), withHealthy((i) => (i.state.istiodEndpoints = []))];
    const named = scenarios.flatMap((input) => items(buildReport(roundOf(input), OPTS)).flatMap((i) => (i.runbook ? [i.runbook] : [])));
    for (const rb of [...named, 'AmbientExporterBlind', 'AmbientExporterKubeWatchDown', 'AmbientExporterTargetDown']) {
      expect(alerts.has(rb), rb).to.equal(true);
      expect(existsSync(join(RUNBOOKS_DIR, `${rb}.md`)), `${rb}.md`).to.equal(true);
    }
  });
});
