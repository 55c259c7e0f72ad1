// What the exporter reports before ztunnel's link to istiod breaks: istiod's CA certificate expiry,
// the data plane's version skew against the istiod serving it (as Istio supports it: the data plane
// at istiod's minor version or one behind), ztunnel's failed connections and istio-cni's refused
// plugin requests. Each as a module signal (what `diagnose` and the status page read) and as a row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { deriveCni } from '../../../src/issues/cni-pod-creation-blocked/detect.js';
import { FAMILIES as CNI_FAMILIES } from '../../../src/issues/cni-pod-creation-blocked/families.js';
import { minorVersion, minorsBehind, skewSupported } from '../../../src/issues/istio-version.js';
import { deriveZtunnelIstiod } from '../../../src/issues/ztunnel-istiod-connectivity/detect.js';
import { FAMILIES as ZTUNNEL_ISTIOD_FAMILIES } from '../../../src/issues/ztunnel-istiod-connectivity/families.js';
import type { SignalInput } from '../../../src/issues/types.js';
import type { ScrapeResult } from '../../../src/model.js';
import { keptSamplesOf } from '../../../src/issues/registry.js';
import { parseExposition } from '../../../src/scrape/parser.js';
import { failedScrape, pod, s, scrape, target, withHealthy } from '../../support/builders.js';
import { ROOT } from '../../support/rule-files.js';

const NO_HISTORY = { previous: undefined, earlierNodeFindings: [] };
const derive = (edit: (i: SignalInput) => void) => deriveZtunnelIstiod(withHealthy(edit), NO_HISTORY);

