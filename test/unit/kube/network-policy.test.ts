// NetworkPolicy semantics as Kubernetes defines them, for the one question `diagnose --pre-install`
// asks: may ztunnel open a connection to istiod's port 15012?
import { expect } from 'chai';
import { connectionVerdict, toNetworkPolicyInfo, type NetworkPolicyInfo, type PolicyEndpoint } from '../../../src/kube/network-policy.js';

const NS = 'istio-system';
const istiod: PolicyEndpoint = { namespace: NS, namespaceLabels: { 'kubernetes.io/metadata.name': NS }, labels: { app: 'istiod', istio: 'pilot' } };
const ztunnel: PolicyEndpoint = { namespace: NS, namespaceLabels: { 'kubernetes.io/metadata.name': NS }, labels: { app: 'ztunnel' } };

const policy = (name: string, spec: Record<string, unknown>, namespace = NS): NetworkPolicyInfo => toNetworkPolicyInfo({ metadata: { name, namespace }, spec });

const CASES: { title: string; policies: NetworkPolicyInfo[]; ingress: string; egress?: string; names?: string[] }[] = [
  { title: 'no policy: allowed', policies: [], ingress: 'allowed' },
  { title: 'default deny ingress of every pod: blocked', policies: [policy('deny-all', { podSelector: {} })], ingress: 'blocked', names: ['deny-all'] },
  {
    title: 'default deny plus a rule for 15012 from the namespace: allowed',
    policies: [
      policy('deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
      policy('xds', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 15012 }] }] }),
    ],
    ingress: 'allowed',
    names: ['deny-all', 'xds'],
  },
  {
    title: 'istiod allows only the webhook port: blocked',
    policies: [policy('webhook', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ ports: [{ port: 15017, protocol: 'TCP' }] }] })],
    ingress: 'blocked',
  },
  {
    title: 'a port range that holds 15012: allowed',
    policies: [policy('range', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ ports: [{ port: 15010, endPort: 15014 }] }] })],
    ingress: 'allowed',
  },
  {
    title: 'UDP 15012 only: blocked',
    policies: [policy('udp', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ ports: [{ port: 15012, protocol: 'UDP' }] }] })],
    ingress: 'blocked',
  },
  {
    title: 'allowed only from another namespace: blocked',
    policies: [
      policy('other-ns', {
        podSelector: { matchLabels: { app: 'istiod' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }],
      }),
    ],
    ingress: 'blocked',
  },
  {
    title: 'allowed from pods labelled app=ztunnel in the namespace: allowed',
    policies: [policy('from-ztunnel', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['ztunnel'] }] } }] }] })],
    ingress: 'allowed',
  },
  {
    title: 'a policy for other pods isolates nothing of istiod: allowed',
    policies: [policy('gateway-only', { podSelector: { matchLabels: { app: 'gateway' } } })],
    ingress: 'allowed',
  },
  {
    title: 'allowed only from an ipBlock or on a named port: uncertain',
    policies: [
      policy('cidr', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
      policy('named', { podSelector: { matchLabels: { app: 'istiod' } }, ingress: [{ ports: [{ port: 'tls-xds' }] }] }),
    ],
    ingress: 'uncertain',
  },
  {
    title: 'egress default deny on ztunnel: its egress blocked, istiod ingress allowed',
    policies: [policy('egress-deny', { podSelector: {}, policyTypes: ['Egress'] })],
    ingress: 'allowed',
    egress: 'blocked',
  },
  {
    title: 'egress allowed to istiod on 15012: allowed both ways',
    policies: [
      policy('egress', { podSelector: { matchLabels: { app: 'ztunnel' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'istiod' } } }], ports: [{ port: 15012 }] }] }),
    ],
    ingress: 'allowed',
    egress: 'allowed',
  },
  {
    title: 'a policy of another namespace does not apply: allowed',
    policies: [policy('elsewhere', { podSelector: {} }, 'default')],
    ingress: 'allowed',
  },
];

describe('kube/network-policy: may ztunnel reach istiod on 15012', () => {
  for (const c of CASES) {
    it(c.title, () => {
      const v = connectionVerdict(c.policies, ztunnel, istiod, 15012);
      expect(v.ingress.result, 'ingress').to.equal(c.ingress);
      expect(v.egress.result, 'egress').to.equal(c.egress ?? 'allowed');
      if (c.names) expect(v.ingress.policies).to.deep.equal(c.names);
    });
  }

  it('reads policyTypes as Kubernetes defaults them: Ingress always, Egress when there are egress rules', () => {
    expect(policy('a', { podSelector: {} }).types).to.deep.equal(['Ingress']);
    expect(policy('b', { podSelector: {}, egress: [{}] }).types).to.deep.equal(['Ingress', 'Egress']);
    expect(policy('c', { podSelector: {}, policyTypes: ['Egress'] }).types).to.deep.equal(['Egress']);
  });
});
