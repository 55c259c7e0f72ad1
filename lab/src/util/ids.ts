// Deterministic identifiers: every id is a hash of (seed, key), so the same object gets the same
// uid on every run and on every rebuild of the desired state, whatever order objects are built in.
import { createHash } from 'node:crypto';

/** Characters Kubernetes uses for generated name suffixes (k8s.io/apimachinery rand.String). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class IdSource {
  constructor(private readonly seed: string) {}

  private digest(key: string): Buffer {
    return createHash('sha256').update(this.seed).update('\0').update(key).digest();
  }

  /** A UUID in the version-4 layout, as metadata.uid. */
  uid(key: string): string {
    const b = Buffer.from(this.digest(`uid:${key}`).subarray(0, 16));
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Lower-case hex of the given length (container ids, sandbox ids, event name suffixes). */
  hex(key: string, length: number): string {
    let out = '';
    for (let i = 0; out.length < length; i++) out += this.digest(`hex:${i}:${key}`).toString('hex');
    return out.slice(0, length);
  }

  /** A generated-name suffix such as the `x7k2p` of `ztunnel-x7k2p`. */
  suffix(key: string, length = 5): string {
    const d = this.digest(`suffix:${key}`);
    let out = '';
    for (let i = 0; i < length; i++) out += NAME_ALPHABET[(d[i] ?? 0) % NAME_ALPHABET.length];
    return out;
  }

  /** A pod-template-hash such as `5f8d9c7b6d`. */
  templateHash(key: string): string {
    return this.suffix(`template:${key}`, 10);
  }

  /** A locally administered unicast MAC address, as Flannel's VtepMAC. */
  mac(key: string): string {
    const d = Buffer.from(this.digest(`mac:${key}`).subarray(0, 6));
    d[0] = ((d[0] ?? 0) & 0xfc) | 0x02;
    return [...d].map((x) => x.toString(16).padStart(2, '0')).join(':');
  }

  /** A number in [0, 1), stable for the key. */
  fraction(key: string): number {
    return this.digest(`fraction:${key}`).readUInt32BE(0) / 0x1_0000_0000;
  }
}
