// The application side of the lab: namespaces, their Deployments, and the enrollment policy the
// demo should configure. Deployments scale with the node count so big labs stay realistic.
import type { FaultName } from '../faults/catalog.js';

export interface AppDeployment {
  name: string;
  app: string;
  version: string;
  image: string;
  port: number;
  /** labels of its pod template beyond app and version (a pod-level istio.io/dataplane-mode) */
  podLabels?: Record<string, string>;
}

export interface AppNamespace {
  name: string;
  /** labelled istio.io/dataplane-mode=ambient in the healthy state */
  ambient: boolean;
  deployments: AppDeployment[];
}

function dep(name: string, app: string, version: string, image: string, port: number, podLabels?: Record<string, string>): AppDeployment {
  return { name, app, version, image, port, ...(podLabels ? { podLabels } : {}) };
}

const DATAPLANE_MODE = 'istio.io/dataplane-mode';

/**
 * Whether istio-cni enrolls a pod, by its own and its namespace's istio.io/dataplane-mode labels as
 * the default rules read them (cni/pkg/util/podutil.go; the 1.27+ chart's default enablement
 * selectors say the same): a pod labelled `ambient` is enrolled in any namespace, a pod labelled
 * `none` in none, any other pod when its namespace is labelled `ambient`.
 */
export function enrolledBy(podLabels: Readonly<Record<string, string>>, namespaceAmbient: boolean): boolean {
  const mode = podLabels[DATAPLANE_MODE];
  if (mode === 'none') return false;
  return mode === 'ambient' || namespaceAmbient;
}

const BOOKINFO = 'docker.io/istio/examples-bookinfo';
export const APP_NAMESPACES: readonly AppNamespace[] = [
  {
    name: 'bookinfo',
    ambient: true,
    deployments: [
      dep('productpage-v1', 'productpage', 'v1', `${BOOKINFO}-productpage-v1:1.20.2`, 9080),
      dep('details-v1', 'details', 'v1', `${BOOKINFO}-details-v1:1.20.2`, 9080),
      dep('ratings-v1', 'ratings', 'v1', `${BOOKINFO}-ratings-v1:1.20.2`, 9080),
      dep('reviews-v1', 'reviews', 'v1', `${BOOKINFO}-reviews-v1:1.20.2`, 9080),
      dep('reviews-v2', 'reviews', 'v2', `${BOOKINFO}-reviews-v2:1.20.2`, 9080),
      dep('reviews-v3', 'reviews', 'v3', `${BOOKINFO}-reviews-v3:1.20.2`, 9080),
    ],
  },
  {
    name: 'shop',
    ambient: true,
    deployments: [
      dep('frontend', 'frontend', 'v2', 'ghcr.io/example/shop-frontend:2.4.1', 8080),
      dep('cart', 'cart', 'v1', 'ghcr.io/example/shop-cart:1.9.0', 7070),
      dep('checkout', 'checkout', 'v1', 'ghcr.io/example/shop-checkout:1.9.0', 5050),
      dep('catalog', 'catalog', 'v3', 'ghcr.io/example/shop-catalog:3.0.2', 3550),
      // opted out of the mesh by its own label in an enrolled namespace
      dep('loadgen', 'loadgen', 'v1', 'ghcr.io/example/shop-loadgen:1.0.0', 8089, { [DATAPLANE_MODE]: 'none' }),
    ],
  },
  {
    name: 'payments',
    ambient: true,
    deployments: [
      dep('payments-api', 'payments-api', 'v1', 'ghcr.io/example/payments-api:5.2.0', 8443),
      dep('ledger', 'ledger', 'v1', 'ghcr.io/example/ledger:5.2.0', 9000),
    ],
  },
  {
    name: 'legacy',
    ambient: false,
    deployments: [
      dep('batch-reports', 'batch-reports', 'v1', 'ghcr.io/example/batch-reports:0.9.4', 8080),
      // enrolled by its own label in a namespace that is not
      dep('inventory-sync', 'inventory-sync', 'v1', 'ghcr.io/example/inventory-sync:0.7.1', 8080, { [DATAPLANE_MODE]: 'ambient' }),
    ],
  },
];

/** Namespaces the demo's enrollment policy should expect in the mesh (`--enroll-namespace` each). */
export const LAB_EXPECTED_NAMESPACES = ['bookinfo', 'payments', 'shop'] as const;

/** The enrollment policy to configure the exporter with against the lab (Config.enrollment shape). */
export const LAB_ENROLLMENT_POLICY = { namespaces: [...LAB_EXPECTED_NAMESPACES] as string[] };

/** Namespace a namespace fault hits when none is named. Different ones, so both can be combined. */
export const DEFAULT_FAULT_NAMESPACE: Partial<Record<FaultName, string>> = {
  'namespace-unlabeled': 'shop',
  'pods-not-captured': 'payments',
};

/**
 * Deployments whose rollout lands a new pod on a node that refuses new pods: two enrolled ones (their
 * pods get stuck) and a non-ambient one (istio-cni lets it through unless its plugin cannot even ask
 * the API server about it: `Unauthorized` refuses every pod).
 */
export const ROLLOUT_DEPLOYMENTS: readonly { namespace: string; deployment: string }[] = [
  { namespace: 'bookinfo', deployment: 'reviews-v2' },
  { namespace: 'shop', deployment: 'cart' },
  { namespace: 'legacy', deployment: 'batch-reports' },
];

/** Replicas per Deployment: one for small labs, about one pod per node per four Deployments for big ones. */
export function replicasFor(nodes: number): number {
  return Math.max(1, Math.ceil(nodes / 4));
}
