// Addresses of either family, for checks that judge the IPv4 and the IPv6 overlay alike.
import { cidrText, intToIpv4, ipv4ToInt, parseIpv4Cidr } from './ipv4.js';
import { canonicalIpv6, parseIpv6Cidr } from './ipv6.js';
import type { IpFamily } from './types.js';

/** The address in the form the kernel prints it, or undefined when it is not an address of `family`. */
export function canonicalIp(text: string, family: IpFamily): string | undefined {
  if (family === 'ipv6') return canonicalIpv6(text);
  const n = ipv4ToInt(text);
  return n === undefined ? undefined : intToIpv4(n);
}

/** Two texts name the same address of `family`. */
export function sameIp(a: string | undefined, b: string, family: IpFamily): boolean {
  if (a === undefined) return false;
  const x = canonicalIp(a, family);
  return x !== undefined && x === canonicalIp(b, family);
}

export interface Cidr {
  /** the network address, canonical text */
  network: string;
  prefix: number;
}

export function parseCidr(text: string, family: IpFamily): Cidr | undefined {
  return family === 'ipv6' ? parseIpv6Cidr(text) : parseIpv4Cidr(text);
}

/** "network/prefix" with the network in canonical text. */
export const cidrString = (c: Cidr): string => cidrText(c);
