// The Flannel VXLAN device (flannel.<VNI>, or flannel-v6.<VNI>) against what the node advertises,
// and its MTU against the underlay's. Flannel creates the device with the node's VtepMAC, the lease
// VNI, learning off, and MTU = underlay MTU - 50 (flannel pkg/backend/vxlan/device.go
// newVXLANDevice); VXLAN adds 50 bytes over IPv4 (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8) and
// 70 over IPv6, so a device MTU above underlay - 50 (- 70) makes full-size packets too big for the
// underlay. The kernel refuses such an MTU when the device is made, so the mismatch appears when the
// underlay's MTU is lowered afterwards (Talos: KubeSpan at 1420 under Flannel's 1450).
import type { ExpectedFlannel } from '../expected.js';
import type { Link } from '../parse/ip-json.js';
import { ok, problem, unknown } from '../result.js';
import type { CheckResult } from '../types.js';
import type { IpFamily } from '../types.js';
import { encapOverheadOf } from '../upstream.js';
import { isUp, isVxlan } from './links.js';

export function evaluateVxlanDevice(device: Link | undefined, expected: ExpectedFlannel, expectedPort: number | undefined): CheckResult {
  const check = 'flannel_vxlan_device';
  if (!device) return problem(check, 'vxlan_device_missing', { device: expected.device });
  const data = device.linkinfo?.info_data;
  const evidence = {
    device: device.ifname,
    kind: device.linkinfo?.info_kind ?? '',
    operstate: device.operstate,
    flags: device.flags.join(','),
    mtu: device.mtu,
    mac: device.address ?? '',
    vni: data?.id ?? -1,
    port: data?.port ?? -1,
    local: data?.local ?? data?.local6 ?? '',
    underlay: data?.link ?? '',
    advertised_vni: expected.own.vni,
    advertised_mac: expected.own.vtepMac,
  };
  if (!isVxlan(device)) return problem(check, 'not_vxlan', evidence);
  if (!isUp(device)) return problem(check, 'vxlan_device_down', evidence);
  if (data?.id !== expected.own.vni) return problem(check, 'vni_mismatch', evidence);
  if ((device.address ?? '').toLowerCase() !== expected.own.vtepMac) return problem(check, 'vtep_mac_mismatch', evidence);
  if (expectedPort !== undefined && data?.port !== expectedPort) return problem(check, 'vxlan_port_unexpected', { ...evidence, expected_port: expectedPort });
  return ok(check, evidence);
}

export function evaluateVxlanMtu(device: Link | undefined, underlay: Link | undefined, family: IpFamily = 'ipv4'): CheckResult {
  const check = 'flannel_vxlan_mtu';
  if (!device) return unknown(check, 'vxlan_device_unavailable');
  if (!underlay) return unknown(check, 'underlay_unavailable', { device_mtu: device.mtu });
  const evidence = {
    device: device.ifname,
    device_mtu: device.mtu,
    underlay: underlay.ifname,
    underlay_mtu: underlay.mtu,
    headroom_bytes: underlay.mtu - device.mtu,
    needed_bytes: encapOverheadOf(family),
  };
  return device.mtu + encapOverheadOf(family) > underlay.mtu ? problem(check, 'overlay_mtu_mismatch', evidence) : ok(check, evidence);
}
