// The lab's address plan, all inside 127.0.0.0/8 so every simulated pod can have its own loopback
// address on Linux. Plans come in numbered blocks so several labs can run on one machine; block b
// uses second octets from B = 10 + 40*b (block 0: the 127.10 / 127.20 / 127.30 plan):
//   node i InternalIP   127.B.X.Y                 (Y in 1..254)
//   node i pod CIDR     127.(B+10 + i/256).(i%256).0/24, the first pod at .2 (.1 is the bridge),
//                       skipping B+20: nodes 2,560 and up take 127.(B+11 + i/256)
//   Service ClusterIPs  127.(B+20).0.0/16
// 5,000 nodes is the scale the exporter is benchmarked at (bench/scale.ts); the pod CIDRs of a
// block could reach 29 × 256 nodes.
export const MAX_NODES = 5000;
/** Second octets of pod CIDRs below the Services' (B+10 .. B+19); those above start at B+21. */
const POD_OCTETS_BELOW_SERVICES = 10;
export const ADDRESS_BLOCKS = 6;
/** Last pod host number handed out by order of creation; the few above it are for late pods. */
const MAX_POD_HOST = 240;

export class AddressPlan {
  private readonly base: number;

  constructor(readonly block: number) {
    if (!Number.isInteger(block) || block < 0 || block >= ADDRESS_BLOCKS) {
      throw new Error(`address block must be 0..${ADDRESS_BLOCKS - 1}, got ${block}`);
    }
    this.base = 10 + 40 * block;
  }

  nodeIP(index: number): string {
    return `127.${this.base}.${Math.floor(index / 254)}.${(index % 254) + 1}`;
  }

  private podPrefix(nodeIndex: number): string {
    const k = Math.floor(nodeIndex / 256);
    return `127.${this.base + 10 + k + (k >= POD_OCTETS_BELOW_SERVICES ? 1 : 0)}.${nodeIndex % 256}`;
  }

  podCidr(nodeIndex: number): string {
    return `${this.podPrefix(nodeIndex)}.0/24`;
  }

  /** The n-th pod address on a node (n from 0). */
  podIP(nodeIndex: number, n: number): string {
    if (n < 0 || n >= MAX_POD_HOST - 1) throw new Error(`node ${nodeIndex} has no pod address #${n}`);
    return `${this.podPrefix(nodeIndex)}.${n + 2}`;
  }

  /** Addresses kept for pods created while the lab runs (late pods), k from 0. */
  latePodIP(nodeIndex: number, k: number): string {
    return `${this.podPrefix(nodeIndex)}.${MAX_POD_HOST + 1 + (k % 13)}`;
  }

  get clusterCidr(): string {
    return `127.${this.base + 10}.0.0/12`;
  }

  get serviceCidr(): string {
    return `127.${this.base + 20}.0.0/16`;
  }

  get istiodClusterIP(): string {
    return `127.${this.base + 20}.0.20`;
  }
}
