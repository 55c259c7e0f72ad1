// Known issue 4: namespaces and workloads not in the mesh.
import { JOB, type AlertGroupSpec } from '../spec.js';
import { KEEP_FIRING } from './common.js';

export const enrollmentGroup: AlertGroupSpec = {
  title: 'Enrollment',
  name: 'ambient-enrollment',
  alerts: [
    {
      alert: 'AmbientNamespaceNotEnrolled',
      severity: 'warning',
      for: '15m',
      expr: `max by (cluster, namespace) (ambient_namespace_issue{${JOB}, issue="namespace_not_enrolled", cause="label_missing"}) > 0`,
      summary: 'A namespace expected in the ambient mesh is not enrolled.',
      description:
        'Namespace {{ $labels.namespace }} should be in the ambient mesh but lacks the label istio.io/dataplane-mode=ambient: ' +
        'its workloads talk plain TCP, without mutual TLS or mesh policy.',
      meaning: 'A namespace that policy says belongs to the mesh lacks `istio.io/dataplane-mode=ambient`.',
    },
    {
      alert: 'AmbientWorkloadsNotCaptured',
      severity: 'warning',
      for: '15m',
      expr: `max by (cluster, namespace) (ambient_namespace_issue{${JOB}, issue="namespace_not_enrolled", cause="pods_not_captured"}) > 0`,
      summary: 'Running pods enrolled in ambient are not captured by ztunnel.',
      // Enrolled by the namespace's label or by the pod's own (cni/pkg/util/podutil.go): a pod labelled
      // istio.io/dataplane-mode=ambient counts in an unlabelled namespace, one labelled none never does.
      description:
        'Namespace {{ $labels.namespace }} has running pods enrolled in ambient (by the namespace\'s or their own istio.io/dataplane-mode=ambient label) ' +
        'that istio-cni has not enrolled (no ambient.istio.io/redirection annotation): they still talk plain TCP instead of HBONE.',
      meaning:
        "A namespace has running pods enrolled in ambient (by its label or their own) that istio-cni did not enroll (no redirection: still plain TCP, not HBONE).",
    },
    {
      alert: 'AmbientWorkloadsNotProxied',
      severity: 'critical',
      // After the alerts that explain it (a cut-off node, a ztunnel or istio-cni agent down, a ztunnel
      // without istiod): the exporter already waits 3 minutes past pod churn before reporting the cause.
      for: '15m',
      keepFiringFor: KEEP_FIRING.podCreation,
      expr: `max by (cluster, node) (ambient_node_issue{${JOB}, issue="namespace_not_enrolled", cause="pods_not_proxied"}) > 0`,
      summary: 'Pods marked as in the mesh bypass ztunnel on a node.',
      description:
        'The ztunnel on node {{ $labels.node }} proxies fewer workloads than the node runs pods annotated ambient.istio.io/redirection=enabled: ' +
        'those pods look enrolled, but their traffic leaves as plain TCP, without mutual TLS or mesh policy, and peers that require mTLS (STRICT) ' +
        'reject it. This follows a node reboot without a drain; the pods need to be recreated to be captured again.',
      meaning: "A node's ztunnel proxies fewer pods than run there annotated `enabled`: those pods bypass the mesh (plain TCP) after a node reboot.",
    },
      {
      alert: 'AmbientCniPluginNotConfigured',
      severity: 'warning',
      // Longer than istio-cni takes to put its plugin back after Flannel's install-cni rewrote the
      // config at boot (seconds), and than its own start with the node-readiness taint in place.
      for: '15m',
      expr: `max by (cluster, node) (ambient_node_issue{${JOB}, issue="namespace_not_enrolled", cause="cni_plugin_not_configured"}) > 0`,
      summary: "A node's CNI configuration lacks the istio-cni plugin.",
      description:
        'On node {{ $labels.node }} istio-cni runs, but the active CNI configuration (the first file in /etc/cni/net.d, read by the node agent) ' +
        'chains no istio-cni plugin: pods that start there are not handed to istio-cni and start outside the ambient mesh, on plain TCP.',
      meaning: "A node's active CNI config lacks the istio-cni plugin while istio-cni runs there (seen by its node agent): new pods start outside the mesh.",
    },
  ],
};
