// What ztunnel's link to istiod will need next, before it breaks (the checks `linkerd check` and
// `istioctl precheck` make): istiod's CA certificates expiring, and a data plane at a version Istio
// does not support against the istiod that serves it.
import { SUPPORTED_MINORS_BEHIND } from '../../../src/istio.js';
import { JOB, type AlertGroupSpec } from '../spec.js';
import { IN_CLUSTER, KEEP_FIRING } from './common.js';

const DAY = 86_400;
/** Warn a month ahead (time to plan a root rotation), page a week ahead (linkerd check warns at 60 days). */
export const CERT_EXPIRY_WARNING_DAYS = 30;
export const CERT_EXPIRY_CRITICAL_DAYS = 7;

const EXPIRES_IN = `min by (cluster, certificate) (ambient_istiod_cert_expiry_timestamp_seconds{${JOB}}) - time()`;
const WHICH_CERT = "istiod's CA certificate {{ $labels.certificate }} (root_cert: the root of the mesh's trust bundle; cert_chain: the CA's signing chain)";
const WHEN = '{{ if lt $value 0.0 }}has expired{{ else }}expires in {{ humanizeDuration $value }}{{ end }}';

export const istiodLifecycleGroup: AlertGroupSpec = {
  title: 'istiod certificates and versions',
  name: 'ambient-istiod-lifecycle',
  alerts: [
    {
      alert: 'AmbientIstiodCertificateExpiryImminent',
      severity: 'critical',
      for: '10m',
      keepFiringFor: KEEP_FIRING.cause,
      expr: `${EXPIRES_IN} < ${CERT_EXPIRY_CRITICAL_DAYS * DAY}`,
      summary: `The CA certificate of istiod expires within ${CERT_EXPIRY_CRITICAL_DAYS} days.`,
      description:
        `${WHICH_CERT}${IN_CLUSTER} ${WHEN}. Once it has, ztunnels cannot get workload certificates that peers trust: ` +
        'mesh traffic fails cluster-wide as the workload certificates (24 h) run out.',
      meaning: `istiod's CA root or signing chain expires within ${CERT_EXPIRY_CRITICAL_DAYS} days (or has expired): rotate it now, or mTLS fails mesh-wide.`,
    },
    {
      alert: 'AmbientIstiodCertificateExpiringSoon',
      severity: 'warning',
      for: '1h',
      expr: `${EXPIRES_IN} < ${CERT_EXPIRY_WARNING_DAYS * DAY}`,
      summary: `The CA certificate of istiod expires within ${CERT_EXPIRY_WARNING_DAYS} days.`,
      description: `${WHICH_CERT}${IN_CLUSTER} ${WHEN}: plan its rotation (a root needs a period of overlapping trust).`,
      meaning: `istiod's CA root or signing chain expires within ${CERT_EXPIRY_WARNING_DAYS} days: time to plan the rotation.`,
    },
    {
      alert: 'AmbientDataPlaneVersionSkew',
      severity: 'warning',
      for: '30m',
      // Istio supports the data plane at istiod's minor version or one behind (src/istio.ts).
      expr: [
        `max by (cluster, component) (ambient_data_plane_version_skew{${JOB}}) > ${SUPPORTED_MINORS_BEHIND.max}`,
        'or',
        `min by (cluster, component) (ambient_data_plane_version_skew{${JOB}}) < ${SUPPORTED_MINORS_BEHIND.min}`,
      ].join('\n'),
      summary: 'The ambient data plane runs a version Istio does not support with its istiod.',
      description:
        `{{ $labels.component }}${IN_CLUSTER} runs {{ if lt $value 0.0 }}a newer minor version than istiod{{ else }}{{ printf "%.0f" $value }} minor versions behind istiod{{ end }} ` +
        'on some nodes: Istio supports ztunnel and istio-cni at the minor version of the istiod that serves them, or one behind. ' +
        'ambient_data_plane_version_skew lists the pods and versions.',
      meaning: 'A ztunnel or istio-cni pod runs more than one minor version behind the istiod serving the ztunnels, or a newer one (upgrade order: istiod, istio-cni, ztunnel).',
    },
  ],
};
