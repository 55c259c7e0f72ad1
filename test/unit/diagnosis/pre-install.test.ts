// diagnose --pre-install before Istio is there: no ztunnel or istiod pod to tell whether a node's pods
// answer, so a few running pods of each node are dialled; a refusal is an answer, a dropped SYN is not.
import { expect } from 'chai';
import { BlackholePool } from 'ambient-lab';
import { podNetworkReachability } from '../../../src/diagnosis/pre-install.js';
import { deriveSignals } from '../../../src/issues/derive.js';
import { closedPort } from '../../support/net.js';
import { healthyInput, node, pod } from '../../support/builders.js';

describe('diagnosis: pre-install pod-network reachability', () => {
  it('dials the pods of nodes without other evidence: refused answers, blackholed does not, no pod is unknown', async () => {
    const port = await closedPort();
    const holes = new BlackholePool();
    await holes.set([{ host: '127.0.0.3', port }]);
    try {
      const input = healthyInput({ scrapes: [], probes: { istiodDials: [], ztunnelReadiness: [], api: { ready: true, durationSeconds: 0 } } });
      input.state.nodes = [node('a'), node('b'), node('c'), node('d', { ready: false })];
      const round = { stateKnown: true, stateAgeSeconds: 0, state: input.state, scrapes: [], probes: input.probes, signals: deriveSignals(input), durationSeconds: 0, finishedAtMs: 0 };
      const pods = [
        pod({ name: 'coredns-a', namespace: 'kube-system', node: 'a', ip: '127.0.0.2' }),
        pod({ name: 'web-b', node: 'b', ip: '127.0.0.3' }),
        pod({ name: 'flannel-c', node: 'c', ip: '127.0.0.4', hostNetwork: true }),
        pod({ name: 'pending-c', node: 'c', ip: '', phase: 'Pending' }),
      ];
      const result = await podNetworkReachability(round, pods, 300, port);
      expect(result).to.deep.equal([
        { node: 'a', reachable: true, tried: ['kube-system/coredns-a 127.0.0.2'] },
        { node: 'b', reachable: false, tried: ['default/web-b 127.0.0.3'] },
        { node: 'c', reachable: undefined, tried: [] },
      ]);
    } finally {
      await holes.close();
    }
  });
});
