import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import type { Sample } from '../../../src/model.js';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import { MAX_LINE_LENGTH, ParseError, SampleLimitError, keepAllSamples, parseExposition, parseExpositionText, selectSamples, type SampleFilter, type SampleLimits } from '../../../src/scrape/parser.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/scrape/${name}`, import.meta.url), 'utf8');

async function* chunksOf(buf: Buffer, ...cuts: number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...cuts, buf.length]) {
    yield buf.subarray(from, cut);
    from = cut;
  }
}

describe('scrape/parser', () => {
  describe('valid exposition text', () => {
    const cases: { name: string; body: string; samples: Sample[]; format: 'prometheus' | 'openmetrics' }[] = [
      {
        name: 'classic counter without _total (istiod, istio-cni)',
        body: '# HELP pilot_xds_pushes Pilot build and send errors.\n# TYPE pilot_xds_pushes counter\npilot_xds_pushes{type="wds"} 12\n',
        samples: [{ name: 'pilot_xds_pushes', labels: { type: 'wds' }, value: 12 }],
        format: 'prometheus',
      },
      {
        name: 'OpenMetrics counter: TYPE on the base name, UNIT, _total sample, # EOF (ztunnel)',
        body:
          '# HELP istio_xds_message_bytes Total number of bytes received (unstable)\n# TYPE istio_xds_message_bytes counter\n# UNIT istio_xds_message_bytes bytes\n' +
          'istio_xds_message_bytes_total{url="type.googleapis.com/istio.workload.Address"} 12345\n# EOF\n',
        samples: [{ name: 'istio_xds_message_bytes_total', labels: { url: 'type.googleapis.com/istio.workload.Address' }, value: 12345 }],
        format: 'openmetrics',
      },
      {
        name: 'label value escapes \\\\, \\" and \\n',
        body: 'm{a="back\\\\slash",b="say \\"hi\\"",c="two\\nlines"} 1\n',
        samples: [{ name: 'm', labels: { a: 'back\\slash', b: 'say "hi"', c: 'two\nlines' }, value: 1 }],
        format: 'prometheus',
      },
      {
        name: 'NaN, +Inf, -Inf and exponent values',
        body: 'a NaN\nb +Inf\nc -Inf\nd 1.5e3\ne -0.25\n',
        samples: [
          { name: 'a', labels: {}, value: NaN },
          { name: 'b', labels: {}, value: Infinity },
          { name: 'c', labels: {}, value: -Infinity },
          { name: 'd', labels: {}, value: 1500 },
          { name: 'e', labels: {}, value: -0.25 },
        ],
        format: 'prometheus',
      },
      {
        name: 'timestamps: integer milliseconds (text) and float seconds (OpenMetrics)',
        body: 'a{x="1"} 3 1700000000000\nb 4 1700000000.125\n',
        samples: [
          { name: 'a', labels: { x: '1' }, value: 3 },
          { name: 'b', labels: {}, value: 4 },
        ],
        format: 'prometheus',
      },
      {
        name: 'exemplars on buckets and counters, with and without timestamp',
        body:
          '# TYPE rpc histogram\nrpc_bucket{le="0.5"} 3 # {trace_id="abc123"} 0.42 1700000000.5\nrpc_bucket{le="+Inf"} 4 # {trace_id="def"} 9\n' +
          'rpc_sum 11.2\nrpc_count 4\n# TYPE reqs counter\nreqs_total 7 # {span_id="s1",trace_id="t1"} 1\nreqs_created 1700000000.0\n# EOF\n',
        samples: [
          { name: 'rpc_bucket', labels: { le: '0.5' }, value: 3 },
          { name: 'rpc_bucket', labels: { le: '+Inf' }, value: 4 },
          { name: 'rpc_sum', labels: {}, value: 11.2 },
          { name: 'rpc_count', labels: {}, value: 4 },
          { name: 'reqs_total', labels: {}, value: 7 },
          { name: 'reqs_created', labels: {}, value: 1700000000 },
        ],
        format: 'openmetrics',
      },
      {
        name: 'blank lines, CRLF line ends, other comments',
        body: '# a free comment\r\n\r\n# TYPE g gauge\r\ng{a="b"} 2\r\n\r\n   \r\n#another\r\ng{a="c"} 3\r\n',
        samples: [
          { name: 'g', labels: { a: 'b' }, value: 2 },
          { name: 'g', labels: { a: 'c' }, value: 3 },
        ],
        format: 'prometheus',
      },
      {
        name: 'classic whitespace: blanks around tokens, tabs, trailing comma, empty label set',
        body: 'a {x="1"}  5\nb{x="1",} 6\nc{} 7\nd\t8\ne{ x = "1" , y="2" }\t9\n',
        samples: [
          { name: 'a', labels: { x: '1' }, value: 5 },
          { name: 'b', labels: { x: '1' }, value: 6 },
          { name: 'c', labels: {}, value: 7 },
          { name: 'd', labels: {}, value: 8 },
          { name: 'e', labels: { x: '1', y: '2' }, value: 9 },
        ],
        format: 'prometheus',
      },
      {
        name: 'label values holding #, braces, commas and UTF-8',
        body: 'm{a="x # {y} 1",b="a,b}",c="héllo ✓ 日本"} 1\n',
        samples: [{ name: 'm', labels: { a: 'x # {y} 1', b: 'a,b}', c: 'héllo ✓ 日本' }, value: 1 }],
        format: 'prometheus',
      },
      {
        name: 'last line without a newline',
        body: 'a 1\nb 2',
        samples: [
          { name: 'a', labels: {}, value: 1 },
          { name: 'b', labels: {}, value: 2 },
        ],
        format: 'prometheus',
      },
      {
        name: 'OpenMetrics-only types mark the body as OpenMetrics',
        body: '# TYPE up_info info\nup_info{v="1"} 1\n# EOF',
        samples: [{ name: 'up_info', labels: { v: '1' }, value: 1 }],
        format: 'openmetrics',
      },
      {
        name: 'a label called __proto__ is an ordinary label',
        body: 'm{__proto__="x"} 1\n',
        samples: [{ name: 'm', labels: JSON.parse('{"__proto__":"x"}') as Record<string, string>, value: 1 }],
        format: 'prometheus',
      },
      { name: 'empty body', body: '', samples: [], format: 'prometheus' },
      { name: 'blank lines after # EOF are not content', body: 'a 1\n# EOF\n\n', samples: [{ name: 'a', labels: {}, value: 1 }], format: 'openmetrics' },
    ];

    for (const c of cases) {
      it(c.name, async () => {
        const fromText = parseExpositionText(c.body, keepAllSamples);
        expect(fromText.samples).to.deep.equal(c.samples);
        expect(fromText.format).to.equal(c.format);
        // The streaming path, fed byte by byte, must agree exactly.
        const buf = Buffer.from(c.body, 'utf8');
        const cuts = Array.from({ length: Math.max(0, buf.length - 1) }, (_, i) => i + 1);
        const fromStream = await parseExposition(chunksOf(buf, ...cuts), keepAllSamples);
        expect(fromStream).to.deep.equal(fromText);
      });
    }
  });

  describe('invalid exposition text throws ParseError with the line', () => {
    const cases: { name: string; body: string; line: number; reason: RegExp; filter?: SampleFilter }[] = [
      { name: 'content after # EOF', body: 'a 1\n# EOF\na 2\n', line: 3, reason: /after # EOF/ },
      { name: 'text on the # EOF line', body: 'a 1\n# EOF trailing\n', line: 2, reason: /after # EOF/ },
      { name: 'OpenMetrics body cut before # EOF', body: '# TYPE x counter\n# UNIT x bytes\nx_total 1\n', line: 3, reason: /without # EOF/ },
      { name: 'an HTML error page', body: '<html><body>502 Bad Gateway</body></html>\n', line: 1, reason: /metric name/ },
      { name: 'JSON', body: '{"status":"ok"}\n', line: 1, reason: /metric name/ },
      { name: 'words', body: 'a 1\nhello world\n', line: 2, reason: /invalid sample value "world"/ },
      { name: 'missing value', body: 'a{x="1"}\n', line: 1, reason: /missing sample value/ },
      { name: 'name only', body: 'a\n', line: 1, reason: /no value/ },
      { name: 'bad character in the name', body: 'a-b 1\n', line: 1, reason: /invalid character/ },
      { name: 'unterminated label value', body: 'a{x="1} 1\n', line: 1, reason: /unterminated/ },
      { name: 'missing comma between labels', body: 'a{x="1" y="2"} 1\n', line: 1, reason: /expected , or \}/ },
      { name: 'unquoted label value', body: 'a{x=1} 1\n', line: 1, reason: /expected "/ },
      { name: 'invalid escape', body: 'a{x="\\t"} 1\n', line: 1, reason: /invalid escape/ },
      { name: 'duplicate label', body: 'a{x="1",x="2"} 1\n', line: 1, reason: /duplicate label "x"/ },
      { name: 'invalid timestamp', body: 'a 1 soon\n', line: 1, reason: /invalid timestamp/ },
      { name: 'text after the timestamp', body: 'a 1 2 3\n', line: 1, reason: /after timestamp/ },
      { name: 'exemplar without labels', body: 'a_total 1 # trace 1\n# EOF\n', line: 1, reason: /exemplar/ },
      { name: 'unknown metric type', body: '# TYPE a thing\na 1\n', line: 1, reason: /unknown metric type "thing"/ },
      { name: '# TYPE without a name', body: '# TYPE\n', line: 1, reason: /without a metric name/ },
      { name: 'binary bytes', body: '\u0000\u0001\u00ff\u00fe garbage\n', line: 1, reason: /metric name/ },
      // Skipped families still need a valid name and value: garbage is never silently accepted.
      { name: 'garbage value in a skipped family', body: 'other{a="b"} xyz\nwanted 1\n', line: 1, reason: /invalid sample value/, filter: new Set(['wanted']) },
      { name: 'unterminated labels in a skipped family', body: 'other{a="b" 1\n', line: 1, reason: /unterminated label set/, filter: new Set(['wanted']) },
      { name: 'words in a skipped family', body: 'wanted 1\nhello world\n', line: 2, reason: /invalid sample value/, filter: new Set(['wanted']) },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        let caught: unknown;
        try {
          parseExpositionText(c.body, c.filter ?? keepAllSamples);
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(ParseError);
        const err = caught as ParseError;
        expect(err.line).to.equal(c.line);
        expect(err.reason).to.match(c.reason);
        expect(err.message).to.equal(`line ${c.line}: ${err.reason}`);
        // same verdict through the stream path
        let streamErr: unknown;
        await parseExposition(chunksOf(Buffer.from(c.body, 'utf8'), 1), c.filter ?? keepAllSamples).catch((e: unknown) => (streamErr = e));
        expect(streamErr).to.be.instanceOf(ParseError);
        expect((streamErr as ParseError).line).to.equal(c.line);
      });
    }
  });

  describe('component bodies and the kept families', () => {
    it('ztunnel: OpenMetrics body (as served even under text/plain) keeps build, xDS terminations and messages, and workload counts', () => {
      const out = parseExpositionText(fixture('ztunnel-1.28.openmetrics.txt'), keptSamplesOf('ztunnel'));
      expect(out.format).to.equal('openmetrics');
      expect(out.samples).to.deep.equal([
        { name: 'istio_build', labels: { component: 'ztunnel', tag: '1.28.0' }, value: 1 },
        { name: 'istio_xds_connection_terminations_total', labels: { reason: 'Reconnect' }, value: 3 },
        { name: 'istio_xds_connection_terminations_total', labels: { reason: 'ConnectionError' }, value: 12 },
        { name: 'istio_xds_message_total', labels: { url: 'type.googleapis.com/istio.workload.Address' }, value: 41 },
        { name: 'istio_xds_message_total', labels: { url: 'type.googleapis.com/istio.security.Authorization' }, value: 7 },
        { name: 'workload_manager_active_proxy_count', labels: {}, value: 5 },
        { name: 'workload_manager_pending_proxy_count', labels: {}, value: 1 },
      ]);
    });

    it("istiod: classic text keeps the CA's expiry, istio_build, pilot_info and pilot_xds, not pilot_xds_pushes", () => {
      const out = parseExpositionText(fixture('istiod-1.28.prometheus.txt'), keptSamplesOf('istiod'));
      expect(out.format).to.equal('prometheus');
      expect(out.samples).to.deep.equal([
        { name: 'citadel_server_cert_chain_expiry_timestamp', labels: {}, value: 1819785600 },
        { name: 'citadel_server_root_cert_expiry_timestamp', labels: {}, value: 2072451600 },
        { name: 'istio_build', labels: { component: 'pilot', tag: '1.28.0' }, value: 1 },
        { name: 'pilot_info', labels: { version: '1.28.0-4d9e6b3b5f6c6a1d2f0e2c1b9a8f7e6d5c4b3a21-Clean' }, value: 1 },
        { name: 'pilot_xds', labels: { version: '1.28.0' }, value: 3 },
        { name: 'pilot_xds', labels: { version: '1.27.3' }, value: 1 },
      ]);
    });

    it('istio-cni: keeps ztunnel_connected and istio_cni_install_ready', () => {
      const out = parseExpositionText(fixture('istio-cni-1.28.prometheus.txt'), keptSamplesOf('istio-cni'));
      expect(out.samples).to.deep.equal([
        { name: 'istio_cni_install_ready', labels: {}, value: 1 },
        { name: 'ztunnel_connected', labels: {}, value: 1 },
      ]);
    });

    it('a family name keeps all of a histogram: the _bucket, _sum and _count samples', () => {
      const out = parseExpositionText(fixture('ztunnel-1.28.openmetrics.txt'), new Set(['istio_dns_upstream_request_duration_seconds']));
      expect(out.samples.map((s) => s.name)).to.deep.equal([
        'istio_dns_upstream_request_duration_seconds_sum',
        'istio_dns_upstream_request_duration_seconds_count',
        ...Array(7).fill('istio_dns_upstream_request_duration_seconds_bucket'),
      ]);
      // client_rust's declaration order (0.005 before 0.001) is kept as served
      expect(out.samples.slice(2).map((s) => s.labels.le)).to.deep.equal(['0.005', '0.001', '0.01', '0.1', '1.0', '5.0', '+Inf']);
    });

    it('a predicate filter works like a set', () => {
      const out = parseExpositionText(fixture('ztunnel-1.28.openmetrics.txt'), (name) => name.startsWith('workload_manager_'));
      expect(out.samples.map((s) => `${s.name} ${s.value}`)).to.deep.equal([
        'workload_manager_active_proxy_count 5',
        'workload_manager_pending_proxy_count 1',
        'workload_manager_proxies_started_total 9',
        'workload_manager_proxies_stopped_total 4',
      ]);
    });
  });

  describe('streaming', () => {
    it('gives the same result wherever the body is split in two', async () => {
      const body = Buffer.from(fixture('ztunnel-1.28.openmetrics.txt'), 'utf8');
      const expected = parseExpositionText(body.toString('utf8'), keepAllSamples);
      for (let cut = 0; cut <= body.length; cut += 7) {
        const got = await parseExposition(chunksOf(body, cut), keepAllSamples);
        expect(got.samples, `cut at ${cut}`).to.deep.equal(expected.samples);
      }
    });

    it('decodes a multi-byte character split across chunks', async () => {
      const body = Buffer.from('m{a="✓日"} 1\n', 'utf8');
      const start = body.indexOf(0xe2); // first byte of ✓
      const out = await parseExposition(chunksOf(body, start + 1, start + 2, start + 4), keepAllSamples);
      expect(out.samples).to.deep.equal([{ name: 'm', labels: { a: '✓日' }, value: 1 }]);
    });

    it('accepts string chunks too', async () => {
      async function* strings(): AsyncGenerator<string> {
        yield 'a{x="';
        yield '1"} 2\nb 3';
      }
      const out = await parseExposition(strings(), keepAllSamples);
      expect(out.samples).to.deep.equal([
        { name: 'a', labels: { x: '1' }, value: 2 },
        { name: 'b', labels: {}, value: 3 },
      ]);
    });

    it('lets an error of the source through unchanged', async () => {
      const boom = new Error('connection reset');
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from('a 1\n');
        throw boom;
      }
      let caught: unknown;
      await parseExposition(failing(), keepAllSamples).catch((e: unknown) => (caught = e));
      expect(caught).to.equal(boom);
    });

    it('stops reading the source at the first invalid line', async () => {
      let pulled = 0;
      async function* endless(): AsyncGenerator<Buffer> {
        yield Buffer.from('garbage!\n');
        for (;;) {
          pulled++;
          yield Buffer.from('a 1\n');
        }
      }
      let caught: unknown;
      await parseExposition(endless(), keepAllSamples).catch((e: unknown) => (caught = e));
      expect(caught).to.be.instanceOf(ParseError);
      expect(pulled).to.equal(0);
    });
  });
});

describe('scrape/parser: bounded memory on hostile bodies', () => {
  it('refuses a line longer than MAX_LINE_LENGTH without holding the rest of the body', async () => {
    let sent = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      for (;;) {
        sent += chunk.length;
        yield chunk;
      }
    }
    const err = await parseExposition(endless(), keepAllSamples).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ParseError);
    expect((err as Error).message).to.match(/line longer than/);
    expect(sent).to.be.at.most(MAX_LINE_LENGTH + 64 * 1024);
  });

  it('keeps no part of the body alive through the samples it returns', async () => {
    // Strings cut from a larger one may share its memory (V8 sliced strings): a kept label value of
    // a few bytes would then hold the whole chunk it came from, for as long as the sample lives.
    const gc = exposeGc();
    const padding = `# ${'x'.repeat(512 * 1024)}\n`;
    const bodies = 64; // 64 x 1 MiB chunks (UTF-16)
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept: Sample[][] = [];
    for (let i = 0; i < bodies; i++) {
      const chunk = `${padding}workload_manager_active_proxy_count{node_name_label="node-${i}-abcdefghijklmnop"} ${i}\n${padding}`;
      kept.push((await parseExposition(once(chunk), keptSamplesOf('ztunnel'))).samples);
    }
    gc();
    const retainedMiB = (process.memoryUsage().heapUsed - before) / (1 << 20);
    expect(kept.flat()).to.have.length(bodies);
    expect(retainedMiB, `${retainedMiB.toFixed(1)} MiB retained by ${bodies} samples`).to.be.below(8);
  });
});

