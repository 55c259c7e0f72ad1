// The state of one simulated ztunnel process behind its counters: how long it has held its xDS
// stream, how long it has been without one, how often it lost it. A crash loop stops the process;
// when it runs again it starts from zero, as a restarted ztunnel does (counters reset).
import type { NodeHealth } from '../faults/effects.js';
import { GrowingCounter } from '../util/counter.js';
import type { SimPod } from '../cluster/shapes.js';
import type { TrafficSeries } from './ztunnel-traffic.js';

export interface ZtunnelCounters {
  /** seconds with an xDS stream (traffic flows during these too) */
  connectedSeconds: number;
  /** seconds running without an xDS stream */
  disconnectedSeconds: number;
  /** times the stream was lost or could not be set up since the process started */
  outages: number;
  /** xDS streams established since the process started (istiod answers each with its full state) */
  streams: number;
  processStartMs: number;
}

export class ZtunnelRuntime {
  private connected: GrowingCounter;
  private disconnected: GrowingCounter;
  private outages = 0;
  private streams = 0;
  private running = true;
  private xds = true;
  private processStartMs: number;

  constructor(
    readonly pod: SimPod,
    readonly series: TrafficSeries[],
    health: NodeHealth,
    now: number,
    initialUptimeSeconds: number,
  ) {
    this.processStartMs = now - initialUptimeSeconds * 1000;
    this.connected = new GrowingCounter(initialUptimeSeconds, now);
    this.disconnected = new GrowingCounter(0, now);
    this.update(health, now);
  }

  get node(): string {
    return this.pod.node;
  }

  update(h: NodeHealth, now: number): void {
    if (!h.ztunnelRunning) {
      this.connected.setRate(0, now);
      this.disconnected.setRate(0, now);
      this.running = false;
      return;
    }
    if (!this.running) {
      // The crash loop ended: a fresh process with fresh counters.
      this.running = true;
      this.processStartMs = now;
      this.connected = new GrowingCounter(0, now);
      this.disconnected = new GrowingCounter(0, now);
      this.outages = 0;
      this.streams = 0;
      this.xds = false;
      if (!h.xdsConnected) this.outages++;
    } else if (this.xds && !h.xdsConnected) {
      this.outages++;
    }
    if (h.xdsConnected && (!this.xds || this.streams === 0)) this.streams++;
    this.xds = h.xdsConnected;
    this.connected.setRate(h.xdsConnected ? 1 : 0, now);
    this.disconnected.setRate(h.xdsConnected ? 0 : 1, now);
  }

  counters(now: number): ZtunnelCounters {
    return {
      connectedSeconds: this.connected.value(now),
      disconnectedSeconds: this.disconnected.value(now),
      outages: this.outages,
      streams: this.streams,
      processStartMs: this.processStartMs,
    };
  }
}
