// What the control endpoint drives, declared beside it rather than taken from lab.ts (which starts
// the control server), so the server depends on this narrow interface and not on the lab that owns
// it. The Lab interface extends these controls.
import type { ScrapeTarget } from '../components/index.js';
import type { FaultSpec } from '../faults/catalog.js';
import type { ApiAvailability } from '../kube-api/server.js';

/** The components a restart action can restart. */
export type RestartTarget = 'ztunnel' | 'istio-cni';
export const RESTART_TARGETS: readonly RestartTarget[] = ['ztunnel', 'istio-cni'];

/** The controls of a running lab. */
export interface LabControls {
  setFaults(f: readonly FaultSpec[]): Promise<void>;
  /**
   * Restarts the container of `component` on `node` (default: the fault node), whatever faults are
   * active: a ztunnel comes back as a fresh process that must sync with istiod before it connects to
   * istio-cni; an istio-cni agent comes back with no ztunnel connected until its ztunnel reconnects.
   */
  restart(component: RestartTarget, node?: string): Promise<void>;
  /** active faults, with the node or namespace each one hits */
  faults(): FaultSpec[];
  scrapeTargets(): ScrapeTarget[];
  /** the API server: take it down ('refuse' connections or answer 503 'unavailable') and back 'up' */
  setApiAvailability(a: ApiAvailability): Promise<void>;
  apiAvailability(): ApiAvailability;
  /** drops the watch history, so any watch resuming from an earlier resourceVersion gets 410 */
  compactApiHistory(): void;
  /** the API server's current resourceVersion */
  resourceVersion(): number;
}

/** A summary of the lab's shape. */
export interface LabInfo {
  nodes: number;
  istiodNode: string;
  faultNode: string;
  istioVersion: string;
  layout: string;
  ipFamily: string;
  istiodService: string;
}

/** What the control endpoint drives: the lab's controls, plus a summary of its shape. */
export interface ControlTarget extends LabControls {
  info(): LabInfo;
}
