// nodeMetricsPortsClosed: the node components' metrics ports refuse, their readiness and istiod serve.
import { expect } from 'chai';
import { startLab } from '../src/index.js';

describe('lab with the node metrics ports closed', () => {
  it("refuses ztunnel's :15020 and istio-cni's :15014 and :8000, serves ztunnel's :15021 and istiod", async () => {
    const lab = await startLab({ nodes: 2, syncIntervalMs: 0, nodeMetricsPortsClosed: true });
    try {
      const targets = lab.scrapeTargets();
      const host = (component: string) => new URL(targets.find((t) => t.component === component && (component === 'istiod' || t.node === 'lab-node-1'))!.url).hostname;
      expect(lab.portMode(host('ztunnel'), 15020)).to.equal('refuse');
      expect(lab.portMode(host('ztunnel'), 15021)).to.equal('serve');
      expect(lab.portMode(host('istio-cni'), 15014)).to.equal('refuse');
      expect(lab.portMode(host('istio-cni'), 8000)).to.equal('refuse');
      expect(lab.portMode(host('istiod'), 15014)).to.equal('serve');
      expect((await fetch(`http://${host('ztunnel')}:15021/healthz/ready`)).status).to.equal(200);
    } finally {
      await lab.close();
    }
  });
});
