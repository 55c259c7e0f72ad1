// The lab: a simulated Istio ambient cluster on loopback (Kubernetes API subset, ztunnel, istiod,
// istio-cni, Flannel) with switchable faults. See docs in the contract, section 5.
export { startLab, type Lab } from './lab.js';
export { runLabCommand, labBanner, type RunLabOptions } from './run.js';
export { resolveLabOptions, LabOptionError, type LabOptions } from './options.js';
export { FAULT_NAMES, FAULT_CATALOG, FaultError, parseFaults, formatFaults, type FaultName, type FaultSpec } from './faults/catalog.js';
export { LAB_ENROLLMENT_POLICY, LAB_EXPECTED_NAMESPACES } from './cluster/workloads.js';
export type { ScrapeTarget } from './components/index.js';
export type { ApiAvailability } from './kube-api/server.js';
export type { PortMode } from './net/network.js';
