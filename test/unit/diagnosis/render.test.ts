// The two outputs of `diagnose`: text for a terminal (written out literally, as a person reads it)
// and JSON for scripts (the documented shape of docs/diagnose.md).
import { expect } from 'chai';
import { renderJson } from '../../../src/diagnosis/json.js';
import { renderText } from '../../../src/diagnosis/text.js';
import type { Report } from '../../../src/diagnosis/types.js';

const REPORT: Report = {
  version: 1,
  verdict: 'problems',
  summary: '1 problem found, 1 warning',
  problems: 1,
  warnings: 1,
  unknown: 0,
  checkedAt: '2026-01-02T03:04:05.000Z',
  sections: [
    {
      id: 'access',
      title: "The exporter's view",
      checks: [
        {
          id: 'exporter.targets',
          title: 'Istio components scraped',
          status: 'warn',
          evidence: 'scraped ztunnel 2 of 3',
          items: [
            {
              status: 'explained',
              where: { node: 'n2' },
              evidence: 'ztunnel z2: timeout',
              runbook: 'AmbientExporterTargetDown',
              next: ['kubectl -n istio-system get pod z2 -o wide'],
              explainedBy: { issue: 'cross_node_network', cause: 'flannel_not_ready', node: 'n2' },
            },
          ],
        },
      ],
    },
    {
      id: 'network',
      title: 'Network',
      checks: [
        {
          id: 'cross_node_network.flannel_ready',
          title: 'Flannel Ready on every node',
          status: 'problem',
          evidence: 'Flannel pod Ready on 2 of 3 nodes',
          items: [
            {
              status: 'problem',
              where: { node: 'n2' },
              title: 'cross-node pod traffic broken',
              issue: 'cross_node_network',
              cause: 'flannel_not_ready',
              evidence: 'Flannel pod kube-flannel/f2 is not Ready',
              pods: { pods: [{ namespace: 'kube-flannel', name: 'f2' }], total: 12 },
              runbook: 'AmbientCrossNodeNetworkFailure',
              next: ['kubectl -n kube-flannel describe pod f2', 'kubectl -n kube-flannel logs f2 --previous --tail=50'],
            },
          ],
        },
        { id: 'cross_node_network.overlay_configured', title: 'Overlay configured', status: 'ok', evidence: 'vxlan on 3 of 3 nodes', items: [] },
        { id: 'x.skipped', title: 'Something else', status: 'skipped', evidence: 'not here', items: [] },
        {
          id: 'x.warn',
          title: 'A warning check',
          status: 'warn',
          evidence: 'mostly fine',
          items: [{ status: 'warn', where: { nodes: ['a', 'b'] }, evidence: 'two nodes odd', next: [] }],
        },
      ],
    },
  ],
};

const RUNBOOKS = 'https://github.com/ambient-exporter/ambient-exporter/blob/main/docs/runbooks';

describe('diagnosis: text output', () => {
  it('one line per check with its mark, and under each check that is not ok its items with pods, runbook and next commands', () => {
    expect(renderText(REPORT, { title: 'ambient-exporter diagnose' })).to.equal(
      [
        'ambient-exporter diagnose · 2026-01-02T03:04:05.000Z',
        '',
        "The exporter's view",
        '  ⚠ Istio components scraped: scraped ztunnel 2 of 3',
        '      ⚠ node n2: ztunnel z2: timeout (explained by cross_node_network flannel_not_ready on this node)',
        `          runbook: AmbientExporterTargetDown  ${RUNBOOKS}/AmbientExporterTargetDown.md`,
        '          next:    kubectl -n istio-system get pod z2 -o wide',
        '',
        'Network',
        '  ✖ Flannel Ready on every node',
        '      ✖ node n2: flannel_not_ready: Flannel pod kube-flannel/f2 is not Ready',
        '          pods:    kube-flannel/f2 and 11 more',
        `          runbook: AmbientCrossNodeNetworkFailure  ${RUNBOOKS}/AmbientCrossNodeNetworkFailure.md`,
        '          next:    kubectl -n kube-flannel describe pod f2',
        '                   kubectl -n kube-flannel logs f2 --previous --tail=50',
        '  ✔ Overlay configured: vxlan on 3 of 3 nodes',
        '  – Something else: not here',
        '  ⚠ A warning check: mostly fine',
        '      ⚠ cluster-wide (nodes a, b): two nodes odd',
        '',
        '✖ 1 problem found, 1 warning (exit 1)',
        '',
      ].join('\n'),
    );
  });

  it('colours the marks only when asked (a terminal without NO_COLOR)', () => {
    expect(renderText(REPORT)).not.to.contain('\u001b[');
    const coloured = renderText(REPORT, { color: true });
    expect(coloured).to.contain('\u001b[31m✖\u001b[0m').and.contain('\u001b[32m✔\u001b[0m');
  });

  it('ends with the verdict and the exit code of each kind of result', () => {
    const last = (r: Partial<Report>) => renderText({ ...REPORT, ...r }).trimEnd().split('\n').at(-1);
    expect(last({ verdict: 'healthy', summary: 'Healthy: every check passed' })).to.equal('✔ Healthy: every check passed (exit 0)');
    expect(last({ verdict: 'blind', summary: 'Blind: the Kubernetes API was never listed' })).to.equal('? Blind: the Kubernetes API was never listed (exit 2)');
    expect(last({ verdict: 'incomplete', summary: 'No problem found, but 1 check could not be made' })).to.equal('? No problem found, but 1 check could not be made (exit 2)');
  });
});

describe('diagnosis: JSON output', () => {
  it('is the report, labelled and versioned, with its exit code; every check and item in the documented shape', () => {
    const doc = JSON.parse(renderJson(REPORT)) as Record<string, unknown> & Report & { exitCode: number; kind: string };
    expect(doc).to.include({ kind: 'AmbientDiagnosis', version: 1, verdict: 'problems', problems: 1, warnings: 1, unknown: 0, exitCode: 1 });
    expect(Object.keys(doc)).to.deep.equal(['kind', 'version', 'verdict', 'summary', 'problems', 'warnings', 'unknown', 'checkedAt', 'sections', 'exitCode']);
    for (const s of doc.sections) {
      expect(s).to.have.all.keys('id', 'title', 'checks');
      for (const c of s.checks) {
        expect(c).to.have.all.keys('id', 'title', 'status', 'evidence', 'items');
        expect(c.status).to.be.oneOf(['ok', 'warn', 'problem', 'unknown', 'skipped']);
        for (const i of c.items) {
          expect(i).to.include.keys('status', 'where', 'evidence', 'next');
          expect(i.next).to.be.an('array');
        }
      }
    }
    expect(doc.sections[1]!.checks[0]!.items[0]).to.deep.equal(REPORT.sections[1]!.checks[0]!.items[0]);
  });
});
