// honor_labels as shipped, checked by a real Prometheus scrape: the exporter's series keep their own
// node, pod and namespace labels and gain none of the exporter pod's. A stand-in exporter serves one
// series with each kind of label and one with none; Prometheus scrapes it through the plain scrape
// config's job and through the operator's job for the ServiceMonitor, each fed the targets Kubernetes
// discovery would give (file_sd). A third job, the ServiceMonitor without its relabelings, shows the
// leak the relabeling prevents, so the check can fail.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { EXPORTER_POD } from './fixture-pods.js';
import { exporterService, serviceMonitorJob } from './operator-jobs.js';
import { findObject, MANIFESTS, render } from '../../support/manifests/paths.js';
import { endpointTargets, podTargets, withFileSd, type ScrapeJob } from './promtool-sd.js';
import { startHttpServer, type LocalServer } from '../../support/http.js';
import { withFreePort } from '../../support/net.js';
import { waitFor, waitForEvent } from '../../support/wait.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const HOST = '127.0.0.1';

/** What the exporter serves: labels naming what a series describes, and a series without any. */
const EXPOSITION = [
  '# TYPE ambient_ztunnel_pod_ready gauge',
  'ambient_ztunnel_pod_ready{node="node-a",pod="ztunnel-7xk2p"} 1',
  '# TYPE ambient_namespace_enrolled gauge',
  'ambient_namespace_enrolled{namespace="shop"} 1',
  '# TYPE ambient_issue_affected gauge',
  'ambient_issue_affected{issue="cross_node_network"} 0',
  '',
].join('\n');

/** Labels of the exporter pod a leak would show (what the operator and the old scrape config attached). */
const EXPORTER_POD_LABELS = ['namespace', 'pod', 'service', 'endpoint', 'container'];

interface Series {
  metric: Record<string, string>;
}

/** Tags a job's targets with `via` so the three jobs' series stay apart (all are job="ambient-exporter"). */
function tagged(job: ScrapeJob, via: string, targetsFile: string): ScrapeJob {
  const j = withFileSd(job, targetsFile);
  return { ...j, relabel_configs: [...((j.relabel_configs as unknown[]) ?? []), { target_label: 'via', replacement: via }] };
}

