// The status page in a real browser (Debian's chromium, driven by playwright-core; installed by
// scripts/ensure-chromium.sh), against the exporter watching the lab: what a person sees when the mesh
// is healthy, when one fault hits it and when the exporter is blind, that the page refreshes itself
// and that its runbook links open the runbooks the exporter serves.
// UPDATE_SCREENSHOTS=1 writes the three states to docs/images/status-*.png (committed).
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from 'ambient-lab';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/cli-flags.js';
import { startServe, type Exporter } from '../../src/serve/index.js';
import { scrapeExposition, type Exposition } from '../support/exposition.js';
import { labExporterArgv } from '../support/lab-exporter.js';
import { waitFor } from '../support/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

describe('e2e: the status page in headless Chromium', function () {
  this.timeout(120_000);
  let lab: Lab;
  let exporter: Exporter;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/ensure-chromium.sh`);
    lab = await startLab({ nodes: 3 });
    // the page refreshes itself at the pace of the rounds
    exporter = await startServe(loadConfig({ argv: labExporterArgv(lab, ['--listen-address', '127.0.0.1:0', '--refresh-interval', '5s', '--max-state-age', '2s']) }));
    await exporter.ready();
    profile = mkdtempSync(join(tmpdir(), 'ambient-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1100, height: 900 } });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await exporter?.close();
    await lab?.setApiAvailability('up');
    await lab?.close();
  });

  const verdict = async (): Promise<string> => ((await page.locator('h1#verdict').textContent()) ?? '').trim();
  const screenshot = async (name: string): Promise<void> => {
    if (!UPDATE_SCREENSHOTS) return;
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, `status-${name}.png`), fullPage: true });
  };
  const metrics = async (): Promise<Exposition> => {
    await exporter.refreshNow();
    return scrapeExposition(`${exporter.url}/metrics`);
  };

  it('healthy: the verdict first, no problem, every check passed', async () => {
    await waitFor(async () => (await metrics()).value('ambient_issue_affected', { issue: 'cross_node_network' }) === 0, { what: 'a healthy round', timeoutMs: 15_000, intervalMs: 100 });
    await page.goto(`${exporter.url}/`);
    expect(await verdict()).to.equal('✔Healthy');
    expect(await page.title()).to.equal('Healthy · ambient-exporter');
    expect(await page.locator('#problems').count()).to.equal(0);
    const results = await page.locator('#checks ~ table tbody td:first-child').allTextContents();
    expect(results.length).to.be.greaterThan(10);
    for (const r of results) expect(r).to.be.oneOf(['✔ok', '–not applicable']);
    await screenshot('healthy');
  });

  it('one fault: the page turns by itself, and names where, the root cause, the stuck pods, the next command and the runbook, which opens', async () => {
    await lab.setFaults([{ name: 'cni-blocked' }]);
    try {
      // no reload: the page's own refresh brings the new round in
      await waitFor(async () => (await verdict()) === '✖1 problem', { what: 'the page to show the problem', timeoutMs: 30_000, intervalMs: 250 });
      const problem = page.locator('#problems ~ ol > li');
      expect(await problem.count()).to.equal(1);
      expect((await problem.locator('h3').textContent())?.trim()).to.equal(`✖problem: istio-cni blocks pod creation · node ${lab.faultNode}`);
      const details = await problem.locator('dl').innerText();
      expect(details).to.contain('Root cause\nztunnel_not_connected');
      expect(details).to.match(/Affected pods\n(\S+\/\S+\n)+/);
      expect(details).to.match(/Look further\nkubectl -n istio-system logs ztunnel-\S+ --previous --tail=50/);
      await screenshot('problem');

      // the fault crash-loops the node's ztunnel: AmbientZtunnelNotReady is the page (it holds the
      // CNI alert back), so its runbook is the one linked
      expect(details).to.contain('AmbientZtunnelNotReady pages for it');
      const link = problem.getByRole('link', { name: 'AmbientZtunnelNotReady' });
      expect(await link.getAttribute('href')).to.equal('runbooks/AmbientZtunnelNotReady');
      await link.click();
      await page.waitForURL(`${exporter.url}/runbooks/AmbientZtunnelNotReady`);
      expect(await page.locator('h1').textContent()).to.equal('AmbientZtunnelNotReady');
      expect(await page.getByRole('heading', { name: 'Mitigation' }).count()).to.equal(1);
      // from a runbook to the index, from there to another runbook, then back to the status page
      await page.getByRole('link', { name: 'All runbooks' }).click();
      await page.waitForURL(`${exporter.url}/runbooks/`);
      await page.locator('main a[href="AmbientPodCreationBlockedByCNI"]').first().click();
      await page.waitForURL(`${exporter.url}/runbooks/AmbientPodCreationBlockedByCNI`);
      expect(await page.locator('h1').textContent()).to.equal('AmbientPodCreationBlockedByCNI');
      await page.getByRole('link', { name: 'Status page' }).click();
      await page.waitForURL(`${exporter.url}/`);
    } finally {
      await lab.setFaults([]);
    }
    await waitFor(async () => {
      await exporter.refreshNow();
      await page.goto(`${exporter.url}/`);
      return (await verdict()) === '✔Healthy';
    }, { what: 'healthy again', timeoutMs: 30_000, intervalMs: 250 });
  });

  it('blind: the API away past --max-state-age, never green, with why and the runbook to open', async () => {
    await lab.setApiAvailability('refuse');
    try {
      await waitFor(async () => !(await metrics()).has('ambient_issue_affected'), { what: 'verdicts withdrawn', timeoutMs: 20_000, intervalMs: 200 });
      await page.goto(`${exporter.url}/`);
      expect(await verdict()).to.equal('✖Blind');
      const box = await page.locator('section.verdict').innerText();
      expect(box).to.match(/Blind: its view of the Kubernetes API is \d+ s old \(every watch down\)/);
      expect(await page.locator('#checks').count(), 'no check is judged on a stale view').to.equal(0);
      await screenshot('blind');
      await page.locator('#why ~ ol').getByRole('link', { name: 'AmbientExporterBlind' }).click();
      await page.waitForURL(`${exporter.url}/runbooks/AmbientExporterBlind`);
      expect(await page.locator('h1').textContent()).to.equal('AmbientExporterBlind');
    } finally {
      await lab.setApiAvailability('up');
    }
  });

  it('keeps the three screenshots under docs/images', () => {
    for (const name of ['healthy', 'problem', 'blind']) expect(existsSync(join(IMAGES, `status-${name}.png`)), name).to.equal(true);
  });
});
