// istio-cni in the active CNI config: the pure judgement over directory listings shaped like real
// nodes (Flannel's conflist, istio-cni's chained and istio-owned forms), and the collector on a
// real directory.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { collectCniDir, evaluateCniConfig, type Collected, type RawCniDir } from '../../../../src/agent/checks/index.js';
import { flannelConflist, withIstioCni, writeNodeCniConfig } from '../../../../netlab/src/cni-config.js';

const json = (v: unknown) => JSON.stringify(v);
const FLANNEL = json(flannelConflist());
const CHAINED = json(withIstioCni(flannelConflist()));
const BRIDGE_CONF = json({ cniVersion: '0.3.1', name: 'dbnet', type: 'bridge', bridge: 'cni0' });

/** A directory as the collector would return it, from name -> content. */
function dir(files: Record<string, string>, othersWithIstioCni: string[] = []): Collected<RawCniDir> {
  const entries = Object.keys(files);
  const first = entries.filter((f) => /\.(conf|conflist|json)$/.test(f)).sort()[0];
  return {
    ok: true,
    value: { dir: '/etc/cni/net.d', entries, othersWithIstioCni, ...(first ? { active: { name: first, content: { ok: true, value: files[first] ?? '' } } } : {}) },
  };
}

describe('agent checks: istio-cni in the active CNI config', () => {
  const rows: { what: string; raw: Collected<RawCniDir>; want: string }[] = [
    { what: 'chained into Flannel\'s conflist (the chart default)', raw: dir({ '10-flannel.conflist': CHAINED }), want: 'ok/ok' },
    { what: 'istio-owned 02-istio-cni.conflist sorts before Flannel\'s', raw: dir({ '02-istio-cni.conflist': CHAINED, '10-flannel.conflist': FLANNEL }), want: 'ok/ok' },
    { what: 'Flannel rewrote its conflist at boot: istio-cni gone', raw: dir({ '10-flannel.conflist': FLANNEL }), want: 'problem/cni_plugin_not_configured' },
    {
      what: 'istio-cni is in a file that is not the active one',
      raw: dir({ '05-multus.conf': json({ cniVersion: '0.3.1', name: 'multus', type: 'multus' }), '10-flannel.conflist': CHAINED }, ['10-flannel.conflist']),
      want: 'problem/cni_plugin_not_configured',
    },
    { what: 'a single-plugin .conf without istio-cni', raw: dir({ '10-bridge.conf': BRIDGE_CONF }), want: 'problem/cni_plugin_not_configured' },
    { what: 'an empty directory: the runtime has no network', raw: dir({}), want: 'problem/no_cni_config' },
    { what: 'only files the runtime ignores', raw: dir({ 'README': 'x', '10-flannel.conflist.bak': CHAINED }), want: 'problem/no_cni_config' },
    { what: 'an active file that is not JSON', raw: dir({ '10-flannel.conflist': '{"plugins": [' }), want: 'problem/cni_config_invalid' },
    { what: 'a conflist saved as .conf (no "type"): go-cni rejects it', raw: dir({ '10-flannel.conf': CHAINED }), want: 'problem/cni_config_invalid' },
    { what: 'a conflist with no plugins', raw: dir({ '10-flannel.conflist': json({ name: 'x', plugins: [] }) }), want: 'problem/cni_config_invalid' },
    { what: 'the hostPath is not mounted', raw: { ok: false, failure: 'not_found', detail: 'ENOENT' }, want: 'unknown/cni_dir_missing' },
    { what: 'the directory is not readable', raw: { ok: false, failure: 'permission_denied', detail: 'EACCES' }, want: 'unknown/permission_denied' },
    {
      what: 'the active file is not readable',
      raw: { ok: true, value: { dir: '/d', entries: ['10-flannel.conflist'], othersWithIstioCni: [], active: { name: '10-flannel.conflist', content: { ok: false, failure: 'permission_denied', detail: 'EACCES' } } } },
      want: 'unknown/permission_denied',
    },
  ];
  for (const { what, raw, want } of rows) {
    it(what, () => {
      const r = evaluateCniConfig(raw);
      expect(`${r.status}/${r.reason}`).to.equal(want);
    });
  }

  it('names the active file, its plugins, and other files that have istio-cni', () => {
    const r = evaluateCniConfig(dir({ '05-multus.conf': json({ name: 'multus', type: 'multus' }), '10-flannel.conflist': CHAINED }, ['10-flannel.conflist']));
    expect(r.evidence).to.deep.include({ active_file: '05-multus.conf', plugin_types: ['multus'], other_files_with_istio_cni: ['10-flannel.conflist'] });
  });

  describe('collector on a real directory', () => {
    let tmp: string;
    beforeEach(async () => (tmp = await mkdtemp(path.join(os.tmpdir(), 'cni-dir-'))));
    afterEach(async () => rm(tmp, { recursive: true, force: true }));

    it('reads what istio-cni and Flannel leave on a node', async () => {
      await writeNodeCniConfig(tmp, 'istio-owned');
      const raw = await collectCniDir(tmp);
      expect(raw.ok && raw.value.active?.name).to.equal('02-istio-cni.conflist');
      expect(raw.ok && raw.value.othersWithIstioCni).to.deep.equal([]);
      expect(evaluateCniConfig(raw).status).to.equal('ok');
      await writeNodeCniConfig(tmp, 'absent');
      expect(evaluateCniConfig(await collectCniDir(tmp)).reason).to.equal('cni_plugin_not_configured');
    });

    it('a missing directory is not_found, never a throw', async () => {
      const raw = await collectCniDir(path.join(tmp, 'absent'));
      expect(raw).to.include({ ok: false, failure: 'not_found' });
    });
  });
});
