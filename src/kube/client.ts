// Where the exporter's Kubernetes credentials come from, in kubectl's order of precedence:
// an explicit kubeconfig, then $KUBECONFIG, then ~/.kube/config, then the in-cluster service account.
// Unlike KubeConfig.loadFromDefault(), nothing silently falls back to http://localhost:8080, and a
// path that was given (flag or KUBECONFIG) and names no file is an error, not a reason to try the
// next source: that could be another cluster. Every message names where the path came from.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

export interface LoadKubeConfigOptions {
  /** --kubeconfig: one file, or several joined by the path delimiter like $KUBECONFIG */
  kubeconfig?: string | undefined;
  /** where `kubeconfig` came from, as messages name it (default "--kubeconfig"; e.g. "AMBIENT_KUBECONFIG") */
  kubeconfigSource?: string;
  /** environment to read KUBECONFIG, HOME and KUBERNETES_SERVICE_* from (default process.env) */
  env?: Record<string, string | undefined>;
  /** prefix of /var/run/secrets/kubernetes.io/serviceaccount (tests point it at a temp dir) */
  inClusterRoot?: string;
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** one line for the start-up log: where the config came from, context and API server */
  describe(): string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function exists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function splitList(value: string): string[] {
  return value.split(path.delimiter).filter((f) => f !== '');
}

/** Load and merge kubeconfig files, the first one's current-context winning (as kubectl does). */
function loadFiles(files: string[], source: string): KubeConfig {
  const kc = new KubeConfig();
  files.forEach((file, i) => {
    const part = i === 0 ? kc : new KubeConfig();
    try {
      part.loadFromFile(file);
    } catch (err) {
      throw new KubeConfigError(`cannot read kubeconfig ${file} (${source}): ${(err as Error).message}`);
    }
    if (i > 0) kc.mergeConfig(part, true);
  });
  return kc;
}

/**
 * A path list that was given (flag or KUBECONFIG): entries that do not exist are skipped, as kubectl
 * does, but one must exist.
 */
function loadGiven(value: string, source: string): LoadedKubeConfig {
  const files = splitList(value).filter(exists);
  if (files.length === 0) throw new KubeConfigError(`kubeconfig ${value} (${source}) does not exist`);
  return loaded(loadFiles(files, source), `kubeconfig ${files.join(path.delimiter)} (${source})`);
}

/** The errno code of a file that cannot be read, or '' when it can. */
function unreadable(file: string): string {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile() ? '' : 'not a file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/**
 * What client-node would only find out on each request (and the watches would retry forever): a
 * server that is no http(s) URL, certificate and key files that cannot be read.
 */
function checkUsable(kc: KubeConfig, origin: string): void {
  if (!kc.getCurrentContext()) throw new KubeConfigError(`${origin}: no current-context`);
  if (!kc.getContextObject(kc.getCurrentContext())) throw new KubeConfigError(`${origin}: context "${kc.getCurrentContext()}" not found`);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeConfigError(`${origin}: context "${kc.getCurrentContext()}" names no known cluster`);
  if (!cluster.server) throw new KubeConfigError(`${origin}: cluster "${cluster.name}" has no server`);
  let url: URL | undefined;
  try {
    url = new URL(cluster.server);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new KubeConfigError(`${origin}: cluster "${cluster.name}" has server ${cluster.server}, which is not an http:// or https:// URL`);
  }
  const files: [string, string, string | undefined][] = [[`cluster "${cluster.name}"`, 'certificate-authority', cluster.caFile]];
  const user = kc.getCurrentUser();
  if (user) {
    files.push(
      [`user "${user.name}"`, 'client-certificate', user.certFile],
      [`user "${user.name}"`, 'client-key', user.keyFile],
      [`user "${user.name}"`, 'tokenFile', (user.authProvider as { config?: { tokenFile?: string } } | undefined)?.config?.tokenFile],
    );
  }
  for (const [owner, key, file] of files) {
    if (!file) continue;
    const why = unreadable(file);
    if (why) throw new KubeConfigError(`${origin}: ${owner}: ${key} ${file} cannot be read (${why})`);
  }
}

/**
 * client-node refuses a plain-HTTP server unless insecure-skip-tls-verify is set, although there is
 * no TLS to verify. kubectl accepts such kubeconfigs (kubectl proxy, local test servers); so do we,
 * by setting the flag on HTTP clusters only, where it changes nothing else.
 */
function allowPlainHttp(kc: KubeConfig): void {
  if (!kc.getClusters().some((c) => c.server.startsWith('http:') && !c.skipTLSVerify)) return;
  kc.loadFromOptions({
    clusters: kc.getClusters().map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c)),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
}

function loaded(kc: KubeConfig, origin: string): LoadedKubeConfig {
  checkUsable(kc, origin);
  allowPlainHttp(kc);
  return {
    kubeConfig: kc,
    describe: () => `${origin}, context ${kc.getCurrentContext()}, server ${kc.getCurrentCluster()?.server ?? '?'}`,
  };
}

/**
 * Load the configuration the exporter talks to the API server with. Throws KubeConfigError saying
 * what was tried when no source works, or what is wrong with the one that was chosen.
 */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const env = opts.env ?? process.env;

  if (opts.kubeconfig) return loadGiven(opts.kubeconfig, opts.kubeconfigSource ?? '--kubeconfig');
  const tried: string[] = ['--kubeconfig not given'];
  if (env.KUBECONFIG) return loadGiven(env.KUBECONFIG, 'KUBECONFIG env');
  tried.push('KUBECONFIG unset');

  const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
  const defaultFile = path.join(home, '.kube', 'config');
  if (exists(defaultFile)) return loaded(loadFiles([defaultFile], 'default'), `kubeconfig ${defaultFile} (default)`);
  tried.push(`${defaultFile} missing`);

  const root = opts.inClusterRoot ?? '';
  const host = env.KUBERNETES_SERVICE_HOST;
  const tokenFile = `${root}${SERVICE_ACCOUNT_DIR}/token`;
  if (host && env.KUBERNETES_SERVICE_PORT && exists(tokenFile)) {
    const kc = new KubeConfig();
    // loadFromCluster reads KUBERNETES_SERVICE_* from process.env; give it the env we were handed.
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = host;
    process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT;
    try {
      kc.loadFromCluster(root);
    } finally {
      restoreEnv('KUBERNETES_SERVICE_HOST', saved.host);
      restoreEnv('KUBERNETES_SERVICE_PORT', saved.port);
    }
    return loaded(kc, `in-cluster service account ${root}${SERVICE_ACCOUNT_DIR}`);
  }
  tried.push(host ? `in-cluster token ${tokenFile} missing` : 'not in a cluster (KUBERNETES_SERVICE_HOST unset)');

  throw new KubeConfigError(
    `no Kubernetes configuration found (${tried.join('; ')}): pass --kubeconfig FILE, set KUBECONFIG, ` +
      'run in a pod with a service account, or use --no-kube with --target',
  );
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
