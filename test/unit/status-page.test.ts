// The status page as HTML: the verdict first and never green when the exporter is blind or its last
// round is old, each problem with its runbook link (served by the exporter), names from the cluster
// escaped, and a Content-Security-Policy that allows its one inline script and nothing from elsewhere.
// (test/e2e/status-page.test.ts shows the same page in a real browser.)
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { buildReport } from '../../src/diagnosis/report.js';
import { deriveSignals } from '../../src/issues/derive.js';
import type { SignalInput } from '../../src/issues/types.js';
import { pageVerdict, renderStatusPage, type StatusView } from '../../src/status-page.js';
import { healthyInput, pod, withHealthy } from '../support/builders.js';

const NOW = 2_000_000;

function view(input: SignalInput | undefined, over: Partial<StatusView> = {}, stateKnown = true): StatusView {
  const round = input && {
    stateKnown,
    stateAgeSeconds: stateKnown ? 0 : 300,
    state: input.state,
    scrapes: input.scrapes,
    probes: input.probes,
    signals: deriveSignals(input),
    durationSeconds: 0.1,
    finishedAtMs: NOW - 5_000,
  };
  return {
    version: '9.9.9',
    mode: 'cluster',
    refreshIntervalSeconds: 15,
    report: round && buildReport(round, { kube: true, maxStateAgeMs: 60_000, istioNamespace: 'istio-system', ownNode: 'node-a' }),
    lastRoundAtMs: round?.finishedAtMs,
    nowMs: NOW,
    ...over,
  };
}

const h1 = (html: string): string => /<h1 id="verdict">(.*?)<\/h1>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '') ?? '';

describe('status page', () => {
  it('healthy: the verdict says so first, and every check is listed', () => {
    const { html } = renderStatusPage(view(healthyInput()));
    expect(h1(html)).to.equal('✔Healthy');
    expect(html).to.contain('class="verdict s-healthy"');
    expect(html).not.to.contain('id="problems"');
    expect(html).to.contain('<h2 id="checks">Every check</h2>').and.contain('Flannel Ready on every node');
    expect(html).to.contain('last round 1970-01-01 00:33:15 UTC (5 s ago)');
  });

  it('a problem: where, root cause, evidence, pods, next commands and the runbook link of the alert that pages', () => {
    const input = withHealthy((i) => {
      i.state.namespaces = i.state.namespaces.map((n) => (n.name === 'bookinfo' ? { ...n, labels: {} } : n));
    });
    const { html } = renderStatusPage(view(input));
    expect(h1(html)).to.equal('✖1 problem');
    expect(html).to.contain('<li>workloads on TCP instead of HBONE · namespace bookinfo</li>');
    const problem = /<section aria-labelledby="problems">(.*?)<\/section>/s.exec(html)?.[1] ?? '';
    expect(problem).to.contain('<code>label_missing</code>');
    expect(problem).to.contain('<dt>Affected pods</dt>').and.contain('<code>bookinfo/productpage-node-a</code>');
    expect(problem).to.contain('kubectl label namespace bookinfo istio.io/dataplane-mode=ambient');
    expect(problem).to.contain('<a href="runbooks/AmbientNamespaceNotEnrolled">AmbientNamespaceNotEnrolled</a>');
  });

  it('blind before the first round, when the API was never listed, when its view is stale, and when rounds stopped', () => {
    expect(h1(renderStatusPage(view(undefined)).html)).to.equal('✖Blind');
    const input = healthyInput();
    const neverListed = renderStatusPage(view({ ...input, state: { ...input.state, synced: false } }, {}, false)).html;
    expect(h1(neverListed)).to.equal('✖Blind');
    expect(neverListed).to.contain('Blind: the Kubernetes API was never listed').and.contain('href="runbooks/AmbientExporterBlind"');
    expect(neverListed).not.to.contain('id="checks"');
    const stale = renderStatusPage(view(input, {}, false)).html;
    expect(stale).to.contain('Blind: its view of the Kubernetes API is 300 s old');
    const frozen = view(input, { lastRoundAtMs: NOW - 600_000 });
    expect(pageVerdict(frozen)).to.deep.equal({ verdict: 'blind', summary: 'Blind: the last round finished 600 s ago, the exporter has stopped refreshing' });
    expect(h1(renderStatusPage(frozen).html)).to.equal('✖Blind');
  });

  it('escapes every name that comes from the cluster', () => {
    const input = withHealthy((i) => {
      const evil = pod({ name: '<img src=x onerror=alert(1)>', namespace: 'bookinfo', node: 'node-b' });
      i.state.workloadPods.push(evil);
    });
    const { html } = renderStatusPage(view(input));
    expect(html).not.to.contain('<img src=x');
    expect(html).to.contain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('allows its own inline script by hash and nothing from elsewhere; refreshes without scripts too', () => {
    const { html, csp } = renderStatusPage(view(healthyInput()));
    const script = /<script>(.*?)<\/script>/s.exec(html)![1]!;
    expect(csp).to.contain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).to.match(/^default-src 'none';/);
    expect(html).not.to.match(/<(script|link|img)[^>]+(src|href)="https?:/);
    expect(html).to.contain('<noscript><meta http-equiv="refresh" content="15"></noscript>');
  });
});
