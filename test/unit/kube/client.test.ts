import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { KubeConfigError, loadKubeConfig } from '../../../src/kube/client.js';

function kubeconfig(server: string, context = 'lab', extra = ''): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${context}-cluster
  cluster:
    server: ${server}
${extra}contexts:
- name: ${context}
  context: { cluster: ${context}-cluster, user: ${context}-user }
current-context: ${context}
users:
- name: ${context}-user
  user: { token: abc }
`;
}

describe('kube/client loadKubeConfig', () => {
  let dir: string;
  const write = (rel: string, text: string): string => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses the explicit kubeconfig first', () => {
    const explicit = write('explicit.yaml', kubeconfig('https://127.0.0.1:6443', 'explicit'));
    const envFile = write('env.yaml', kubeconfig('https://127.0.0.2:6443', 'env'));
    const loaded = loadKubeConfig({ kubeconfig: explicit, env: { KUBECONFIG: envFile, HOME: dir } });
    expect(loaded.kubeConfig.getCurrentCluster()?.server).to.equal('https://127.0.0.1:6443');
    expect(loaded.describe()).to.equal(`kubeconfig ${explicit}, context explicit, server https://127.0.0.1:6443`);
  });

  it('then $KUBECONFIG, skipping entries that do not exist and merging the rest', () => {
    const a = write('a.yaml', kubeconfig('https://127.0.0.2:6443', 'a'));
    const b = write('b.yaml', kubeconfig('https://127.0.0.3:6443', 'b'));
    const missing = path.join(dir, 'missing.yaml');
    const loaded = loadKubeConfig({ env: { KUBECONFIG: [missing, a, b].join(path.delimiter), HOME: dir } });
    expect(loaded.kubeConfig.getCurrentContext()).to.equal('a');
    expect(loaded.kubeConfig.getContexts().map((c) => c.name)).to.deep.equal(['a', 'b']);
  });

  it('then ~/.kube/config', () => {
    write('.kube/config', kubeconfig('https://127.0.0.4:6443', 'home'));
    const loaded = loadKubeConfig({ env: { HOME: dir } });
    expect(loaded.describe()).to.match(/\.kube\/config, context home/);
  });

  it('then the in-cluster service account', () => {
    write('var/run/secrets/kubernetes.io/serviceaccount/token', 'sa-token');
    write('var/run/secrets/kubernetes.io/serviceaccount/ca.crt', 'ca');
    const loaded = loadKubeConfig({ env: { HOME: dir, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, inClusterRoot: dir });
    expect(loaded.kubeConfig.getCurrentCluster()?.server).to.equal('https://10.96.0.1:443');
    expect(loaded.describe()).to.match(/^in-cluster service account/);
    expect(process.env.KUBERNETES_SERVICE_HOST === '10.96.0.1').to.equal(false);
  });

  it('says what it tried when nothing works', () => {
    expect(() => loadKubeConfig({ env: { HOME: dir } })).to.throw(
      KubeConfigError,
      /no Kubernetes configuration found \(--kubeconfig not given; KUBECONFIG unset; .*\.kube\/config missing; not in a cluster \(KUBERNETES_SERVICE_HOST unset\)\)/,
    );
  });

  it('names a missing explicit file', () => {
    expect(() => loadKubeConfig({ kubeconfig: path.join(dir, 'nope.yaml'), env: { HOME: dir } })).to.throw(KubeConfigError, /nope\.yaml \(--kubeconfig\) does not exist/);
  });

  it('accepts an explicit list (as $KUBECONFIG is passed on) with missing entries', () => {
    const a = write('a.yaml', kubeconfig('https://127.0.0.2:6443', 'a'));
    const loaded = loadKubeConfig({ kubeconfig: [path.join(dir, 'gone.yaml'), a].join(path.delimiter), env: {} });
    expect(loaded.describe()).to.equal(`kubeconfig ${a}, context a, server https://127.0.0.2:6443`);
  });

  it('rejects a file without a usable context', () => {
    const f = write('bad.yaml', kubeconfig('https://127.0.0.1:6443').replace('current-context: lab', 'current-context: other'));
    expect(() => loadKubeConfig({ kubeconfig: f, env: {} })).to.throw(KubeConfigError, /context "other" not found/);
  });

  it('accepts a plain-HTTP server as kubectl does (client-node alone would refuse it)', async () => {
    const plain = write('plain.yaml', kubeconfig('http://127.0.0.1:8080'));
    const { kubeConfig } = loadKubeConfig({ kubeconfig: plain, env: {} });
    expect(kubeConfig.getCurrentCluster()?.server).to.equal('http://127.0.0.1:8080');
    const opts: import('node:https').RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(opts);
    expect(opts.agent).to.be.an.instanceOf(http.Agent).and.not.an.instanceOf(https.Agent);
    expect((opts.headers as Record<string, string>).Authorization).to.equal('Bearer abc');
  });
});
