// One round cannot tell a ztunnel whose xDS stream fails now from one that failed once last week: both
// show a cumulative ConnectionError count. diagnose looks again, and until it has, it says so instead
// of passing the check.
import { expect } from 'chai';
import { buildReport, type ReportOptions } from '../../../src/diagnosis/report.js';
import { nodesNeedingSecondLook } from '../../../src/diagnosis/second-look.js';
import type { Report, ReportCheck } from '../../../src/diagnosis/types.js';
import type { RoundResult } from '../../../src/export/exporter-families.js';
import { deriveSignals } from '../../../src/issues/derive.js';
import type { SignalInput } from '../../../src/issues/types.js';
import { s, withHealthy } from '../../support/builders.js';

const OPTS: ReportOptions = { kube: true, maxStateAgeMs: 60_000, istioNamespace: 'istio-system', ownNode: 'node-a' };

/** node-b's ztunnel has counted `errors` ConnectionError terminations and `messages` configuration messages. */
function inputWith(errors: number, messages: number, nowMs: number): SignalInput {
  return withHealthy((i) => {
    i.nowMs = nowMs;
    i.scrapes = i.scrapes.map((x) =>
      x.target.node === 'node-b' && x.target.component === 'ztunnel'
        ? {
            ...x,
            samples: [
              ...x.samples,
              s('istio_xds_connection_terminations_total', errors, { reason: 'ConnectionError' }),
              s('istio_xds_message_total', messages, { type: 'type.googleapis.com/istio.workload.Address' }),
            ],
          }
        : x,
    );
  });
}

function roundOf(input: SignalInput, previous?: RoundResult): RoundResult {
  const withPrevious = previous ? { ...input, previous: previous.signals.issues } : input;
  return {
    stateKnown: true,
    stateAgeSeconds: 0,
    state: input.state,
    scrapes: input.scrapes,
    probes: input.probes,
    signals: deriveSignals(withPrevious),
    durationSeconds: 0.1,
    finishedAtMs: input.nowMs ?? 0,
  };
}

const xdsCheck = (r: Report): ReportCheck => r.sections.flatMap((x) => x.checks).find((c) => c.id === 'ztunnel_istiod_connectivity.ztunnel_xds')!;

describe('diagnose: a second look at ztunnels that counted xDS errors', () => {
  it('healthy counters (Reconnect only): no second look, the check passes', () => {
    const first = roundOf(withHealthy(() => undefined));
    expect(nodesNeedingSecondLook(first)).to.deep.equal([]);
    expect(xdsCheck(buildReport(first, OPTS)).status).to.equal('ok');
  });

  it('errors counted, one round: a second look is needed, and the check says it could not tell instead of passing', () => {
    const first = roundOf(inputWith(7, 40, 1_000_000));
    expect(nodesNeedingSecondLook(first)).to.deep.equal(['node-b']);
    const check = xdsCheck(buildReport(first, OPTS));
    expect(check.status).to.not.equal('ok');
    expect(check.items.map((i) => [i.status, i.evidence])).to.deep.include([
      'unknown',
      'ztunnel on 1 node (node-b) counted xDS connection errors since it started; one round cannot tell whether its stream fails now',
    ]);
  });

  it('second look, the errors still grow and no configuration arrives: the Ready ztunnel that lost istiod is a problem', () => {
    const first = roundOf(inputWith(7, 40, 1_000_000));
    const second = roundOf(inputWith(8, 40, 1_025_000), first);
    expect(nodesNeedingSecondLook(second)).to.deep.equal([]);
    const report = buildReport(second, OPTS);
    const problem = xdsCheck(report).items.find((i) => i.status === 'problem');
    expect(problem).to.deep.include({ where: { node: 'node-b' }, cause: 'xds_connection_errors', runbook: 'AmbientZtunnelIstiodUnreachable' });
  });

  it('second look, the count did not grow: old errors, the check passes', () => {
    const first = roundOf(inputWith(7, 40, 1_000_000));
    const second = roundOf(inputWith(7, 44, 1_025_000), first);
    expect(nodesNeedingSecondLook(second)).to.deep.equal([]);
    expect(xdsCheck(buildReport(second, OPTS)).status).to.equal('ok');
  });
});
