// One node's processes over time, and what follows from them: the ztunnel's readiness as ztunnel
// and kubelet report it, what istio-cni records, and whether the node refuses new pods (and since
// when). Advanced lazily on the lab clock: every read and every change first runs the node up to
// `now`, so a change (a fault, a restart) always lands after everything that happened before it;
// the caller advances again after a change, which is when its consequences are judged.
import type { CniRefusalReason } from '../faults/catalog.js';
import type { PathMode } from '../faults/effects.js';
import { CniAgent, ZtunnelProcess } from './processes.js';

/** Why the node refuses a new pod's sandbox: a refusal fault's reason, or no ztunnel connected to istio-cni. */
export type RefusalReason = CniRefusalReason | 'no-ztunnel-connection';

export interface Refusal {
  reason: RefusalReason;
  since: number;
  /**
   * A refusal that holds until something is done about it (a fault, a ztunnel down or never synced),
   * as opposed to the seconds a running ztunnel takes to reconnect to a restarted agent.
   */
  lasting: boolean;
}

/** A stretch of time during which the node refused new pods for one reason. */
export interface RefusalPeriod {
  reason: RefusalReason;
  since: number;
  until?: number;
}

/**
 * A lasting refusal and the Deployment rollout that lands new pods on the node meanwhile: they wait
 * for their sandbox while it lasts and start once the node admits them (`admittedAt`).
 */
export interface Episode {
  /** distinguishes the rollouts of successive episodes (their pods are new ones) */
  seq: number;
  since: number;
  admittedAt?: number;
  periods: RefusalPeriod[];
}

/** kubelet marks a Ready container unready after failureThreshold (3) failed probes periodSeconds (10) apart. */
export const READINESS_FAILURE_GRACE_MS = 30_000;

export interface NodeRuntimeState {
  ztunnelRunning: boolean;
  /** readiness tasks pending now (empty: ready) */
  ztunnelPending: string[];
  /** the pod's Ready condition as kubelet sets it from the probe */
  ztunnelPodReady: boolean;
  ztunnelNotReadySince: number | undefined;
  ztunnelStartedAt: number;
  xdsConnected: boolean;
  /** the ztunnel has its pod snapshot from the node agent (it proxies the node's enrolled pods) */
  ztunnelHoldsPods: boolean;
  agentListening: boolean;
  agentCrashLooping: boolean;
  agentStartedAt: number;
  /** istio-cni's ztunnel_connected (undefined: absent) */
  cniZtunnelConnected: number | undefined;
  refusal: Refusal | undefined;
  episode: Episode | undefined;
  /** pods whose netns istio-cni did not find when it started after the reboot: ztunnel holds no proxy for them */
  lostPods: ReadonlySet<string>;
}

export class NodeRuntime {
  readonly ztunnel: ZtunnelProcess;
  readonly agent: CniAgent;
  private xdsMode: PathMode = 'ok';
  private refusingFault: { reason: CniRefusalReason; since: number } | undefined;
  private lost = new Set<string>();
  private episode: Episode | undefined;
  private episodes = 0;
  /** the lab went back to healthy while the node still refused pods: forget the rollout once it admits them */
  private forgetOnAdmission = false;
  private lastAdvance = Number.NEGATIVE_INFINITY;

  constructor(
    readonly node: string,
    ztunnelStartedAt: number,
    agentStartedAt: number,
  ) {
    this.ztunnel = new ZtunnelProcess(ztunnelStartedAt);
    this.agent = new CniAgent(agentStartedAt, 1);
  }

  /** Runs the node's processes up to `now` (never backwards). */
  advance(now: number): void {
    const at = Math.max(now, this.lastAdvance);
    const z = this.ztunnel;
    let linkedAt: number | undefined;
    if (z.running) {
      z.xds.advance(at, () => this.xdsMode);
      if (z.syncedAt === undefined && z.xds.firstConnectedAt !== undefined) {
        z.syncedAt = z.xds.firstConnectedAt;
        z.agentLink.start(z.syncedAt);
      }
      if (z.syncedAt !== undefined) {
        linkedAt = z.agentLink.advance(at, (t) => (this.agent.listening(t) ? 'ok' : 'refuse'));
        if (linkedAt !== undefined) {
          this.agent.ztunnelConnected = 1; // addConn
          z.snapshotAt ??= linkedAt; // the agent sends its snapshot on every new connection
        }
      }
    }
    this.lastAdvance = at;
    this.updateEpisode(at, linkedAt);
  }

  // ---- changes, each at `now` after advance(now)

  /** The path to istiod changed: an established stream breaks when the path does. */
  setXdsMode(mode: PathMode, now: number): void {
    if (mode !== 'ok' && this.ztunnel.running) this.ztunnel.xds.disconnect(now);
    this.xdsMode = mode;
  }

  setRefusingFault(r: { reason: CniRefusalReason; since: number } | undefined): void {
    this.refusingFault = r;
  }

  /** The ztunnel container exits (a crash loop begins): the agent records the connection gone. */
  ztunnelCrash(now: number): void {
    if (!this.ztunnel.running) return;
    if (this.ztunnel.agentLink.connected) this.agent.ztunnelConnected = 0; // deleteConn
    this.ztunnel.stop(now);
  }

