// The one rule for what may become the host of a scrape URL or a dial: an IPv4 or IPv6 literal.
// Addresses come from the Kubernetes API (pod IPs, ClusterIPs, EndpointSlices), which anyone able to
// write a pod's status could fill with a path, a query or a host name; none of that reaches a URL.
import { isIP } from 'node:net';

/** An IPv4 or IPv6 literal, without a zone (`fe80::1%eth0`) or anything else around it. */
export function isIpLiteral(value: string): boolean {
  return isIP(value) !== 0 && !value.includes('%');
}

/** host part of a URL or host:port: IPv6 addresses need brackets. */
export function urlHost(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}
