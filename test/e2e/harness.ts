// Drives the real VS Code workbench (code-server) in Chromium through playwright-core.
// Each suite gets its own server, browser profile and workspace; screenshots go to test-results/screenshots/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame, Locator, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

interface CodeServerHandle {
  url: string;
  host: string;
  /** The user settings file (`<user-data-dir>/User/settings.json`); the workbench applies changes to it live. */
  userSettings: string;
  /** The extensions folder of this server. */
  extensions: string;
  stop(): Promise<void>;
}

/** The class the workbench element carries for each kind of colour theme. */
export const THEME_KIND_CLASS = { light: 'vs', dark: 'vs-dark', hcDark: 'hc-black', hcLight: 'hc-light' } as const;

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
  /**
   * Install this .vsix with `code-server --install-extension` and run it as an installed extension (production
   * mode), instead of loading the checkout in development mode. `env` does not apply then.
   */
  vsix?: string;
  /** VS Code's display language (`--locale`), e.g. `qps-ploc`. */
  locale?: string;
}

/** The page's clipboard, typed here: the harness is also compiled without DOM types (bench/). */
type PageClipboard = { navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } } };

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
      installVsix: opts.vsix,
      locale: opts.locale,
    });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: setup.CHROMIUM, args: cs.CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      const page = await context.newPage();
      // The first load of the workbench can take long on a busy 2-core machine; still a deadline that fails loudly.
      const url = opts.vsix ? `${server.url}/?folder=${encodeURIComponent(workspace)}` : cs.workbenchUrl(server, { workspace, extensionPath: ROOT, env: opts.env });
      await page.goto(url, { timeout: 120_000 });
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

  /** A screenshot with a fixed name (`<label>-<name>.png`), for the README's pictures (`npm run screenshots`). */
  async screenshotAs(name: string): Promise<string> {
    const file = path.join(SCREENSHOTS, `${this.label}-${name}.png`);
    // No hover tooltip left over from the last click (e.g. the command center's) over the picture.
    await this.page.mouse.move(1390, 600);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Switches the colour theme as a user does (Preferences: Color Theme), which writes `workbench.colorTheme` to the
   * user settings, and waits until the workbench shows that kind of theme and settings.json names it, so an unknown
   * theme id (which VS Code silently replaces) fails here. (The web workbench reads settings.json at start-up, not
   * on a later change of the file, so the theme a suite starts with goes through `settings` in `launch`.)
   */
  async setColorTheme(theme: string, kind: keyof typeof THEME_KIND_CLASS): Promise<void> {
    const cls = THEME_KIND_CLASS[kind];
    const classes = async () => ((await this.page.locator('.monaco-workbench').first().getAttribute('class')) ?? '').split(/\s+/);
    const isShown = async () => (await classes()).includes(cls);
    const current = () => (JSON.parse(fs.readFileSync(this.server.userSettings, 'utf8')) as Record<string, unknown>)['workbench.colorTheme'];
    if (!(await isShown()) || current() !== theme) {
      // The theme picker (not the palette that opens it) must be up before typing: a choice that did not land is retried.
      const input = this.page.locator('.quick-input-widget input[placeholder^="Select Color Theme"]');
      for (let attempt = 1; ; attempt++) {
        await this.paletteCommand('Preferences: Color Theme', true);
        if (await input.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false)) break;
        if (attempt === 3) throw new Error('the color theme picker did not open');
        await this.page.keyboard.press('Escape');
      }
      await input.fill(theme);
      // The picker shows a theme's label, and its id as the description when they differ (e.g. "Dark High Contrast").
      const exact = this.page
        .locator('.quick-input-list .monaco-list-row')
        .filter({ has: this.page.locator('.label-name, .label-description', { hasText: new RegExp(`^\\s*${theme}\\s*$`) }) });
      await exact.first().waitFor({ timeout: 15_000 });
      await this.enterOn(exact.first());
    }
    for (let i = 0; !(await isShown()); i++) {
      if (i === 300) throw new Error(`the workbench did not switch to "${theme}" (${cls}); its classes: ${(await classes()).join(' ')}`);
      await this.page.waitForTimeout(100);
    }
    for (let i = 0; current() !== theme; i++) {
      if (i === 100) throw new Error(`settings.json names "${String(current())}" as workbench.colorTheme, not "${theme}"`);
      await this.page.waitForTimeout(100);
    }
  }

  /**
   * Runs a palette command through the title bar's command center (a click): keys may not reach the workbench
   * while a webview holds the focus. Opens the palette again if another part took the focus and closed it.
   */
  async paletteCommand(title: string, exact = false): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const rows = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title });
    const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const row = (exact ? rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escaped}$`) }) }) : rows).first();
    for (let attempt = 1; ; attempt++) {
      await this.page.locator('.command-center .command-center-center').first().click();
      // Under load the quick input may be re-rendered while it opens: a fill that does not land is retried.
      const typed = await input
        .waitFor({ state: 'visible', timeout: 10_000 })
        .then(() => input.fill(`>${title}`, { timeout: 10_000 }))
        .then(() => true, () => false);
      const shown = typed && (await row.waitFor({ timeout: 10_000 }).then(() => true, () => false));
      if (shown && (await input.isVisible())) break;
      await this.page.keyboard.press('Escape');
      if (attempt === 3) throw new Error(`the Command Palette did not offer "${title}"`);
    }
    if (exact) await this.enterOn(row);
    else await input.press('Enter');
  }

  /**
   * Chooses `row` in the open quick input by clicking it. `force`: the quick input re-renders its rows while it
   * settles, so Playwright may never see the row "stable"; it is visible and in place (waited for by the caller).
   */
  async enterOn(row: Locator): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // The focused row is chosen with Enter; any other by a click.
      if (((await row.getAttribute('class').catch(() => '')) ?? '').split(/\s+/).includes('focused')) {
        await this.page.locator('.quick-input-widget input').press('Enter');
        return;
      }
      const clicked = await row.click({ force: true, timeout: 5_000 }).then(() => true, () => false);
      if (clicked) return;
      if (attempt === 5) throw new Error('could not choose the quick input row');
      await this.page.waitForTimeout(200);
    }
  }

  /** Picks the quick-pick item matching `text` once the quick input with that placeholder is shown. */
  async pickQuick(text: string, placeholder?: string): Promise<void> {
    if (placeholder) await this.page.locator(`.quick-input-widget input[placeholder="${placeholder}"]`).waitFor({ state: 'visible', timeout: 30_000 });
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
    await input.press('Enter');
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
  /** The lines of the active editor group's editor. */
  activeEditorLines(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first();
  }

  /** The text of the active editor, as a user copies it. */
  async activeEditorText(): Promise<string> {
    await this.activeEditorLines().click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    return this.page.evaluate(() => (globalThis as unknown as PageClipboard).navigator.clipboard.readText());
  }

  /** Pastes `text` at the cursor (typing would meet auto-closing brackets and quotes). */
  async paste(text: string): Promise<void> {
    await this.page.evaluate((t) => (globalThis as unknown as PageClipboard).navigator.clipboard.writeText(t), text);
    await this.page.keyboard.press('Control+V');
  }

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

  /** The extensions installed in this server's extensions folder (folder names: `<publisher>.<name>-<version>`). */
  installedExtensions(): string[] {
    return fs.readdirSync(this.server.extensions).filter((f) => !f.startsWith('.') && f !== 'extensions.json');
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}
