// istio-cni is in the node's active CNI configuration. Chained (the chart default), istio-cni
// appends a plugin of type "istio-cni" to the lexically first config and rewrites that file; with
// istioOwnedCNIConfig it writes the merged list to 02-istio-cni.conflist, which sorts first
// (istio/istio cni/pkg/install/cniconfig.go writeCNIConfig, insertCNIConfig). Either way the
// active file (the first, as containerd picks it) must list istio-cni, or new pods start outside
// the mesh. Flannel's install-cni rewrites 10-flannel.conflist at every start, dropping istio-cni
// until istio-cni puts it back.
import { configFileNames, pluginTypes } from '../parse/cni-config.js';
import { capList, ok, problem, unknownFrom } from '../result.js';
import type { CheckResult, Collected } from '../types.js';
import { ISTIO_CNI_PLUGIN_TYPE } from '../upstream.js';

export interface RawCniDir {
  dir: string;
  /** every entry's name */
  entries: string[];
  /** the active (first) config file's content, or why it could not be read */
  active?: { name: string; content: Collected<string> };
  /** config files other than the active one that name istio-cni (evidence only) */
  othersWithIstioCni: string[];
}

export function evaluateCniConfig(raw: Collected<RawCniDir>): CheckResult {
  const check = 'istio_cni_config';
  if (!raw.ok) return unknownFrom(check, raw, 'cni_dir_missing');
  const { dir, entries, active, othersWithIstioCni } = raw.value;
  const files = configFileNames(entries);
  if (!active || files.length === 0) return problem(check, 'no_cni_config', { dir, files: capList(files) });
  if (!active.content.ok) return unknownFrom(check, active.content);
  const evidence = { dir, active_file: active.name, files: capList(files), other_files_with_istio_cni: capList(othersWithIstioCni) };
  const types = pluginTypes(active.name, active.content.value);
  if (!types) return problem(check, 'cni_config_invalid', evidence);
  const withTypes = { ...evidence, plugin_types: types };
  return types.includes(ISTIO_CNI_PLUGIN_TYPE) ? ok(check, withTypes) : problem(check, 'cni_plugin_not_configured', withTypes);
}

