// End-to-end harness: the lab (simulated cluster), the exporter in-process against it, a real
// Prometheus scraping the exporter with the shipped rules loaded (their `for` shortened by a
// test-only transform), and a real Alertmanager with the shipped routing and inhibitions delivering
// to a webhook served here. Everything listens on 127.0.0.1, on ports picked free at start.
//
//   const stack = await startStack({ nodes: 3 });
//   await stack.lab.setFaults([{ name: 'cross-node' }]);
//   await stack.waitFor(async () => (await stack.query('ALERTS{alertstate="firing"}')).length > 0, { timeoutMs: 20_000, what: 'an alert' });
//   stack.notifications  // webhook deliveries
//   await stack.close();

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/cli-flags.js';
import { startLab, type Lab, type LabOptions, type ScrapeTarget } from 'ambient-lab';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { withFreePort } from '../support/net.js';
import { waitFor as waitUntil, type WaitOptions } from '../support/wait.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const HOST = '127.0.0.1';

// Prometheus and Alertmanager are polled 5 times a second: often enough for alert timing, light on CPU.
const waitFor = <T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: WaitOptions): Promise<T> => waitUntil(check, { intervalMs: 200, ...opts });

// ---------------------------------------------------------------- processes

interface ManagedProcess {
  url: string;
  logPath: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a binary writing its output to logPath and waits for `${url}/-/ready`; retries on a port race. */
async function startDaemon(name: string, bin: string, argsFor: (port: number) => string[], logPath: string): Promise<ManagedProcess> {
  if (!existsSync(bin)) throw new Error(`${bin} not found: run scripts/ensure-prometheus.sh`);
  return withFreePort(
    async (port) => {
      const url = `http://${HOST}:${port}`;
      const log = createWriteStream(logPath, { flags: 'a' });
      const child = spawn(bin, argsFor(port), { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        log.end();
      };
      try {
        await Promise.race([
          waitFor(async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 15_000, intervalMs: 100, what: `${name} ready at ${url}` }),
          exited.then((code) => {
            throw new Error(`${name} exited with code ${code} before it was ready (log: ${logPath})`);
          }),
        ]);
        return { url, logPath, child, stop };
      } catch (err) {
        await stop();
        throw err;
      }
    },
    { host: HOST },
  );
}

// ---------------------------------------------------------------- rules: the test-only transform

export interface TestRulesOptions {
  /** seconds between the shortened `for` values (default 2): the shipped ladder keeps its order */
  forStepSeconds?: number;
  /** the shortest shortened `for` (default 1s) */
  firstForSeconds?: number;
  /** what range windows in expressions become (default "7s" for every "[Nm]": longer than a failing ztunnel's xDS retries (about 20 s apart at most on the lab clock, 1 s at the alert test's clock rate), so their rate never drops to 0) */
  rangeWindow?: string;
  /** the shortest shortened keep_firing_for: the range window plus this (default 0); see testRules */
  keepFiringMarginSeconds?: number;
}

/**
 * The shipped rules with time compressed for a test: the distinct `for` values become first,
 * first+step, first+2*step, ... in the shipped order (so every cause still fires before the symptoms it inhibits), and range
 * windows such as [5m] shrink so rates react in seconds. The distinct keep_firing_for values become
 * window+margin, window+margin+step, ... in the shipped order: as shipped (6m for pod creation, which
 * silences nothing, then 8m to 12m, 2m apart, against 5m windows and a longest hand-over `for` of
 * 4m), each source outlasts a rate draining after recovery, the `for` of a cause that takes over and
 * the keep_firing_for of what it silences.
 * Expressions, labels and annotations are otherwise untouched.
 */
export function testRules(
  shippedYaml: string,
  opts: TestRulesOptions = {},
): { yaml: string; forByAlert: Map<string, number>; keepFiringByAlert: Map<string, number> } {
  const step = opts.forStepSeconds ?? 2;
  const first = opts.firstForSeconds ?? 1;
  const window = opts.rangeWindow ?? '7s';
  const firstKeep = durationSeconds(window) + (opts.keepFiringMarginSeconds ?? 0);
  const doc = parse(shippedYaml) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
  const rules = doc.groups.flatMap((g) => g.rules);
  const distinctOf = (key: string) => [...new Set(rules.flatMap((r) => (typeof r[key] === 'string' ? [durationSeconds(r[key])] : [])))].sort((a, b) => a - b);
  const distinct = distinctOf('for');
  const distinctKeep = distinctOf('keep_firing_for');
  const forByAlert = new Map<string, number>();
  const keepFiringByAlert = new Map<string, number>();
  for (const r of rules) {
    if (typeof r.expr === 'string') r.expr = r.expr.replace(/\[\d+[smhdwy]\]/g, `[${window}]`);
    if (typeof r.for === 'string') {
      const seconds = first + distinct.indexOf(durationSeconds(r.for)) * step;
      r.for = `${seconds}s`;
      if (typeof r.alert === 'string') forByAlert.set(r.alert, seconds);
    }
    if (typeof r.keep_firing_for === 'string') {
      const seconds = firstKeep + distinctKeep.indexOf(durationSeconds(r.keep_firing_for)) * step;
      r.keep_firing_for = `${seconds}s`;
      if (typeof r.alert === 'string') keepFiringByAlert.set(r.alert, seconds);
    }
  }
  return { yaml: stringify(doc, { lineWidth: 0 }), forByAlert, keepFiringByAlert };
}

function durationSeconds(d: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)([smhd])/g)) total += Number(m[1]) * (units[m[2] as string] ?? 0);
  return total;
}

