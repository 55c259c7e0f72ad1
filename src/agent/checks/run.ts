// One round of node checks: collect (I/O) -> evaluate (pure). Never throws: every failure is an
// `unknown` result with a reason. Always returns one result per check (network checks once per
// overlay the node runs), in CHECK_NAMES order.
import { collectCniDir } from './collect/cni-dir.js';
import { collectNetwork, type ExpectedDevice, type NetworkCollectOptions } from './collect/network.js';
import { evaluateCniConfig } from './evaluate/cni-config.js';
import { evaluateNetwork, type NetworkCheckOptions, type RawNetwork } from './evaluate/network.js';
import { evaluateCniTaint } from './evaluate/taint.js';
import { expectedOverlays, type NodeObject } from './expected.js';
import { CNI_CONF_DIR } from './requirements.js';
import type { CheckResult } from './types.js';
import { flannelDeviceName } from './upstream.js';

export interface NodeCheckInput extends NetworkCheckOptions, NetworkCollectOptions {
  /** this node's name */
  nodeName: string;
  /** this node and its peers, as the API shows them */
  nodes: readonly NodeObject[];
  /** default /etc/cni/net.d */
  cniConfDir?: string;
  /** default cni.istio.io/not-ready */
  cniTaintKey?: string;
}

export interface NodeCheckRound {
  results: CheckResult[];
  /** the raw network collection, for people and for fixtures */
  raw: RawNetwork;
}

export async function runNodeChecks(input: NodeCheckInput): Promise<NodeCheckRound> {
  const expected = expectedOverlays(input.nodeName, input.nodes);
  // without a lease to compare with, flannel.1 is still looked up: the evidence shows what is there
  const devices: ExpectedDevice[] = typeof expected === 'string' ? [{ name: flannelDeviceName(1), family: 'ipv4' }] : expected.map((e) => ({ name: e.device, family: e.family }));
  const [raw, cni] = await Promise.all([collectNetwork(devices, input), collectCniDir(input.cniConfDir ?? CNI_CONF_DIR)]);
  const self = input.nodes.find((n) => n.metadata?.name === input.nodeName);
  const results = [...evaluateNetwork(raw, expected, input), evaluateCniConfig(cni), evaluateCniTaint(self, input.cniTaintKey)];
  return { results, raw };
}
