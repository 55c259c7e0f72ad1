// Names Istio, Flannel and Kubernetes use for the objects the exporter reads. Each comes from the
// upstream charts and source cited in shared/reference/istio-ambient-facts.md.

export const LABEL_DATAPLANE_MODE = 'istio.io/dataplane-mode';
export const DATAPLANE_MODE_AMBIENT = 'ambient';
export const ANNOTATION_REDIRECTION = 'ambient.istio.io/redirection';
export const REDIRECTION_VALUES = ['enabled', 'pending', 'none'] as const;
export type Redirection = (typeof REDIRECTION_VALUES)[number];

export const REASON_FAILED_CREATE_POD_SANDBOX = 'FailedCreatePodSandBox';

/** Pod label selectors, as key=value pairs; a pod matches when every pair matches. */
export const ZTUNNEL_POD_LABELS = { app: 'ztunnel' };
/** The ztunnel chart's pods also carry this (manifests/charts/ztunnel/templates/daemonset.yaml, 1.24 and 1.28). */
export const ZTUNNEL_CHART_LABELS = { 'app.kubernetes.io/name': 'ztunnel' };
export const ISTIOD_POD_LABELS = { app: 'istiod' };
export const CNI_POD_LABELS = { 'k8s-app': 'istio-cni-node' };
/** Upstream kube-flannel (namespace kube-flannel) carries app=flannel; Talos (kube-system) only k8s-app=flannel. */
export const FLANNEL_POD_LABELS = { 'k8s-app': 'flannel' };
export const FLANNEL_POD_LABELS_UPSTREAM = { app: 'flannel' };
/** This project's node agents (manifests/agent): label and namespace of their DaemonSet's pods. */
export const AGENT_POD_LABELS = { 'app.kubernetes.io/name': 'ambient-exporter-agent' };
export const AGENT_NAMESPACE = 'ambient-exporter-agent';

/**
 * The container of each component whose image tag is the Istio version: the charts name them
 * install-cni (istio-cni), istio-proxy (ztunnel) and discovery (istiod), and tag the image
 * `<tag>[-<variant>]`, the tag defaulting to the release's version (the daemonset.yaml or
 * deployment.yaml and the `istio-tag` template of _helpers.tpl in manifests/charts/istio-cni,
 * ztunnel and istio-control/istio-discovery). istio-cni exports no
 * istio_build, so its image is the only place its version shows (facts §5.2).
 */
export const ISTIO_VERSIONED_CONTAINERS: readonly string[] = ['install-cni', 'istio-proxy', 'discovery'];

/**
 * What Istio supports between the ambient data plane (ztunnel, istio-cni) and the control plane:
 * "The ztunnel at version 1.x is compatible with the control plane at version 1.x+1 and 1.x", and
 * the same for the CNI node agent (istio.io, docs/ambient/upgrade/helm; istio/istio.io
 * content/en/docs/ambient/upgrade/helm/index.md). In minor versions the data plane is behind istiod.
 */
export const SUPPORTED_MINORS_BEHIND = { min: 0, max: 1 } as const;

export const ISTIOD_SERVICE_NAME = 'istiod';
/** ztunnel's env naming the istiod address it dials (the chart: istiod[-<rev>].<ns>.svc:15012). */
export const ENV_XDS_ADDRESS = 'XDS_ADDRESS';

export const PORTS = {
  ztunnelStats: 15020,
  ztunnelReadiness: 15021,
  istiodMonitoring: 15014,
  istiodXds: 15012,
  cniMonitoring: 15014,
} as const;

export const ZTUNNEL_METRICS_PATH = '/stats/prometheus';
export const ISTIOD_METRICS_PATH = '/metrics';
export const CNI_METRICS_PATH = '/metrics';
export const ZTUNNEL_READINESS_PATH = '/healthz/ready';

/** Set on sidecar-injected pods; istio-cni never redirects those into ztunnel. */
export const ANNOTATION_SIDECAR_STATUS = 'sidecar.istio.io/status';

/** Values of ztunnel's istio_xds_connection_terminations `reason` label (src/xds/client.rs). */
export const XDS_TERMINATION_REASONS = ['ConnectionError', 'Error', 'Reconnect', 'Complete'] as const;
/** The reasons that mean the stream failed, as opposed to the routine reconnect. */
export const XDS_ERROR_REASONS: readonly string[] = ['ConnectionError', 'Error'];

