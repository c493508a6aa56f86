// The Initiate Connection wizard and Accept Invitation in each kind of colour theme VS Code 1.139 ships — Light 2026,
// Dark 2026, Default High Contrast (dark) and Default High Contrast Light — set through `workbench.colorTheme` in the
// user settings as a user would. For each theme: the workbench really switched (an unknown id silently falls back),
// the webview follows it (its body carries the theme kind, and the text it shows has enough contrast against its
// background), and screenshots of every wizard step and of the Accept dialogs go to test-results/screenshots/
// (`npm run screenshots` copies some of them into media/screenshots/ for the README).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { createExalateClient } from '../../src/exalate/httpClient';
import { startSandboxProcess, type SandboxProcess } from '../integration/support/sandbox';
import { acceptInvitation, initiatePrivate } from './flows';
import { Workbench, type THEME_KIND_CLASS } from './harness';

const THEMES: Array<{ id: string; slug: string; kind: keyof typeof THEME_KIND_CLASS; body: string }> = [
  { id: 'Light 2026', slug: 'light', kind: 'light', body: 'vscode-light' },
  { id: 'Dark 2026', slug: 'dark', kind: 'dark', body: 'vscode-dark' },
  { id: 'Default High Contrast', slug: 'hc-dark', kind: 'hcDark', body: 'vscode-high-contrast' },
  { id: 'Default High Contrast Light', slug: 'hc-light', kind: 'hcLight', body: 'vscode-high-contrast-light' },
];

/** WCAG contrast ratio of two CSS colours as getComputedStyle reports them (`rgb(…)`/`rgba(…)`). */
function contrast(fg: string, bg: string): number {
  const parse = (c: string) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(c);
    if (!m) throw new Error(`not an rgb colour: ${c}`);
    return [m[1], m[2], m[3]].map(Number);
  };
  const lum = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [l1, l2] = [lum(parse(fg)), lum(parse(bg))].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

describe('e2e: the wizard and Accept Invitation in light, dark and high-contrast themes', function () {
  this.timeout(600_000);
  let wb: Workbench;
  let a: SandboxProcess;
  let b: SandboxProcess;
  let bootstrapDir: string | undefined;

  /** Text colours of what the step shows, against the page background: readable in every theme. */
  async function assertReadable(frame: Frame, theme: string, selectors: string[]): Promise<void> {
    const colours = await frame.evaluate((sels) => {
      const bg = getComputedStyle(document.body).backgroundColor;
      return {
        bg,
        fg: sels.map((s) => {
          const el = document.querySelector(s);
          return { s, color: el ? getComputedStyle(el).color : null };
        }),
      };
    }, selectors);
    for (const { s, color } of colours.fg) {
      assert.ok(color, `${theme}: ${s} is not on the page`);
      const ratio = contrast(color, colours.bg);
      // 4.5:1 is WCAG AA for body text; secondary text (hints, reasons) at least 3:1.
      const min = s === 'body' || s.includes('error') ? 4.5 : 3;
      assert.ok(ratio >= min, `${theme}: ${s} (${color} on ${colours.bg}) has contrast ${ratio.toFixed(2)}, under ${min}`);
    }
  }

  before(async () => {
    [a, b] = await Promise.all([startSandboxProcess({ name: 'contoso', seed: true }), startSandboxProcess({ name: 'fabrikam', seed: true })]);
    bootstrapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-themes-'));
    const file = path.join(bootstrapDir, 'bootstrap.json');
    const nodes = [a, b].map((sp) => ({ url: sp.url, token: sp.token, label: sp.name, adoOrgUrl: sp.ado, adoPat: sp.adoPat }));
    fs.writeFileSync(file, JSON.stringify({ nodes }), { mode: 0o600 });
    wb = await Workbench.launch({ label: 'themes', env: { EXALATE_BOOTSTRAP_FILE: file }, settings: { 'workbench.colorTheme': THEMES[0].id } });
    await wb.openExalateView();
    await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: 'fabrikam' }).first().waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot('failed').catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    if (bootstrapDir) fs.rmSync(bootstrapDir, { recursive: true, force: true });
  });

  for (const theme of THEMES) {
    it(`${theme.id}: every wizard step and the Accept dialogs render with the theme's colours`, async () => {
      await wb.setColorTheme(theme.id, theme.kind);
      const name = `contoso_to_fabrikam_${theme.slug.replace('-', '_')}`;
      const shot = (step: string) => wb.screenshotAs(`${theme.slug}-${step}`);

      // Every wizard step: its webview carries the theme kind, and what it shows is readable.
      const readable: Record<string, string[]> = {
        destination: ['body', '.subtitle', '#e-destinationUrl', '.steps li.current'],
        mode: ['body', '#reason-visual'],
        info: ['body', '#e-remoteShortName'],
        project: ['body', '.intro'],
        invitation: ['body', '.note'],
      };
      const code = await initiatePrivate(wb, {
        node: 'contoso',
        remoteShortName: 'fabrikam',
        name,
        project: 'Payments',
        shot,
        check: async (step, frame) => {
          await frame.waitForFunction((cls) => document.body.classList.contains(cls), theme.body, { timeout: 15_000 });
          await assertReadable(frame, theme.id, readable[step]);
        },
      });
      // Accept Invitation on the partner node: the code box, what the code says (a modal dialog), the project.
      await acceptInvitation(wb, { node: 'fabrikam', code, name, initiator: 'contoso', project: 'Mobile App', shot });
      const accepted = createExalateClient({ nodeUrl: b.url, token: b.token });
      for (let i = 0; i < 100; i++) {
        const mine = (await accepted.listConnections({ limit: 500 })).items.find((c) => c.name === name);
        if (mine?.status === 'active') break;
        assert.ok(i < 99, `the invitation was not accepted on fabrikam (${mine?.status ?? 'no connection'})`);
        await wb.page.waitForTimeout(200);
      }
      // The tree in this theme, with the new connection.
      await wb.openExalateView();
      await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
      await shot('tree');
    });
  }
});
