// Configuration: one schema across flags, env and file; a bad value names its key in one line.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/cli-flags.js';
import { ConfigError } from '../../../src/config.js';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ambient-config-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ argv: [], env: {} });
    expect(c).to.include({ listenAddress: '0.0.0.0:9479', refreshInterval: 15_000, scrapeTimeout: 5_000, kube: true, istioNamespace: 'istio-system', logFormat: 'json' });
    expect(c.enrollment.exclude).to.include('kube-system');
  });

  it('takes flags over env over file', () => {
    const file = yamlFile('listenAddress: 127.0.0.1:1111\nrefreshInterval: 30s\nistioNamespace: from-file\nenrollment:\n  namespaces: [a]\n  selector: mesh=required\n');
    const c = loadConfig({
      argv: ['--config', file, '--listen-address', '127.0.0.1:3333'],
      env: { AMBIENT_LISTEN_ADDRESS: '127.0.0.1:2222', AMBIENT_REFRESH_INTERVAL: '20s' },
    });
    expect(c.listenAddress).to.equal('127.0.0.1:3333');
    expect(c.refreshInterval).to.equal(20_000);
    expect(c.istioNamespace).to.equal('from-file');
    expect(c.enrollment).to.deep.include({ namespaces: ['a'], selector: 'mesh=required' });
  });

  it('collects repeatable flags and comma-separated env lists', () => {
    const c = loadConfig({
      argv: ['--target', 'ztunnel:n1=http://127.0.0.1:15020/stats/prometheus', '--target', 'istiod:n1=http://127.0.0.1:15014/metrics', '--no-kube'],
      env: { AMBIENT_ENROLL_NAMESPACES: 'shop, payments' },
    });
    expect(c.targets).to.have.length(2);
    expect(c.kube).to.equal(false);
    expect(c.enrollment.namespaces).to.deep.equal(['shop', 'payments']);
  });

  it('reads durations and whole numbers in every accepted form', () => {
    const file = yamlFile('refreshInterval: 30\nscrapeTimeout: 1.5s\nscrapeConnectTimeout: 250ms\nscrapeConcurrency: 8\nscrapeMaxBytes: "2048"\n');
    const c = loadConfig({ argv: ['--config', file] });
    expect(c).to.include({ refreshInterval: 30_000, scrapeTimeout: 1_500, scrapeConnectTimeout: 250, scrapeConcurrency: 8, scrapeMaxBytes: 2048 });
    expect(loadConfig({ argv: ['--refresh-interval', '24h', '--scrape-timeout', '1h30m'] })).to.include({ refreshInterval: 86_400_000, scrapeTimeout: 5_400_000 });
  });

  it('has per-target sample and label limits, settable like every other setting', () => {
    expect(loadConfig({}).scrapeLimits).to.deep.equal({ samples: 200, labels: 16, labelNameLength: 128, labelValueLength: 256 });
    const c = loadConfig({
      argv: ['--scrape-sample-limit', '500', '--config', yamlFile('scrapeLabelLimit: 20\nscrapeLabelNameLengthLimit: 64\n')],
      env: { AMBIENT_SCRAPE_LABEL_VALUE_LENGTH_LIMIT: '1024' },
    });
    expect(c.scrapeLimits).to.deep.equal({ samples: 500, labels: 20, labelNameLength: 64, labelValueLength: 1024 });
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['a duration that is not one', () => loadConfig({ argv: ['--refresh-interval', 'soon'] }), /^config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\): "soon" is not a positive duration/],
    ['an unknown log format', () => loadConfig({ argv: ['--log-format', 'xml'] }), /^config: logFormat \(--log-format, AMBIENT_LOG_FORMAT\)/],
    ['a listen address without port', () => loadConfig({ env: { AMBIENT_LISTEN_ADDRESS: 'localhost' } }), /^config: listenAddress .*host:port/],
    ['a non-numeric concurrency', () => loadConfig({ argv: ['--scrape-concurrency', 'many'] }), /^config: scrapeConcurrency/],
    ['an unknown key in the file', () => loadConfig({ argv: ['--config', yamlFile('refreshIntervall: 5s\n')] }), /^config: unknown key refreshIntervall in /],
    ['an unknown nested key', () => loadConfig({ argv: ['--config', yamlFile('enrollment:\n  namespace: [a]\n')] }), /^config: enrollment: unknown key namespace/],
    ['a file that is not YAML', () => loadConfig({ argv: ['--config', yamlFile('a: [b\n')] }), /is not valid YAML/],
    ['a missing file', () => loadConfig({ argv: ['--config', '/nonexistent/ambient.yaml'] }), /^config: cannot read \/nonexistent\/ambient.yaml: ENOENT/],
    ['--no-kube without targets', () => loadConfig({ argv: ['--no-kube'] }), /^config: targets .*needs at least one static target/],
    ['a scrape timeout as long as the interval', () => loadConfig({ argv: ['--refresh-interval', '5s', '--scrape-timeout', '5s'] }), /^config: scrapeTimeout/],
    ['a bad boolean env', () => loadConfig({ env: { AMBIENT_KUBE: 'maybe' } }), /^config: kube \(--kube, AMBIENT_KUBE\): "maybe" must be true or false/],
    ['an invalid enrollment selector', () => loadConfig({ argv: ['--enroll-selector', 'team in (a,b'] }), /^config: enrollment.selector \(--enroll-selector, AMBIENT_ENROLL_SELECTOR\): invalid label selector/],
    ['a malformed static target', () => loadConfig({ argv: ['--no-kube', '--target', 'ztunnel=http://x'] }), /^config: targets \(--target, AMBIENT_TARGETS\): target "ztunnel=http:\/\/x"/],
    ['an unknown flag', () => loadConfig({ argv: ['--refresh'] }), /^config: unknown option '--refresh'/],
    // Durations past what a timer can hold (2^31-1 ms, about 24.8 days) would fire at once, in a loop.
    ['a refresh interval past the maximum', () => loadConfig({ argv: ['--refresh-interval', '10000h'] }), /^config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\): "10000h" is longer than 24h/],
    ['a scrape timeout past the maximum', () => loadConfig({ argv: ['--refresh-interval', '24h', '--scrape-timeout', '9000h'] }), /^config: scrapeTimeout \(--scrape-timeout, AMBIENT_SCRAPE_TIMEOUT\): "9000h" is longer than 24h/],
    ['a duration below a millisecond', () => loadConfig({ argv: ['--scrape-timeout', '0.5ms'] }), /^config: scrapeTimeout \(--scrape-timeout, AMBIENT_SCRAPE_TIMEOUT\): "0.5ms" is not a whole number of milliseconds/],
    ['a duration of zero', () => loadConfig({ argv: ['--scrape-connect-timeout', '0s'] }), /^config: scrapeConnectTimeout .*"0s" is not a positive duration/],
    ['a duration given as true in YAML', () => loadConfig({ argv: ['--config', yamlFile('refreshInterval: true\n')] }), /^config: refreshInterval \(--refresh-interval, AMBIENT_REFRESH_INTERVAL\)/],
    ['a hexadecimal number in YAML', () => loadConfig({ argv: ['--config', yamlFile('scrapeConcurrency: 0x10\n')] }), /^config: scrapeConcurrency \(--scrape-concurrency, AMBIENT_SCRAPE_CONCURRENCY\): "0x10" is not a whole number/],
    ['an exponent in YAML', () => loadConfig({ argv: ['--config', yamlFile('scrapeMaxBytes: 1e6\n')] }), /^config: scrapeMaxBytes .*"1e6" is not a whole number/],
    ['true for a number in YAML', () => loadConfig({ argv: ['--config', yamlFile('scrapeConcurrency: true\n')] }), /^config: scrapeConcurrency \(--scrape-concurrency, AMBIENT_SCRAPE_CONCURRENCY\): .*whole number/],
    ['a list for a number in YAML', () => loadConfig({ argv: ['--config', yamlFile('scrapeConcurrency: [7]\n')] }), /^config: scrapeConcurrency \(--scrape-concurrency, AMBIENT_SCRAPE_CONCURRENCY\): .*whole number/],
    ['a fraction for a number', () => loadConfig({ env: { AMBIENT_SCRAPE_CONCURRENCY: '7.5' } }), /^config: scrapeConcurrency .*"7.5" is not a whole number/],
    ['a connect timeout longer than the scrape timeout', () => loadConfig({ argv: ['--scrape-timeout', '2s', '--scrape-connect-timeout', '3s'] }), /^config: scrapeConnectTimeout \(--scrape-connect-timeout, AMBIENT_SCRAPE_CONNECT_TIMEOUT\): must not be longer than scrapeTimeout/],
    ['a listen port above 65535', () => loadConfig({ argv: ['--listen-address', '127.0.0.1:70000'] }), /^config: listenAddress \(--listen-address, AMBIENT_LISTEN_ADDRESS\): port 70000 is not between 0 and 65535/],
    ['a sample limit of 0', () => loadConfig({ argv: ['--scrape-sample-limit', '0'] }), /^config: scrapeSampleLimit \(--scrape-sample-limit, AMBIENT_SCRAPE_SAMPLE_LIMIT\)/],
  ];
  for (const [name, fn, pattern] of bad) {
    it(`rejects ${name} with one line naming the key`, () => {
      const msg = errorOf(fn);
      expect(msg).to.match(pattern);
      expect(msg).not.to.include('\n');
    });
  }
});
