// Versions the simulated components report.
export const ISTIO_VERSION = '1.28.2';
export const KUBERNETES_VERSION = 'v1.32.3';
export const FLANNEL_IMAGE = 'ghcr.io/flannel-io/flannel:v0.26.7';
