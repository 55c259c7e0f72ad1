export { OverlayLab } from './lab.js';
export { netlabAvailability, type Availability } from './availability.js';
export { sweepLeftovers, taggedNames } from './cleanup.js';
export { DEFAULT_LOWERED_MTU, type Fault, type FaultKind } from './faults.js';
export { FLANNEL_ANNOTATIONS, nodeObject, type LabNodeObject, type NodeTaint } from './node-objects.js';
export {
  planLab,
  VXLAN_ENCAP_OVERHEAD,
  VXLAN_PORT_LINUX_DEFAULT,
  VXLAN_PORT_TALOS,
  type IpFamily,
  type LabOptions,
  type LabPlan,
  type NodePlan,
  type NodeV6Plan,
  type PodPlan,
  type VxlanPlan,
} from './plan.js';
export { overlaysOf, primaryOverlay, type Overlay } from './flannel.js';
export { PADDED_BYTES, SMALL_BYTES, type ProbeOptions, type Site } from './probe.js';
export type { ProbeOutcome, ProbeResult } from './probe-result.js';
export { REPO_ROOT, startInNetns, tsInNetns } from './processes.js';
