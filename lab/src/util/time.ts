// Time formats and kubelet timing rules the simulated objects follow.

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds, as Kubernetes writes metav1.MicroTime (eventTime, lease renewTime). */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Go's time.Duration String() for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h${m}m${rest}s` : `${m}m${rest}s`;
}

/** kubelet's crash-loop back-off: 10s doubling up to 5m (pkg/kubelet/kubelet.go MaxContainerBackOff). */
const BACKOFF_INITIAL_S = 10;
const BACKOFF_MAX_S = 300;
/** How long the crashing container runs before it exits again. */
const CRASH_RUN_S = 2;

export interface CrashLoopState {
  restarts: number;
  /** the current back-off, as shown in the waiting message */
  backoffSeconds: number;
  /** when the last run of the container started and ended */
  lastStartedMs: number;
  lastFinishedMs: number;
}

/** Restart count and back-off of a container that has crashed repeatedly since `sinceMs`. */
export function crashLoopState(sinceMs: number, nowMs: number, restartsBefore = 0): CrashLoopState {
  // The crash loop begins with a restart; then each cycle runs briefly, exits, waits the back-off.
  let restarts = restartsBefore + 1;
  let started = sinceMs;
  let backoff = BACKOFF_INITIAL_S;
  for (;;) {
    const finished = started + CRASH_RUN_S * 1000;
    const next = finished + backoff * 1000;
    // (within the first seconds the last run may still be going: never report an exit in the future)
    if (next > nowMs) return { restarts, backoffSeconds: backoff, lastStartedMs: started, lastFinishedMs: Math.min(finished, nowMs) };
    restarts++;
    started = next;
    backoff = Math.min(backoff * 2, BACKOFF_MAX_S);
  }
}
