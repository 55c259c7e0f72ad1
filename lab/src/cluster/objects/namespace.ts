// core/v1 Namespace.
import type { KubeObject } from '../../kube-api/types.js';
import type { SimNamespace } from '../shapes.js';
import { meta } from './meta.js';

export function namespaceObject(ns: SimNamespace, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta({ name: ns.name, uid: ns.uid, createdAt: ns.createdAt, labels }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
