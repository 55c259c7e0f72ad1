// What component handlers read: the topology, the current view of the cluster, the lab clock, and
// the node processes (read at the moment of a request, not at the last sync).
import type { ClusterView } from '../cluster/view.js';
import type { Topology } from '../cluster/topology.js';
import type { ClusterRuntime } from '../runtime/cluster.js';
import type { NodeRuntimeState } from '../runtime/node.js';

export interface LabContext {
  topology: Topology;
  view(): ClusterView;
  now(): number;
  runtime: ClusterRuntime;
  /** the node's processes as they are at `now` */
  nodeState(node: string, now: number): NodeRuntimeState;
}
