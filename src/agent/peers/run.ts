// One round of probes to the plan's targets (I/O), bounded: at most `concurrency` targets at a time,
// each small probe within `timeoutMs` and the padded one within twice that, and no target started
// once the round's budget is spent (the rest are `not_run`). Per target, the small probes over the
// pod and the host network run together; the padded one follows only when the small one over the
// pod network completed an exchange, so its failing says "full-size packets", nothing else.
import { mapWithConcurrency } from '../../scrape/pool.js';
import type { PeerResult } from '../summary.js';
import { PADDED_BYTES, probeOnce } from './probe.js';
import type { ProbeTarget } from './targets.js';

export interface ProbeBudget {
  /** one small probe: connect and exchange */
  timeoutMs: number;
  /** targets probed at once */
  concurrency: number;
  /** no target is started after this long into the round */
  budgetMs: number;
}

type Probe = typeof probeOnce;

export async function probePeers(targets: readonly ProbeTarget[], budget: ProbeBudget, probe: Probe = probeOnce): Promise<PeerResult[]> {
  const deadline = performance.now() + budget.budgetMs;
  return mapWithConcurrency(targets, budget.concurrency, async (t): Promise<PeerResult> => {
    const base = { node: t.node, podIp: t.podIp, hostIp: t.hostIp };
    if (performance.now() > deadline) return { ...base, pod: 'not_run', host: 'not_run', padded: 'not_run', podSeconds: 0, hostSeconds: 0 };
    const [pod, host] = await Promise.all([probe({ ip: t.podIp, port: t.port }, budget.timeoutMs), probe({ ip: t.hostIp, port: t.port }, budget.timeoutMs)]);
    const padded = pod.outcome === 'ok' ? (await probe({ ip: t.podIp, port: t.port }, 2 * budget.timeoutMs, PADDED_BYTES)).outcome : 'not_run';
    return { ...base, pod: pod.outcome, host: host.outcome, padded, podSeconds: pod.seconds, hostSeconds: host.seconds };
  });
}
