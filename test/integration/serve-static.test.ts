// The exporter on static targets alone (--no-kube), against real local servers, some of them hostile:
// each bad target costs one scrape_up 0 and an error count, never the process or the other targets.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/cli-flags.js';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { Exposition, scrapeExposition } from '../support/exposition.js';
import { getText, startHttpServer, type LocalServer } from '../support/http.js';

const ZTUNNEL_BODY = `# HELP istio_build Istio component build info.
# TYPE istio_build gauge
istio_build{component="ztunnel",tag="1.28.1"} 1
# HELP istio_xds_connection_terminations The total number of completed connections to xds server (unstable).
# TYPE istio_xds_connection_terminations counter
istio_xds_connection_terminations_total{reason="ConnectionError"} 4
istio_xds_connection_terminations_total{reason="Reconnect"} 2
# HELP workload_manager_active_proxy_count The total number current workloads with active proxies.
# TYPE workload_manager_active_proxy_count gauge
workload_manager_active_proxy_count 6
# HELP workload_manager_pending_proxy_count The total number current workloads with pending proxies.
# TYPE workload_manager_pending_proxy_count gauge
workload_manager_pending_proxy_count 0
# EOF
`;

const CNI_BODY = `# HELP ztunnel_connected Whether ztunnel is connected
# TYPE ztunnel_connected gauge
ztunnel_connected 0
# HELP istio_cni_install_ready Whether the CNI plugin installation is ready or not
# TYPE istio_cni_install_ready gauge
istio_cni_install_ready 1
`;

