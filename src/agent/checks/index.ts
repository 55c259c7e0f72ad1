export { runNodeChecks, type NodeCheckInput } from './run.js';
export { evaluateNetwork, type DeviceTables, type RawNetwork } from './evaluate/network.js';
export { evaluateCniConfig, type RawCniDir } from './evaluate/cni-config.js';
export { evaluateCniTaint } from './evaluate/taint.js';
export { expectedFlannel, expectedOverlays, leaseOf, type NodeObject } from './expected.js';
export { collectCniDir } from './collect/cni-dir.js';
export { CHECK_DEPENDS_ON, CHECK_REQUIREMENTS, CNI_CONF_DIR } from './requirements.js';
export * from './types.js';
