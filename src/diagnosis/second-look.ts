// When one round is not enough: a ztunnel that lost istiod while running stays Ready and only counts
// failed connects (ztunnel src/xds/client.rs: ConnectionError on every failed attempt, retried with
// back-off up to 15 s plus a 5 s connect timeout). A cumulative count read once cannot tell a stream
// failing now from one that failed last week, so `diagnose` looks again after one full retry cycle and
// judges growth as `serve` does between rounds. Pure.
import type { RoundResult } from '../export/exporter-families.js';
import { xdsErrorsNotJudged } from '../issues/ztunnel-istiod-connectivity/detect.js';

/** Longer than one retry of a ztunnel at its longest back-off (15 s) plus its connect timeout (5 s). */
export const SECOND_LOOK_MS = 25_000;

/** Nodes whose ztunnel has counted xDS connection errors that no earlier round was compared with. */
export function nodesNeedingSecondLook(round: RoundResult): string[] {
  return round.stateKnown ? xdsErrorsNotJudged(round.signals.issues.ztunnel_istiod_connectivity) : [];
}