describe('serve --no-kube against static targets, some hostile', function () {
  this.timeout(30_000);
  const servers: LocalServer[] = [];
  let exporter: Exporter;
  let metrics: Exposition;

  before(async () => {
    const good = await startHttpServer((_req, res) => {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8'); // ztunnel 1.25+: OpenMetrics body under text/plain
      res.end(ZTUNNEL_BODY);
    });
    const cni = await startHttpServer((_req, res) => res.end(CNI_BODY));
    const hang = await startHttpServer(() => undefined);
    const reset = await startHttpServer((req) => req.socket.destroy());
    const status500 = await startHttpServer((_req, res) => {
      res.statusCode = 500;
      res.end('internal error');
    });
    const garbage = await startHttpServer((_req, res) => res.end('<html>this is not an exposition</html>\n{{{'));
    const liar = await startHttpServer((_req, res) =>
      res.end(
        [
          '# TYPE istio_xds_connection_terminations counter',
          'istio_xds_connection_terminations_total{reason="ConnectionError"} +Inf',
          'istio_xds_connection_terminations_total{reason="Error"} -5',
          'istio_xds_connection_terminations_total{reason="made-up-1"} 1',
          'istio_xds_connection_terminations_total{reason="made-up-2"} 2',
          '# EOF',
          '',
        ].join('\n'),
      ),
    );
    const endless = await startHttpServer((_req, res) => {
      const chunk = `# HELP x x\n${'istio_tcp_connections_opened_total{reporter="source"} 1\n'.repeat(1000)}`;
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      pump();
    });
    servers.push(good, cni, hang, reset, status500, garbage, endless, liar);
    const t = (c: string, n: string, server: LocalServer) => ['--target', `${c}:${n}=${server.url('/stats/prometheus')}`];
    const config = loadConfig({
      argv: [
        '--no-kube',
        '--listen-address', '127.0.0.1:0',
        '--refresh-interval', '10s',
        '--scrape-timeout', '700ms',
        '--scrape-max-bytes', '1048576',
        ...t('ztunnel', 'good', good),
        ...t('istio-cni', 'good', cni),
        ...t('ztunnel', 'hang', hang),
        ...t('ztunnel', 'reset', reset),
        ...t('ztunnel', 'status500', status500),
        ...t('ztunnel', 'garbage', garbage),
        ...t('ztunnel', 'endless', endless),
        ...t('ztunnel', 'liar', liar),
      ],
    });
    exporter = await startServe(config);
    await exporter.ready();
    metrics = await scrapeExposition(`${exporter.url}/metrics`);
  });

  after(async () => {
    await exporter?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  const up = (node: string, component = 'ztunnel') => metrics.value('ambient_exporter_scrape_up', { component, node });
  const errors = (reason: string) => metrics.value('ambient_exporter_scrape_errors_total', { component: 'ztunnel', reason });

  it('scrapes the good targets and derives from them', () => {
    expect(up('good')).to.equal(1);
    expect(up('good', 'istio-cni')).to.equal(1);
    expect(metrics.value('ambient_ztunnel_xds_connection_terminations_total', { node: 'good', reason: 'ConnectionError' })).to.equal(4);
    expect(metrics.value('ambient_ztunnel_workloads', { node: 'good', state: 'active' })).to.equal(6);
    expect(metrics.value('ambient_cni_ztunnel_connected', { node: 'good' })).to.equal(0);
    expect(metrics.rootCauses()).to.include('good cni_pod_creation_blocked ztunnel_not_connected');
  });

  it('marks each hostile target down with its reason', () => {
    for (const n of ['hang', 'reset', 'status500', 'garbage', 'endless']) expect(up(n), n).to.equal(0);
    expect(errors('timeout')).to.equal(1);
    expect(errors('connect')).to.equal(1);
    expect(errors('http_status')).to.equal(1);
    expect(errors('parse')).to.equal(1);
    expect(errors('too_large')).to.equal(1);
  });

  it('keeps impossible counter values and unknown label values out of its output', () => {
    expect(up('liar')).to.equal(1);
    expect(metrics.lines('ambient_ztunnel_xds_connection_terminations_total', { node: 'liar' })).to.deep.equal(['ambient_ztunnel_xds_connection_terminations_total{node="liar",reason="other"} 3']);
  });

  it('keeps serving health and the human page', async () => {
    expect((await getText(`${exporter.url}/healthz`)).status).to.equal(200);
    expect((await getText(`${exporter.url}/readyz`)).status).to.equal(200);
    const page = (await getText(`${exporter.url}/`)).body;
    // the verdict first, and never green on static targets alone (the checks that need the API are not made)
    expect(page).to.match(/<h1 id="verdict">/);
    expect(page).not.to.match(/Healthy<\/h1>/);
    // each hostile target is named, with the reason and the runbook of the alert that covers it
    for (const [node, reason] of [['hang', 'timeout'], ['status500', 'http_status'], ['garbage', 'parse'], ['endless', 'too_large']]) {
      expect(page, node).to.match(new RegExp(`Istio components scraped · node ${node}</h3><dl><dt>Evidence</dt><dd>ztunnel [^<]+: ${reason}</dd>`));
    }
    expect(page).to.contain('<a href="runbooks/AmbientExporterTargetDown">AmbientExporterTargetDown</a>');
  });

  it('serves OpenMetrics when asked', async () => {
    const om = await getText(`${exporter.url}/metrics`, { Accept: 'application/openmetrics-text; version=1.0.0' });
    expect(om.type).to.match(/^application\/openmetrics-text/);
    expect(om.body.trimEnd().endsWith('# EOF')).to.equal(true);
  });

  it('passes promtool check metrics with no warnings, also after an OpenMetrics scrape', async () => {
    await getText(`${exporter.url}/metrics`, { Accept: 'application/openmetrics-text; version=1.0.0' });
    const after = (await getText(`${exporter.url}/metrics`)).body;
    expect(Exposition.parse(after).value('ambient_exporter_scrape_errors_total', { component: 'ztunnel', reason: 'timeout' })).to.equal(1);
    expect(after).to.include('# TYPE ambient_ztunnel_xds_connection_terminations_total counter');
    const dir = mkdtempSync(join(tmpdir(), 'ambient-lint-'));
    writeFileSync(join(dir, 'metrics.txt'), after);
    const run = promisify(execFile);
    const { stdout, stderr } = await run('sh', ['-c', `promtool check metrics < ${join(dir, 'metrics.txt')}`]).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${stdout}${stderr}`.trim()).to.equal('');
  });
});
