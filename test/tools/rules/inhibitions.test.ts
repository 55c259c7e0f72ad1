// The shipped inhibitions, applied by a real Alertmanager (0.25) to hand-made sets of firing alerts:
// for each situation, which alerts a receiver would get and which are held back. Each situation
// runs in its own `cluster`, which also proves that a cause in one cluster silences nothing in
// another. Situations the lab cannot reproduce (istio-cni agent down, a silenced cause) live here.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertmanagerAlerts, startAlertmanager, startWebhook, type AmAlert, type Webhook } from '../../e2e/stack.js';
import { waitFor } from '../../support/wait.js';
import { allAlerts } from '../../../scripts/rules/render.js';

type Labels = Record<string, string>;

interface Situation {
  title: string;
  /** firing alerts: alertname plus their labels (severity is added from the rules) */
  firing: Array<[string, Labels?]>;
  /** alerts to silence, by the same [alertname, labels] */
  silenced?: Array<[string, Labels?]>;
  /** what stays active (reaches a receiver); everything else must be suppressed */
  delivered: Array<[string, Labels?]>;
}

const SITUATIONS: Situation[] = [
  {
    title: 'istio-cni agent down on a node: the agent pages, the ztunnel and pod creation alerts of that node do not',
    firing: [
      ['AmbientIstioCniNotReady', { node: 'a' }],
      ['AmbientZtunnelNotReady', { node: 'a', pod: 'ztunnel-a' }],
      ['AmbientPodCreationBlockedByCNI', { node: 'a' }],
      ['AmbientExporterTargetDown', { node: 'a', component: 'istio-cni', pod: 'istio-cni-node-a' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
    ],
    delivered: [
      ['AmbientIstioCniNotReady', { node: 'a' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
    ],
  },
  {
    title: 'a silenced istiod cause still holds back the ztunnel xDS alerts, and never a crashing ztunnel or istio-cni',
    firing: [
      ['AmbientIstiodXdsPortMissing', { port: '15012' }],
      ['AmbientZtunnelIstiodUnreachable', { node: 'a' }],
      ['AmbientZtunnelXdsConnectionErrors', { node: 'a' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
      ['AmbientPodCreationBlockedByCNI', { node: 'c' }],
      ['AmbientIstioCniNotReady', { node: 'd' }],
    ],
    silenced: [['AmbientIstiodXdsPortMissing', { port: '15012' }]],
    delivered: [
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
      ['AmbientPodCreationBlockedByCNI', { node: 'c' }],
      ['AmbientIstioCniNotReady', { node: 'd' }],
    ],
  },
  {
    title: 'a cut-off node: its ztunnel and pod-network scrapes are held back, its host-network istio-cni alerts are not',
    firing: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a' }],
      ['AmbientZtunnelNotReady', { node: 'a', pod: 'ztunnel-a' }],
      ['AmbientZtunnelIstiodUnreachable', { node: 'a' }],
      ['AmbientExporterTargetDown', { node: 'a', component: 'ztunnel', pod: 'ztunnel-a' }],
      ['AmbientExporterTargetDown', { node: 'a', component: 'istio-cni', pod: 'istio-cni-node-a' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
      ['AmbientIstiodXdsUnreachable'],
    ],
    delivered: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a' }],
      ['AmbientExporterTargetDown', { node: 'a', component: 'istio-cni', pod: 'istio-cni-node-a' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
      ['AmbientIstiodXdsUnreachable'],
    ],
  },
  {
    title: 'a cut-off node and its istio-cni agent down: two faults, two pages',
    firing: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a' }],
      ['AmbientIstioCniNotReady', { node: 'a' }],
    ],
    delivered: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a' }],
      ['AmbientIstioCniNotReady', { node: 'a' }],
    ],
  },
  {
    title: "the node holding every ready istiod cut off: one page for every node's ztunnel alerts and the failed dials",
    firing: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a', hosts_istiod: 'true' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
      ['AmbientZtunnelIstiodUnreachable', { node: 'c' }],
      ['AmbientZtunnelXdsConnectionErrors', { node: 'c' }],
      ['AmbientIstiodXdsUnreachable'],
      ['AmbientExporterTargetDown', { node: 'b', component: 'ztunnel', pod: 'ztunnel-b' }],
      ['AmbientExporterTargetDown', { node: 'b', component: 'istio-cni', pod: 'istio-cni-node-b' }],
      ['AmbientIstioCniNotReady', { node: 'c' }],
      ['AmbientIstiodXdsPortMissing', { port: '15012' }],
    ],
    delivered: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a', hosts_istiod: 'true' }],
      ['AmbientExporterTargetDown', { node: 'b', component: 'istio-cni', pod: 'istio-cni-node-b' }],
      ['AmbientIstioCniNotReady', { node: 'c' }],
      ['AmbientIstiodXdsPortMissing', { port: '15012' }],
    ],
  },
  {
    title: "the exporter's own node cut off: one page for it; its failed scrapes of pod-network pods anywhere are held back, istio-cni's are not",
    firing: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a', exporter_node: 'true' }],
      ['AmbientExporterTargetDown', { node: 'b', component: 'ztunnel', pod: 'ztunnel-b' }],
      ['AmbientExporterTargetDown', { node: 'c', component: 'istiod', pod: 'istiod-c' }],
      ['AmbientExporterTargetDown', { node: 'a', component: 'ztunnel', pod: 'ztunnel-a' }],
      ['AmbientExporterTargetDown', { node: 'b', component: 'istio-cni', pod: 'istio-cni-node-b' }],
      // a ztunnel's Ready condition comes from the API server, not through the cut-off node: still its own page
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
    ],
    delivered: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a', exporter_node: 'true' }],
      ['AmbientExporterTargetDown', { node: 'b', component: 'istio-cni', pod: 'istio-cni-node-b' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
    ],
  },
  {
    title: "the exporter's own node cut off holding every ready istiod: one page for the whole cluster's ztunnel alerts",
    firing: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a', exporter_node: 'true', hosts_istiod: 'true' }],
      ['AmbientZtunnelNotReady', { node: 'b', pod: 'ztunnel-b' }],
      ['AmbientZtunnelIstiodUnreachable', { node: 'c' }],
      ['AmbientExporterTargetDown', { node: 'b', component: 'ztunnel', pod: 'ztunnel-b' }],
      ['AmbientIstiodXdsUnreachable'],
      ['AmbientIstioCniNotReady', { node: 'c' }],
    ],
    delivered: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a', exporter_node: 'true', hosts_istiod: 'true' }],
      ['AmbientIstioCniNotReady', { node: 'c' }],
    ],
  },
  {
    title: 'pods bypassing ztunnel: held back on a node whose network, istio-cni agent or ztunnel explains them, paged elsewhere',
    firing: [
      ['AmbientWorkloadsNotProxied', { node: 'a' }],
      ['AmbientCrossNodeNetworkFailure', { node: 'a' }],
      ['AmbientWorkloadsNotProxied', { node: 'b' }],
      ['AmbientIstioCniNotReady', { node: 'b' }],
      ['AmbientWorkloadsNotProxied', { node: 'c' }],
      ['AmbientZtunnelIstiodUnreachable', { node: 'c' }],
      ['AmbientWorkloadsNotProxied', { node: 'd' }],
      ['AmbientZtunnelNotReady', { node: 'd', pod: 'ztunnel-d' }],
      ['AmbientWorkloadsNotProxied', { node: 'e' }],
      // a warning about Flannel on the node silences nothing: the datapath still forwards
      ['AmbientFlannelNotReady', { node: 'e' }],
    ],
    delivered: [
      ['AmbientCrossNodeNetworkFailure', { node: 'a' }],
      ['AmbientIstioCniNotReady', { node: 'b' }],
      ['AmbientZtunnelIstiodUnreachable', { node: 'c' }],
      ['AmbientZtunnelNotReady', { node: 'd', pod: 'ztunnel-d' }],
      ['AmbientWorkloadsNotProxied', { node: 'e' }],
      ['AmbientFlannelNotReady', { node: 'e' }],
    ],
  },
  {
    title: 'a ztunnel without xDS: its stream errors are held back; a crash (not Ready, not waiting for istiod) and pod creation are not',
    firing: [
      ['AmbientZtunnelIstiodUnreachable', { node: 'a' }],
      ['AmbientZtunnelXdsConnectionErrors', { node: 'a' }],
      ['AmbientZtunnelNotReady', { node: 'a', pod: 'ztunnel-a' }],
      ['AmbientPodCreationBlockedByCNI', { node: 'b' }],
    ],
    delivered: [
      ['AmbientZtunnelIstiodUnreachable', { node: 'a' }],
      ['AmbientZtunnelNotReady', { node: 'a', pod: 'ztunnel-a' }],
      ['AmbientPodCreationBlockedByCNI', { node: 'b' }],
    ],
  },
  {
    title: "a CA certificate within 7 days: its 30-day warning is held back, another certificate's is not",
    firing: [
      ['AmbientIstiodCertificateExpiryImminent', { certificate: 'cert_chain' }],
      ['AmbientIstiodCertificateExpiringSoon', { certificate: 'cert_chain' }],
      ['AmbientIstiodCertificateExpiringSoon', { certificate: 'root_cert' }],
    ],
    delivered: [
      ['AmbientIstiodCertificateExpiryImminent', { certificate: 'cert_chain' }],
      ['AmbientIstiodCertificateExpiringSoon', { certificate: 'root_cert' }],
    ],
  },
  {
    title: "pods refused on a node (blocked pod creation, the agent or the ztunnel down): the agent's plugin errors there are held back, another node's are not",
    firing: [
      ['AmbientPodCreationBlockedByCNI', { node: 'a' }],
      ['AmbientIstioCniAgentErrors', { node: 'a' }],
      ['AmbientIstioCniNotReady', { node: 'b' }],
      ['AmbientIstioCniAgentErrors', { node: 'b' }],
      ['AmbientZtunnelNotReady', { node: 'c', pod: 'ztunnel-c' }],
      ['AmbientIstioCniAgentErrors', { node: 'c' }],
      ['AmbientIstioCniAgentErrors', { node: 'd' }],
    ],
    delivered: [
      ['AmbientPodCreationBlockedByCNI', { node: 'a' }],
      ['AmbientIstioCniNotReady', { node: 'b' }],
      ['AmbientZtunnelNotReady', { node: 'c', pod: 'ztunnel-c' }],
      ['AmbientIstioCniAgentErrors', { node: 'd' }],
    ],
  },
  {
    title: 'a ztunnel without istiod: its handshake failures are held back; another node\'s are not',
    firing: [
      ['AmbientZtunnelIstiodUnreachable', { node: 'a' }],
      ['AmbientZtunnelHandshakeFailures', { node: 'a' }],
      ['AmbientZtunnelHandshakeFailures', { node: 'b' }],
    ],
    delivered: [
      ['AmbientZtunnelIstiodUnreachable', { node: 'a' }],
      ['AmbientZtunnelHandshakeFailures', { node: 'b' }],
    ],
  },
  {
    title: 'the exporter frozen: its own health alerts are held back',
    firing: [
      ['AmbientExporterStale'],
      ['AmbientExporterTargetDown', { node: 'a', component: 'ztunnel', pod: 'ztunnel-a' }],
      ['AmbientExporterKubeWatchDown', { resource: 'pods' }],
    ],
    delivered: [['AmbientExporterStale']],
  },
  {
    title: 'the exporter blind (the API away): its watch and target alerts are held back, a mesh alert still firing is not',
    firing: [
      ['AmbientExporterBlind'],
      ['AmbientExporterKubeWatchDown', { resource: 'pods' }],
      ['AmbientExporterTargetDown', { node: 'a', component: 'ztunnel', pod: 'ztunnel-a' }],
      ['AmbientCrossNodeNetworkFailure', { node: 'b' }],
    ],
    delivered: [['AmbientExporterBlind'], ['AmbientCrossNodeNetworkFailure', { node: 'b' }]],
  },
];

const severity = new Map(allAlerts().map((a) => [a.alert, a.severity]));

function labelsOf(cluster: string, [alertname, labels]: [string, Labels?]): Labels {
  return { alertname, cluster, severity: severity.get(alertname) ?? 'none', ...labels };
}

const key = (l: Labels) =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(',');

describe('rules: inhibitions applied by Alertmanager', function () {
  this.timeout(30_000);
  let dir = '';
  let webhook: Webhook | undefined;
  let am: { url: string; stop(): Promise<void> } | undefined;
  let alerts: AmAlert[] = [];

  // startAlertmanager fails with a pointer to scripts/ensure-prometheus.sh when the binary is missing
  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'ambient-inhibit-'));
    webhook = await startWebhook();
    am = await startAlertmanager({ dir, webhookUrl: webhook.url });
    const url = am.url;
    const posted = SITUATIONS.flatMap((s, i) => s.firing.map((a) => ({ labels: labelsOf(`situation-${i}`, a) })));
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    for (const [i, s] of SITUATIONS.entries()) {
      for (const a of s.silenced ?? []) {
        const matchers = Object.entries(labelsOf(`situation-${i}`, a)).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
        const res = await fetch(`${url}/api/v2/silences`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ matchers, startsAt, endsAt, createdBy: 'test', comment: 'a cause believed false' }),
        });
        expect(res.ok, `silence: ${res.status} ${await res.text()}`).to.equal(true);
      }
    }
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(posted.map((p) => ({ ...p, startsAt, endsAt }))),
    });
    expect(res.ok, `post alerts: ${res.status} ${await res.text()}`).to.equal(true);
    alerts = await waitFor(
      async () => {
        const got = await alertmanagerAlerts(url);
        return got.length === posted.length && got.every((a) => a.status.state !== 'unprocessed') ? got : undefined;
      },
      { timeoutMs: 10_000, what: `${posted.length} alerts processed by Alertmanager` },
    );
  });

  after(async () => {
    await am?.stop();
    await webhook?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, s] of SITUATIONS.entries()) {
    it(s.title, () => {
      const cluster = `situation-${i}`;
      const mine = alerts.filter((a) => a.labels.cluster === cluster);
      const active = mine.filter((a) => a.status.state === 'active').map((a) => key(a.labels)).sort();
      expect(active, 'active (delivered) alerts').to.deep.equal(s.delivered.map((d) => key(labelsOf(cluster, d))).sort());
      const silenced = new Set((s.silenced ?? []).map((d) => key(labelsOf(cluster, d))));
      for (const a of mine.filter((x) => x.status.state !== 'active')) {
        if (silenced.has(key(a.labels))) expect(a.status.silencedBy, `${key(a.labels)} silenced`).to.not.be.empty;
        else expect(a.status.inhibitedBy, `${key(a.labels)} held back by an inhibition`).to.not.be.empty;
      }
    });
  }
});
