// The lab's address plan, all inside 127.0.0.0/8 so every simulated pod can have its own loopback
// address on Linux:
//   node i InternalIP   127.10.X.Y   (Y in 1..254)
//   node i pod CIDR     127.(20 + i/256).(i%256).0/24, the first pod at .2 (.1 is the bridge)
//   Service ClusterIPs  127.30.0.0/16
export const MAX_NODES = 2000;
/** Last pod host number handed out by order of creation; the few above it are for late pods. */
const MAX_POD_HOST = 240;

export function nodeIP(index: number): string {
  return `127.10.${Math.floor(index / 254)}.${(index % 254) + 1}`;
}

function podPrefix(nodeIndex: number): string {
  return `127.${20 + Math.floor(nodeIndex / 256)}.${nodeIndex % 256}`;
}

export function podCidr(nodeIndex: number): string {
  return `${podPrefix(nodeIndex)}.0/24`;
}

/** The n-th pod address on a node (n from 0). */
export function podIP(nodeIndex: number, n: number): string {
  if (n < 0 || n >= MAX_POD_HOST - 1) throw new Error(`node ${nodeIndex} has no pod address #${n}`);
  return `${podPrefix(nodeIndex)}.${n + 2}`;
}

/** Addresses kept for pods created while the lab runs (late pods), k from 0. */
export function latePodIP(nodeIndex: number, k: number): string {
  return `${podPrefix(nodeIndex)}.${MAX_POD_HOST + 1 + (k % 13)}`;
}

export const CLUSTER_CIDR = '127.20.0.0/14';
export const SERVICE_CIDR = '127.30.0.0/16';
export const ISTIOD_CLUSTER_IP = '127.30.0.20';
