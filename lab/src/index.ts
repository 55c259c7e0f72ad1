// The lab (package ambient-lab): a simulated Istio ambient cluster on loopback, for the exporter's
// tests, demo and benchmarks. It imports nothing from the exporter.
//
//  - A read-only Kubernetes API over plain HTTP (kube-api/): nodes, namespaces, pods, events, services,
//    discovery.k8s.io/v1 endpointslices; list/get/watch with selectors, a global resourceVersion,
//    410 Expired for versions older than the kept history, discovery, /readyz /livez /healthz, and
//    Table responses so `kubectl get` prints like a real cluster. The kubeconfig is written to a
//    temporary file (removed on close).
//  - Component servers (components/) at each pod's own 127.x address and real port: ztunnel
//    :15020/:15021, istiod :15014/:8080/:15010/:15012/:15017 (and the Service ClusterIP on the ports
//    the Service declares), istio-cni :15014/:8000 on the node address (host network).
//  - Faults (faults/) switchable at runtime (setFaults, or PUT /faults on the control endpoint), and
//    restarts of a node's ztunnel or istio-cni (restart, or POST /restart). The processes whose state
//    depends on history (a ztunnel that never synced, an agent connection coming back) are simulated
//    on the lab clock (runtime/). The objects and the component behaviour are both derived from one
//    view of the faults and those processes (cluster/view.ts), so they always agree. Unreachable pods
//    are blackholed for real (connects hang; net/blackhole.ts).
//  - Reachability is judged from istiod's node: run the exporter against the lab with
//    --node-name <lab.istiodNode>.
//  - Addresses come in blocks (cluster/addresses.ts) so several labs can run on one machine.
export { startLab, type Lab } from './lab.js';
export { runLabCommand, labBanner, type RunLabOptions } from './run.js';
export { resolveLabOptions, LabOptionError, type LabOptions } from './options.js';
export {
  FAULT_NAMES,
  FAULT_CATALOG,
  CNI_REFUSAL_REASONS,
  FaultError,
  parseFaults,
  formatFaults,
  type CniRefusalReason,
  type FaultName,
  type FaultSpec,
} from './faults/catalog.js';
export { ISTIO_MINORS, type IstioMinor } from './cluster/release.js';
export { CLUSTER_LAYOUTS, IP_FAMILIES, type ClusterLayout, type IpFamily } from './cluster/shapes.js';
export { RESTART_TARGETS, type RestartTarget } from './control/target.js';
export { RestartError } from './runtime/cluster.js';
export { LAB_ENROLLMENT_POLICY, LAB_EXPECTED_NAMESPACES } from './cluster/workloads.js';
export type { Component, ScrapeTarget } from './components/index.js';
export type { ApiAvailability } from './kube-api/server.js';
export type { PortMode } from './net/network.js';
export { BlackholePool } from './net/blackhole.js';
export { startObjectApi, type ObjectApi, type ObjectApiOptions } from './kube-api/standalone.js';
export type { KubeObject } from './kube-api/types.js';
