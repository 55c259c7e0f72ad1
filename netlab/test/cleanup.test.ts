// Nothing a lab creates outlives it: not after stop(), not after a failed build, not when the test
// process is interrupted (SIGINT) or terminated (SIGTERM); and what a SIGKILLed run leaves, the
// next run's sweep removes.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OverlayLab, REPO_ROOT, sweepLeftovers, taggedNames } from '../src/index.js';
import { describeNetlab } from './support/describe-netlab.js';

const HOLD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'hold-lab.ts');

interface Held {
  child: ChildProcess;
  tag: string;
  runDir: string;
}

function holdLab(): Promise<Held> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLD], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, ...(JSON.parse(line) as { tag: string; runDir: string }) });
    });
    child.once('exit', (code) => reject(new Error(`hold-lab exited ${code}: ${err}`)));
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

async function leftovers(tag: string): Promise<string[]> {
  const found = await taggedNames((n) => n.startsWith(tag));
  return [...found.netns, ...found.links];
}

/** Processes whose command line names this run's directory (its endpoints' control sockets). */
function processesOf(runDir: string): Promise<string[]> {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-eo', 'pid=,args='], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    ps.once('exit', () => resolve(out.split('\n').filter((l) => l.includes(runDir))));
  });
}

describeNetlab('netlab: cleanup', function () {
  this.timeout(60_000);

  it('stop() removes every namespace, link, process and file of the lab', async () => {
    const lab = await OverlayLab.start({ nodes: 2 });
    const { tag, runDir } = lab.plan;
    expect(await leftovers(tag)).to.have.length.greaterThan(0);
    expect(await processesOf(runDir)).to.have.length(4);
    await lab.stop();
    expect(await leftovers(tag)).to.deep.equal([]);
    expect(await processesOf(runDir)).to.deep.equal([]);
    expect(existsSync(runDir)).to.equal(false);
  });

  it('a build that fails half-way removes what it made and rethrows', async () => {
    let err: unknown;
    // the endpoints cannot listen on port 70000: the last build step fails after every namespace exists
    await OverlayLab.start({ nodes: 2, endpointPort: 70_000 }).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/endpoint\.ts in nlab/);
    const found = await taggedNames((n) => n.startsWith(`nlab${process.pid.toString(36).padStart(5, '0')}`));
    expect([...found.netns, ...found.links]).to.deep.equal([]);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`a test process stopped with ${signal} removes its lab before it exits`, async () => {
      const held = await holdLab();
      expect(await leftovers(held.tag)).to.have.length.greaterThan(0);
      held.child.kill(signal);
      expect(await exited(held.child)).to.equal(signal === 'SIGINT' ? 130 : 143);
      expect(await leftovers(held.tag)).to.deep.equal([]);
      expect(existsSync(held.runDir)).to.equal(false);
      expect(await processesOf(held.runDir)).to.deep.equal([]);
    });
  }

  it('a run killed with SIGKILL leaves its lab; the next sweep removes it and spares live runs', async () => {
    const live = await OverlayLab.start({ nodes: 1 });
    try {
      const held = await holdLab();
      held.child.kill('SIGKILL');
      await exited(held.child);
      expect(await leftovers(held.tag)).to.have.length.greaterThan(0);
      const swept = await sweepLeftovers();
      expect(swept.netns.every((n) => n.startsWith(held.tag))).to.equal(true);
      expect(await leftovers(held.tag)).to.deep.equal([]);
      expect(existsSync(held.runDir)).to.equal(false);
      expect(await processesOf(held.runDir)).to.deep.equal([]);
      expect(await leftovers(live.plan.tag), 'a live run is not swept').to.have.length.greaterThan(0);
    } finally {
      await live.stop();
    }
  });
});