function rowsOf<S>(families: readonly { name: string; rows(s: S): Iterable<{ labels: Record<string, string>; value: number }> }[], name: string, signals: S) {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no family ${name}`);
  return [...f.rows(signals)];
}

/** The healthy input's scrape of `component` on `node`, with `samples` added. */
function withSamples(i: SignalInput, component: ScrapeResult['target']['component'], n: string, samples: ScrapeResult['samples']): void {
  const k = i.scrapes.findIndex((x) => x.target.component === component && x.target.node === n);
  i.scrapes[k] = { ...i.scrapes[k]!, samples: [...i.scrapes[k]!.samples, ...samples] };
}

describe('issues: Istio versions', () => {
  it('reads major.minor from build tags, pilot_info versions and image tags', () => {
    expect(minorVersion('1.28.2')).to.deep.equal({ major: 1, minor: 28 });
    expect(minorVersion('1.28.2-distroless')).to.deep.equal({ major: 1, minor: 28 });
    expect(minorVersion('1.29-alpha.0123abcd')).to.deep.equal({ major: 1, minor: 29 });
    expect(minorVersion('1.28.0-4d9e6b3b5f6c6a1d2f0e2c1b9a8f7e6d5c4b3a21-Clean')).to.deep.equal({ major: 1, minor: 28 });
    expect(minorVersion('latest')).to.equal(undefined);
    expect(minorVersion('1.28rc1')).to.equal(undefined);
  });

  it('supports a data plane at istiod\'s minor version or one behind, nothing else', () => {
    const v = (x: string) => minorVersion(x)!;
    expect(minorsBehind(v('1.27.4'), v('1.28.1'))).to.equal(1);
    expect(minorsBehind(v('1.29.0'), v('1.28.1'))).to.equal(-1);
    expect(minorsBehind(v('1.30.0'), v('2.0.0'))).to.equal(970);
    expect([-1, 0, 1, 2].map(skewSupported)).to.deep.equal([false, true, true, false]);
  });
});

describe("issues: istiod's CA certificates", () => {
  it('reports the root and the chain expiry of each istiod pod', () => {
    const out = derive((i) => withSamples(i, 'istiod', 'node-a', [s('citadel_server_root_cert_expiry_timestamp', 2072451600), s('citadel_server_cert_chain_expiry_timestamp', 1819785600)]));
    expect(out.caCertificates).to.deep.equal([
      { pod: 'istiod-1', certificate: 'root_cert', expiresAtSeconds: 2072451600 },
      { pod: 'istiod-1', certificate: 'cert_chain', expiresAtSeconds: 1819785600 },
    ]);
    expect(rowsOf(ZTUNNEL_ISTIOD_FAMILIES, 'ambient_istiod_cert_expiry_timestamp_seconds', out)).to.deep.equal([
      { labels: { pod: 'istiod-1', certificate: 'root_cert' }, value: 2072451600 },
      { labels: { pod: 'istiod-1', certificate: 'cert_chain' }, value: 1819785600 },
    ]);
  });

  it('reports nothing when istiod serves no expiry (no CA of its own), or a value that is no time', () => {
    const out = derive((i) => withSamples(i, 'istiod', 'node-a', [s('citadel_server_root_cert_expiry_timestamp', -1)]));
    expect(out.caCertificates).to.deep.equal([]);
    const healthy = derive(() => undefined);
    expect(healthy.caCertificates).to.deep.equal([]);
    const nan = derive((i) => withSamples(i, 'istiod', 'node-a', [s('citadel_server_root_cert_expiry_timestamp', NaN), s('citadel_server_cert_chain_expiry_timestamp', 0)]));
    expect(nan.caCertificates).to.deep.equal([]);
  });

  it('keeps the earliest of a series given twice (a target cannot hide an expiry)', () => {
    const out = derive((i) => withSamples(i, 'istiod', 'node-a', [s('citadel_server_root_cert_expiry_timestamp', 2e9), s('citadel_server_root_cert_expiry_timestamp', 1.9e9)]));
    expect(out.caCertificates).to.deep.equal([{ pod: 'istiod-1', certificate: 'root_cert', expiresAtSeconds: 1.9e9 }]);
  });
});

describe('issues: data plane version skew', () => {
  it('healthy: every ztunnel (istio_build) and istio-cni (image tag) at istiod\'s minor version', () => {
    const out = derive(() => undefined);
    expect(out.versionSkew).to.have.length(6);
    expect(out.versionSkew.every((r) => r.minorsBehind === 0 && r.supported && r.istiodVersion === '1.28.1')).to.equal(true);
    expect(out.versionSkew.filter((r) => r.component === 'istio-cni').map((r) => r.version)).to.deep.equal(['1.28.1-distroless', '1.28.1-distroless', '1.28.1-distroless']);
    expect(rowsOf(ZTUNNEL_ISTIOD_FAMILIES, 'ambient_data_plane_version_skew', out)[0]).to.deep.equal({
      labels: { component: 'ztunnel', node: 'node-a', pod: 'ztunnel-node-a', version: '1.28.1', istiod_version: '1.28.1' },
      value: 0,
    });
  });

  it('a ztunnel two minor versions behind, and an istio-cni upgraded before istiod, are unsupported', () => {
    const out = derive((i) => {
      i.scrapes[1] = scrape(target('ztunnel', 'node-b'), [s('istio_build', 1, { component: 'ztunnel', tag: '1.26.3' })]);
      i.state.cniPods[2]!.istioImageTag = '1.29.0';
    });
    const bad = out.versionSkew.filter((r) => !r.supported).map((r) => [r.component, r.node, r.version, r.minorsBehind]);
    expect(bad).to.deep.equal([
      ['ztunnel', 'node-b', '1.26.3', 2],
      ['istio-cni', 'node-c', '1.29.0', -1],
    ]);
  });

  it('compares against the istiod pods behind the Service the ztunnels dial, not another revision', () => {
    const out = derive((i) => {
      i.state.istiodXds = { service: 'istiod-1-27', port: 15012, source: 'ztunnel' };
      i.state.istiodPods.push(pod({ name: 'istiod-1-27-abc', namespace: 'istio-system', node: 'node-b', labels: { app: 'istiod' }, istioImageTag: '1.27.2' }));
      i.state.istiodEndpoints = [{ ip: '10.0.0.9', ready: true, node: 'node-b', pod: 'istiod-1-27-abc', ports: { 'https-dns': 15012 } }];
    });
    expect([...new Set(out.versionSkew.map((r) => r.istiodVersion))]).to.deep.equal(['1.27.2']);
    expect(out.versionSkew.every((r) => r.minorsBehind === -1 && !r.supported)).to.equal(true);
  });

  it('while istiod rolls, each data-plane pod is compared with both versions', () => {
    const out = derive((i) => {
      i.state.istiodPods.push(pod({ name: 'istiod-2', namespace: 'istio-system', node: 'node-b', labels: { app: 'istiod' }, istioImageTag: '1.29.0' }));
      i.state.istiodEndpoints.push({ ip: '10.0.0.6', ready: true, node: 'node-b', pod: 'istiod-2', ports: { 'https-dns': 15012 } });
    });
    const nodeA = out.versionSkew.filter((r) => r.pod === 'ztunnel-node-a').map((r) => [r.istiodVersion, r.minorsBehind]);
    expect(nodeA).to.deep.equal([
      ['1.28.1', 0],
      ['1.29.0', 1],
    ]);
  });

  it('falls back to image tags when istiod or a ztunnel cannot be scraped, and skips versions that name no minor', () => {
    const out = derive((i) => {
      i.scrapes = i.scrapes.map((x) => (x.target.component === 'istiod' || x.target.node === 'node-a' ? failedScrape(x.target, 'timeout', false) : x));
      i.state.istiodPods[0]!.istioImageTag = '1.29.1-distroless';
      i.state.ztunnelPods[0]!.istioImageTag = '1.28.3';
      delete i.state.cniPods[1]!.istioImageTag; // pinned by digest
      i.state.cniPods[2]!.istioImageTag = 'latest';
    });
    expect(out.versionSkew.map((r) => `${r.component} ${r.node} ${r.version} ${r.minorsBehind}`)).to.deep.equal([
      'ztunnel node-a 1.28.3 1',
      'ztunnel node-b 1.28.1 1',
      'ztunnel node-c 1.28.1 1',
      'istio-cni node-a 1.28.1-distroless 1',
    ]);
  });

  it('says nothing without a known istiod version', () => {
    const out = derive((i) => {
      i.scrapes = i.scrapes.filter((x) => x.target.component !== 'istiod');
      delete i.state.istiodPods[0]!.istioImageTag;
    });
    expect(out.versionSkew).to.deep.equal([]);
  });
});

describe("issues: ztunnel's failed connections and istio-cni's plugin requests", () => {
  it('sums ztunnel 1.29+ failed connections per node and response flag, unknown flags as other, bad values dropped', () => {
    const traffic = (flags: string, v: number) => s('istio_tcp_connections_failed_total', v, { reporter: 'source', source_workload: 'sleep', response_flags: flags });
    const out = derive((i) =>
      withSamples(i, 'ztunnel', 'node-b', [traffic('CONNECT', 3), traffic('CONNECT', 2), traffic('TLS_FAILURE', 1), traffic('MADE_UP', 4), traffic('DENY', -5), traffic('DENY', Infinity)]),
    );
    expect(out.connectionsFailed).to.deep.equal([
      { node: 'node-b', responseFlags: 'CONNECT', value: 5 },
      { node: 'node-b', responseFlags: 'TLS_FAILURE', value: 1 },
      { node: 'node-b', responseFlags: 'other', value: 4 },
    ]);
    expect(rowsOf(ZTUNNEL_ISTIOD_FAMILIES, 'ambient_ztunnel_connections_failed_total', out)[0]).to.deep.equal({ labels: { node: 'node-b', response_flags: 'CONNECT' }, value: 5 });
    expect(derive(() => undefined).connectionsFailed, 'ztunnel before 1.29 or without failures').to.deep.equal([]);
  });

  it('sums istio-cni 1.31 plugin requests per node and response code, and reads its version from the image', () => {
    const out = deriveCni(
      withHealthy((i) =>
        withSamples(i, 'istio-cni', 'node-c', [
          s('istio_cni_plugin_requests_total', 40, { response_code: '200' }),
          s('istio_cni_plugin_requests_total', 6, { response_code: '500' }),
          s('istio_cni_plugin_requests_total', 1, { response_code: '418' }),
        ]),
      ),
    );
    expect(out.pluginRequests).to.deep.equal([
      { node: 'node-c', responseCode: '200', value: 40 },
      { node: 'node-c', responseCode: '500', value: 6 },
      { node: 'node-c', responseCode: 'other', value: 1 },
    ]);
    expect(rowsOf(CNI_FAMILIES, 'ambient_cni_plugin_requests_total', out)[1]).to.deep.equal({ labels: { node: 'node-c', response_code: '500' }, value: 6 });
    expect(out.cniInfo[0]).to.deep.equal({ node: 'node-a', pod: 'istio-cni-node-node-a', version: '1.28.1-distroless' });
    expect(rowsOf(CNI_FAMILIES, 'ambient_cni_info', out)).to.have.length(3);
  });
});

describe('issues: the newer signals from bodies written from upstream (never the lab)', () => {
  async function* chunks(text: string): AsyncGenerator<Buffer> {
    yield Buffer.from(text);
  }
  const samplesOf = async (component: ScrapeResult['target']['component'], file: string) =>
    (await parseExposition(chunks(readFileSync(join(ROOT, 'test/fixtures', file), 'utf8')), keptSamplesOf(component))).samples;

  it("ztunnel 1.30's failed connections, istiod's CA expiry and istio-cni 1.31's plugin requests", async () => {
    const ztunnel = await samplesOf('ztunnel', 'versions/1.30/ztunnel-healthy.txt');
    const istiod = await samplesOf('istiod', 'scrape/istiod-1.28.prometheus.txt');
    const cni = await samplesOf('istio-cni', 'scrape/istio-cni-1.31.prometheus.txt');
    const input = withHealthy((i) => {
      i.scrapes = i.scrapes.map((x) => {
        if (x.target.component === 'ztunnel' && x.target.node === 'node-a') return scrape(x.target, ztunnel);
        if (x.target.component === 'istiod') return scrape(x.target, istiod);
        if (x.target.component === 'istio-cni' && x.target.node === 'node-a') return scrape(x.target, cni);
        return x;
      });
    });
    const out = deriveZtunnelIstiod(input, NO_HISTORY);
    expect(out.connectionsFailed).to.deep.equal([{ node: 'node-a', responseFlags: 'CONNECT', value: 3 }]);
    expect(out.caCertificates.map((c) => c.certificate)).to.deep.equal(['root_cert', 'cert_chain']);
    expect(deriveCni(input).pluginRequests).to.deep.equal([
      { node: 'node-a', responseCode: '200', value: 23 },
      { node: 'node-a', responseCode: '500', value: 2 },
    ]);
  });
});
