// What component handlers read: the topology, the current view of the cluster and the lab clock.
import type { ClusterView } from '../cluster/view.js';
import type { Topology } from '../cluster/topology.js';

export interface LabContext {
  topology: Topology;
  view(): ClusterView;
  now(): number;
}
