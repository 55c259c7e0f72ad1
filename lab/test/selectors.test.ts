import { expect } from 'chai';
import { matchesLabelSelector, parseFieldSelector, parseLabelSelector, SelectorError, matchesFieldSelector } from '../src/kube-api/selectors.js';
import { API_RESOURCES } from '../src/kube-api/resources.js';
import type { KubeObject } from '../src/kube-api/types.js';

const labels = { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', tier: 'node' };
const match = (sel: string) => matchesLabelSelector(labels, parseLabelSelector(sel));

describe('lab label selectors', () => {
  it('supports equality, inequality, sets and existence', () => {
    expect(match('app=ztunnel')).to.equal(true);
    expect(match('app==ztunnel,tier=node')).to.equal(true);
    expect(match('app!=istiod')).to.equal(true);
    expect(match('app!=ztunnel')).to.equal(false);
    expect(match('app in (istiod, ztunnel)')).to.equal(true);
    expect(match('app notin (ztunnel)')).to.equal(false);
    expect(match('app.kubernetes.io/name')).to.equal(true);
    expect(match('!k8s-app')).to.equal(true);
    expect(match('!app')).to.equal(false);
    expect(match('')).to.equal(true);
  });

  it('treats a missing key as not equal and not in a notin set', () => {
    expect(match('missing!=x')).to.equal(true);
    expect(match('missing notin (x)')).to.equal(true);
    expect(match('missing=x')).to.equal(false);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('app in ztunnel')).to.throw(SelectorError);
    expect(() => parseLabelSelector('=x')).to.throw(SelectorError);
  });
});

describe('lab field selectors', () => {
  const events = API_RESOURCES.find((r) => r.plural === 'events')!;
  const pods = API_RESOURCES.find((r) => r.plural === 'pods')!;
  const ev = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e', namespace: 'shop', uid: 'u', creationTimestamp: '' },
    involvedObject: { kind: 'Pod', name: 'cart-1', namespace: 'shop' },
    reason: 'FailedCreatePodSandBox',
    type: 'Warning',
  } as KubeObject;

  it('matches the fields the API server knows for the resource', () => {
    const fields = Object.keys(events.fields);
    expect(matchesFieldSelector(ev, parseFieldSelector('reason=FailedCreatePodSandBox', fields), events.fields)).to.equal(true);
    expect(matchesFieldSelector(ev, parseFieldSelector('involvedObject.kind=Pod,involvedObject.name!=other', fields), events.fields)).to.equal(true);
    expect(matchesFieldSelector(ev, parseFieldSelector('type=Normal', fields), events.fields)).to.equal(false);
  });

  it('rejects fields the resource does not support, as the API server does', () => {
    expect(() => parseFieldSelector('spec.nodeName=x', Object.keys(events.fields))).to.throw(SelectorError, 'field label not supported: spec.nodeName');
    expect(parseFieldSelector('spec.nodeName=lab-node-1', Object.keys(pods.fields))).to.deep.equal([
      { field: 'spec.nodeName', op: '=', value: 'lab-node-1' },
    ]);
  });

  it('reads spec.hostNetwork as false when unset', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', creationTimestamp: '' }, spec: {} } as KubeObject;
    expect(matchesFieldSelector(pod, parseFieldSelector('spec.hostNetwork=false', Object.keys(pods.fields)), pods.fields)).to.equal(true);
  });
});
