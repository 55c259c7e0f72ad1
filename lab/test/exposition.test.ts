import { expect } from 'chai';
import { goFloat, OpenMetricsWriter, PrometheusTextWriter, rustFloat } from '../src/components/exposition.js';
import { ztunnelContentType } from '../src/components/ztunnel.js';

describe('lab exposition writers', () => {
  it('formats floats like Go strconv g/-1 and Rust dtoa', () => {
    expect(goFloat(1048576)).to.equal('1.048576e+06');
    expect(goFloat(123456)).to.equal('123456');
    expect(goFloat(0.01)).to.equal('0.01');
    expect(goFloat(0.00001)).to.equal('1e-05');
    expect(goFloat(30)).to.equal('30');
    expect(rustFloat(1)).to.equal('1.0');
    expect(rustFloat(0.005)).to.equal('0.005');
  });

  it('writes OpenMetrics as prometheus_client does: HELP with a period, _total samples, UNIT, EOF', () => {
    const text = new OpenMetricsWriter()
      .family('istio_xds_message_bytes', 'counter', 'Total number of bytes received (unstable)', 'bytes')
      .counter('istio_xds_message_bytes', [['url', 'u']], 12)
      .text();
    expect(text).to.equal(
      '# HELP istio_xds_message_bytes Total number of bytes received (unstable).\n' +
        '# TYPE istio_xds_message_bytes counter\n' +
        '# UNIT istio_xds_message_bytes bytes\n' +
        'istio_xds_message_bytes_total{url="u"} 12\n' +
        '# EOF\n',
    );
  });

  it('leaves out families with no sample when asked, as prometheus-client 0.24.1+ does', () => {
    const write = (omit: boolean) =>
      new OpenMetricsWriter(omit)
        .family('empty', 'counter', 'nothing yet')
        .family('full', 'gauge', 'one')
        .gauge('full', [], 1)
        .family('empty_too', 'counter', 'nothing')
        .text();
    expect(write(true)).to.equal('# HELP full one.\n# TYPE full gauge\nfull 1\n# EOF\n');
    expect(write(false)).to.equal(
      '# HELP empty nothing yet.\n# TYPE empty counter\n# HELP full one.\n# TYPE full gauge\nfull 1\n# HELP empty_too nothing.\n# TYPE empty_too counter\n# EOF\n',
    );
  });

  it('keeps the declared (unsorted) bucket order with le first, after _sum and _count', () => {
    const text = new OpenMetricsWriter()
      .histogram('h_seconds', [['q', 'a']], 0.5, [
        [0.005, 3],
        [0.001, 0],
        [0.01, 1],
        [Number.POSITIVE_INFINITY, 0],
      ])
      .text();
    expect(text.split('\n').slice(0, 6)).to.deep.equal([
      'h_seconds_sum{q="a"} 0.5',
      'h_seconds_count{q="a"} 4',
      'h_seconds_bucket{le="0.005",q="a"} 3',
      'h_seconds_bucket{le="0.001",q="a"} 3',
      'h_seconds_bucket{le="0.01",q="a"} 4',
      'h_seconds_bucket{le="+Inf",q="a"} 4',
    ]);
  });

  it('writes Go text with sorted labels and le last', () => {
    const text = new PrometheusTextWriter()
      .family('pilot_xds_push_time', 'histogram', 'x')
      .histogram('pilot_xds_push_time', [['type', 'wds']], [[0.01, 2], [0.1, 3]], 0.02, 3)
      .text();
    expect(text).to.contain('pilot_xds_push_time_bucket{type="wds",le="0.01"} 2\n');
    expect(text).to.contain('pilot_xds_push_time_bucket{type="wds",le="+Inf"} 3\n');
    expect(text).to.contain('pilot_xds_push_time_count{type="wds"} 3\n');
  });

  it("answers ztunnel's content type by the first token of Accept only", () => {
    expect(ztunnelContentType('application/openmetrics-text;version=1.0.0,text/plain;q=0.5')).to.equal(
      'application/openmetrics-text;charset=utf-8;version=1.0.0',
    );
    expect(ztunnelContentType('text/plain;version=0.0.4')).to.equal('text/plain; charset=utf-8');
    expect(ztunnelContentType(undefined)).to.equal('text/plain; charset=utf-8');
  });
});
