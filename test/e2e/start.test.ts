// The README's main command, as a newcomer runs it: `npm start` starts two seeded sandbox nodes, prints what it
// started and a URL, and that URL shows VS Code with the extension already configured with both nodes.
// Ctrl+C stops everything.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ROOT, SCREENSHOTS } from './harness';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe('e2e: npm start (the README main command)', function () {
  this.timeout(240_000);
  let child: ChildProcess;
  let out = '';
  let browser: Browser;
  let page: Page;
  // Made in before(), not when the file loads: a run whose grep skips this suite would leave it behind.
  let home = '';

  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-start-'));
    const port = await freePort();
    child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--browser-only', '--port', String(port), '--home', home], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    const deadline = Date.now() + 180_000;
    while (!/Press Ctrl\+C here to stop everything/.test(out)) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
      if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (child && child.exitCode === null) {
      // Ctrl+C first, so start.mjs stops its nodes and code-server's process group; SIGKILL only as a last resort.
      child.kill('SIGINT');
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('says what it started and where to open it', () => {
    assert.match(out, /your node\s+contoso\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /partner node\s+fabrikam\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /Open this address in a browser:\s+http:\/\/127\.0\.0\.1:\d+\/\?folder=/);
    assert.match(out, /Press Ctrl\+C here to stop everything/);
  });

  it('opens VS Code with both sandbox nodes and their connections in the Exalate view', async () => {
    const url = /Open this address in a browser:\s+(http:\/\/\S+)/.exec(out)![1];
    const cs = await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'codeServer.mjs')).href);
    const setup = await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'setup.mjs')).href);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: setup.CHROMIUM, args: cs.CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The first load of the workbench can take long on a busy 2-core machine; still a deadline that fails loudly.
    await page.goto(url, { timeout: 120_000 });
    await page.locator('.activitybar [aria-label^="Exalate"]').first().click({ timeout: 60_000 });
    const sidebar = page.locator('.part.sidebar');
    const row = (text: string) => sidebar.locator('.monaco-list-row', { hasText: text }).first();
    await row('contoso (your node)').waitFor({ timeout: 60_000 });
    await row('fabrikam (partner)').waitFor({ timeout: 60_000 });
    // Expand your node: its seeded connections are listed.
    if ((await row('contoso (your node)').getAttribute('aria-expanded')) !== 'true') await row('contoso (your node)').click();
    await row('Fabrikam Jira bugs').waitFor({ timeout: 60_000 });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'start-01-two-nodes.png') });
    // The bootstrap file stays (0600, inside the checkout) while npm start runs, for every window it serves; the
    // user settings name both nodes but hold no token.
    const bootstrap = path.join(ROOT, '.exalate-dev', `bootstrap-${child.pid}.json`);
    assert.ok(fs.existsSync(bootstrap), `${bootstrap} is there while npm start runs`);
    assert.equal(fs.statSync(bootstrap).mode & 0o777, 0o600);
    const settingsText = fs.readFileSync(path.join(home, 'vscode', 'user-data', 'User', 'settings.json'), 'utf8');
    const settings = JSON.parse(settingsText);
    assert.deepEqual(
      settings['exalate.nodes'].map((n: { label: string }) => n.label).sort(),
      ['contoso (your node)', 'fabrikam (partner)'],
    );
    // The workspace sits inside the checkout when run from it (.exalate-dev/): the Git extension is told not to offer
    // the parent repository, in the workspace's settings and in the user settings of this VS Code.
    const workspaceSettings = JSON.parse(fs.readFileSync(path.join(home, 'workspace', '.vscode', 'settings.json'), 'utf8'));
    assert.equal(workspaceSettings['git.openRepositoryInParentFolders'], 'never');
    assert.equal(settings['git.openRepositoryInParentFolders'], 'never');
    for (const name of ['contoso', 'fabrikam']) {
      const token = fs.readFileSync(path.join(home, 'nodes', name, 'token'), 'utf8').trim();
      assert.ok(token.length >= 16);
      assert.ok(!settingsText.includes(token), `the ${name} token is in settings.json`);
    }
  });

  it('a second, fresh browser (its own secret storage) sees both nodes and their connections too', async () => {
    const url = /Open this address in a browser:\s+(http:\/\/\S+)/.exec(out)![1];
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const second = await fresh.newPage();
      await second.goto(url);
      await second.locator('.activitybar [aria-label^="Exalate"]').first().click({ timeout: 60_000 });
      const row = (text: string) => second.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
      await row('contoso (your node)').waitFor({ timeout: 60_000 });
      await row('fabrikam (partner)').waitFor({ timeout: 60_000 });
      // Both nodes list their seeded connections, each its own examples: this window imported both tokens.
      for (const node of ['contoso (your node)', 'fabrikam (partner)']) {
        if ((await row(node).getAttribute('aria-expanded')) === 'false') await row(node).click();
      }
      await row('Fabrikam Jira bugs').waitFor({ timeout: 60_000 });
      await row('Adventure Works Jira stories').waitFor({ timeout: 60_000 });
      assert.equal(await second.locator('.part.sidebar .monaco-list-row', { hasText: 'Fabrikam Jira bugs' }).count(), 1, 'fabrikam does not carry contoso\'s example names');
      await second.locator('.part.sidebar .monaco-list-row', { hasText: /Sign in/i }).first().waitFor({ state: 'detached', timeout: 30_000 });
      await second.screenshot({ path: path.join(SCREENSHOTS, 'start-02-second-browser.png') });
      // The activity bar badge and its hover count the same connections (issue 13, defect 6: "4" vs "1 pending, 1 in error").
      const exalate = second.locator('.activitybar .action-item', { has: second.locator('[aria-label^="Exalate"]') });
      const badge = exalate.locator('.badge-content');
      await badge.waitFor({ timeout: 30_000 });
      // The pointer is still on the icon from the click that opened the view: move it off first, or no hover opens.
      await second.mouse.move(700, 450);
      await exalate.hover();
      const hover = second.locator('.monaco-hover-content', { hasText: /pending/ });
      await hover.waitFor({ timeout: 15_000 });
      const hoverText = await hover.innerText();
      const badgeText = (await badge.innerText()).trim();
      const counts = [...hoverText.matchAll(/(\d+) pending, (\d+) in error/g)];
      assert.equal(counts.length, 1, `one count in the hover: ${hoverText}`);
      assert.equal(Number(counts[0][1]) + Number(counts[0][2]), Number(badgeText), `badge ${badgeText} vs hover "${hoverText}"`);
      assert.equal(badgeText, '4', 'both nodes\' seeded lists: 2 pending, 2 in error');
    } finally {
      await fresh.close();
    }
  });

  it('a second npm start on the same data says plainly that another npm start is running', async () => {
    const port = await freePort();
    const second = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--browser-only', '--port', String(port), '--home', home], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    second.stdout!.on('data', (d) => (text += String(d)));
    second.stderr!.on('data', (d) => (text += String(d)));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        second.kill('SIGKILL');
        resolve(null);
      }, 120_000);
      second.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.notEqual(code, 0, text);
    assert.notEqual(code, null, `the second npm start did not end:\n${text}`);
    assert.match(text, /Another "npm start" is already running with this data/);
    assert.doesNotMatch(text, /using a free one|exited with 1/);
  });

  it('stops the nodes and VS Code on Ctrl+C', async () => {
    const urls = [...out.matchAll(/(?:node|VS Code)\s+\S+\s+(http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]);
    assert.equal(urls.length, 3, out);
    child.kill('SIGINT');
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    assert.equal(child.exitCode, 0);
    for (const u of urls) assert.ok(await refused(u), `${u} still answers after Ctrl+C`);
    assert.ok(!fs.existsSync(path.join(ROOT, '.exalate-dev', `bootstrap-${child.pid}.json`)), 'the bootstrap file is removed on Ctrl+C');
  });
});
