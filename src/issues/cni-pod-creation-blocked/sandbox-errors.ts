// Why istio-cni refused a pod's sandbox, read from kubelet's FailedCreatePodSandBox message as a
// bounded reason (never the free text). The plugin's error reaches kubelet wrapped as
// `... plugin type="istio-cni" name="istio-cni" failed (add): <error>` (the installer names the
// plugin istio-cni in any conflist: cni/pkg/install/cniconfig.go). The texts matched are the ones
// upstream istio-cni builds, 1.24 to 1.31 (istio-ambient-facts §5.1, §5.2):
// - the node agent answers 500 with the error text (cni/pkg/nodeagent/cni-watcher.go), which the
//   plugin wraps as `unable to push CNI event (status code 500): ...`, and from 1.24.5 / 1.25.2 in
//   `istio-cni cmdAdd failed to contact node Istio CNI agent: ...` (cni/pkg/plugin/cnieventclient.go, plugin.go);
// - a request the agent never answers is `failed to send event request: Post "http://unix/cmdadd": ...`.

/** The part of the message that says the istio-cni plugin failed the pod. */
const ISTIO_CNI_PLUGIN = /plugin type="istio-cni"/;

export const SANDBOX_REFUSAL_REASONS = [
  /** the node agent has no ztunnel connection (cni/pkg/nodeagent/ztunnelserver*.go PodAdded) */
  'no_ztunnel_connection',
  /** ztunnel answered the agent with an error for the pod (`got ack error: ...`) */
  'ztunnel_refused',
  /** the agent's socket is missing or refuses (it is restarting or not running): dial unix .../pluginevent.sock */
  'agent_unreachable',
  /** the agent took longer than the plugin's 5 s client timeout (a ztunnel that never acks) */
  'agent_timeout',
  /** the agent could not enter the pod's netns or program its rules: `pod add cannot be retried` (1.25+) */
  'not_retryable',
  /** adding the pod's IP to the host probe set failed: `failed to add IP ... to ipset|nftables set istio-inpod-probes-...` */
  'probe_set_error',
  /** the plugin's own Kubernetes token is rejected (istio/istio#57788: a stale plugin config or kubeconfig on the node) */
  'unauthorized',
  /** any other istio-cni failure */
  'other',
] as const;
export type SandboxRefusalReason = (typeof SANDBOX_REFUSAL_REASONS)[number];

const RULES: readonly [RegExp, SandboxRefusalReason][] = [
  [/got ack error/, 'ztunnel_refused'],
  [/pod add cannot be retried/, 'not_retryable'],
  [/failed to add IP \S+ to (ipset|nftables set) /, 'probe_set_error'],
  [/\bUnauthorized\b/, 'unauthorized'],
  [/Client\.Timeout exceeded|context deadline exceeded/, 'agent_timeout'],
  [/failed to send event request|pluginevent\.sock/, 'agent_unreachable'],
];

/** The reason istio-cni refused the sandbox, or undefined when the message is not istio-cni's. */
export function sandboxRefusal(message: string): SandboxRefusalReason | undefined {
  // istio-cni's own words (1.24: `partial add error: no ztunnel connection`), whatever wraps them
  if (message.includes('no ztunnel connection')) return 'no_ztunnel_connection';
  if (!ISTIO_CNI_PLUGIN.test(message)) return undefined;
  for (const [pattern, reason] of RULES) if (pattern.test(message)) return reason;
  return 'other';
}
