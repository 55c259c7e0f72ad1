import { expect } from 'chai';
import { KEPT_SAMPLES, keptSamples } from '../../../src/scrape/families.js';

describe('scrape/families', () => {
  it('keeps exactly the samples the exporter reads, under their exposed names', () => {
    expect([...KEPT_SAMPLES.ztunnel].sort()).to.deep.equal([
      'istio_build',
      'istio_xds_connection_terminations_total', // OpenMetrics: _total on the sample
      'istio_xds_message_total',
      'workload_manager_active_proxy_count',
      'workload_manager_pending_proxy_count',
    ]);
    expect([...KEPT_SAMPLES.istiod].sort()).to.deep.equal(['istio_build', 'pilot_info', 'pilot_xds']);
    expect([...KEPT_SAMPLES['istio-cni']].sort()).to.deep.equal(['istio_build', 'istio_cni_install_ready', 'ztunnel_connected']);
    expect(keptSamples('istiod')).to.equal(KEPT_SAMPLES.istiod);
  });
});