describe('manifests: honor_labels keeps the exporter\'s labels and adds none of its pod\'s (real Prometheus scrape)', function () {
  this.timeout(20_000);
  let exporter: LocalServer;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let url: string;
  const byJob = new Map<string, Series[]>();

  before(async function () {
    if (!existsSync(PROMETHEUS)) {
      if (process.env.CI) throw new Error(`${PROMETHEUS} is missing: .ci/run installs the Debian prometheus package`);
      this.skip();
    }
    exporter = await startHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(EXPOSITION), { host: HOST });
    const exporterPort = exporter.port;
    const pod = { ...EXPORTER_POD, ip: HOST, ports: [{ name: 'http-metrics', port: exporterPort }] };

    dir = mkdtempSync(join(tmpdir(), 'honor-labels-'));
    const podFile = join(dir, 'pod-targets.json');
    const endpointsFile = join(dir, 'endpoints-targets.json');
    writeFileSync(podFile, JSON.stringify(podTargets(pod)));
    const objects = render('manifests/overlays/prometheus-operator');
    writeFileSync(endpointsFile, JSON.stringify(endpointTargets(exporterService(objects), pod)));

    const plain = (parse(readFileSync(join(MANIFESTS, 'prometheus', 'scrape-configs.yaml'), 'utf8')) as { scrape_configs: ScrapeJob[] }).scrape_configs.find(
      (j) => j.job_name === 'ambient-exporter',
    )!;
    const sm = findObject(objects, 'ServiceMonitor', 'ambient-exporter');
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '500ms' },
      scrape_configs: [
        tagged(plain, 'plain', podFile),
        tagged(serviceMonitorJob(sm), 'servicemonitor', endpointsFile),
        tagged(
          { ...serviceMonitorJob(sm, { ownRelabelings: false }), job_name: 'serviceMonitor-without-relabelings' },
          'servicemonitor-without-relabelings',
          endpointsFile,
        ),
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));

    url = await withFreePort(
      async (port) => {
        const child = spawn(
          PROMETHEUS,
          [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${HOST}:${port}`, '--log.level=warn'],
          { stdio: 'ignore' },
        );
        prometheus = child;
        const at = `http://${HOST}:${port}`;
        const exited = new Promise<never>((_r, reject) => child.once('exit', (code) => reject(new Error(`prometheus exited ${code} before it was ready`))));
        try {
          await Promise.race([waitFor(async () => (await fetch(`${at}/-/ready`)).ok, { what: 'Prometheus ready', timeoutMs: 10_000, intervalMs: 100 }), exited]);
        } catch (err) {
          child.kill('SIGKILL');
          throw err;
        }
        return at;
      },
      { host: HOST },
    );
    const query = async (expr: string): Promise<Series[]> => {
      const body = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: Series[] } };
      return body.data.result;
    };
    // every job has scraped all three series: Prometheus hands discovered targets to its scrapers
    // only every 5 s, so this takes about 6 s
    await waitFor(async () => (await query('count by (via) ({via!=""})')).length === 3, { what: 'three jobs scraped', timeoutMs: 15_000, intervalMs: 100 });
    for (const via of ['plain', 'servicemonitor', 'servicemonitor-without-relabelings']) byJob.set(via, await query(`{via="${via}"}`));
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = waitForEvent(prometheus, 'exit', { what: 'Prometheus to exit on SIGTERM' });
      prometheus.kill('SIGTERM');
      await exited;
    }
    await exporter?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const series = (via: string, name: string): Record<string, string> => {
    const s = (byJob.get(via) ?? []).find((x) => x.metric.__name__ === name);
    if (!s) throw new Error(`${via}: no ${name}`);
    return s.metric;
  };

  for (const via of ['plain', 'servicemonitor']) {
    describe(via === 'plain' ? 'manifests/prometheus/scrape-configs.yaml' : 'the ServiceMonitor (as the operator turns it into a job)', () => {
      it('keeps the node and pod a series names (not exported_*)', () => {
        const m = series(via, 'ambient_ztunnel_pod_ready');
        expect(m).to.include({ job: 'ambient-exporter', node: 'node-a', pod: 'ztunnel-7xk2p' });
        expect(Object.keys(m).filter((k) => k.startsWith('exported_'))).to.deep.equal([]);
        expect(m).to.not.have.any.keys('namespace', 'service', 'endpoint', 'container');
      });

      it('keeps the namespace a series names, without the exporter pod\'s labels', () => {
        const m = series(via, 'ambient_namespace_enrolled');
        expect(m).to.include({ namespace: 'shop' });
        expect(m).to.not.have.any.keys('pod', 'node', 'service', 'endpoint', 'container');
      });

      it('adds nothing of the exporter pod to a series without node, pod or namespace', () => {
        const m = series(via, 'ambient_issue_affected');
        expect(Object.keys(m).sort()).to.deep.equal(['__name__', 'instance', 'issue', 'job', 'via']);
      });
    });
  }

  it('without the ServiceMonitor\'s relabelings the exporter pod\'s labels would land on its series (what the check guards against)', () => {
    const m = series('servicemonitor-without-relabelings', 'ambient_issue_affected');
    expect(m).to.include.all.keys(...EXPORTER_POD_LABELS);
    expect(m).to.include({ namespace: 'ambient-exporter', pod: EXPORTER_POD.name });
    // honor_labels: where a series has its own pod label, it still wins over the target's
    expect(series('servicemonitor-without-relabelings', 'ambient_ztunnel_pod_ready')).to.include({ pod: 'ztunnel-7xk2p' });
  });
});