/** The shipped rule files (rules/*.rules.yaml), concatenated group lists. */
export function shippedRulesYaml(): string {
  const dir = join(ROOT, 'rules');
  const groups = readdirSync(dir)
    .filter((f) => f.endsWith('.rules.yaml'))
    .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')) as { groups: unknown[] }).groups);
  return stringify({ groups }, { lineWidth: 0 });
}

// ---------------------------------------------------------------- webhook receiver

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

export interface Notification {
  /** Alertmanager receiver name the notification was routed to */
  receiver: string;
  /** path the webhook was posted to (one per receiver in the test config) */
  path: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
  receivedAt: number;
}

export interface Webhook {
  url: string;
  notifications: Notification[];
  close(): Promise<void>;
}

export async function startWebhook(): Promise<Webhook> {
  const notifications: Notification[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Notification, 'path' | 'receivedAt'>;
        notifications.push({ ...body, path: req.url ?? '/', receivedAt: Date.now() });
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://${HOST}:${port}`,
    notifications,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------- Alertmanager

export interface AlertmanagerOptions {
  dir: string;
  webhookUrl: string;
  /** group_wait / group_interval of the test (defaults 1s / 1s) */
  groupWait?: string;
  groupInterval?: string;
}

/**
 * The shipped example configuration (routing by severity, grouping, the same inhibitions as the
 * snippet), with each receiver's webhook pointed at the test and the waits shortened.
 */
export function testAlertmanagerConfig(opts: Pick<AlertmanagerOptions, 'webhookUrl' | 'groupWait' | 'groupInterval'>): string {
  const example = parse(readFileSync(join(ROOT, 'rules/alertmanager/alertmanager.example.yaml'), 'utf8')) as {
    route: Record<string, unknown>;
    receivers: Array<{ name: string; webhook_configs?: Array<Record<string, unknown>> }>;
    inhibit_rules: unknown[];
  };
  example.route.group_wait = opts.groupWait ?? '1s';
  example.route.group_interval = opts.groupInterval ?? '1s';
  for (const r of example.receivers) {
    for (const w of r.webhook_configs ?? []) w.url = `${opts.webhookUrl}/${r.name}`;
  }
  return stringify(example, { lineWidth: 0 });
}

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<ManagedProcess> {
  const configPath = join(opts.dir, 'alertmanager.yml');
  writeFileSync(configPath, testAlertmanagerConfig(opts));
  return startDaemon(
    'alertmanager',
    ALERTMANAGER_BIN,
    (port) => [
      `--config.file=${configPath}`,
      `--storage.path=${join(opts.dir, 'am-data')}`,
      `--web.listen-address=${HOST}:${port}`,
      '--cluster.listen-address=', // no gossip: a single instance
      '--log.level=warn',
    ],
    join(opts.dir, 'alertmanager.log'),
  );
}

// ---------------------------------------------------------------- Prometheus

export interface PrometheusOptions {
  dir: string;
  /** host:port of the exporter */
  exporterAddress: string;
  /** host:port of Alertmanager, if any */
  alertmanagerAddress?: string;
  /** also scrape the lab's components as jobs ztunnel / istiod / istio-cni, labelled like the shipped scrape config */
  componentTargets?: ScrapeTarget[];
}

export function prometheusConfig(opts: Omit<PrometheusOptions, 'dir'> & { rulesPath: string }): string {
  const components = ['ztunnel', 'istiod', 'istio-cni'].flatMap((component) => {
    const targets = (opts.componentTargets ?? []).filter((t) => t.component === component);
    if (targets.length === 0) return [];
    const path = new URL(targets[0]?.url ?? 'http://x/metrics').pathname;
    return [
      {
        job_name: component,
        metrics_path: path,
        static_configs: targets.map((t) => ({
          targets: [new URL(t.url).host],
          // istio-cni pods carry k8s-app, not app: the shipped scrape config gives them no app label
          labels: { node: t.node, pod: t.pod, namespace: 'istio-system', ...(component === 'istio-cni' ? {} : { app: component }) },
        })),
      },
    ];
  });
  return stringify(
    {
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: [opts.rulesPath],
      ...(opts.alertmanagerAddress ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanagerAddress] }] }] } } : {}),
      scrape_configs: [
        {
          // As manifests/prometheus/scrape-configs.yaml gives it: honor_labels, and the exporter
          // pod's own namespace/pod as target labels (which the rules must not leak into alerts).
          job_name: 'ambient-exporter',
          honor_labels: true,
          static_configs: [{ targets: [opts.exporterAddress], labels: { namespace: 'ambient-exporter', pod: 'ambient-exporter-e2e' } }],
        },
        ...components,
      ],
    },
    { lineWidth: 0 },
  );
}

