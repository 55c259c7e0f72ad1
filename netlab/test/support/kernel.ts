// Reading a lab node's kernel state in tests, with iproute2's JSON output.
import { runJson } from '../../src/exec.js';

export interface LinkJson {
  ifname: string;
  flags: string[];
  mtu: number;
  operstate: string;
  address: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string; local6?: string; link?: string; port?: number; learning?: boolean } };
  stats64?: { tx: { packets: number }; rx: { packets: number } };
}

export const links = (netns: string): Promise<LinkJson[]> => runJson<LinkJson[]>(['ip', '-n', netns, '-j', '-d', '-s', 'link', 'show']);

export async function link(netns: string, name: string): Promise<LinkJson | undefined> {
  return (await links(netns)).find((l) => l.ifname === name);
}
