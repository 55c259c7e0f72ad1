// Discovery documents (/version, /api, /apis, per group-version resource lists).
import { KUBERNETES_VERSION } from '../cluster/topology.js';
import { API_RESOURCES, groupVersion, type ApiResource } from './resources.js';

export function versionInfo(): Record<string, string> {
  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, '').split('.');
  return {
    major: major ?? '1',
    minor: minor ?? '32',
    gitVersion: KUBERNETES_VERSION,
    gitCommit: '32cc146f75aad04beaaa245a7157eb35063a9f99',
    gitTreeState: 'clean',
    buildDate: '2025-03-11T19:52:21Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of API_RESOURCES) {
    if (!r.group) continue;
    const versions = out.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    out.set(r.group, versions);
  }
  return out;
}

function groupDoc(name: string, versions: string[]): Record<string, unknown> {
  const v = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: v, preferredVersion: v[0] };
}

export function groupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups()].map(([name, versions]) => groupDoc(name, versions)),
  };
}

export function group(name: string): Record<string, unknown> | undefined {
  const versions = groups().get(name);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(name, versions) } : undefined;
}

export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const rs = API_RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources: rs.map((r: ApiResource) => ({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'list', 'watch'],
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    })),
  };
}