export interface PrometheusProcess extends ManagedProcess {
  /** replaces the rule file and reloads Prometheus; resolves once every group is loaded */
  loadRules(yaml: string): Promise<void>;
}

/**
 * Starts Prometheus with no rules: load them with loadRules() once the targets are scraped, so no
 * rule is evaluated on an empty database (absent() alerts would fire before the first scrape).
 */
export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusProcess> {
  const rulesPath = join(opts.dir, 'rules.yaml');
  writeFileSync(rulesPath, 'groups: []\n');
  const configPath = join(opts.dir, 'prometheus.yml');
  writeFileSync(configPath, prometheusConfig({ ...opts, rulesPath }));
  const proc = await startDaemon(
    'prometheus',
    PROMETHEUS_BIN,
    (port) => [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(opts.dir, 'prom-data')}`,
      `--web.listen-address=${HOST}:${port}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    join(opts.dir, 'prometheus.log'),
  );
  return {
    ...proc,
    async loadRules(yaml: string) {
      writeFileSync(rulesPath, yaml);
      const want = ((parse(yaml) as { groups?: unknown[] }).groups ?? []).length;
      const res = await fetch(`${proc.url}/-/reload`, { method: 'POST' });
      if (!res.ok) throw new Error(`prometheus reload: ${res.status} ${await res.text()} (log: ${proc.logPath})`);
      await waitFor(
        async () => {
          const body = (await (await fetch(`${proc.url}/api/v1/rules`)).json()) as { data: { groups: unknown[] } };
          return body.data.groups.length === want;
        },
        { timeoutMs: 10_000, what: `${want} rule groups loaded` },
      );
    },
  };
}

