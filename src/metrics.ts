// The one place metric names live: Signals and collection results -> prom-client metrics.
// Each refresh replaces every derived series at once (reset + set in one synchronous pass), so a
// scrape never sees half a round and series of vanished pods, nodes and namespaces disappear.
import { Counter, Gauge, Registry, collectDefaultMetrics, type OpenMetricsContentType } from 'prom-client';
import { COMPONENTS, SCRAPE_ERROR_REASONS, type ClusterState, type ProbeResults, type ScrapeResult } from './model.js';
import { ISSUES, type Signals } from './signals/index.js';

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

const b = (v: boolean): number => (v ? 1 : 0);

export interface RoundResult {
  /**
   * false while the Kubernetes API has never been listed: then only the exporter's own series are
   * served, not "nothing is wrong" (ambient_issue_affected and the rest stay absent).
   */
  stateKnown: boolean;
  state: ClusterState;
  scrapes: ScrapeResult[];
  probes: ProbeResults;
  signals: Signals;
  durationSeconds: number;
}

function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const r = new Registry<OpenMetricsContentType>();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return r;
}

export class ExporterMetrics {
  /** text 0.0.4 */
  readonly registry = new Registry();
  /** the same metrics, for clients that ask for OpenMetrics */
  readonly openMetricsRegistry = openMetricsRegistry();
  private readonly gauges: Gauge[] = [];
  private xdsRows: Signals['ztunnelIstiod']['xdsTerminations'] = [];

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    const g = new Gauge<L>({ name, help, labelNames, registers: [this.registry, this.openMetricsRegistry] });
    this.gauges.push(g as unknown as Gauge);
    return g;
  }

  // Exporter itself
  readonly buildInfo: Gauge<'version' | 'mode'>;
  readonly scrapeUp = this.gauge('ambient_exporter_scrape_up', 'Whether the last scrape of the target succeeded (1) or not (0).', ['component', 'node', 'pod']);
  readonly scrapeDuration = this.gauge('ambient_exporter_scrape_duration_seconds', 'Duration of the last scrape of the target.', ['component', 'node', 'pod']);
  /** failed scrapes so far, by component and reason (served through mirroredCounter) */
  private readonly scrapeErrorCounts = new Map<string, { component: string; reason: string; value: number }>();
  readonly watchUp = this.gauge('ambient_exporter_kube_watch_up', 'Whether the watch of the Kubernetes resource is established.', ['resource']);
  readonly watchLastEvent = this.gauge(
    'ambient_exporter_kube_watch_last_event_timestamp_seconds',
    'Unix time the state of the Kubernetes resource was last confirmed by the API server: a list, a watch event or a bookmark.',
    ['resource'],
  );
  readonly refreshDuration = this.gauge('ambient_exporter_refresh_duration_seconds', 'Duration of the last discovery, scrape, probe and derive round.');
  readonly lastRefresh = this.gauge('ambient_exporter_last_refresh_timestamp_seconds', 'Unix time the last round finished.');
  readonly apiReady = this.gauge('ambient_kube_api_ready', "Whether the API server's /readyz answered 200.");
  readonly apiReadyDuration = this.gauge('ambient_kube_api_ready_duration_seconds', 'Latency of the last /readyz call to the API server.');

  // Known issue 1: ztunnel <-> istiod
  readonly ztunnelPodReady = this.gauge('ambient_ztunnel_pod_ready', 'Kubernetes Ready condition of the ztunnel pod.', ['node', 'pod']);
  readonly ztunnelPending = this.gauge('ambient_ztunnel_readiness_pending', 'Readiness task ztunnel lists as pending on :15021/healthz/ready.', ['node', 'pod', 'task']);
  readonly ztunnelWorkloads = this.gauge('ambient_ztunnel_workloads', 'Workloads in ztunnel by state, from workload_manager_*_proxy_count.', ['node', 'state']);
  readonly ztunnelInfo = this.gauge('ambient_ztunnel_info', 'ztunnel version per node (value 1).', ['node', 'pod', 'version']);
  readonly istiodPortPresent = this.gauge('ambient_istiod_service_port_present', 'Whether Service istiod exposes the port.', ['port']);
  readonly istiodReadyEndpoints = this.gauge('ambient_istiod_ready_endpoints', 'Ready addresses behind Service istiod.');
  readonly istiodDialSuccess = this.gauge('ambient_istiod_xds_dial_success', "Whether a TCP connect to istiod's xDS port succeeded.", ['address']);
  readonly istiodDialDuration = this.gauge('ambient_istiod_xds_dial_duration_seconds', "Duration of the last TCP connect to istiod's xDS port.", ['address']);
  readonly istiodPodReady = this.gauge('ambient_istiod_pod_ready', 'Kubernetes Ready condition of the istiod pod.', ['pod', 'node']);
  readonly istiodXdsClients = this.gauge('ambient_istiod_xds_clients', 'Proxies connected to istiod over xDS (sum of pilot_xds).', ['pod']);
  readonly istiodInfo = this.gauge('ambient_istiod_info', 'istiod version (value 1).', ['pod', 'version']);

  // Known issue 2: cross-node network
  readonly podNetworkReachable = this.gauge('ambient_node_pod_network_reachable', 'Whether the exporter reached a pod on the node over the pod network in the last round.', ['node']);
  readonly flannelPodReady = this.gauge('ambient_flannel_pod_ready', 'Kubernetes Ready condition of the Flannel pod on the node.', ['node']);
  readonly overlayConfigured = this.gauge('ambient_node_overlay_configured', 'Whether the node carries a valid Flannel backend annotation.', ['node', 'backend']);

  // Known issue 3: istio-cni blocks pod creation
  readonly cniPodReady = this.gauge('ambient_cni_pod_ready', 'Kubernetes Ready condition of the istio-cni node pod.', ['node']);
  readonly cniZtunnelConnected = this.gauge('ambient_cni_ztunnel_connected', "ztunnel connections to the istio-cni node agent (istio-cni's ztunnel_connected).", ['node']);
  readonly cniInstallReady = this.gauge('ambient_cni_install_ready', "istio-cni's istio_cni_install_ready.", ['node']);
  readonly podsBlocked = this.gauge('ambient_pods_blocked_by_cni', 'Pods not started whose latest sandbox failure names "no ztunnel connection".', ['node', 'namespace']);
  readonly redirectionPending = this.gauge('ambient_pods_redirection_pending', 'Pods annotated ambient.istio.io/redirection=pending.', ['node', 'namespace']);

  // Known issue 4: enrollment
  readonly namespaceEnrolled = this.gauge('ambient_namespace_enrolled', 'Whether the namespace is labelled istio.io/dataplane-mode=ambient.', ['namespace']);
  readonly namespaceExpected = this.gauge('ambient_namespace_enrollment_expected', 'Whether configuration says the namespace must be in the mesh.', ['namespace']);
  readonly pods = this.gauge('ambient_pods', 'Running pods of enrolled namespaces by redirection annotation (none = still plain TCP).', ['namespace', 'redirection']);

  // At a glance
  readonly issueAffected = this.gauge('ambient_issue_affected', 'Nodes or namespaces affected by the known issue now (root cause only).', ['issue']);
  readonly nodeIssue = this.gauge('ambient_node_issue', 'Root cause of the known issue affecting the node (1 while affected).', ['node', 'issue', 'cause']);
  readonly namespaceIssue = this.gauge('ambient_namespace_issue', 'Cause of the enrollment issue affecting the namespace (1 while affected).', ['namespace', 'issue', 'cause']);

  constructor(private readonly opts: { version: string; mode: string; kube: boolean; defaultMetrics?: boolean }) {
    this.buildInfo = new Gauge({
      name: 'ambient_exporter_build_info',
      help: 'Version and mode of the running exporter (value 1).',
      labelNames: ['version', 'mode'],
      registers: [this.registry, this.openMetricsRegistry],
    });
    this.buildInfo.set({ version: opts.version, mode: opts.mode }, 1);
    for (const component of COMPONENTS) {
      for (const reason of SCRAPE_ERROR_REASONS) this.scrapeErrorCounts.set(`${component}/${reason}`, { component, reason, value: 0 });
    }
    this.mirroredCounter('ambient_exporter_scrape_errors_total', 'Failed scrapes by component and reason.', ['component', 'reason'], () =>
      [...this.scrapeErrorCounts.values()].map(({ component, reason, value }) => ({ labels: { component, reason }, value })),
    );
    // ztunnel's own counter: its value is whatever ztunnel reported last.
    this.mirroredCounter(
      'ambient_ztunnel_xds_connection_terminations_total',
      "ztunnel's istio_xds_connection_terminations_total per node and reason.",
      ['node', 'reason'],
      () => this.xdsRows.map((r) => ({ labels: { node: r.node, reason: r.reason }, value: r.value })),
    );
    if (opts.defaultMetrics !== false) {
      for (const register of [this.registry, this.openMetricsRegistry] as Registry[]) {
        collectDefaultMetrics({ register });
        // Gauges whose names end in _total break the naming rules promtool checks.
        for (const name of MISNAMED_DEFAULT_METRICS) register.removeSingleMetric(name);
      }
    }
  }

  /**
   * A counter whose values live in this object and are read at collection. Each registry gets its
   * own Counter instance: prom-client renames a counter object it renders as OpenMetrics, so one
   * object shared by both registries would lose its `_total` in the text format afterwards.
   */
  private mirroredCounter<L extends string>(name: string, help: string, labelNames: L[], rows: () => { labels: Record<L, string>; value: number }[]): void {
    for (const registry of [this.registry, this.openMetricsRegistry] as Registry[]) {
      new Counter<L>({
        name,
        help,
        labelNames,
        registers: [registry],
        collect(this: Counter<L>) {
          this.reset();
          for (const r of rows()) this.inc(r.labels as never, r.value);
        },
      });
    }
  }

  /** Count failed scrapes (counters accumulate across rounds). */
  private countErrors(scrapes: ScrapeResult[]): void {
    for (const s of scrapes) {
      if (s.up || !s.error) continue;
      const row = this.scrapeErrorCounts.get(`${s.target.component}/${s.error}`);
      if (row) row.value += 1;
    }
  }

  /** Replace every per-round series with this round's values. Synchronous on purpose. */
  update(round: RoundResult): void {
    const { state, scrapes, probes, signals } = round;
    this.countErrors(scrapes);
    for (const g of this.gauges) g.reset();
    this.xdsRows = signals.ztunnelIstiod.xdsTerminations;

    for (const s of scrapes) {
      const labels = { component: s.target.component, node: s.target.node, pod: s.target.pod };
      this.scrapeUp.set(labels, b(s.up));
      this.scrapeDuration.set(labels, s.durationSeconds);
    }
    for (const [resource, up] of Object.entries(state.watchUp)) this.watchUp.set({ resource }, b(up));
    for (const [resource, ms] of Object.entries(state.watchLastEvent)) this.watchLastEvent.set({ resource }, ms / 1000);
    this.refreshDuration.set(round.durationSeconds);
    this.lastRefresh.set(Date.now() / 1000);
    if (this.opts.kube) {
      this.apiReady.set(b(probes.api.ready));
      this.apiReadyDuration.set(probes.api.durationSeconds);
    }
    if (!round.stateKnown) return;

    const zi = signals.ztunnelIstiod;
    for (const r of zi.ztunnelPodReady) this.ztunnelPodReady.set({ node: r.node, pod: r.pod }, b(r.ready));
    for (const r of zi.readinessPending) this.ztunnelPending.set({ node: r.node, pod: r.pod, task: r.task }, 1);
    for (const r of zi.workloads) this.ztunnelWorkloads.set({ node: r.node, state: r.state }, r.value);
    for (const r of zi.ztunnelInfo) this.ztunnelInfo.set({ node: r.node, pod: r.pod, version: r.version }, 1);
    for (const r of zi.istiodServicePortPresent) this.istiodPortPresent.set({ port: r.port }, b(r.present));
    if (state.synced) this.istiodReadyEndpoints.set(zi.istiodReadyEndpoints);
    for (const r of zi.istiodDials) {
      this.istiodDialSuccess.set({ address: r.address }, b(r.success));
      this.istiodDialDuration.set({ address: r.address }, r.durationSeconds);
    }
    for (const r of zi.istiodPodReady) this.istiodPodReady.set({ pod: r.pod, node: r.node }, b(r.ready));
    for (const r of zi.istiodXdsClients) this.istiodXdsClients.set({ pod: r.pod }, r.value);
    for (const r of zi.istiodInfo) this.istiodInfo.set({ pod: r.pod, version: r.version }, 1);

    const cn = signals.crossNode;
    for (const r of cn.podNetworkReachable) this.podNetworkReachable.set({ node: r.node }, b(r.reachable));
    for (const r of cn.flannelPodReady) this.flannelPodReady.set({ node: r.node }, b(r.ready));
    for (const r of cn.overlayConfigured) this.overlayConfigured.set({ node: r.node, backend: r.backend }, b(r.configured));

    const cni = signals.cni;
    for (const r of cni.cniPodReady) this.cniPodReady.set({ node: r.node }, b(r.ready));
    for (const r of cni.ztunnelConnected) this.cniZtunnelConnected.set({ node: r.node }, r.value);
    for (const r of cni.installReady) this.cniInstallReady.set({ node: r.node }, r.value);
    for (const r of cni.podsBlocked) this.podsBlocked.set({ node: r.node, namespace: r.namespace }, r.count);
    for (const r of cni.redirectionPending) this.redirectionPending.set({ node: r.node, namespace: r.namespace }, r.count);

    const en = signals.enrollment;
    for (const r of en.namespaces) {
      this.namespaceEnrolled.set({ namespace: r.namespace }, b(r.enrolled));
      this.namespaceExpected.set({ namespace: r.namespace }, b(r.expected));
    }
    for (const r of en.pods) this.pods.set({ namespace: r.namespace, redirection: r.redirection }, r.count);

    for (const issue of ISSUES) this.issueAffected.set({ issue }, signals.issueAffected[issue]);
    for (const f of signals.nodeIssues) this.nodeIssue.set({ node: f.node, issue: f.issue, cause: f.cause }, 1);
    for (const f of signals.namespaceIssues) this.namespaceIssue.set({ namespace: f.namespace, issue: f.issue, cause: f.cause }, 1);
  }
}
