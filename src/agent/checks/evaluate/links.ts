// Reading link state the way the kernel means it.
import type { Link } from '../parse/ip-json.js';

/** IFF_UP is set and the kernel does not report the link down (a VXLAN device reports UNKNOWN when up). */
export const isUp = (l: Link): boolean => l.flags.includes('UP') && l.operstate !== 'DOWN';

/** Up and with carrier: frames can actually leave. */
export const hasCarrier = (l: Link): boolean => isUp(l) && l.flags.includes('LOWER_UP') && !l.flags.includes('NO-CARRIER');

export const isVxlan = (l: Link): boolean => l.linkinfo?.info_kind === 'vxlan';

export function linkEvidence(l: Link): Record<string, string | number> {
  return { name: l.ifname, operstate: l.operstate, flags: l.flags.join(','), mtu: l.mtu };
}
