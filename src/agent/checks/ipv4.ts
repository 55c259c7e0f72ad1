// IPv4 addresses and CIDRs as the kernel prints them and as Kubernetes stores them.

/** The address as a 32-bit number, or undefined when it is not dotted-quad IPv4. */
export function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export interface Ipv4Cidr {
  /** the network address, host bits cleared */
  network: string;
  prefix: number;
}

/** "10.244.1.0/24" -> network and prefix; a bare address is a /32. Host bits are cleared, as Go's net.ParseCIDR does. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const ip = ipv4ToInt(addr);
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: intToIpv4((ip & mask) >>> 0), prefix };
}

export const cidrText = (c: Ipv4Cidr): string => `${c.network}/${c.prefix}`;
