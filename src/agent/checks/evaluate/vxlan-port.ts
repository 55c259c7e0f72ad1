// The device's UDP port is bound in the node's network namespace. The kernel opens the VXLAN socket
// when the device goes up and closes it when it goes down (drivers/net/vxlan/vxlan_core.c
// vxlan_open / vxlan_stop); it is a kernel socket listed in /proc/net/udp (or udp6) with uid 0.
// Only an unconnected socket (state 07) receives packets from every peer. An IPv4 device's socket is
// an AF_INET one (/proc/net/udp), an IPv6 device's an AF_INET6 one (/proc/net/udp6).
import type { Link } from '../parse/ip-json.js';
import { parseProcNetUdp } from '../parse/proc-net-udp.js';
import { capList, ok, problem, unknown, unknownFrom } from '../result.js';
import type { CheckResult, Collected, IpFamily } from '../types.js';

export interface ProcNetUdp {
  v4: string;
  /** '' when the kernel has no IPv6 */
  v6: string;
}

const UDP_UNCONNECTED = '07';

export function evaluateVxlanPort(udp: Collected<ProcNetUdp>, device: Link, family: IpFamily = 'ipv4'): CheckResult {
  const check = 'flannel_vxlan_port';
  if (!udp.ok) return unknownFrom(check, udp, 'proc_net_unavailable');
  const port = device.linkinfo?.info_data?.port;
  if (port === undefined) return unknown(check, 'unparseable_output', { detail: `${device.ifname} shows no UDP port` });
  const v4 = parseProcNetUdp(udp.value.v4);
  const v6 = udp.value.v6 === '' ? [] : parseProcNetUdp(udp.value.v6);
  if (!v4 || !v6) return unknown(check, 'unparseable_output', { detail: '/proc/net/udp has no header line' });
  const bound = (family === 'ipv6' ? v6 : v4).filter((s) => s.port === port && s.state === UDP_UNCONNECTED);
  const evidence = { port, sockets: capList(bound.map((s) => `${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port} uid=${s.uid}`)) };
  return bound.length > 0 ? ok(check, evidence) : problem(check, 'vxlan_port_not_bound', evidence);
}
