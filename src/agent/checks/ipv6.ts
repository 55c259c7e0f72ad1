// IPv6 addresses and CIDRs as the kernel prints them (inet_ntop: RFC 5952 text) and as Kubernetes
// stores them (Go's net.IP.String, the same form). Both sides are compared after parsing, so an
// address written with leading zeros or uncompressed still matches.

const GROUPS = 8;
const MAX = (1n << 128n) - 1n;

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

/** The address as a 128-bit number, or undefined when it is not IPv6 text (no zone, no brackets). */
export function ipv6ToBigInt(text: string): bigint | undefined {
  if (!text.includes(':') || text.includes('%')) return undefined;
  let body = text;
  // a trailing dotted IPv4 (::ffff:10.0.0.1) is two groups
  const dotted = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    const bytes = dotted[2]!.split('.').map(Number);
    if (bytes.some((b) => b > 255)) return undefined;
    tail = [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!];
    body = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const given = [...head, ...rest, ...tail];
  let groups: number[];
  if (halves.length === 2) {
    if (given.length > GROUPS - 1) return undefined;
    groups = [...head, ...new Array<number>(GROUPS - given.length).fill(0), ...rest, ...tail];
  } else {
    if (given.length !== GROUPS) return undefined;
    groups = given;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function bigIntToIpv6(n: bigint): string {
  const groups = Array.from({ length: GROUPS }, (_, i) => Number((n >> BigInt((GROUPS - 1 - i) * 16)) & 0xffffn));
  let best = { start: -1, len: 0 };
  for (let i = 0; i < GROUPS; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < GROUPS && groups[j] === 0) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/** The canonical text of an IPv6 address, or undefined when it is not one. */
export function canonicalIpv6(text: string): string | undefined {
  const n = ipv6ToBigInt(text);
  return n === undefined ? undefined : bigIntToIpv6(n);
}

export interface Ipv6Cidr {
  /** the network address (host bits cleared), canonical text */
  network: string;
  prefix: number;
}

/** "fd44::1/64" -> network and prefix; a bare address is a /128. Host bits are cleared, as Go's net.ParseCIDR does. */
export function parseIpv6Cidr(text: string): Ipv6Cidr | undefined {
  const [addr, len, extra] = text.split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const ip = ipv6ToBigInt(addr);
  const prefix = len === undefined ? 128 : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 128)) return undefined;
  const mask = prefix === 0 ? 0n : (MAX << BigInt(128 - prefix)) & MAX;
  return { network: bigIntToIpv6(ip & mask), prefix };
}
