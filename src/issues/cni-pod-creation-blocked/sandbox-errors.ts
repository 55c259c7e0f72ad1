// Why istio-cni refused a pod's sandbox, read from kubelet's FailedCreatePodSandBox message as a
// bounded reason (never the free text). The plugin's error reaches kubelet wrapped as
// `... plugin type="istio-cni" name="istio-cni" failed (add): <error>` (istio-ambient-facts §5.1);
// the texts below are the ones upstream istio-cni returns (§5.1, §5.2).

/** The part of the message that says the istio-cni plugin failed the pod; the plugin's name may vary. */
const ISTIO_CNI_PLUGIN = /plugin type="istio-cni"/;

export const SANDBOX_REFUSAL_REASONS = [
  /** the node agent has no ztunnel connection (cni/pkg/nodeagent/ztunnelserver*.go) */
  'no_ztunnel_connection',
  /** the agent cannot be reached: its socket is missing or refuses while it (re)starts */
  'agent_unreachable',
  /** the agent refused the pod for good: `pod add cannot be retried` (ErrNonRetryableAdd) */
  'not_retryable',
  /** the in-pod probe ipset already holds the pod's IP (istio/istio#52218) */
  'ipset_conflict',
  /** the plugin's kubeconfig or token is rejected by the API server (istio/istio#57788) */
  'unauthorized',
  /** any other istio-cni failure */
  'other',
] as const;
export type SandboxRefusalReason = (typeof SANDBOX_REFUSAL_REASONS)[number];

const RULES: readonly [RegExp, SandboxRefusalReason][] = [
  [/pod add cannot be retried/, 'not_retryable'],
  [/ipset\b[\s\S]*\bexist|\bexist[\s\S]*\bipset/i, 'ipset_conflict'],
  [/\bUnauthorized\b/, 'unauthorized'],
  [/pluginevent\.sock|failed to contact node Istio CNI agent: [^:]*dial|connection refused|no such file or directory/, 'agent_unreachable'],
];

/** The reason istio-cni refused the sandbox, or undefined when the message is not istio-cni's. */
export function sandboxRefusal(message: string): SandboxRefusalReason | undefined {
  // istio-cni's own words, whatever a runtime makes of the wrapping around them
  if (message.includes('no ztunnel connection')) return 'no_ztunnel_connection';
  if (!ISTIO_CNI_PLUGIN.test(message)) return undefined;
  for (const [pattern, reason] of RULES) if (pattern.test(message)) return reason;
  return 'other';
}
