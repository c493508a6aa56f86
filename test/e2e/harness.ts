// Drives the real VS Code workbench (code-server) in Chromium through playwright-core.
// Each suite gets its own server, browser profile and workspace; screenshots go to test-results/screenshots/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

interface CodeServerHandle {
  url: string;
  host: string;
  stop(): Promise<void>;
}

// The launcher is shared with `npm start` and the integration runner (plain ESM in scripts/lib).
async function lib() {
  const cs = await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'codeServer.mjs')).href);
  const setup = await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'setup.mjs')).href);
  return { cs, setup };
}

export interface WorkbenchOptions {
  label: string;
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Environment of the extension host (`extensionEnvironment`). */
  env?: Record<string, string>;
  /** Files to create in the workspace folder. */
  files?: Record<string, string>;
}

export class Workbench {
  private shots = 0;
  constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly label: string,
    private readonly browser: Browser,
    private readonly server: CodeServerHandle,
  ) {}

  static async launch(opts: WorkbenchOptions): Promise<Workbench> {
    const { cs, setup } = await lib();
    const { chromium } = await import('playwright-core');
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `exalate-e2e-${opts.label}-`));
    for (const [name, text] of Object.entries(opts.files ?? { 'README.md': '# e2e workspace\n' })) {
      fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
      fs.writeFileSync(path.join(workspace, name), text);
    }
    const server: CodeServerHandle = await cs.startCodeServer({
      workspace,
      label: `e2e-${opts.label}`,
      settings: opts.settings ?? {},
    });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: setup.CHROMIUM, args: cs.CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      const page = await context.newPage();
      // The first load of the workbench can take long on a busy 2-core machine; still a deadline that fails loudly.
      await page.goto(cs.workbenchUrl(server, { workspace, extensionPath: ROOT, env: opts.env }), { timeout: 120_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.activitybar').waitFor({ timeout: 60_000 });
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      return new Workbench(page, workspace, opts.label, browser, server);
    } catch (e) {
      // A launch that failed (e.g. the workbench did not load in time) leaves nothing running or on disk.
      await browser?.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
      throw e;
    }
  }

  async screenshot(step: string): Promise<string> {
    this.shots++;
    const file = path.join(SCREENSHOTS, `${this.label}-${String(this.shots).padStart(2, '0')}-${step}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Opens the Exalate activity-bar container by clicking its icon, as a user would. */
  async openExalateView(): Promise<void> {
    const icon = this.page.locator('.activitybar [aria-label^="Exalate"]').first();
    await icon.waitFor({ timeout: 30_000 });
    const sidebarTitle = this.page.locator('.part.sidebar .title-label h2', { hasText: /exalate/i });
    if (!(await sidebarTitle.isVisible().catch(() => false))) await icon.click();
    await sidebarTitle.waitFor({ timeout: 30_000 });
  }

  /** Runs a command from the Command Palette by its title, typing it as a user would. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    // The row whose label is exactly the title: Enter would run the highlighted row, which may be another command
    // the filter also matches (recently used ones come first).
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
  }

  /** The content frame of the active webview panel (two iframes deep). */
  async webview(): Promise<Frame> {
    const outer = await this.page.waitForSelector('iframe.webview.ready', { timeout: 30_000 });
    const outerFrame = await outer.contentFrame();
    if (!outerFrame) throw new Error('webview outer frame missing');
    const inner = await outerFrame.waitForSelector('iframe#active-frame', { timeout: 30_000 });
    const frame = await inner.contentFrame();
    if (!frame) throw new Error('webview content frame missing');
    return frame;
  }

  /** Texts of the notifications currently in the notification center (toasts are hidden by the smoke-test driver). */
  async notifications(): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    // The center is drawn when it is visible: its list is complete then (no fixed wait).
    await this.page.locator('.notifications-center.visible').waitFor({ timeout: 15_000 });
    const texts = await this.page.locator('.notifications-center .notification-list-item-message').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return texts;
  }

  /**
   * Waits until a notification matching `pattern` is in the notification center and returns all texts; throws at
   * the deadline with the texts that were there.
   */
  async waitForNotification(pattern: RegExp, timeoutMs = 15_000): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    const center = this.page.locator('.notifications-center.visible');
    try {
      await center.locator('.notification-list-item-message', { hasText: pattern }).first().waitFor({ timeout: timeoutMs });
      return await center.locator('.notification-list-item-message').allInnerTexts();
    } catch (e) {
      const seen = await center.locator('.notification-list-item-message').allInnerTexts().catch(() => []);
      throw new Error(`No notification matching ${pattern} within ${timeoutMs} ms; the notification center shows: ${JSON.stringify(seen)} (${(e as Error).message.split('\n')[0]})`);
    } finally {
      await this.page.keyboard.press('Escape');
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}
