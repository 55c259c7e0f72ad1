// All simulated component servers, registered on the lab network at their pods' addresses and real
// ports, and the rule deciding, from the view of the cluster, whether each port answers, refuses
// or hangs.
import type { ClusterView } from '../cluster/view.js';
import type { SimPod } from '../cluster/shapes.js';
import type { Change } from '../kube-api/store.js';
import type { Network, PortMode } from '../net/network.js';
import { cniHealthHandler, cniMonitoringHandler } from './cni.js';
import type { LabContext } from './context.js';
import { IstiodRuntime, istiodDebugHandler, istiodMonitoringHandler } from './istiod.js';
import { ztunnelReadinessHandler, ztunnelStatsHandler } from './ztunnel.js';
import { trafficSeries } from './ztunnel-traffic.js';

/** The simulated Istio components that serve metrics: the three kinds the exporter scrapes. */
export type Component = 'ztunnel' | 'istiod' | 'istio-cni';

export interface ScrapeTarget {
  component: Component;
  node: string;
  pod: string;
  url: string;
}

type ModeRule = (view: ClusterView) => PortMode;

const ISTIOD_TCP_PORTS = [15010, 15012, 15017];

export class ComponentSet {
  readonly istiod: IstiodRuntime;
  private readonly rules = new Map<string, ModeRule>();

  constructor(
    private readonly ctx: LabContext,
    private readonly network: Network,
    trafficSeriesPerZtunnel: number,
    /** LabOptions.nodeMetricsPortsClosed */
    private readonly metricsPortsClosed = false,
  ) {
    const t = ctx.topology;
    const view = ctx.view();
    const now = ctx.now();
    this.istiod = new IstiodRuntime(now, connectedZtunnels(view), t.release.version);
    for (const pod of t.pods) {
      if (pod.role === 'ztunnel') this.addZtunnel(pod, trafficSeriesPerZtunnel);
      if (pod.role === 'istio-cni') this.addCni(pod);
    }
    this.addIstiod(t.istiodPod);
  }

  private port(host: string, port: number, handler: Parameters<Network['register']>[1], rule: ModeRule): void {
    this.network.register({ host, port }, handler);
    this.rules.set(`${host}:${port}`, rule);
  }

  private addZtunnel(pod: SimPod, series: number): void {
    const traffic = trafficSeries(this.ctx.topology, pod.node, series);
    const rule: ModeRule = (v) => {
      const h = v.health.get(pod.node);
      if (!h?.ztunnelRunning) return 'refuse';
      return h.podNetworkReachable ? 'serve' : 'blackhole';
    };
    const closed: ModeRule = () => 'refuse';
    this.port(pod.ip, 15020, { kind: 'http', handle: ztunnelStatsHandler(this.ctx, pod.node, traffic) }, this.metricsPortsClosed ? closed : rule);
    this.port(pod.ip, 15021, { kind: 'http', handle: ztunnelReadinessHandler(this.ctx, pod.node) }, rule);
  }

  private addCni(pod: SimPod): void {
    // host network: reachable whatever the overlay does; nothing listens while the agent (re)starts
    const rule: ModeRule = (v) => (!this.metricsPortsClosed && v.health.get(pod.node)?.agentListening ? 'serve' : 'refuse');
    this.port(pod.ip, 15014, { kind: 'http', handle: cniMonitoringHandler(this.ctx, pod.node) }, rule);
    this.port(pod.ip, 8000, { kind: 'http', handle: cniHealthHandler() }, rule);
  }

  private addIstiod(pod: SimPod): void {
    const t = this.ctx.topology;
    const reachable = (v: ClusterView) => v.health.get(pod.node)?.podNetworkReachable ?? false;
    const xdsRule = (v: ClusterView): PortMode => (reachable(v) && !v.effects.xdsBlackholed ? 'serve' : 'blackhole');
    const plainRule = (v: ClusterView): PortMode => (reachable(v) ? 'serve' : 'blackhole');
    const monitoring = istiodMonitoringHandler(this.ctx, this.istiod);
    this.port(pod.ip, 15014, { kind: 'http', handle: monitoring }, plainRule);
    this.port(pod.ip, 8080, { kind: 'http', handle: istiodDebugHandler() }, plainRule);
    for (const p of ISTIOD_TCP_PORTS) this.port(pod.ip, p, { kind: 'tcp' }, p === 15012 ? xdsRule : plainRule);

    // The ClusterIP answers only on ports the Service declares (kube-proxy has no rule for others).
    const vip = t.istiodService.clusterIP;
    const declared = (port: number) => (v: ClusterView) => v.servicePorts.some((sp) => sp.port === port);
    const viaService = (port: number, rule: ModeRule): ModeRule => (v) => (declared(port)(v) ? rule(v) : 'refuse');
    this.port(vip, 15010, { kind: 'tcp' }, viaService(15010, plainRule));
    this.port(vip, 15012, { kind: 'tcp' }, viaService(15012, xdsRule));
    this.port(vip, 443, { kind: 'tcp' }, viaService(443, plainRule));
    this.port(vip, 15014, { kind: 'http', handle: monitoring }, viaService(15014, plainRule));
  }

  /** Follows a new view: istiod's client count, then the network. */
  async update(view: ClusterView, now: number): Promise<void> {
    this.istiod.setConnected(connectedZtunnels(view), now);
    await this.network.apply((e) => this.rules.get(`${e.host}:${e.port}`)?.(view) ?? 'refuse');
  }

  observeKubeChange(c: Change): void {
    this.istiod.observe(c);
  }

  scrapeTargets(): ScrapeTarget[] {
    const t = this.ctx.topology;
    const out: ScrapeTarget[] = [];
    for (const p of t.pods) {
      if (p.role === 'ztunnel') out.push({ component: 'ztunnel', node: p.node, pod: p.name, url: `http://${p.ip}:15020/stats/prometheus` });
      if (p.role === 'istiod') out.push({ component: 'istiod', node: p.node, pod: p.name, url: `http://${p.ip}:15014/metrics` });
      if (p.role === 'istio-cni') out.push({ component: 'istio-cni', node: p.node, pod: p.name, url: `http://${p.ip}:15014/metrics` });
    }
    return out;
  }
}

function connectedZtunnels(view: ClusterView): number {
  return [...view.health.values()].filter((h) => h.xdsConnected).length;
}
