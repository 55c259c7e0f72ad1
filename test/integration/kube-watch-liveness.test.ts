// The informers behind a proxy that misbehaves the ways a real path to the API server can: every
// request that gets no answer is timed out and retried with back-off, a watch that goes silent while
// its connection stays up is noticed and replaced, `watchUp` says so meanwhile, and the state catches
// up by itself. Timeouts are shortened here; the defaults are checked against the same bounds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadKubeConfig } from '../../src/kube/client.js';
import { startClusterWatch, type ClusterWatch, type ClusterWatchOptions } from '../../src/kube/cluster-watch.js';
import { DEFAULT_INFORMER_TUNING } from '../../src/kube/informer.js';
import { WATCHED_RESOURCES } from '../../src/kube/resources.js';
import { startLab, type Lab } from 'ambient-lab';
import type { ClusterState } from '../../src/model.js';
import { startApiProxy, type ApiProxy } from '../support/api-proxy.js';
import { waitFor } from '../support/wait.js';

const EXCLUDE = ['kube-system', 'kube-public', 'kube-node-lease', 'istio-system', 'kube-flannel'];
const allUp = (s: ClusterState): boolean => WATCHED_RESOURCES.every((r) => s.watchUp[r.name] === true);
const allDown = (s: ClusterState): boolean => WATCHED_RESOURCES.every((r) => s.watchUp[r.name] === false);
const shopLabelled = (s: ClusterState): boolean => s.namespaces.find((n) => n.name === 'shop')?.labels['istio.io/dataplane-mode'] === 'ambient';

/** No answer within this: the request is given up and retried. */
const RESPONSE_TIMEOUT_MS = 400;
/** Neither event nor bookmark for this long: the watch is given up (two bookmark periods and some). */
const IDLE_TIMEOUT_MS = 700;
const BOOKMARK_INTERVAL_MS = 250;
const BACKOFF = { initialMs: 50, maxMs: 300 };

describe('kube watch liveness behind a misbehaving proxy', function () {
  this.timeout(30_000);
  let lab: Lab | undefined;
  let proxy: ApiProxy | undefined;
  let watch: ClusterWatch | undefined;
  let dir: string;
  const logs: { level: string; msg: string | undefined; obj: Record<string, unknown> }[] = [];
  const keep = (level: string) => (obj: object, msg?: string) => void logs.push({ level, msg, obj: obj as Record<string, unknown> });
  const logger = { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };

  async function start(labBookmarkMs = BOOKMARK_INTERVAL_MS, extra: Partial<ClusterWatchOptions> = {}): Promise<ClusterWatch> {
    lab = await startLab({ nodes: 2, bookmarkIntervalMs: labBookmarkMs });
    proxy = await startApiProxy(lab.apiUrl);
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, proxy.kubeconfig());
    watch = startClusterWatch(loadKubeConfig({ kubeconfig: file }).kubeConfig, {
      istioNamespace: 'istio-system',
      enrollment: { namespaces: lab.enrollment.namespaces, exclude: EXCLUDE },
      logger,
      responseTimeoutMs: RESPONSE_TIMEOUT_MS,
      watchIdleTimeoutMs: IDLE_TIMEOUT_MS,
      backoff: BACKOFF,
      ...extra,
    });
    await watch.synced();
    await waitFor(() => allUp(watch!.snapshot()), { what: 'every watch up' });
    return watch;
  }

  beforeEach(() => {
    logs.length = 0;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-liveness-'));
  });
  afterEach(async () => {
    await watch?.stop();
    await proxy?.close();
    await lab?.close();
    watch = proxy = lab = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('times out requests that get no response, retries them with back-off, and recovers by itself once the API answers', async () => {
    const w = await start();
    proxy!.setMode('reset');
    await waitFor(() => allDown(w.snapshot()), { what: 'every watch down on reset' });
    proxy!.setMode('hang');
    const hangAt = logs.length;
    const timedOut = (): number => logs.slice(hangAt).filter((l) => String(l.obj.err).includes('no response within')).length;
    await waitFor(() => timedOut() >= 2 * WATCHED_RESOURCES.length, { what: 'unanswered requests timed out and retried, twice per resource', timeoutMs: 10_000 });
    expect(allDown(w.snapshot()), 'watchUp stays 0 while nothing answers').to.equal(true);
    await lab!.setFaults([{ name: 'namespace-unlabeled', namespace: 'shop' }]);

    proxy!.setMode('pass');
    const passAt = Date.now();
    await waitFor(() => allUp(w.snapshot()) && !shopLabelled(w.snapshot()), { what: 'every watch up again, with the change made meanwhile', timeoutMs: 10_000 });
    // The worst case: a request sent just before the API answered again times out, then one back-off.
    expect(Date.now() - passAt).to.be.below(RESPONSE_TIMEOUT_MS + BACKOFF.maxMs + 1_000);
  });

  it('keeps a quiet watch that receives bookmarks, and replaces a silent one: watchUp 0 and the state relisted meanwhile', async () => {
    const w = await start();
    const watchesBefore = proxy!.requests.watch;
    const since = Date.now();
    // Quiet but alive: bookmarks keep every watch, well past the idle bound.
    await waitFor(() => WATCHED_RESOURCES.every((r) => (w.snapshot().watchLastEvent[r.name] ?? 0) > since + 3 * IDLE_TIMEOUT_MS), { what: 'bookmarks past three idle bounds', timeoutMs: 10_000 });
    expect(proxy!.requests.watch, 'no watch re-established while bookmarks arrive').to.equal(watchesBefore);
    expect(allUp(w.snapshot())).to.equal(true);

    proxy!.setMode('silent');
    const silentAt = Date.now();
    await lab!.setFaults([{ name: 'namespace-unlabeled', namespace: 'shop' }]);
    await waitFor(() => allDown(w.snapshot()), { what: 'every watch down once silent past the bound', timeoutMs: IDLE_TIMEOUT_MS + 3_000 });
    expect(Date.now() - silentAt).to.be.at.least(IDLE_TIMEOUT_MS - 50);
    await waitFor(() => !shopLabelled(w.snapshot()), { what: 'the change seen through a relist', timeoutMs: 5_000 });
    expect(allDown(w.snapshot()), 'still down: the new watches are silent too').to.equal(true);
    expect(logs.some((l) => l.level === 'warn' && l.msg?.startsWith('watch silent'))).to.equal(true);
    const frozen = w.snapshot().watchLastEvent.namespaces!;

    proxy!.setMode('pass');
    await waitFor(() => allUp(w.snapshot()), { what: 'every watch up once bookmarks flow again', timeoutMs: 5_000 });
    expect(w.snapshot().watchLastEvent.namespaces!).to.be.greaterThan(frozen);
  });

  it('has defaults that recover within a minute of the API answering again, and tolerate two missed bookmarks', () => {
    const { responseTimeoutMs, watchIdleTimeoutMs, backoff } = DEFAULT_INFORMER_TUNING;
    // kube-apiserver sends a bookmark every minute (cacher.go defaultBookmarkFrequency).
    expect(watchIdleTimeoutMs).to.be.at.least(2 * 60_000);
    expect(responseTimeoutMs + backoff.maxMs).to.be.below(60_000);
  });
});
