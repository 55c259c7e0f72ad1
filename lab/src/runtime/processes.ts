// The two processes of a node whose state depends on history, not only on the active faults: the
// ztunnel (has it ever synced with istiod since it started? is it connected to the istio-cni node
// agent?) and the istio-cni node agent (when did it start listening, what has it recorded).
import { AGENT_RETRY, RetryLoop, XDS_RETRY } from './retry-loop.js';

/**
 * How long a (re)started istio-cni container takes before its node agent listens on its sockets:
 * the container starts, the installer copies the plugin binary and writes its kubeconfig and CNI
 * config, then the agent serves (cni/pkg/cmd/root.go). A choice of the lab, not a measured value.
 */
export const AGENT_LISTEN_DELAY_MS = 2_000;

export class CniAgent {
  /** when the agent's container (re)started */
  startedAt: number;
  /** when its sockets (ztunnel's and the plugin's) and its ports answer */
  listensAt: number;
  crashLooping = false;
  /**
   * `ztunnel_connected` as last recorded: a synchronous OTel gauge set only in addConn/deleteConn
   * (cni/pkg/nodeagent/ztunnelserver.go), so undefined (absent from /metrics) from the agent's start
   * until a ztunnel connects.
   */
  ztunnelConnected: number | undefined;

  constructor(startedAt: number, ztunnelConnected: number | undefined) {
    this.startedAt = startedAt;
    this.listensAt = startedAt;
    this.ztunnelConnected = ztunnelConnected;
  }

  listening(t: number): boolean {
    return !this.crashLooping && t >= this.listensAt;
  }

  restart(at: number): void {
    this.crashLooping = false;
    this.startedAt = at;
    this.listensAt = at + AGENT_LISTEN_DELAY_MS;
    this.ztunnelConnected = undefined;
  }

  crash(): void {
    this.crashLooping = true;
    this.ztunnelConnected = undefined;
  }
}

export class ZtunnelProcess {
  running = true;
  startedAt: number;
  /** when it stopped (a crash loop began), while not running */
  stoppedAt: number | undefined;
  /** the xDS client to istiod */
  xds = new RetryLoop(XDS_RETRY);
  /** the in-pod workload manager's connection to the istio-cni node agent */
  agentLink = new RetryLoop(AGENT_RETRY);
  /**
   * The first xDS response: it releases the one-shot `state manager` readiness task, and only then
   * does ztunnel start its in-pod workload manager (src/app.rs waits on xds_rx_for_proxy.changed()).
   */
  syncedAt: number | undefined;
  /** when the node agent first handed this process its pod snapshot (its workloads start then) */
  snapshotAt: number | undefined;

  constructor(startedAt: number) {
    this.startedAt = startedAt;
    // running since before the lab started: synced, connected to istiod and the node agent
    this.xds.assumeConnected(startedAt);
    this.agentLink.assumeConnected(startedAt);
    this.syncedAt = startedAt;
    this.snapshotAt = startedAt;
  }

  /** A fresh process (container restart): counters from zero, nothing synced, first xDS attempt at once. */
  start(at: number): void {
    this.running = true;
    this.startedAt = at;
    this.stoppedAt = undefined;
    this.xds = new RetryLoop(XDS_RETRY);
    this.agentLink = new RetryLoop(AGENT_RETRY);
    this.syncedAt = undefined;
    this.snapshotAt = undefined;
    this.xds.start(at);
  }

  stop(at: number): void {
    this.running = false;
    this.stoppedAt = at;
  }

  /**
   * Readiness tasks still pending, sorted as ztunnel prints them (src/readiness/server.rs): a process
   * that never synced has both; one that lost the node agent waits for `workload proxy manager` only
   * (the workload manager marks itself not ready when its stream ends, src/inpod/workloadmanager.rs).
   */
  pendingTasks(): string[] {
    if (this.syncedAt === undefined) return ['state manager', 'workload proxy manager'];
    if (!this.agentLink.connected) return ['workload proxy manager'];
    return [];
  }
}

/** What a ztunnel process has counted since it started, for its /metrics. */
export interface ZtunnelCounters {
  processStartMs: number;
  /** seconds spent holding an xDS stream */
  xdsHeldSeconds: number;
  /** failed xDS connection attempts: `ConnectionError` terminations */
  connectionErrors: number;
  /** xDS streams established (istiod answers each with its full state) */
  streams: number;
  /**
   * seconds it has proxied its pods: from its pod snapshot on, whether or not it still holds its xDS
   * stream (it keeps serving on its cached state)
   */
  trafficSeconds: number;
}

export function ztunnelCounters(z: ZtunnelProcess, now: number): ZtunnelCounters {
  const end = z.running ? now : (z.stoppedAt ?? now);
  return {
    processStartMs: z.startedAt,
    xdsHeldSeconds: z.xds.heldUntil(end) / 1000,
    connectionErrors: z.xds.failures,
    streams: z.xds.connections,
    trafficSeconds: z.snapshotAt !== undefined ? Math.max(0, end - z.snapshotAt) / 1000 : 0,
  };
}