// ---------------------------------------------------------------- queries

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export async function promQuery(prometheusUrl: string, expr: string): Promise<Sample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success' || !body.data) throw new Error(`query ${expr}: ${body.error ?? res.status}`);
  if (body.data.resultType !== 'vector') throw new Error(`query ${expr}: expected a vector, got ${body.data.resultType}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** An alert as Alertmanager's API v2 shows it. */
export interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export async function alertmanagerAlerts(alertmanagerUrl: string): Promise<AmAlert[]> {
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`);
  if (!res.ok) throw new Error(`alertmanager /api/v2/alerts: ${res.status}`);
  return (await res.json()) as AmAlert[];
}

// ---------------------------------------------------------------- the stack

export interface StackOptions {
  /** passed to startLab (default: 3 nodes, healthy) */
  lab?: LabOptions;
  /**
   * How many times faster than real time the lab's and the exporter's shared clock runs (default 1):
   * the lab's back-offs, crash loops and kubelet thresholds, and the exporter's time windows, compressed
   * like the rules' `for` (Prometheus and Alertmanager keep real time).
   */
  clockRate?: number;
  /** extra exporter flags, after the harness' own */
  exporterArgs?: string[];
  /** start Alertmanager and route Prometheus' alerts to it (default true) */
  alertmanager?: boolean;
  /** scrape the lab's ztunnel/istiod/istio-cni directly too (default false) */
  scrapeComponents?: boolean;
  /** the rule file Prometheus loads (default: testRules(shippedRulesYaml())) */
  rulesYaml?: string;
  rules?: TestRulesOptions;
  /** Alertmanager group_wait / group_interval (defaults 1s / 1s) */
  groupWait?: string;
  groupInterval?: string;
}

