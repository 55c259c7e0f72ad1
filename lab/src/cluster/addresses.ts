// The lab's address plan, all inside 127.0.0.0/8 so every simulated pod can have its own loopback
// address on Linux. Plans come in numbered blocks so several labs can run on one machine; block b
// uses second octets from B = 10 + 40*b (block 0: the 127.10 / 127.20 / 127.30 plan):
//   node i InternalIP   127.B.X.Y                 (Y in 1..254)
//   node i pod CIDR     127.(B+10 + i/256).(i%256).0/24, the first pod at .2 (.1 is the bridge)
//   Service ClusterIPs  127.(B+20).0.0/16
export const MAX_NODES = 2000;
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
    return `127.${this.base + 10 + Math.floor(nodeIndex / 256)}.${nodeIndex % 256}`;
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
