// The underlay: the interface Flannel sends VXLAN packets out of. The device names it (its lower
// device, VtepDevIndex = Flannel's external interface); without a device, it is the interface
// holding the node's public IP (flannel picks its external interface by that address).
import { sameIp } from '../ip.js';
import type { Link } from '../parse/ip-json.js';
import { ok, problem, unknown } from '../result.js';
import type { CheckResult, IpFamily } from '../types.js';
import { hasCarrier, linkEvidence } from './links.js';

export interface InterfaceAddress {
  ifname: string;
  address: string;
}

export function findUnderlay(
  links: readonly Link[],
  device: Link | undefined,
  addresses: readonly InterfaceAddress[],
  publicIp: string,
  family: IpFamily = 'ipv4',
): Link | undefined {
  const lower = device?.linkinfo?.info_data?.link;
  const name = lower ?? addresses.find((a) => sameIp(a.address, publicIp, family))?.ifname;
  return name === undefined ? undefined : links.find((l) => l.ifname === name);
}

export function evaluateUnderlay(underlay: Link | undefined, publicIp: string): CheckResult {
  const check = 'underlay_link';
  if (!underlay) return unknown(check, 'underlay_unavailable', { public_ip: publicIp });
  const evidence = { ...linkEvidence(underlay), public_ip: publicIp };
  return hasCarrier(underlay) ? ok(check, evidence) : problem(check, 'underlay_down', evidence);
}
