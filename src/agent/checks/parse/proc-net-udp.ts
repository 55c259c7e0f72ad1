// /proc/net/udp and /proc/net/udp6 (net/ipv4/udp.c udp4_format_sock, net/ipv6/datagram.c
// __ip6_dgram_sock_seq_show): one socket per line, "ADDR:PORT" in hex. The port is printed
// from the host-order value, the address as the raw in-memory 32-bit words, so on little-endian
// machines each word's bytes are reversed. Kernel sockets, such as a VXLAN device's, are listed
// like user ones (uid 0).

export interface UdpSocket {
  address: string;
  port: number;
  /** the socket state in hex; an unconnected (bound, listening) UDP socket is 07 (TCP_CLOSE) */
  state: string;
  uid: number;
  inode: number;
}

const wordToBytes = (hex: string, littleEndian: boolean): number[] => {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return littleEndian ? bytes.reverse() : bytes;
};

function decodeAddress(hex: string, littleEndian: boolean): string | undefined {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined;
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => wordToBytes(w, littleEndian));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** Parses one file's text; lines that do not parse are skipped. Undefined when there is no header. */
export function parseProcNetUdp(text: string, littleEndian = true): UdpSocket[] | undefined {
  const lines = text.split('\n');
  if (!/^\s*sl\s+local_address/.test(lines[0] ?? '')) return undefined;
  const sockets: UdpSocket[] = [];
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    const address = decodeAddress(addrHex ?? '', littleEndian);
    const port = parseInt(portHex ?? '', 16);
    if (address === undefined || !Number.isFinite(port)) continue;
    sockets.push({ address, port, state: f[3] ?? '', uid: Number(f[7]), inode: Number(f[9]) });
  }
  return sockets;
}
