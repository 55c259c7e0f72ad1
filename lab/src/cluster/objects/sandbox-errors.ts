// The words kubelet reports when istio-cni refuses a pod's sandbox, as each Istio release builds
// them (istio-ambient-facts §5.1, §5.2; research on istio-cni's error paths):
//  - the node agent answers the plugin with HTTP 500 and its error (cni/pkg/nodeagent/cni-watcher.go),
//    which the plugin reports as `unable to push CNI event (status code 500): <error>`; a request that
//    never reaches the agent is `failed to send event request: <Go net/http error>`
//    (cni/pkg/plugin/cnieventclient.go); from 1.24.5 / 1.25.2 both are wrapped in
//    `istio-cni cmdAdd failed to contact node Istio CNI agent: ` (cni/pkg/plugin/plugin.go);
//  - kubelet (containerd) wraps the plugin's error as `... plugin type="istio-cni" name="istio-cni" failed (add): <error>`.
import type { IstioRelease } from '../release.js';
import type { RefusalReason } from '../../runtime/node.js';

const AGENT_PREFIX = 'istio-cni cmdAdd failed to contact node Istio CNI agent: ';
const PUSHED = 'unable to push CNI event (status code 500): ';

/** ztunnel's nack when it cannot enter the pod's netns (src/inpod/workloadmanager.rs send_nack of a ProxyError). */
const ZTUNNEL_NACK = 'failure to start proxy : Io(Os { code: 2, kind: NotFound, message: "No such file or directory" })';

/** The istio-cni plugin's error for a refusal, in the words of `release`. */
export function pluginError(reason: RefusalReason, release: IstioRelease, podIP: string): string {
  // 1.24 wraps ztunnel's failures (no connection, nack) as partial adds (cni/pkg/nodeagent/error.go)
  const partial = (text: string) => (release.partialAddWrapper ? `partial add error: ${text}` : text);
  switch (reason) {
    case 'no-ztunnel-connection':
      // ztunnelserver*.go PodAdded
      return AGENT_PREFIX + PUSHED + partial('no ztunnel connection');
    case 'ack-error':
      // ztunnelserver_linux.go PodAdded: ztunnel answered the add with an error
      return AGENT_PREFIX + PUSHED + partial(`got ack error: ${ZTUNNEL_NACK}`);
    case 'not-retryable':
      // net_linux.go AddPodToMesh: in-pod iptables-restore failed; 1.25+ wraps it as ErrNonRetryableAdd
      return AGENT_PREFIX + PUSHED + (release.nonRetryableWrapper ? 'pod add cannot be retried: exit status 2' : 'exit status 2');
    case 'ipset-exist':
      // 1.24 server.go addPodToHostNSIpset adds with replace=false: a stale entry fails with EEXIST
      return `${AGENT_PREFIX + PUSHED}failed to add IP ${podIP} to ipset istio-inpod-probes-v4: exist`;
    case 'agent-socket-missing':
      // the plugin cannot dial the agent's socket (Go net/http error text)
      return `${AGENT_PREFIX}failed to send event request: Post "http://unix/cmdadd": dial unix /var/run/istio-cni/pluginevent.sock: connect: no such file or directory`;
    case 'unauthorized':
      // the plugin's own API client (getK8sPodInfo), its error returned raw (istio/istio#57788)
      return 'Unauthorized';
  }
}

/** kubelet's FailedCreatePodSandBox message (containerd wording, istio/istio#53696). */
export function sandboxFailureMessage(sandboxId: string, error: string): string {
  return `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxId}": plugin type="istio-cni" name="istio-cni" failed (add): ${error}`;
}

/**
 * Whether a refusal hits a pod: the plugin asks the API server about every pod (outside excluded
 * namespaces) before deciding, so `Unauthorized` hits them all; every other refusal comes from the
 * agent, which the plugin calls only for pods it enrolls (cni/pkg/plugin/plugin.go CmdAdd).
 */
export function refusalHits(reason: RefusalReason, enrolled: boolean): boolean {
  return reason === 'unauthorized' || enrolled;
}

/**
 * Whether istio-cni leaves the pod annotated `ambient.istio.io/redirection: pending`: its rules are
 * in place but ztunnel did not take it (meshdataplane_linux.go AddPodToMesh, 1.25+). Refusals
 * before that step leave no annotation.
 */
export function annotatesPending(reason: RefusalReason, release: IstioRelease): boolean {
  return release.redirectionPending && (reason === 'no-ztunnel-connection' || reason === 'ack-error');
}
