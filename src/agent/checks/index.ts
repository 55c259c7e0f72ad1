export { runNodeChecks, type NodeCheckInput, type NodeCheckRound } from './run.js';
export { evaluateNetwork, type RawNetwork, type NetworkCheckOptions } from './evaluate/network.js';
export { evaluateCniConfig, type RawCniDir } from './evaluate/cni-config.js';
export { evaluateCniTaint } from './evaluate/taint.js';
export { expectedFlannel, leaseOf, type ExpectedFlannel, type FlannelLease, type NodeObject } from './expected.js';
export { collectNetwork } from './collect/network.js';
export { collectCniDir } from './collect/cni-dir.js';
export { CHECK_DEPENDS_ON, CHECK_REQUIREMENTS, CNI_CONF_DIR } from './requirements.js';
export * from './types.js';