  /** The ztunnel container (re)starts: a fresh process. */
  ztunnelStart(now: number): void {
    if (this.ztunnel.running && this.ztunnel.agentLink.connected) this.agent.ztunnelConnected = 0; // deleteConn
    this.ztunnel.start(now);
  }

  /** The agent's container exits and crash-loops: its socket is gone, ztunnel's stream ends and it retries. */
  agentCrash(now: number): void {
    this.agent.crash();
    this.ztunnel.agentLink.disconnect(now);
  }

  /**
   * The agent's container (re)starts. ztunnel's stream ends with it and ztunnel retries. The new
   * agent builds its snapshot from every enabled pod on the node and finds their netns by scanning
   * /proc (cni/pkg/nodeagent/informers.go GetActiveAmbientPodSnapshot, net_linux.go): pods lost at
   * the reboot run by now, so they are handed to ztunnel again (still without their redirection
   * rules: counted, not redirected, research case 1).
   */
  agentRestart(now: number): void {
    this.agent.restart(now);
    this.ztunnel.agentLink.disconnect(now);
    this.lost.clear();
  }

  /**
   * The node rebooted without a drain: every container restarts; istio-cni starts before some pods'
   * sandboxes exist, so it sends those to ztunnel as Keep (no proxy), and nothing later re-adds them
   * (istio/istio#61182; research-8 §6.2 case 2).
   */
  reboot(now: number, lost: readonly string[]): void {
    if (this.ztunnel.running) this.ztunnelStart(now);
    if (!this.agent.crashLooping) this.agentRestart(now);
    this.lost = new Set(lost);
  }

  /** The pods lost at the reboot were deleted and re-created: istio-cni enrolls them again. */
  endReboot(): void {
    this.lost.clear();
  }

  /** The lab is back to healthy: a finished rollout is forgotten now, one still waiting once the node admits its pods. */
  forgetEpisode(): void {
    if (this.episode?.admittedAt !== undefined) this.episode = undefined;
    else if (this.episode) this.forgetOnAdmission = true;
  }

  // ---- reads

  /** Why the node refuses new pods now, if it does. */
  refusal(now: number): Refusal | undefined {
    const z = this.ztunnel;
    if (this.refusingFault) return { ...this.refusingFault, lasting: true };
    // the plugin dials /var/run/istio-cni/pluginevent.sock, missing until the agent listens
    if (!this.agent.listening(now)) return { reason: 'agent-socket-missing', since: this.agent.startedAt, lasting: false };
    if (!z.running) return { reason: 'no-ztunnel-connection', since: z.stoppedAt ?? now, lasting: true };
    if (!z.agentLink.connected) {
      return { reason: 'no-ztunnel-connection', since: z.agentLink.endedAt ?? z.startedAt, lasting: z.syncedAt === undefined };
    }
    return undefined;
  }

  state(now: number): NodeRuntimeState {
    this.advance(now);
    const z = this.ztunnel;
    const pending = z.running ? z.pendingTasks() : [];
    const ready = z.running && pending.length === 0;
    // A Ready ztunnel that lost the agent stays Ready until kubelet has seen three failed probes.
    const endedAt = z.agentLink.endedAt;
    const inGrace = z.running && z.snapshotAt !== undefined && endedAt !== undefined && !z.agentLink.connected && now - endedAt < READINESS_FAILURE_GRACE_MS;
    const notReadySince = ready ? undefined : z.running ? (z.snapshotAt !== undefined && endedAt !== undefined ? endedAt + READINESS_FAILURE_GRACE_MS : z.startedAt) : z.stoppedAt;
    return {
      ztunnelRunning: z.running,
      ztunnelPending: pending,
      ztunnelPodReady: ready || inGrace,
      ztunnelNotReadySince: notReadySince,
      ztunnelStartedAt: z.startedAt,
      xdsConnected: z.running && z.xds.connected,
      ztunnelHoldsPods: z.running && z.snapshotAt !== undefined,
      agentListening: this.agent.listening(now),
      agentCrashLooping: this.agent.crashLooping,
      agentStartedAt: this.agent.startedAt,
      cniZtunnelConnected: this.agent.ztunnelConnected,
      refusal: this.refusal(now),
      episode: this.episode ? { ...this.episode, periods: this.episode.periods.map((p) => ({ ...p })) } : undefined,
      lostPods: new Set(this.lost),
    };
  }

  private updateEpisode(now: number, linkedAt: number | undefined): void {
    const r = this.refusal(now);
    const ep = this.episode;
    if (r) {
      if (!ep || ep.admittedAt !== undefined) {
        // a new rollout lands only while the refusal lasts (not in a reconnect's seconds)
        if (r.lasting) {
          this.episode = { seq: ++this.episodes, since: r.since, periods: [{ reason: r.reason, since: r.since }] };
          this.forgetOnAdmission = false;
        }
        return;
      }
      const last = ep.periods[ep.periods.length - 1];
      if (last && last.reason !== r.reason) {
        const at = Math.max(last.since, Math.min(r.since, now));
        last.until = at;
        ep.periods.push({ reason: r.reason, since: at });
      }
    } else if (ep && ep.admittedAt === undefined) {
      ep.admittedAt = Math.max(ep.since, linkedAt ?? now);
      const last = ep.periods[ep.periods.length - 1];
      if (last) last.until = ep.admittedAt;
      if (this.forgetOnAdmission) this.episode = undefined;
      this.forgetOnAdmission = false;
    }
  }
}
