// The node processes on the lab clock: ztunnel's back-off, its one-shot sync, its connection to the
// istio-cni node agent, and what each side shows while they come and go.
import { expect } from 'chai';
import { XDS_RETRY, RetryLoop } from '../src/runtime/retry-loop.js';
import { NodeRuntime, READINESS_FAILURE_GRACE_MS } from '../src/runtime/node.js';
import { AGENT_LISTEN_DELAY_MS, ztunnelCounters } from '../src/runtime/processes.js';

const T0 = Date.UTC(2025, 5, 1);
const S = 1000;

describe('lab runtime: retry loop', () => {
  it('a refused connect fails at once and backs off 20 ms, 40 ms, ... up to 15 s (ztunnel src/xds/client.rs)', () => {
    const loop = new RetryLoop(XDS_RETRY);
    loop.start(T0);
    loop.advance(T0 + 20 * S, () => 'refuse');
    // failures at 0, .02, .06, .14, .30, .62, 1.26, 2.54, 5.10, 10.22, 20.46 s
    expect(loop.failures).to.equal(10);
    loop.advance(T0 + 20.46 * S, () => 'refuse');
    expect(loop.failures).to.equal(11);
    loop.advance(T0 + (20.46 + 15 * 4) * S, () => 'refuse');
    expect(loop.failures).to.equal(15);
  });

  it('a dropped connect fails after the 5 s connect timeout: about one failure every 20 s once backed off', () => {
    const loop = new RetryLoop(XDS_RETRY);
    loop.start(T0);
    loop.advance(T0 + 4.9 * S, () => 'blackhole');
    expect(loop.failures).to.equal(0);
    loop.advance(T0 + 5 * S, () => 'blackhole');
    expect(loop.failures).to.equal(1);
    loop.advance(T0 + 10 * 60 * S, () => 'blackhole');
    const early = loop.failures;
    loop.advance(T0 + 20 * 60 * S, () => 'blackhole');
    expect(loop.failures - early).to.equal(30); // 600 s / (15 s back-off + 5 s timeout)
  });

  it('decides an attempt by what it met when it started, and connects at the next attempt once the path answers', () => {
    const loop = new RetryLoop(XDS_RETRY);
    loop.start(T0);
    loop.advance(T0 + 2 * S, () => 'blackhole'); // the first attempt is still waiting for its timeout
    // the path answers from 2 s on: the first attempt still times out at 5 s, the retry at 5.02 s gets through
    expect(loop.advance(T0 + 6 * S, () => 'ok')).to.equal(T0 + 5.02 * S);
    expect([loop.failures, loop.connected, loop.connections]).to.deep.equal([1, true, 1]);
  });
});

describe('lab runtime: a node', () => {
  const fresh = () => new NodeRuntime('n', T0 - 3600 * S, T0 - 86_400 * S);

  it('a running ztunnel that loses istiod stays ready: only its xDS stream fails', () => {
    const n = fresh();
    n.advance(T0);
    n.setXdsMode('blackhole', T0);
    const s = n.state(T0 + 60 * S);
    expect([s.ztunnelPending, s.ztunnelPodReady, s.xdsConnected, s.refusal]).to.deep.equal([[], true, false, undefined]);
    expect(ztunnelCounters(n.ztunnel, T0 + 60 * S).connectionErrors).to.equal(9);
  });

  it('a ztunnel restarted while istiod is unusable never syncs: both tasks pending, never connects to istio-cni, new pods refused', () => {
    const n = fresh();
    n.setXdsMode('refuse', T0);
    n.advance(T0);
    n.ztunnelStart(T0);
    const s = n.state(T0 + 5 * 60 * S);
    expect(s.ztunnelPending).to.deep.equal(['state manager', 'workload proxy manager']);
    expect([s.ztunnelPodReady, s.ztunnelHoldsPods, s.cniZtunnelConnected]).to.deep.equal([false, false, 0]);
    expect(s.refusal).to.deep.equal({ reason: 'no-ztunnel-connection', since: T0, lasting: true });
    expect(s.episode?.since).to.equal(T0);
    expect(ztunnelCounters(n.ztunnel, T0 + 5 * 60 * S)).to.include({ streams: 0, trafficSeconds: 0, processStartMs: T0 });

    // istiod usable again: the next attempt (at most 15 s later) syncs, then the agent takes it
    const back = T0 + 5 * 60 * S;
    n.advance(back);
    n.setXdsMode('ok', back);
    const later = n.state(back + 15 * S);
    expect([later.ztunnelPending, later.ztunnelPodReady, later.cniZtunnelConnected, later.refusal]).to.deep.equal([[], true, 1, undefined]);
    expect(later.episode?.admittedAt).to.be.within(back, back + 15 * S);
  });

  it('an istio-cni restart leaves ztunnel_connected absent until the running ztunnel reconnects (its back-off: 20 ms, 40 ms, ...)', () => {
    const n = fresh();
    n.advance(T0);
    n.agentRestart(T0);
    const during = n.state(T0 + AGENT_LISTEN_DELAY_MS + 100);
    expect([during.agentListening, during.cniZtunnelConnected, during.ztunnelPending, during.ztunnelPodReady]).to.deep.equal([true, undefined, ['workload proxy manager'], true]);
    expect(during.refusal).to.deep.include({ reason: 'no-ztunnel-connection', lasting: false });
    // attempts at 0, .02, .06, .14, .30, .62, 1.26, 2.54 s: the one at 2.54 s finds the agent listening
    const after = n.state(T0 + 2.54 * S);
    expect([after.cniZtunnelConnected, after.ztunnelPending, after.refusal, after.episode]).to.deep.equal([1, [], undefined, undefined]);
  });

  it('a ztunnel without the agent for longer than kubelet’s three probes goes NotReady', () => {
    const n = fresh();
    n.advance(T0);
    n.agentCrash(T0);
    expect(n.state(T0 + READINESS_FAILURE_GRACE_MS - 1).ztunnelPodReady).to.equal(true);
    expect(n.state(T0 + READINESS_FAILURE_GRACE_MS).ztunnelPodReady).to.equal(false);
    n.agentRestart(T0 + 60 * S);
    // ztunnel's back-off has reached 15 s meanwhile: it reconnects within 15 s of the agent listening
    const s = n.state(T0 + 60 * S + AGENT_LISTEN_DELAY_MS + 15 * S);
    expect([s.ztunnelPodReady, s.cniZtunnelConnected]).to.deep.equal([true, 1]);
  });

  it('a reboot restarts both processes and loses the pods istio-cni found no netns for; another agent restart hands them back', () => {
    const n = fresh();
    n.advance(T0);
    n.reboot(T0, ['a', 'b']);
    const s = n.state(T0 + 30 * S);
    expect([s.ztunnelStartedAt, s.agentStartedAt, s.ztunnelPending, [...s.lostPods]]).to.deep.equal([T0, T0, [], ['a', 'b']]);
    n.agentRestart(T0 + 60 * S);
    expect(n.state(T0 + 90 * S).lostPods.size).to.equal(0);
  });
});
