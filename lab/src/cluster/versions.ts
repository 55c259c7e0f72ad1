// Versions the simulated Kubernetes and Flannel report (Istio's come from the release profiles).
export const KUBERNETES_VERSION = 'v1.32.3';
export const FLANNEL_IMAGE = 'ghcr.io/flannel-io/flannel:v0.26.7';
