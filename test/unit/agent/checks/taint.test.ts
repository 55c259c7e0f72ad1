import { expect } from 'chai';
import { evaluateCniTaint, type NodeObject } from '../../../../src/agent/checks/index.js';

const node = (taints?: NonNullable<NodeObject['spec']>['taints']): NodeObject => ({ metadata: { name: 'n' }, spec: { ...(taints ? { taints } : {}) } });

describe('agent checks: cni.istio.io/not-ready taint', () => {
  const rows: { what: string; node: NodeObject | undefined; key?: string; want: string }[] = [
    { what: 'no taints', node: node(), want: 'ok/ok' },
    { what: 'other taints only', node: node([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]), want: 'ok/ok' },
    { what: 'the taint, NoSchedule', node: node([{ key: 'cni.istio.io/not-ready', effect: 'NoSchedule' }]), want: 'problem/cni_not_ready_taint' },
    { what: 'the taint with any effect (istiod removes it by key)', node: node([{ key: 'cni.istio.io/not-ready', value: 'true', effect: 'NoExecute' }]), want: 'problem/cni_not_ready_taint' },
    { what: 'a renamed taint key (PILOT_NODE_UNTAINT_CONTROLLERS_TAINT_NAME)', node: node([{ key: 'example.com/cni', effect: 'NoSchedule' }]), key: 'example.com/cni', want: 'problem/cni_not_ready_taint' },
    { what: 'the own Node object is not known', node: undefined, want: 'unknown/node_not_found' },
  ];
  for (const { what, node: n, key, want } of rows) {
    it(what, () => {
      const r = evaluateCniTaint(n, key);
      expect(`${r.status}/${r.reason}`).to.equal(want);
    });
  }

  it('says since when, for people', () => {
    const r = evaluateCniTaint(node([{ key: 'cni.istio.io/not-ready', effect: 'NoSchedule', timeAdded: '2026-01-02T03:04:05Z' }]));
    expect(r.evidence).to.deep.equal({ taint: 'cni.istio.io/not-ready', effect: 'NoSchedule', since: '2026-01-02T03:04:05Z' });
  });
});
