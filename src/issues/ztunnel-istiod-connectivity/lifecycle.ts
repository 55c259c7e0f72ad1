// What ztunnel's link to istiod will need next, before it breaks: istiod's CA certificates and when
// they expire, the versions of the data plane against the istiod that serves it, and the
// connections ztunnel fails to establish (1.29+), the TLS and identity ones being what an expired
// or rotated CA shows first. Pure: read from this round's scrapes and cluster state.
import { CONNECTION_FAILURE_FLAGS } from '../../istio.js';
import type { ClusterState, PodInfo, ScrapeResult } from '../../model.js';
import { ISTIOD_SAMPLES, ZTUNNEL_SAMPLES } from '../../scrape/families.js';
import { minorVersion, minorsBehind, skewSupported } from '../istio-version.js';
import { counterByNodeAnd, labelOf, samplesNamed } from '../samples.js';

export type CaCertificate = 'root_cert' | 'cert_chain';

export interface CaCertificateExpiry {
  /** the istiod pod that reported it */
  pod: string;
  /** root_cert: the first root of istiod's trust bundle; cert_chain: the CA's signing chain (a plugged-in CA) */
  certificate: CaCertificate;
  /** Unix seconds */
  expiresAtSeconds: number;
}

export interface VersionSkew {
  component: 'ztunnel' | 'istio-cni';
  node: string;
  pod: string;
  version: string;
  /** a version of the istiod pods behind the Service the ztunnels dial */
  istiodVersion: string;
  /** minor versions the component is behind that istiod; negative when it is newer */
  minorsBehind: number;
  /** within what Istio supports (SUPPORTED_MINORS_BEHIND) */
  supported: boolean;
}

export interface ConnectionsFailed {
  node: string;
  /** one of CONNECTION_FAILURE_FLAGS, or `other` */
  responseFlags: string;
  value: number;
}

const CA_SAMPLES: readonly [CaCertificate, string][] = [
  ['root_cert', ISTIOD_SAMPLES.rootCertExpiry],
  ['cert_chain', ISTIOD_SAMPLES.certChainExpiry],
];

/**
 * istiod's CA certificate expiries, per pod. A value that is not a positive finite time is left
 * out: Istio before 1.24 recorded a failed parse as such a value, and it says nothing of the date.
 */
export function caCertificateExpiry(istiodScrapes: readonly ScrapeResult[]): CaCertificateExpiry[] {
  return istiodScrapes.flatMap((s) =>
    CA_SAMPLES.flatMap(([certificate, name]) => {
      const values = samplesNamed(s, name)
        .map((x) => x.value)
        .filter((v) => Number.isFinite(v) && v > 0);
      // a series given twice (invalid exposition) counts with its earliest expiry
      return values.length === 0 ? [] : [{ pod: s.target.pod, certificate, expiresAtSeconds: Math.min(...values) }];
    }),
  );
}

/** The version an istiod scrape reports (istio_build's tag, else pilot_info's version), cut to 64 characters. */
export function istiodVersionOf(s: ScrapeResult): string | undefined {
  return (labelOf(s, ISTIOD_SAMPLES.build, 'tag') ?? labelOf(s, ISTIOD_SAMPLES.info, 'version'))?.slice(0, 64);
}

/** ztunnel's own istio_build tag, cut to 64 characters. */
export function ztunnelVersionOf(s: ScrapeResult): string | undefined {
  return labelOf(s, ZTUNNEL_SAMPLES.build, 'tag')?.slice(0, 64);
}

interface Versioned {
  node: string;
  pod: string;
  version: string;
}

/**
 * Each pod's version: what its scrape reports, else its image tag; pods scraped but not listed
 * (static targets) count with their scrape.
 */
function versionsOf(pods: readonly PodInfo[], scrapes: readonly ScrapeResult[], fromScrape: (s: ScrapeResult) => string | undefined): Versioned[] {
  const scraped = new Map(scrapes.flatMap((s) => {
    const v = fromScrape(s);
    return v ? [[s.target.pod, { node: s.target.node, pod: s.target.pod, version: v }] as const] : [];
  }));
  const listed = pods.flatMap((p) => {
    const version = scraped.get(p.name)?.version ?? p.istioImageTag;
    return version ? [{ node: p.node, pod: p.name, version }] : [];
  });
  const names = new Set(pods.map((p) => p.name));
  return [...listed, ...[...scraped.values()].filter((v) => !names.has(v.pod))];
}

/**
 * The versions of the istiod pods serving the ztunnels: those behind the Service they dial (its
 * ready endpoints), or every istiod pod when the endpoints name none.
 */
export function servingIstiodVersions(state: ClusterState, istiodScrapes: readonly ScrapeResult[]): string[] {
  const behindService = new Set(state.istiodEndpoints.filter((e) => e.ready && e.pod).map((e) => e.pod));
  const pods = behindService.size > 0 ? state.istiodPods.filter((p) => behindService.has(p.name)) : state.istiodPods;
  const scrapes = behindService.size > 0 ? istiodScrapes.filter((s) => behindService.has(s.target.pod)) : istiodScrapes;
  return [...new Set(versionsOf(pods, scrapes, istiodVersionOf).map((v) => v.version))].sort();
}

/**
 * Every ztunnel and istio-cni pod against every version of the istiod serving the ztunnels (one
 * during steady state, two while istiod rolls). istio-cni has no istio_build: its image tag is all
 * there is (facts §5.2). Versions that name no major.minor are left out.
 */
export function versionSkew(state: ClusterState, ztunnelScrapes: readonly ScrapeResult[], istiodScrapes: readonly ScrapeResult[]): VersionSkew[] {
  const istiod = servingIstiodVersions(state, istiodScrapes).flatMap((v) => {
    const m = minorVersion(v);
    return m ? [{ version: v, minor: m }] : [];
  });
  const dataPlane = [
    ...versionsOf(state.ztunnelPods, ztunnelScrapes, ztunnelVersionOf).map((v) => ({ ...v, component: 'ztunnel' as const })),
    ...state.cniPods.flatMap((p) => (p.istioImageTag ? [{ node: p.node, pod: p.name, version: p.istioImageTag, component: 'istio-cni' as const }] : [])),
  ];
  return dataPlane.flatMap((d) => {
    const m = minorVersion(d.version);
    if (!m) return [];
    return istiod.map((cp) => {
      const behind = minorsBehind(m, cp.minor);
      return { component: d.component, node: d.node, pod: d.pod, version: d.version.slice(0, 64), istiodVersion: cp.version, minorsBehind: behind, supported: skewSupported(behind) };
    });
  });
}

const KNOWN_FLAGS: ReadonlySet<string> = new Set(CONNECTION_FAILURE_FLAGS);

/** ztunnel's failed connections per node and response flag (bounded: unknown flags count as `other`). */
export function connectionsFailed(ztunnelScrapes: readonly ScrapeResult[]): ConnectionsFailed[] {
  return counterByNodeAnd(ztunnelScrapes, ZTUNNEL_SAMPLES.connectionsFailed, 'response_flags', KNOWN_FLAGS).map(({ node, key, value }) => ({
    node,
    responseFlags: key,
    value,
  }));
}
