// What the API server counts of its requests, served on its /metrics as the real one names them
// (k8s.io/apiserver pkg/endpoints/metrics/metrics.go): `apiserver_request_total` by verb, group,
// version, resource and scope, and `apiserver_longrunning_requests`, the watches open now. Verbs as
// the real server cleans them (CleanVerb): GET of one object, LIST of a collection, WATCH for
// either with watch=true or under /watch/. Non-resource paths (/readyz, discovery) count as GET with
// empty resource labels.
//
// One difference, on purpose: the real server counts a request when it completes (for a watch,
// minutes after it started); the lab counts it when it arrives, so a load's requests show in the
// minute they came. The `code` and `subresource` labels are left out.

export type ApiVerb = 'GET' | 'LIST' | 'WATCH';
export type ApiScope = 'resource' | 'namespace' | 'cluster' | '';

export interface RequestKey {
  verb: ApiVerb;
  group: string;
  version: string;
  resource: string;
  scope: ApiScope;
}

const LABELS = ['verb', 'group', 'version', 'resource', 'scope'] as const;
const keyOf = (k: RequestKey): string => JSON.stringify(LABELS.map((l) => k[l]));
const labelsOf = (k: RequestKey, extra: Record<string, string> = {}): string =>
  Object.entries({ ...Object.fromEntries(LABELS.map((l) => [l, k[l]])), component: 'apiserver', ...extra })
    .map(([n, v]) => `${n}="${v}"`)
    .join(',');

export class RequestMetrics {
  private readonly total = new Map<string, { key: RequestKey; n: number }>();
  private readonly open = new Map<string, { key: RequestKey; n: number }>();

  /** A request arrived. */
  count(key: RequestKey): void {
    const k = keyOf(key);
    const row = this.total.get(k) ?? { key, n: 0 };
    row.n += 1;
    this.total.set(k, row);
  }

  /** A watch started; the returned function marks its end (once). */
  watchOpened(key: RequestKey): () => void {
    const k = keyOf(key);
    const row = this.open.get(k) ?? { key, n: 0 };
    row.n += 1;
    this.open.set(k, row);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      row.n -= 1;
    };
  }

  /** Prometheus text exposition (version 0.0.4). */
  exposition(): string {
    const lines = [
      '# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, group, version, resource and scope (counted on arrival in the lab).',
      '# TYPE apiserver_request_total counter',
      ...[...this.total.values()].map((r) => `apiserver_request_total{${labelsOf(r.key)}} ${r.n}`),
      '# HELP apiserver_longrunning_requests Gauge of all active long-running apiserver requests broken out by verb, group, version, resource and scope.',
      '# TYPE apiserver_longrunning_requests gauge',
      ...[...this.open.values()].map((r) => `apiserver_longrunning_requests{${labelsOf(r.key)}} ${r.n}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}
