// The end-to-end harness on the real-kernel lab: the overlay lab with an ambient mesh on it (node
// agents in every node namespace, the exporter in node-1's), a real Prometheus on the host scraping
// the exporter across the lab's underlay with the shipped rules (time compressed as in stack.ts),
// and a real Alertmanager with the shipped routing and inhibitions delivering to a webhook.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OverlayLab } from '../../netlab/src/index.js';
import { AmbientOnLab } from '../../netlab/src/ambient.js';
import {
  alertmanagerAlerts,
  promQuery,
  shippedRulesYaml,
  startAlertmanager,
  startPrometheus,
  startWebhook,
  testRules,
  type AmAlert,
  type Sample,
  type WebhookAlert,
} from './stack.js';
import { waitFor } from '../support/wait.js';

export interface NetlabStack {
  lab: OverlayLab;
  mesh: AmbientOnLab;
  prometheusUrl: string;
  query(expr: string): Promise<Sample[]>;
  prometheusAlerts(): Promise<Record<string, string>[]>;
  alertmanagerAlerts(): Promise<AmAlert[]>;
  /** firing alerts in the notifications received at or after `since` (ms) */
  notifiedFiring(since: number): WebhookAlert[];
  /** the receiver of each firing notification received at or after `since`, by alert */
  receivers(since: number): { receiver: string; labels: Record<string, string> }[];
  /** the firing notifications (webhook deliveries) received at or after `since`, each with its alerts' names and nodes */
  firingNotifications(since: number): string[][];
  close(): Promise<void>;
}

/**
 * The alerts that fired in the last `window` seconds, once the rules have run on the exporter's
 * data for that long (longer than the longest compressed `for`, 9 s, by default): [] when healthy.
 */
export async function alertsOverWindow(stack: NetlabStack, window = 12): Promise<Sample[]> {
  await waitFor(
    async () => ((await stack.query(`count_over_time(issue:ambient_issue_affected:max{issue="cross_node_network"}[${window}s])`))[0]?.value ?? 0) >= window,
    { timeoutMs: 30_000, what: `${window}s of rule evaluations` },
  );
  return stack.query(`count_over_time(ALERTS[${window}s])`);
}

/** Removes every fault and waits until no alert is left in Prometheus or Alertmanager; returns when the removal began (ms). */
export async function clearFaults(stack: NetlabStack, snapshot: (since: number) => Promise<string>): Promise<number> {
  const clearedAt = Date.now();
  await stack.lab.removeAll();
  await waitFor(async () => (await stack.prometheusAlerts()).length === 0 && (await stack.alertmanagerAlerts()).length === 0, {
    timeoutMs: 60_000,
    what: async () => `no alerts after the fault was removed\n${await snapshot(clearedAt)}`,
  });
  return clearedAt;
}

/** `nodes`: the lab's node count (default 3; a partition of two groups of two needs 4). */
export async function startNetlabStack(opts: { nodes?: number } = {}): Promise<NetlabStack> {
  const dir = mkdtempSync(join(tmpdir(), 'ambient-e2e-netlab-'));
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const lab = await OverlayLab.start({ nodes: opts.nodes ?? 3, podsPerNode: 2, hostAddress: true });
    cleanups.push(() => lab.stop());
    const mesh = await AmbientOnLab.start(lab);
    cleanups.push(() => mesh.close());
    await mesh.startAgents();
    await mesh.startExporter();

    const webhook = await startWebhook();
    cleanups.push(() => webhook.close());
    const alertmanager = await startAlertmanager({ dir, webhookUrl: webhook.url });
    cleanups.push(() => alertmanager.stop());
    // short range windows keep keep_firing_for short: no alert here reads a rate of the lab's counters
    const rules = testRules(shippedRulesYaml(), { rangeWindow: '4s', forStepSeconds: 1 });
    const prometheus = await startPrometheus({ dir, exporterAddress: new URL(mesh.exporterUrl).host, alertmanagerAddress: new URL(alertmanager.url).host });
    cleanups.push(() => prometheus.stop());
    await waitFor(async () => (await promQuery(prometheus.url, 'up == 1')).length === 1, { timeoutMs: 20_000, what: 'the exporter scraped across the underlay' });
    await prometheus.loadRules(rules.yaml);
    await waitFor(
      async () => {
        const body = (await (await fetch(`${prometheus.url}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: unknown[] } };
        return body.data.activeAlertmanagers.length > 0;
      },
      { timeoutMs: 20_000, what: 'Prometheus to discover Alertmanager' },
    );
    return {
      lab,
      mesh,
      prometheusUrl: prometheus.url,
      query: (expr) => promQuery(prometheus.url, expr),
      prometheusAlerts: async () => (await promQuery(prometheus.url, 'ALERTS')).map((s) => s.metric),
      alertmanagerAlerts: () => alertmanagerAlerts(alertmanager.url),
      notifiedFiring: (since) =>
        webhook.notifications
          .filter((n) => n.receivedAt >= since)
          .flatMap((n) => n.alerts)
          .filter((a) => a.status === 'firing'),
      receivers: (since) =>
        webhook.notifications
          .filter((n) => n.receivedAt >= since && n.status === 'firing')
          .flatMap((n) => n.alerts.filter((a) => a.status === 'firing').map((a) => ({ receiver: n.receiver, labels: a.labels }))),
      firingNotifications: (since) =>
        webhook.notifications
          .filter((n) => n.receivedAt >= since && n.status === 'firing')
          .map((n) => n.alerts.filter((a) => a.status === 'firing').map((a) => `${a.labels.alertname}{node=${a.labels.node ?? ''}}`).sort()),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
