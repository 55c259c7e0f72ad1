// What one HTTP probe across the lab found. Shared by the endpoint process that makes the request
// and the test side that asks for it.

export const PROBE_OUTCOMES = ['ok', 'timeout', 'refused', 'unreachable', 'reset', 'short_body', 'http_status', 'error'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export interface ProbeResult {
  outcome: ProbeOutcome;
  /** HTTP status, when a response started */
  status?: number;
  /** body bytes received before the outcome */
  bytes: number;
  elapsedMs: number;
  /** the socket error code, for people */
  code?: string;
}
