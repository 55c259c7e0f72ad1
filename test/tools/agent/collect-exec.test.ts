// The command collector turns every way a tool can fail into a bounded reason, never a throw.
import { expect } from 'chai';
import { collectJson, collectText } from '../../../src/agent/checks/collect/exec.js';

const node = (script: string) => [process.execPath, '-e', script];

describe('agent checks: command collector', () => {
  it('parses JSON output; empty output is an empty list (iproute2 prints nothing for no entries)', async () => {
    expect(await collectJson(node('console.log(JSON.stringify([{a:1}]))'))).to.deep.equal({ ok: true, value: [{ a: 1 }] });
    expect(await collectJson(node(''))).to.deep.equal({ ok: true, value: [] });
  });

  const rows: { what: string; argv: string[]; failure: string }[] = [
    { what: 'a tool that is not installed', argv: ['ambient-exporter-no-such-tool', '-j'], failure: 'command_missing' },
    { what: 'netlink refusing (RTNETLINK answers: Operation not permitted)', argv: node("process.stderr.write('RTNETLINK answers: Operation not permitted\\n'); process.exit(2)"), failure: 'permission_denied' },
    { what: 'a device that is gone', argv: node("process.stderr.write('Cannot find device \"flannel.1\"\\n'); process.exit(1)"), failure: 'command_failed' },
    { what: 'output that is not JSON', argv: node("console.log('default via 10.0.0.1 dev eth0')"), failure: 'unparseable_output' },
  ];
  for (const { what, argv, failure } of rows) {
    it(what, async () => {
      expect(await collectJson(argv)).to.include({ ok: false, failure });
    });
  }

  it('a tool that hangs costs a timeout', async () => {
    expect(await collectText(node('setTimeout(() => {}, 10000)'), 100)).to.include({ ok: false, failure: 'timeout' });
  });
});
