// The extension in VS Code's pseudo-locale (`--locale qps-ploc`): what the manifest contributes (package.nls.json →
// package.nls.qps-ploc.json) and what the host says through `vscode.l10n.t` (l10n/bundle.l10n.qps-ploc.json) both
// show pseudo-localized (accented, in ⟦ ⟧), so no English is left hard-coded on the way. `node scripts/l10n.mjs`
// writes the bundles; test/unit/l10n checks that they cover every call site.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ROOT, Workbench } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pseudo } = require(path.join(ROOT, 'scripts', 'lib', 'l10n.cjs')) as { pseudo(text: string): string };
/** The pseudo-localized text without its ⟦ ⟧ (for a text inside a longer one). */
const inner = (text: string) => pseudo(text).slice(1, -1);

describe('e2e: pseudo-locale (qps-ploc)', function () {
  this.timeout(300_000);
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.launch({ label: 'l10n', locale: 'qps-ploc' });
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the view and its welcome content from package.nls.qps-ploc.json', async () => {
    await wb.page.locator(`.activitybar [aria-label^="${pseudo('Exalate')}"]`).first().click({ timeout: 30_000 });
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    const text = await welcome.innerText();
    assert.ok(text.includes(inner('No Exalate node is configured yet.')), `welcome content not pseudo-localized: ${text}`);
    assert.doesNotMatch(text, /No Exalate node is configured yet/);
    await wb.screenshot('welcome');
  });

  it('shows a command title and the input box of the command pseudo-localized', async () => {
    const title = `${pseudo('Exalate')}: ${pseudo('Add Node…')}`;
    await wb.runCommand(title);
    // The host's texts (vscode.l10n.t) in the input box: its title and prompt.
    const box = wb.page.locator('.quick-input-widget', { hasText: pseudo('Add Exalate Node (1/2)') });
    await box.waitFor({ state: 'visible', timeout: 15_000 });
    assert.ok((await box.innerText()).includes(pseudo("URL of the node's Node API")), await box.innerText());
    await wb.screenshot('add-node');
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  });

  it('shows the tree rows and the wizard webview with texts from the host, pseudo-localized', async () => {
    const sidebar = wb.page.locator('.part.sidebar');
    await sidebar.locator('.welcome-view-content .monaco-button', { hasText: inner('Start Local Sandbox') }).click({ timeout: 30_000 });
    // A connection row: its name comes from the node, its status from the host's vscode.l10n.t.
    const row = sidebar.locator('.monaco-list-row', { hasText: 'Fabrikam Jira bugs' }).first();
    await row.waitFor({ timeout: 60_000 });
    assert.ok((await row.innerText()).includes(pseudo('active')), await row.innerText());
    await wb.screenshot('tree');
    await wb.runCommand(`${pseudo('Exalate')}: ${pseudo('Initiate Connection')}`);
    const frame = await wb.webview();
    // The webview has no English of its own: its title, step list and buttons come from the host's text table.
    await frame.locator('h1', { hasText: pseudo('Initiate Connection') }).waitFor({ timeout: 30_000 });
    const body = await frame.locator('body').innerText();
    for (const text of ['Destination', 'Next', 'Cancel']) assert.ok(body.includes(pseudo(text)), `${text} not pseudo-localized: ${body}`);
    assert.ok(body.includes(pseudo("I don't have a URL: the destination is in a private network")), body);
    await wb.screenshot('wizard');
  });
});