describe('scrape/parser: per-body limits on kept samples (Prometheus sample_limit, label_limit, label_*_length_limit)', () => {
  const limits: SampleLimits = { samples: 2, labels: 2, labelNameLength: 8, labelValueLength: 10 };
  const keep = new Set(['kept']);
  const limitOf = (body: string): string | undefined => {
    try {
      parseExpositionText(body, keep, limits);
      return undefined;
    } catch (err) {
      if (err instanceof SampleLimitError) return err.limit;
      throw err;
    }
  };

  it('accepts a body at every limit', () => {
    expect(limitOf('kept{a="0123456789",abcdefgh="x"} 1\nkept 2\nskipped{a="1",b="2",c="3"} 3\nskipped 4\n')).to.equal(undefined);
  });

  it('counts only kept samples against sample_limit, and stops at the first one over it', () => {
    expect(limitOf('kept 1\nkept 2\nkept 3\n')).to.equal('sample_limit');
    let pulled = 0;
    async function* endless(): AsyncGenerator<string> {
      for (;;) {
        pulled++;
        yield 'kept 1\n';
      }
    }
    return parseExposition(endless(), keep, limits).then(
      () => expect.fail('an endless body of kept samples must be refused'),
      (err: unknown) => {
        expect(err).to.be.instanceOf(SampleLimitError);
        expect(pulled).to.equal(3);
      },
    );
  });

  it('refuses a kept sample with too many labels, too long a label name or value (after unescaping)', () => {
    expect(limitOf('kept{a="1",b="2",c="3"} 1\n')).to.equal('label_limit');
    expect(limitOf('kept{abcdefghi="1"} 1\n')).to.equal('label_limit');
    expect(limitOf('kept{a="01234567890"} 1\n')).to.equal('label_limit');
    expect(limitOf('kept{a="0123456789\\\\"} 1\n')).to.equal('label_limit');
    expect(limitOf('kept{a="012345678\\\\"} 1\n')).to.equal(undefined);
  });
});

