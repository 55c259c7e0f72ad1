// metadata blocks shared by the object builders.
import type { ObjectMeta } from '../../kube-api/types.js';
import { rfc3339 } from '../../util/time.js';

export function meta(m: {
  name: string;
  namespace?: string;
  uid: string;
  createdAt: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generateName?: string;
  ownerReferences?: unknown[];
}): ObjectMeta {
  const out: ObjectMeta = { name: m.name, uid: m.uid, creationTimestamp: rfc3339(m.createdAt) };
  if (m.generateName) out.generateName = m.generateName;
  if (m.namespace !== undefined) out.namespace = m.namespace;
  if (m.labels && Object.keys(m.labels).length) out.labels = m.labels;
  if (m.annotations && Object.keys(m.annotations).length) out.annotations = m.annotations;
  if (m.ownerReferences?.length) out.ownerReferences = m.ownerReferences;
  return out;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
}
