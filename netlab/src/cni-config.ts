// A node's /etc/cni/net.d as Flannel and istio-cni leave it.
// - Flannel's install-cni init container copies cni-conf.json to 10-flannel.conflist on every
//   start (Documentation/kube-flannel.yml), so after a reboot the file is Flannel's own again
//   until istio-cni rewrites it.
// - istio-cni, chained (the chart default), appends its plugin to the lexically first config and
//   writes the file back in place (istio/istio cni/pkg/install/cniconfig.go writeCNIConfig and
//   insertCNIConfig: any old istio-cni entry is removed, the new one appended without cniVersion).
//   With istioOwnedCNIConfig it writes the merged list to its own 02-istio-cni.conflist
//   (cni/pkg/constants DefaultIstioOwnedCNIConfigFilename), which sorts first.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const FLANNEL_CONFLIST_NAME = '10-flannel.conflist';
export const ISTIO_OWNED_CONFLIST_NAME = '02-istio-cni.conflist';

export type IstioCniInstall = 'chained' | 'istio-owned' | 'absent';

type Json = Record<string, unknown>;

/** cni-conf.json from Flannel's upstream manifest. */
export function flannelConflist(): Json {
  return {
    name: 'cbr0',
    cniVersion: '0.3.1',
    plugins: [
      { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

/** The plugin entry istio-cni's createCNIConfigFile builds for ambient with the chart's values. */
export function istioCniPlugin(): Json {
  return {
    name: 'istio-cni',
    type: 'istio-cni',
    ipam: {},
    dns: {},
    plugin_log_level: 'info',
    cni_agent_run_dir: '/var/run/istio-cni',
    ambient_enabled: true,
    enablement_selectors: [
      { podSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } },
      {
        podSelector: { matchExpressions: [{ key: 'istio.io/dataplane-mode', operator: 'NotIn', values: ['none'] }] },
        namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } },
      },
    ],
    exclude_namespaces: ['kube-system'],
    pod_namespace: 'istio-system',
    native_nftables: false,
    enable_ambient_detection_retry: false,
  };
}

/** insertCNIConfig for a conflist: drop an existing istio-cni entry, append the new one. */
export function withIstioCni(conflist: Json): Json {
  const plugins = (conflist.plugins as Json[]).filter((p) => p.type !== 'istio-cni');
  return { ...conflist, plugins: [...plugins, istioCniPlugin()] };
}

/** Replaces every config in `dir` with what a node shows for the given istio-cni install state. */
export async function writeNodeCniConfig(dir: string, istioCni: IstioCniInstall): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const f of await readdir(dir)) await rm(path.join(dir, f), { force: true });
  const flannel = flannelConflist();
  const write = (name: string, json: Json) => writeFile(path.join(dir, name), `${JSON.stringify(json, null, 2)}\n`, { mode: 0o644 });
  await write(FLANNEL_CONFLIST_NAME, istioCni === 'chained' ? withIstioCni(flannel) : flannel);
  if (istioCni === 'istio-owned') await write(ISTIO_OWNED_CONFLIST_NAME, withIstioCni(flannel));
}
