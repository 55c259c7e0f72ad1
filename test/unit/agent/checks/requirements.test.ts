// The machine-readable contract every result carries: bounded names, the privileges it needs, and
// what it depends on.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHECK_DEPENDS_ON,
  CHECK_NAMES,
  CHECK_REQUIREMENTS,
  evaluateNetwork,
  expectedFlannel,
  PROBLEM_REASONS,
  UNKNOWN_REASONS,
} from '../../../../src/agent/checks/index.js';
import { loadFixture } from './fixtures.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'netlab');

describe('agent checks: requirements and vocabulary', () => {
  it('no check needs a Linux capability', () => {
    for (const name of CHECK_NAMES) expect(CHECK_REQUIREMENTS[name].capabilities, name).to.deep.equal([]);
  });

  it('node-network checks need host network; the CNI check needs only the read-only hostPath', () => {
    expect(CHECK_NAMES.filter((c) => CHECK_REQUIREMENTS[c].hostNetwork)).to.deep.equal([
      'flannel_vxlan_device', 'underlay_link', 'flannel_vxlan_mtu', 'flannel_vxlan_port', 'flannel_fdb', 'flannel_neighbours', 'flannel_routes',
    ]);
    expect(CHECK_REQUIREMENTS.istio_cni_config.hostPaths).to.deep.equal(['/etc/cni/net.d']);
  });

  it('dependencies name only checks, without cycles', () => {
    for (const name of CHECK_NAMES) {
      for (const dep of CHECK_DEPENDS_ON[name]) {
        expect(CHECK_NAMES).to.include(dep);
        expect(CHECK_DEPENDS_ON[dep], `${name} -> ${dep}`).to.not.include(name);
      }
    }
  });

  it('every result on every captured state uses the closed vocabulary and carries its requirements', () => {
    const reasons = new Set<string>(['ok', ...UNKNOWN_REASONS, ...PROBLEM_REASONS]);
    for (const scenario of readdirSync(FIXTURES)) {
      const f = loadFixture(scenario);
      for (const r of evaluateNetwork(f.raw, expectedFlannel(f.node, f.nodes), { expectedVxlanPort: f.expectedVxlanPort })) {
        expect(reasons.has(r.reason), `${scenario} ${r.check} ${r.reason}`).to.equal(true);
        expect(r.status === 'ok').to.equal(r.reason === 'ok');
        expect(r.requires).to.equal(CHECK_REQUIREMENTS[r.check]);
        expect(r.dependsOn).to.equal(CHECK_DEPENDS_ON[r.check]);
      }
    }
  });
});
