// The private flow against the installed .vsix, as a user gets the extension: `vsce package` (the production
// build), `code-server --install-extension <vsix>` into a fresh extensions folder, and the workbench opened without
// any development-mode payload. Then, by hand: Add Node… twice (URL and token in input boxes), Initiate Connection to
// a private partner on one node, Accept Invitation on the other, and both connections active in the tree; the
// Getting Started walkthrough ticks off exactly those steps.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createExalateClient } from '../../src/exalate/httpClient';
import { startSandboxProcess, type SandboxProcess } from '../integration/support/sandbox';
import { acceptInvitation, addNodeByHand, initiatePrivate } from './flows';
import { ROOT, Workbench } from './harness';

describe('e2e: the private flow against the installed .vsix', function () {
  this.timeout(600_000);
  let wb: Workbench;
  let a: SandboxProcess;
  let b: SandboxProcess;
  let tmp: string;
  const NAME = 'contoso_to_fabrikam_vsix';
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };

  /** Opens our walkthrough from the Command Palette, as a user does (Welcome: Open Walkthrough…). */
  async function openWalkthrough(): Promise<void> {
    await wb.paletteCommand('Welcome: Open Walkthrough');
    await wb.pickQuick('Get started with Exalate Connections');
    await wb.page.locator('button.getting-started-step').first().waitFor({ timeout: 30_000 });
  }

  /** Waits until each named step of the walkthrough shows `done` (its checkbox, `aria-checked`), failing with what it shows. */
  async function stepsShow(expected: Record<string, boolean>): Promise<void> {
    const state = async () => {
      const out: Record<string, boolean> = {};
      for (const id of Object.keys(expected)) {
        const checked = await wb.page.locator(`button.getting-started-step[data-step-id$="#${id}"]`).first().getAttribute('aria-checked', { timeout: 10_000 });
        out[id] = checked === 'true';
      }
      return out;
    };
    for (let i = 0; ; i++) {
      const now = await state();
      if (Object.entries(expected).every(([k, v]) => now[k] === v)) return;
      assert.ok(i < 100, `the walkthrough shows ${JSON.stringify(now)}, expected ${JSON.stringify(expected)}`);
      await wb.page.waitForTimeout(200);
    }
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-vsix-'));
    const vsix = path.join(tmp, `${pkg.name}-${pkg.version}.vsix`);
    const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const packaged = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    // vsce's production build replaced dist/ and out/: put the development build back for the suites that follow
    // (the .vsix holds its own copy).
    const rebuilt = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(packaged.status, 0, `vsce package failed:\n${packaged.stdout}\n${packaged.stderr}`);
    assert.equal(rebuilt.status, 0, `restoring the development build failed:\n${rebuilt.stdout}\n${rebuilt.stderr}`);
    [a, b] = await Promise.all([startSandboxProcess({ name: 'contoso', seed: true }), startSandboxProcess({ name: 'fabrikam', seed: true })]);
    wb = await Workbench.launch({ label: 'vsix', vsix });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot('failed').catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs as an installed extension, not in development mode', async () => {
    assert.deepEqual(wb.installedExtensions(), [`${pkg.publisher}.${pkg.name}-${pkg.version}`]);
    // A development-mode window says so in its title; this one must not.
    const title = await wb.page.locator('.command-center').first().innerText();
    assert.match(title, /exalate-e2e-vsix/, 'the command center shows the window title');
    assert.doesNotMatch(title, /Extension Development Host/, title);
    await wb.openExalateView();
    // No node yet: the welcome content offers the first steps.
    await wb.page.locator('.part.sidebar .welcome-view-content', { hasText: 'No Exalate node is configured yet' }).waitFor({ timeout: 60_000 });
    await wb.screenshot('welcome');
    // The walkthrough is there, and nothing is ticked off yet.
    await openWalkthrough();
    await stepsShow({ node: false, initiate: false, accept: false, rules: false, testRun: false });
    await wb.screenshot('walkthrough-start');
  });

  it('Add Node… twice, Initiate on one, Accept on the other: both active', async () => {
    // One node: its (seeded) connections at the root; two: one folder per node.
    // The walkthrough (it renders its step pages in a webview of its own) is closed while the wizard runs.
    await wb.paletteCommand('View: Close All Editors');
    await wb.page.locator('button.getting-started-step').first().waitFor({ state: 'detached', timeout: 30_000 });
    await addNodeByHand(wb, a.url, a.token, 'Fabrikam Jira bugs');
    await addNodeByHand(wb, b.url, b.token, 'fabrikam');
    await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: 'contoso' }).first().waitFor({ timeout: 30_000 });
    const code = await initiatePrivate(wb, { node: 'contoso', remoteShortName: 'fabrikam', name: NAME, project: 'Payments' });
    await acceptInvitation(wb, { node: 'fabrikam', code, name: NAME, initiator: 'contoso', project: 'Mobile App' });
    for (const sp of [b, a]) {
      const client = createExalateClient({ nodeUrl: sp.url, token: sp.token });
      for (let i = 0; ; i++) {
        const mine = (await client.listConnections({ limit: 500 })).items.find((c) => c.name === NAME);
        if (mine?.status === 'active') break;
        assert.ok(i < 150, `${sp.name}: "${NAME}" is ${mine?.status ?? 'missing'}, not active`);
        await wb.page.waitForTimeout(200);
      }
    }
    // As the tree shows it: refresh until both sides show it active.
    const sidebar = wb.page.locator('.part.sidebar');
    for (let i = 0; i < 50; i++) {
      await wb.paletteCommand('Exalate: Refresh');
      for (const node of ['contoso', 'fabrikam']) {
        const row = sidebar.locator('.monaco-list-row', { hasText: node }).first();
        if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
      }
      const texts = await sidebar.locator('.monaco-list-row', { hasText: NAME }).allInnerTexts();
      if (texts.length === 2 && texts.every((t) => /active/.test(t))) break;
      assert.ok(i < 49, `the tree shows: ${texts.join(' | ')}`);
      await wb.page.waitForTimeout(300);
    }
    await wb.screenshot('both-active');
    // The walkthrough ticked off what really happened, and only that.
    await openWalkthrough();
    await stepsShow({ node: true, initiate: true, accept: true, rules: false, testRun: false });
    await wb.screenshotAs('walkthrough-progress');
  });
});