/**
 * Values of response_flags on ztunnel's istio_tcp_connections_failed (1.29+): the flags with which
 * ConnectionResult records a failure (istio/ztunnel@release-1.29 src/proxy/metrics.rs, ResponseFlags).
 */
export const CONNECTION_FAILURE_FLAGS = ['CONNECT', 'DENY', 'TLS_FAILURE', 'H2_HANDSHAKE_FAILURE', 'NETWORK_POLICY', 'IDENTITY_ERROR'] as const;
/**
 * The failures of the mesh's own handshake (mTLS, HBONE's HTTP/2, the peer's identity), as opposed to
 * an upstream that refuses (CONNECT) or a policy that denies (DENY, NETWORK_POLICY).
 */
export const HANDSHAKE_FAILURE_FLAGS: readonly string[] = ['TLS_FAILURE', 'H2_HANDSHAKE_FAILURE', 'IDENTITY_ERROR'];

/** Values of istio-cni's istio_cni_plugin_requests_total response_code (cni/pkg/nodeagent/cni-watcher.go, 1.31). */
export const CNI_PLUGIN_RESPONSE_CODES = ['200', '400', '500'] as const;

/** ztunnel readiness task names (src/app.rs, src/inpod/workloadmanager.rs). */
export const ZTUNNEL_TASK_STATE_MANAGER = 'state manager';

export const FLANNEL_ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';
export const FLANNEL_BACKEND_TYPE = `${FLANNEL_ANNOTATION_PREFIX}/backend-type`;
export const FLANNEL_BACKEND_DATA = `${FLANNEL_ANNOTATION_PREFIX}/backend-data`;
/** IPv6 lease data; an IPv6-only cluster writes only this one (flannel pkg/subnet/kube/kube.go). */
export const FLANNEL_BACKEND_V6_DATA = `${FLANNEL_ANNOTATION_PREFIX}/backend-v6-data`;
export const FLANNEL_SUBNET_MANAGER = `${FLANNEL_ANNOTATION_PREFIX}/kube-subnet-manager`;
export const FLANNEL_PUBLIC_IP = `${FLANNEL_ANNOTATION_PREFIX}/public-ip`;
/** The node's IPv6 underlay address; an IPv6-only node has this and no public-ip (flannel pkg/subnet/kube/kube.go). */
export const FLANNEL_PUBLIC_IPV6 = `${FLANNEL_ANNOTATION_PREFIX}/public-ipv6`;

export function matchesLabels(labels: Record<string, string>, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

// What kube/convert.ts keeps of pod and node metadata; every other key is dropped on arrival (a
// pod's annotations alone often hold several KiB). A detection that reads a new key adds it here.

/** Pod labels read: the component selectors above, enrollment opt-out, and the usual app labels. */
export const POD_LABEL_KEYS: readonly string[] = [
  ...new Set([
    ...Object.keys(ZTUNNEL_POD_LABELS),
    ...Object.keys(ISTIOD_POD_LABELS),
    ...Object.keys(CNI_POD_LABELS),
    ...Object.keys(FLANNEL_POD_LABELS),
    ...Object.keys(FLANNEL_POD_LABELS_UPSTREAM),
    LABEL_DATAPLANE_MODE,
    'app.kubernetes.io/name',
    'istio',
  ]),
];
/** Pod annotations read: istio-cni's redirection state, and the sidecar injector's mark. */
export const POD_ANNOTATION_KEYS: readonly string[] = [ANNOTATION_REDIRECTION, ANNOTATION_SIDECAR_STATUS];
export const NODE_LABEL_KEYS: readonly string[] = ['kubernetes.io/hostname'];
/** Node annotations read: what Flannel's kube subnet manager writes. */
export const NODE_ANNOTATION_KEYS: readonly string[] = [
  FLANNEL_BACKEND_TYPE,
  FLANNEL_BACKEND_DATA,
  FLANNEL_BACKEND_V6_DATA,
  FLANNEL_SUBNET_MANAGER,
  FLANNEL_PUBLIC_IP,
  FLANNEL_PUBLIC_IPV6,
];
