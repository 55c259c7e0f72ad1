// Pods as Istio's Helm charts (1.24-1.28) create them, with the labels and container ports
// recorded in shared/reference/istio-ambient-facts.md (sections 1.1, 3.1, 3.3, 5.2), plus the
// exporter and pods that no Istio scrape job may pick up.
import type { FixturePod } from './promtool-sd.js';

export const ZTUNNEL_POD: FixturePod = {
  namespace: 'istio-system',
  name: 'ztunnel-7xk2p',
  node: 'node-a',
  ip: '10.244.1.7',
  labels: { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' },
  ports: [{ name: 'ztunnel-stats', port: 15020 }],
};

export const ISTIOD_POD: FixturePod = {
  namespace: 'istio-system',
  name: 'istiod-5d9c8b7f4-q2w8r',
  node: 'node-b',
  ip: '10.244.2.4',
  labels: { app: 'istiod', istio: 'pilot' },
  ports: [
    { name: 'http-debug', port: 8080 },
    { name: 'grpc-xds', port: 15010 },
    { name: 'tls-xds', port: 15012 },
    { name: 'https-webhooks', port: 15017 },
    { name: 'http-monitoring', port: 15014 },
  ],
};

/** istio-cni runs on the host network: its pod address is the node's. */
export const CNI_POD: FixturePod = {
  namespace: 'istio-system',
  name: 'istio-cni-node-9m4tz',
  node: 'node-a',
  ip: '192.168.1.11',
  labels: { 'k8s-app': 'istio-cni-node', 'app.kubernetes.io/name': 'istio-cni' },
  ports: [{ name: 'metrics', port: 15014 }],
};

export const EXPORTER_POD: FixturePod = {
  namespace: 'ambient-exporter',
  name: 'ambient-exporter-6c9f7d5b8-h2kls',
  node: 'node-b',
  ip: '10.244.2.9',
  labels: { 'app.kubernetes.io/name': 'ambient-exporter', 'istio.io/dataplane-mode': 'none' },
  ports: [{ name: 'http-metrics', port: 9479 }],
};

/** A node agent (manifests/agent): on the host network, its pod address is the node's. */
export const AGENT_POD: FixturePod = {
  namespace: 'ambient-exporter-agent',
  name: 'ambient-exporter-agent-q8r2x',
  node: 'node-a',
  ip: '192.168.1.11',
  labels: { 'app.kubernetes.io/name': 'ambient-exporter-agent', 'istio.io/dataplane-mode': 'none' },
  ports: [{ name: 'http-summary', port: 9480 }],
};

/** Pods in the same namespaces that must not become targets. */
export const OTHER_PODS: FixturePod[] = [
  // A ztunnel pod that has finished (e.g. evicted): not scraped.
  { ...ZTUNNEL_POD, name: 'ztunnel-old01', phase: 'Failed' },
  // Another workload in istio-system with a metrics port.
  {
    namespace: 'istio-system',
    name: 'istio-ingressgateway-7f8c9-x1',
    node: 'node-a',
    ip: '10.244.1.20',
    labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    ports: [{ name: 'http-envoy-prom', port: 15090 }],
  },
];
