// A CNI config directory, judged as containerd's go-cni loads it (opts.go loadFromConfDir): files
// ending .conf/.conflist/.json, sorted lexically, the first being the default network. A .conflist
// must hold a non-empty "plugins" list; a .conf/.json is one plugin and must have a "type" (a
// conflist saved as .conf fails there). go-cni returns an error for an invalid first file rather
// than skipping it, so an invalid active file breaks pod networking.
import { CNI_CONFIG_EXTENSIONS } from '../upstream.js';

export function configFileNames(entries: readonly string[]): string[] {
  return entries.filter((f) => CNI_CONFIG_EXTENSIONS.some((ext) => f.endsWith(ext))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The plugin types of one config file, or undefined when go-cni would reject it. */
export function pluginTypes(fileName: string, content: string): string[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const conf = json as { plugins?: unknown; type?: unknown };
  if (fileName.endsWith('.conflist')) {
    if (!Array.isArray(conf.plugins) || conf.plugins.length === 0) return undefined;
    const types = conf.plugins.map((p: unknown) => (typeof p === 'object' && p !== null ? (p as { type?: unknown }).type : undefined));
    return types.every((t): t is string => typeof t === 'string' && t !== '') ? types : undefined;
  }
  return typeof conf.type === 'string' && conf.type !== '' ? [conf.type] : undefined;
}
