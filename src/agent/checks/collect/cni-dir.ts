// Reads the node's CNI config directory (a read-only hostPath of /etc/cni/net.d): the names, the
// active file's content, and which other config files mention istio-cni.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RawCniDir } from '../evaluate/cni-config.js';
import { configFileNames, pluginTypes } from '../parse/cni-config.js';
import type { Collected } from '../types.js';
import { ISTIO_CNI_PLUGIN_TYPE } from '../upstream.js';
import { fileFailure, readCapped } from './files.js';

/** Other files read for evidence, at most. */
const MAX_OTHER_FILES = 20;

export async function collectCniDir(dir: string): Promise<Collected<RawCniDir>> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    return fileFailure(err);
  }
  const [first, ...others] = configFileNames(entries);
  if (first === undefined) return { ok: true, value: { dir, entries, othersWithIstioCni: [] } };
  const active = { name: first, content: await readCapped(path.join(dir, first)) };
  const othersWithIstioCni: string[] = [];
  for (const name of others.slice(0, MAX_OTHER_FILES)) {
    const content = await readCapped(path.join(dir, name));
    if (content.ok && pluginTypes(name, content.value)?.includes(ISTIO_CNI_PLUGIN_TYPE)) othersWithIstioCni.push(name);
  }
  return { ok: true, value: { dir, entries, active, othersWithIstioCni } };
}
