// The plain-Prometheus scrape snippet: valid for promtool, and its relabeling, run by Prometheus's
// own code, turns discovered Istio pods into targets labelled node, pod and namespace, and the
// exporter pod into a target with no label of its own pod.
// Debian's Prometheus build leaves out Kubernetes discovery, so promtool sees each job with its
// kubernetes_sd_configs swapped for file_sd (every other field is checked as written), and the
// discovery blocks themselves are checked here against the documented role-pod fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { AGENT_POD, CNI_POD, EXPORTER_POD, ISTIOD_POD, OTHER_PODS, ZTUNNEL_POD } from './fixture-pods.js';
import { MANIFESTS } from '../../support/manifests/paths.js';
import { checkConfig, relabelTargets, type FixturePod, type ScrapeJob } from './promtool-sd.js';

const snippet = parse(readFileSync(join(MANIFESTS, 'prometheus', 'scrape-configs.yaml'), 'utf8')) as { scrape_configs: ScrapeJob[] };
const job = (name: string): ScrapeJob => {
  const found = snippet.scrape_configs.find((j) => j.job_name === name);
  if (!found) throw new Error(`no job ${name}`);
  return found;
};

/** The pods role-pod discovery would hand this job: those in the namespaces it lists. */
function discoverable(j: ScrapeJob, pods: FixturePod[]): FixturePod[] {
  const sd = (j.kubernetes_sd_configs as { role: string; namespaces?: { names: string[] } }[])[0]!;
  expect(sd.role).to.equal('pod');
  return pods.filter((p) => !sd.namespaces || sd.namespaces.names.includes(p.namespace));
}

const ALL = [ZTUNNEL_POD, ISTIOD_POD, CNI_POD, EXPORTER_POD, AGENT_POD, ...OTHER_PODS];

describe('manifests: plain Prometheus scrape configs', function () {
  // Each promtool run collects discovery results for one second; run the jobs at once.
  const targetsOf = new Map<string, Record<string, string>[]>();
  before(async () => {
    await Promise.all(
      snippet.scrape_configs.map(async (j) => targetsOf.set(j.job_name, await relabelTargets(j, discoverable(j, ALL)))),
    );
  });

  it('is accepted by `promtool check config`', async () => {
    const withFileSd = snippet.scrape_configs.map(({ kubernetes_sd_configs: _sd, ...rest }) => ({
      ...rest,
      file_sd_configs: [{ files: ['targets/*.json'] }],
    }));
    const out = await checkConfig(withFileSd);
    expect(out).to.match(/SUCCESS/);
  });

  it('discovers pods in the namespaces of the exporter and of Istio (ztunnel and istio-cni also in kube-system, as on GKE)', () => {
    const namespaces = Object.fromEntries(
      snippet.scrape_configs.map((j) => {
        const sd = j.kubernetes_sd_configs as Record<string, unknown>[];
        expect(sd, j.job_name).to.have.length(1);
        expect(Object.keys(sd[0]!), j.job_name).to.have.members(['role', 'namespaces']);
        expect(sd[0]!.role, j.job_name).to.equal('pod');
        return [j.job_name, (sd[0]!.namespaces as { names: string[] }).names];
      }),
    );
    expect(namespaces).to.deep.equal({
      'ambient-exporter': ['ambient-exporter'],
      ztunnel: ['istio-system', 'kube-system'], // kube-system: GKE's
      istiod: ['istio-system'],
      'istio-cni': ['istio-system', 'kube-system'],
      'ambient-exporter-agent': ['ambient-exporter-agent'],
    });
  });

  it('names the exporter job ambient-exporter and honours its labels', () => {
    expect(job('ambient-exporter').honor_labels).to.equal(true);
    for (const name of ['ztunnel', 'istiod', 'istio-cni', 'ambient-exporter-agent']) expect(job(name).honor_labels, name).to.equal(undefined);
  });

  const cases: { job: string; pod: FixturePod; address: string; path: string; app?: string }[] = [
    { job: 'ztunnel', pod: ZTUNNEL_POD, address: '10.244.1.7:15020', path: '/stats/prometheus', app: 'ztunnel' },
    { job: 'istiod', pod: ISTIOD_POD, address: '10.244.2.4:15014', path: '/metrics', app: 'istiod' },
    { job: 'istio-cni', pod: CNI_POD, address: '192.168.1.11:15014', path: '/metrics' },
    { job: 'ambient-exporter-agent', pod: AGENT_POD, address: '192.168.1.11:9480', path: '/metrics' },
  ];
  for (const c of cases) {
    it(`${c.job}: one target per pod, on its metrics port, labelled node, pod and namespace`, () => {
      const targets = targetsOf.get(c.job);
      expect(targets).to.have.length(1);
      const want: Record<string, string> = {
        job: c.job,
        node: c.pod.node,
        pod: c.pod.name,
        namespace: c.pod.namespace,
        __address__: c.address,
        __metrics_path__: c.path,
      };
      if (c.app) want.app = c.app;
      expect(targets![0]).to.include(want);
    });
  }

  it('ambient-exporter: the exporter pod only, with job and instance as its only labels (none of its own pod, namespace or node)', () => {
    const targets = targetsOf.get('ambient-exporter');
    expect(targets).to.have.length(1);
    expect(targets![0]).to.include({ job: 'ambient-exporter', instance: '10.244.2.9:9479', __address__: '10.244.2.9:9479' });
    // honor_labels would attach any other target label to every series lacking it
    expect(Object.keys(targets![0]!).filter((k) => !k.startsWith('__')).sort()).to.deep.equal(['instance', 'job']);
  });
});