export interface Stack {
  lab: Lab;
  exporter: Exporter;
  prometheusUrl: string;
  alertmanagerUrl: string | undefined;
  /** every notification the webhook received, in arrival order */
  notifications: Notification[];
  /** `for` of each alert as loaded (seconds, after the test transform) */
  forByAlert: Map<string, number>;
  /** keep_firing_for of each alert that has one, as loaded (seconds, after the test transform) */
  keepFiringByAlert: Map<string, number>;
  /** temp directory holding configs, data and logs of Prometheus and Alertmanager */
  dir: string;
  /** when the rules were loaded (ms since epoch): no alert can have started before */
  readyAt: number;
  query(expr: string): Promise<Sample[]>;
  waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: WaitOptions): Promise<T>;
  /** ALERTS from Prometheus, by state */
  prometheusAlerts(state?: 'firing' | 'pending'): Promise<Array<Record<string, string>>>;
  alertmanagerAlerts(): Promise<AmAlert[]>;
  /** firing alerts delivered to the webhook whose alert started at or after `since` (ms) */
  deliveredFiring(since?: number): WebhookAlert[];
  /** firing alerts in the notifications received at or after `since` (ms), whenever the alert started */
  notifiedFiring(since: number): WebhookAlert[];
  /** stops the exporter (its target goes down); close() then skips it */
  stopExporter(): Promise<void>;
  /** tails of the Prometheus and Alertmanager logs, for failure messages */
  logs(): string;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'ambient-e2e-'));
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const rate = opts.clockRate ?? 1;
    const t0 = Date.now();
    const now = () => t0 + (Date.now() - t0) * rate;
    const lab = await startLab({ nodes: 3, now, ...opts.lab });
    cleanups.push(() => lab.close());

    const argv = [
      '--kubeconfig', lab.kubeconfigPath,
      '--listen-address', `${HOST}:0`,
      '--refresh-interval', '1s',
      '--scrape-timeout', '500ms',
      '--node-name', lab.istiodNode, // the lab's vantage point for pod-network reachability
      '--log-level', 'error',
      ...lab.enrollment.namespaces.flatMap((ns) => ['--enroll-namespace', ns]),
      ...(opts.exporterArgs ?? []),
    ];
    const exporter = await startServe(loadConfig({ argv, env: {} }), { now });
    let exporterStopped = false;
    cleanups.push(async () => {
      if (!exporterStopped) await exporter.close();
    });
    await exporter.ready();

    const webhook = await startWebhook();
    cleanups.push(() => webhook.close());

    let alertmanager: ManagedProcess | undefined;
    if (opts.alertmanager ?? true) {
      alertmanager = await startAlertmanager({ dir, webhookUrl: webhook.url, groupWait: opts.groupWait, groupInterval: opts.groupInterval });
      const am = alertmanager;
      cleanups.push(() => am.stop());
    }

    const transformed = testRules(shippedRulesYaml(), opts.rules);
    const componentTargets = opts.scrapeComponents ? lab.scrapeTargets() : [];
    const prometheus = await startPrometheus({
      dir,
      exporterAddress: new URL(exporter.url).host,
      alertmanagerAddress: alertmanager ? new URL(alertmanager.url).host : undefined,
      componentTargets,
    });
    cleanups.push(() => prometheus.stop());
    // Prometheus hands new targets to its scrapers only every few seconds: wait for the first
    // scrape of each, then load the rules.
    const targets = 1 + componentTargets.length;
    await waitFor(async () => (await promQuery(prometheus.url, 'up == 1')).length === targets, {
      timeoutMs: 20_000,
      what: async () => `${targets} targets up (now: ${JSON.stringify((await promQuery(prometheus.url, 'up')).map((s) => [s.metric.job, s.metric.instance, s.value]))})`,
    });
    await prometheus.loadRules(opts.rulesYaml ?? transformed.yaml);
    if (alertmanager) {
      // A reload also rebuilds the notifier, which knows no Alertmanager again until its discovery
      // reports (up to 5 s later): alerts fired in between would be dropped.
      await waitFor(
        async () => {
          const body = (await (await fetch(`${prometheus.url}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: unknown[] } };
          return body.data.activeAlertmanagers.length > 0;
        },
        { timeoutMs: 20_000, what: 'Prometheus to discover Alertmanager' },
      );
    }
    const readyAt = Date.now();

    const stack: Stack = {
      lab,
      exporter,
      prometheusUrl: prometheus.url,
      alertmanagerUrl: alertmanager?.url,
      notifications: webhook.notifications,
      forByAlert: transformed.forByAlert,
      keepFiringByAlert: transformed.keepFiringByAlert,
      dir,
      readyAt,
      query: (expr) => promQuery(prometheus.url, expr),
      waitFor,
      async prometheusAlerts(state) {
        const sel = state ? `ALERTS{alertstate="${state}"}` : 'ALERTS';
        return (await promQuery(prometheus.url, sel)).map((s) => s.metric);
      },
      alertmanagerAlerts: () => {
        if (!alertmanager) throw new Error('the stack runs without Alertmanager');
        return alertmanagerAlerts(alertmanager.url);
      },
      deliveredFiring(since = 0) {
        return webhook.notifications
          .flatMap((n) => n.alerts)
          .filter((a) => a.status === 'firing' && Date.parse(a.startsAt) >= since);
      },
      notifiedFiring(since) {
        return webhook.notifications
          .filter((n) => n.receivedAt >= since)
          .flatMap((n) => n.alerts)
          .filter((a) => a.status === 'firing');
      },
      async stopExporter() {
        if (!exporterStopped) {
          exporterStopped = true;
          await exporter.close();
        }
      },
      logs() {
        return [prometheus, alertmanager]
          .filter((p): p is ManagedProcess => !!p)
          .map((p) => `--- ${p.logPath}\n${tail(p.logPath, 20)}`)
          .join('\n');
      },
      async close() {
        await closeAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return stack;
  } catch (err) {
    await closeAll();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
