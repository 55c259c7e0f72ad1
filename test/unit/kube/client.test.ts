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
    expect(loaded.describe()).to.equal(`kubeconfig ${explicit} (--kubeconfig), context explicit, server https://127.0.0.1:6443`);
  });

  it('then $KUBECONFIG, skipping entries that do not exist and merging the rest', () => {
    const a = write('a.yaml', kubeconfig('https://127.0.0.2:6443', 'a'));
    const b = write('b.yaml', kubeconfig('https://127.0.0.3:6443', 'b'));
    const missing = path.join(dir, 'missing.yaml');
    const loaded = loadKubeConfig({ env: { KUBECONFIG: [missing, a, b].join(path.delimiter), HOME: dir } });
    expect(loaded.kubeConfig.getCurrentContext()).to.equal('a');
    expect(loaded.kubeConfig.getContexts().map((c) => c.name)).to.deep.equal(['a', 'b']);
    expect(loaded.describe()).to.equal(`kubeconfig ${a}${path.delimiter}${b} (KUBECONFIG env), context a, server https://127.0.0.2:6443`);
  });

  it('honours KUBECONFIG with no kubeconfig given, reading process.env by default', () => {
    const envFile = write('env.yaml', kubeconfig('https://127.0.0.2:6443', 'env'));
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = envFile;
    try {
      expect(loadKubeConfig({ kubeconfig: undefined }).describe()).to.equal(`kubeconfig ${envFile} (KUBECONFIG env), context env, server https://127.0.0.2:6443`);
      expect(loadKubeConfig({ kubeconfig: undefined, env: process.env }).kubeConfig.getCurrentContext()).to.equal('env');
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('stops at a KUBECONFIG that names no existing file, rather than trying ~/.kube/config (maybe another cluster)', () => {
    write('.kube/config', kubeconfig('https://127.0.0.4:6443', 'home'));
    const missing = path.join(dir, 'missing.yaml');
    expect(() => loadKubeConfig({ env: { KUBECONFIG: missing, HOME: dir } })).to.throw(KubeConfigError, `kubeconfig ${missing} (KUBECONFIG env) does not exist`);
  });

  it('names KUBECONFIG in what is wrong with the file it names', () => {
    const f = write('bad.yaml', kubeconfig('https://127.0.0.1:6443').replace('current-context: lab', 'current-context: other'));
    expect(() => loadKubeConfig({ env: { KUBECONFIG: f, HOME: dir } })).to.throw(KubeConfigError, `kubeconfig ${f} (KUBECONFIG env): context "other" not found`);
    const unreadable = write('unreadable.yaml', ': not yaml : [');
    expect(() => loadKubeConfig({ env: { KUBECONFIG: unreadable, HOME: dir } })).to.throw(KubeConfigError, `cannot read kubeconfig ${unreadable} (KUBECONFIG env)`);
  });

  it('then ~/.kube/config', () => {
    write('.kube/config', kubeconfig('https://127.0.0.4:6443', 'home'));
    const loaded = loadKubeConfig({ env: { HOME: dir } });
    expect(loaded.describe()).to.match(/\.kube\/config \(default\), context home/);
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

  it('names a missing explicit file, and where its path came from', () => {
    expect(() => loadKubeConfig({ kubeconfig: path.join(dir, 'nope.yaml'), env: { HOME: dir } })).to.throw(KubeConfigError, /nope\.yaml \(--kubeconfig\) does not exist/);
    const fromEnv = () => loadKubeConfig({ kubeconfig: path.join(dir, 'nope.yaml'), kubeconfigSource: 'AMBIENT_KUBECONFIG', env: { HOME: dir } });
    expect(fromEnv).to.throw(KubeConfigError, /nope\.yaml \(AMBIENT_KUBECONFIG\) does not exist/);
  });

  it('accepts an explicit list (as $KUBECONFIG is passed on) with missing entries', () => {
    const a = write('a.yaml', kubeconfig('https://127.0.0.2:6443', 'a'));
    const loaded = loadKubeConfig({ kubeconfig: [path.join(dir, 'gone.yaml'), a].join(path.delimiter), env: {} });
    expect(loaded.describe()).to.equal(`kubeconfig ${a} (--kubeconfig), context a, server https://127.0.0.2:6443`);
  });

  it('rejects a file without a usable context', () => {
    const f = write('bad.yaml', kubeconfig('https://127.0.0.1:6443').replace('current-context: lab', 'current-context: other'));
    expect(() => loadKubeConfig({ kubeconfig: f, env: {} })).to.throw(KubeConfigError, `kubeconfig ${f} (--kubeconfig): context "other" not found`);
  });

  // What client-node would otherwise only find on every request, retrying forever.
  it('rejects a server that is not an http(s) URL', () => {
    for (const server of ['"not a url"', 'ftp://127.0.0.1:6443', '127.0.0.1:6443']) {
      const f = write('bad-server.yaml', kubeconfig(server));
      expect(() => loadKubeConfig({ kubeconfig: f, env: {} }), server).to.throw(KubeConfigError, `kubeconfig ${f} (--kubeconfig): cluster "lab-cluster" has server ${server.replace(/"/g, '')}, which is not an http:// or https:// URL`);
    }
  });

  it('rejects certificate and key files that cannot be read, naming the kubeconfig key', () => {
    const missing = path.join(dir, 'missing.pem');
    const cases: [string, string, string][] = [
      ['    certificate-authority: ' + missing + '\n', '', `cluster "lab-cluster": certificate-authority ${missing} cannot be read (ENOENT)`],
      ['', `    client-certificate: ${missing}\n    client-key: ${missing}\n`, `user "lab-user": client-certificate ${missing} cannot be read (ENOENT)`],
    ];
    for (const [clusterExtra, userExtra, message] of cases) {
      const text = kubeconfig('https://127.0.0.1:6443', 'lab', clusterExtra).replace('  user: { token: abc }\n', userExtra ? `  user:\n${userExtra}` : '  user: { token: abc }\n');
      const f = write('bad-files.yaml', text);
      expect(() => loadKubeConfig({ kubeconfig: f, env: {} })).to.throw(KubeConfigError, `kubeconfig ${f} (--kubeconfig): ${message}`);
    }
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
