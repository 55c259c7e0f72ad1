// The `peers` part of a summary (pure): the plan the agent holds, by version and size, and the
// probes' results, capped to the schema's limits (agent/summary.ts).
import { PLAN_LIMITS } from './plan.js';
import type { AgentPeersRound } from './round.js';
import type { PeersSummary } from './summary.js';

export function peersSummary(peers: AgentPeersRound): PeersSummary {
  const held = peers.plan;
  return {
    plan: held
      ? { version: held.plan.version, coverage: held.plan.coverage, targets: held.plan.targets.length, peers: held.plan.peers.length, receivedAtMs: held.receivedAtMs }
      : null,
    ...(peers.notProbed ? { notProbed: peers.notProbed } : {}),
    results: peers.results.slice(0, PLAN_LIMITS.targets),
  };
}
