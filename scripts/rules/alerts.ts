// Every alert the bundle ships, grouped by where the fault lives. Severity follows kubernetes-mixin:
// critical pages a person now, warning is a work-queue item, info only helps troubleshooting.
//
// `for` is a ladder so a cause is already firing in Alertmanager when the symptoms it explains start
// firing, and the inhibitions in inhibitions.ts can silence them from the first notification. It
// follows the troubleshooting order network → control plane → data plane:
//   3m  cross-node network (the lowest layer: it explains istiod looking unreachable), exporter stale
//   4m  cluster-wide istiod causes
//   5m  per-node causes (ztunnel <-> istiod, istio-cni agent not ready), exporter down or blind
//   10m ztunnel not Ready for another reason, exporter watch down
//   15m downstream effects (CNI pod creation blocked, xDS errors, ztunnel handshake failures), scrape
//       targets down, namespace hygiene
//   10m, 1h CA certificate expiring within 7 / 30 days (a date, not a flapping state)
//   20m istio-cni agent answering its plugin with errors (after the pod creation alert that explains it)
//   30m data plane version skew (longer than a rolling upgrade of the DaemonSets takes)
// Every step is longer than a DaemonSet rolling restart keeps a pod unready (seconds per node).
//
// keep_firing_for (KEEP_FIRING) on every critical mesh alert: a cause that clears or changes keeps
// silencing what it explained while that settles (a 5m rate window, the next cause's `for`), and an
// exporter lost mid-incident leaves its pages firing until AmbientExporterDown (5m) has paged. It
// is graded down the causal chain, 2m per step, so a cause always outlasts the symptoms it silences
// (they recover after it, and Prometheus evaluates each group at its own offset):
//   12m cross-node network
//   10m cluster-wide istiod causes, istio-cni agent not ready
//    8m ztunnel <-> istiod, ztunnel not Ready
//    6m CNI pod creation blocked
//
// Every expression aggregates `by (cluster, ...)` so the exporter's own target labels (instance, and
// pod/namespace of the exporter when no object label is exported) never leak into alerts, and a
// central Prometheus holding several clusters keeps them apart. Per-node alerts carry no `cause`
// label: a cause that changes would otherwise restart `for` and page again; the description reads
// the current cause back at evaluation time.

import type { AlertGroupSpec } from './spec.js';
import { enrollmentGroup } from './groups/enrollment.js';
import { exporterGroup } from './groups/exporter.js';
import { crossNodeNetworkGroup } from './groups/cross-node-network.js';
import { istioCniGroup } from './groups/istio-cni.js';
import { istiodGroup } from './groups/istiod.js';
import { istiodLifecycleGroup } from './groups/istiod-lifecycle.js';
import { ztunnelGroup } from './groups/ztunnel.js';

export { KEEP_FIRING } from './groups/common.js';

/** Every group, in the order the rule file and docs/alerts.md list them. */
export const ALERT_GROUPS: AlertGroupSpec[] = [istiodGroup, crossNodeNetworkGroup, ztunnelGroup, istioCniGroup, enrollmentGroup, istiodLifecycleGroup, exporterGroup];

/** The alert names the contract fixes (design/contract.md section 4). */
export const CONTRACT_ALERTS = [
  'AmbientZtunnelNotReady',
  'AmbientZtunnelIstiodUnreachable',
  'AmbientCrossNodeNetworkFailure',
  'AmbientPodCreationBlockedByCNI',
  'AmbientNamespaceNotEnrolled',
  'AmbientWorkloadsNotCaptured',
  'AmbientExporterDown',
  'AmbientExporterTargetDown',
] as const;
