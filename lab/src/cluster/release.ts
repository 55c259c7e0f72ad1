// What the Istio version changes in what the components serve. One profile per minor the lab
// simulates; each flag names the upstream change behind it (istio-ambient-facts §1, §5; the
// version notes of ztunnel 1.29/1.30 and istio-cni's error texts by release).
export const ISTIO_MINORS = ['1.24', '1.28', '1.30'] as const;
export type IstioMinor = (typeof ISTIO_MINORS)[number];
export const DEFAULT_ISTIO_MINOR: IstioMinor = '1.28';

export interface IstioRelease {
  minor: IstioMinor;
  /** the full tag every component reports (istio_build, images, pilot_info) */
  version: string;
  /** ztunnel: source/destination region and zone labels on istio_tcp_* (1.25+, src/proxy/metrics.rs) */
  localityLabels: boolean;
  /** ztunnel: process_open_fds / process_max_fds (src/metrics/process.rs, from 1.28) */
  processFds: boolean;
  /**
   * ztunnel's Content-Type (src/metrics/server.rs): 1.24 always OpenMetrics; 1.25-1.28 OpenMetrics
   * when the first `;` token of Accept asks for it; 1.29+ when any comma-separated entry does.
   */
  contentType: 'always-openmetrics' | 'first-entry' | 'any-entry';
  /** families with no sample left out: prometheus-client 0.24.1+ (ztunnel 1.29.3+, 1.30) */
  omitEmptyFamilies: boolean;
  /** istio_tcp_connections_failed_total and istio_tcp_sockets_open (1.29+) */
  failedAndSocketFamilies: boolean;
  /** response flags on outbound (reporter=source) failures too (1.29+; before, only inbound set them) */
  outboundFlags: boolean;
  /** ztunnel's DNS histogram bounds in declared order (1.29 fixed the unsorted 0.005 quirk, src/dns/metrics.rs) */
  dnsBuckets: readonly number[];
  /** istio-cni annotates a partially added pod `ambient.istio.io/redirection: pending` (1.25+) */
  redirectionPending: boolean;
  /** the node agent wraps ztunnel failures as `partial add error: ...` (1.24 cni/pkg/nodeagent/error.go) */
  partialAddWrapper: boolean;
  /** `pod add cannot be retried: ...` (ErrNonRetryableAdd, 1.25+); 1.24 returns the inner error raw */
  nonRetryableWrapper: boolean;
  /** the probe ipset is added with replace=false, so a stale entry fails with `exist` (1.24 only; 1.25 passes true) */
  ipsetExist: boolean;
}

const RELEASES: Record<IstioMinor, IstioRelease> = {
  '1.24': {
    minor: '1.24',
    version: '1.24.6',
    localityLabels: false,
    processFds: false,
    contentType: 'always-openmetrics',
    omitEmptyFamilies: false,
    failedAndSocketFamilies: false,
    outboundFlags: false,
    dnsBuckets: [0.005, 0.001, 0.01, 0.1, 1.0, 5.0],
    redirectionPending: false,
    partialAddWrapper: true,
    nonRetryableWrapper: false,
    ipsetExist: true,
  },
  '1.28': {
    minor: '1.28',
    version: '1.28.2',
    localityLabels: true,
    processFds: true,
    contentType: 'first-entry',
    omitEmptyFamilies: false,
    failedAndSocketFamilies: false,
    outboundFlags: false,
    dnsBuckets: [0.005, 0.001, 0.01, 0.1, 1.0, 5.0],
    redirectionPending: true,
    partialAddWrapper: false,
    nonRetryableWrapper: true,
    ipsetExist: false,
  },
  '1.30': {
    minor: '1.30',
    version: '1.30.2',
    localityLabels: true,
    processFds: true,
    contentType: 'any-entry',
    omitEmptyFamilies: true,
    failedAndSocketFamilies: true,
    outboundFlags: true,
    dnsBuckets: [0.0005, 0.001, 0.01, 0.1, 1.0, 5.0],
    redirectionPending: true,
    partialAddWrapper: false,
    nonRetryableWrapper: true,
    ipsetExist: false,
  },
};

export function isIstioMinor(v: string): v is IstioMinor {
  return (ISTIO_MINORS as readonly string[]).includes(v);
}

export function istioRelease(minor: IstioMinor = DEFAULT_ISTIO_MINOR): IstioRelease {
  return RELEASES[minor];
}
