// What one probe between two nodes can end in, and what each outcome says about the path (pure). A
// closed set: outcomes travel in the summary and become label values. The agent records what
// happened; the exporter's consensus (issues/cross-node-network/consensus.ts) reads what it means.

export const PROBE_OUTCOMES = [
  /** the HTTP exchange completed */
  'ok',
  /** the peer's kernel answered with a reset: the path works, nothing listens (its agent is down) */
  'refused',
  /** no answer to the SYN within the timeout: packets are dropped on the way */
  'connect_timeout',
  /** no route, or an ICMP unreachable came back */
  'unreachable',
  /** connected, then the exchange did not complete in time: a padded one's MTU blackhole, or a hung agent */
  'stalled',
  /** connected, then reset mid-exchange */
  'reset',
  /** anything else (an HTTP status other than 200, a short body) */
  'error',
  /** not attempted: the padded probe runs only after the small one on the same path passed; or the round's budget ran out */
  'not_run',
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

/** The paths probed per peer: the pod network (across the VXLAN overlay), the host network (underlay only), and the pod network with both messages padded past the overlay MTU. */
export const PROBE_PATHS = ['pod', 'host', 'padded'] as const;
export type ProbePath = (typeof PROBE_PATHS)[number];

/** What an outcome says of the path: it carried the packets, it did not, or the probe tells nothing. */
export type PathVerdict = 'ok' | 'fail' | 'unknown';

/**
 * A small probe: a handshake answered (an exchange, or a refused connection: the peer's kernel
 * answered) proves the path; a SYN dropped or unroutable disproves it. Connected and then stuck
 * or reset is the listener's doing as much as the path's: no verdict.
 */
export function smallVerdict(outcome: ProbeOutcome): PathVerdict {
  if (outcome === 'ok' || outcome === 'refused') return 'ok';
  if (outcome === 'connect_timeout' || outcome === 'unreachable') return 'fail';
  return 'unknown';
}

/**
 * A padded probe, run only once the small one on the pod network completed an exchange with the
 * same listener: completing again proves full-size packets pass; stalling or a reset is the MTU
 * blackhole signature (the handshake and small packets pass, full-size ones are dropped).
 */
export function paddedVerdict(outcome: ProbeOutcome): PathVerdict {
  if (outcome === 'ok') return 'ok';
  if (outcome === 'stalled' || outcome === 'reset') return 'fail';
  return 'unknown';
}