/** global.gc, made available at run time (mocha runs without --expose-gc). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function* once(chunk: string): AsyncGenerator<string> {
  yield chunk;
}

describe('scrape/parser: families kept as sums by a few labels', () => {
  const LABELS = (flags: string, src: string) =>
    `reporter="destination",source_workload="${src}",source_principal="spiffe://cluster.local/ns/demo/sa/${src}",destination_workload="httpbin",request_protocol="tcp",response_flags="${flags}",connection_security_policy="unknown"`;
  const body = [
    '# TYPE istio_tcp_connections_failed counter',
    ...Array.from({ length: 500 }, (_, k) => `istio_tcp_connections_failed_total{${LABELS(k % 2 ? 'DENY' : 'CONNECT', `client-${k}`)}} 2`),
    `istio_tcp_connections_failed_total{${LABELS('CONNECT', 'liar')}} NaN`,
    '# TYPE workload_manager_active_proxy_count gauge',
    'workload_manager_active_proxy_count 4',
    '# EOF',
  ].join('\n');
  const selection = { names: new Set(['workload_manager_active_proxy_count']), sumBy: new Map([['istio_tcp_connections_failed_total', ['response_flags']]]) };

  it('adds up the series by the kept labels only, and drops a value that cannot be a counter', () => {
    const out = parseExpositionText(body, selection);
    expect(out.samples).to.deep.equal([
      { name: 'istio_tcp_connections_failed_total', labels: { response_flags: 'CONNECT' }, value: 500 },
      { name: 'istio_tcp_connections_failed_total', labels: { response_flags: 'DENY' }, value: 500 },
      { name: 'workload_manager_active_proxy_count', labels: {}, value: 4 },
    ]);
  });

  it('counts the sums, not the series, against the sample and label limits', () => {
    const limits = { samples: 3, labels: 2, labelNameLength: 128, labelValueLength: 256 };
    expect(parseExpositionText(body, selection, limits).samples).to.have.length(3);
    expect(() => parseExpositionText(body, { names: new Set(['istio_tcp_connections_failed_total']), sumBy: new Map() }, limits)).to.throw(/label_limit|more than 2 labels/);
  });
});

describe('scrape/parser: samples parsed elsewhere (a node agent\'s local scrape) held to the same filter and limits', () => {
  const sample = (name: string, labels: Record<string, string> = {}): Sample => ({ name, labels, value: 1 });
  const limits: SampleLimits = { samples: 2, labels: 2, labelNameLength: 8, labelValueLength: 8 };

  it('keeps a sample by its name or its family\'s (a histogram\'s _bucket), nothing else', () => {
    const kept = selectSamples([sample('foo_bucket', { le: '1' }), sample('foo_sum'), sample('bar')], new Set(['foo']), { ...limits, samples: 10 });
    expect(kept.map((x) => x.name)).to.deep.equal(['foo_bucket', 'foo_sum']);
  });

  it('past a limit throws what the parser would: sample_limit, label_limit', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof SampleLimitError ? e.limit : 'other';
      }
      return 'none';
    };
    const keep = new Set(['a']);
    expect(err(() => selectSamples([sample('a'), sample('a'), sample('b'), sample('a')], keep, limits))).to.equal('sample_limit');
    expect(err(() => selectSamples([sample('b'), sample('b'), sample('b'), sample('a')], keep, limits)), 'skipped samples do not count').to.equal('none');
    expect(err(() => selectSamples([sample('a', { x: '1', y: '2', z: '3' })], keep, limits))).to.equal('label_limit');
    expect(err(() => selectSamples([sample('a', { longer_than_8: '1' })], keep, limits))).to.equal('label_limit');
    expect(err(() => selectSamples([sample('a', { x: 'longer than 8' })], keep, limits))).to.equal('label_limit');
  });
});
