// The metric families of known issue 4 (workloads not on HBONE), declared once.
import { bool, family } from '../../export/family.js';
import type { EnrollmentSignals } from './detect.js';

type S = EnrollmentSignals;

export const FAMILIES = [
  family<S>({
    name: 'ambient_namespace_enrolled',
    type: 'gauge',
    help: 'Whether the namespace is labelled istio.io/dataplane-mode=ambient.',
    labels: ['namespace'],
    doc: '1 if labelled `istio.io/dataplane-mode=ambient`. Present for namespaces that are enrolled or expected.',
    rows: (s) => s.namespaces.map((r) => ({ labels: { namespace: r.namespace }, value: bool(r.enrolled) })),
  }),
  family<S>({
    name: 'ambient_namespace_enrollment_expected',
    type: 'gauge',
    help: 'Whether configuration says the namespace must be in the mesh.',
    labels: ['namespace'],
    doc:
      '1 if the enrollment policy (`--enroll-namespace`, `--enroll-selector`, minus `--enroll-exclude`) says the namespace must be ' +
      'in the mesh.',
    rows: (s) => s.namespaces.map((r) => ({ labels: { namespace: r.namespace }, value: bool(r.expected) })),
  }),
  family<S>({
    name: 'ambient_pods',
    type: 'gauge',
    help: 'Running pods of enrolled namespaces by redirection annotation (none = still plain TCP).',
    labels: ['namespace', 'redirection'],
    doc:
      'Running pod-network pods of enrolled namespaces (not opted out with `istio.io/dataplane-mode=none`, not sidecar-injected) ' +
      'by annotation: `enabled`, `pending`, `none` (`none` = still plain TCP).',
    rows: (s) => s.pods.map((r) => ({ labels: { namespace: r.namespace, redirection: r.redirection }, value: r.count })),
  }),
  family<S>({
    name: 'ambient_node_pods_redirection_enabled',
    type: 'gauge',
    help: "Running pods on the node annotated ambient.istio.io/redirection=enabled: what the node's ztunnel should proxy.",
    labels: ['node'],
    doc:
      'Running pod-network pods on the node annotated `ambient.istio.io/redirection: enabled`, for nodes whose ztunnel was ' +
      "scraped: compare with `ambient_ztunnel_workloads{state=\"active\"}` (the ztunnel's state map). Fewer active workloads " +
      'than this for over 3 minutes is the `pods_not_proxied` cause.',
    rows: (s) => s.proxied.map((r) => ({ labels: { node: r.node }, value: r.enabled })),
  }),
];
