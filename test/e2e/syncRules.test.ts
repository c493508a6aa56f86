// Sync rules in the real workbench, clicked as a user would: open a script from the Connections tree (Groovy
// highlighting next to the tree), open one from the Command Palette, save into a concurrent change and answer the
// real modal (Compare, then Overwrite), and compare a past version from the editor title's History action.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExalateClient } from '../../src/exalate/client';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { startSandboxProcess, type SandboxProcess } from '../integration/support/sandbox';
import { Workbench } from './harness';

describe('e2e: sync rules as documents', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let node: SandboxProcess;
  let client: ExalateClient;
  let connectionId: string;
  let tmp: string;
  const NAME = 'Orders to Partner';
  const sidebar = () => wb.page.locator('.part.sidebar');
  const row = (text: string) => sidebar().locator('.monaco-list-row', { hasText: text }).first();
  const tab = (text: string) => wb.page.locator('.tabs-container .tab', { hasText: text }).first();
  const pickRow = (text: string) => wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  const dialog = () => wb.page.locator('.monaco-dialog-box');

  before(async () => {
    node = await startSandboxProcess({ name: 'e2e-node' });
    client = createExalateClient({ nodeUrl: node.url, token: node.token });
    const r = await client.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'partner', name: NAME, project: 'Operations' },
      newIdempotencyKey(),
    );
    connectionId = r.connection.id;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-bootstrap-'));
    const file = path.join(tmp, 'bootstrap.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ url: node.url, token: node.token, label: 'Contoso node' }] }), { mode: 0o600 });
    // The web workbench auto-saves after a delay by default; the conflict below needs an edit that waits for Ctrl+S.
    wb = await Workbench.launch({ label: 'syncRules', env: { EXALATE_BOOTSTRAP_FILE: file }, settings: { 'files.autoSave': 'off' } });
  });

  after(async () => {
    await wb?.close();
    await node?.dispose(); // stops the node and deletes its data directory
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens the outgoing script from the tree, highlighted as Groovy next to the tree', async () => {
    await wb.openExalateView();
    await row(NAME).waitFor({ timeout: 60_000 });
    if (!(await row('Outgoing sync').isVisible().catch(() => false))) await row(NAME).click();
    await row('Outgoing sync').click();
    await tab('outgoing.groovy').waitFor({ timeout: 30_000 });
    const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await lines.filter({ hasText: 'replica.summary' }).waitFor({ timeout: 30_000 });
    // The language mode in the status bar, and more than plain text colouring (comments, keywords, strings…).
    const mode = wb.page.locator('#status\\.editor\\.mode');
    await mode.filter({ hasText: 'Groovy' }).waitFor({ timeout: 30_000 });
    const tokenClasses = await lines.locator('span[class^="mtk"]').evaluateAll((spans) => [...new Set(spans.map((s) => s.className))]);
    assert.ok(tokenClasses.length >= 3, `expected several token colours, got ${tokenClasses.join(', ')}`);
    await wb.screenshot('outgoing-groovy-next-to-tree');
    // The tab's hover names node, connection and file; the ids in the URI's query are not shown (issue 13).
    await wb.page.mouse.move(700, 600);
    await tab('outgoing.groovy').first().hover();
    const hover = wb.page.locator('.monaco-hover-content', { hasText: 'outgoing.groovy' });
    await hover.waitFor({ timeout: 15_000 });
    const label = await hover.innerText();
    assert.match(label, /127\.0\.0\.1:\d+\/Orders to Partner\/outgoing\.groovy/, label);
    assert.doesNotMatch(label, /id=|node=|%3A|\?/, label);
  });

  it('opens the incoming script from the Command Palette (connection, then direction)', async () => {
    await wb.runCommand('Exalate: Open Sync Rules…');
    await pickRow(NAME).waitFor({ timeout: 30_000 });
    await pickRow(NAME).click();
    await pickRow('Incoming').waitFor({ timeout: 15_000 });
    await wb.screenshot('palette-direction');
    await pickRow('Incoming').click();
    await tab('incoming.groovy').waitFor({ timeout: 30_000 });
    await wb.page.locator('#status\\.editor\\.mode', { hasText: 'Groovy' }).waitFor({ timeout: 30_000 });
  });

  it('saving into a concurrent change asks in a modal: Compare shows both, Overwrite publishes', async () => {
    await tab('outgoing.groovy').click();
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('\n// typed in the e2e test');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().waitFor({ timeout: 15_000 });
    const v1 = await client.getLatestSyncRule(connectionId, 'outgoing');
    await client.saveDraft(connectionId, 'outgoing', `${v1.script}// a colleague's change\n`, 1, { author: 'colleague' });

    await wb.page.keyboard.press('Control+S');
    await dialog().waitFor({ timeout: 30_000 });
    assert.match(await dialog().innerText(), /The outgoing script of “Orders to Partner” was changed on the node since you opened it/);
    assert.match(await dialog().innerText(), /version 2 by colleague/);
    await wb.screenshot('conflict-dialog');
    // Cancel keeps the edits in the editor, unsaved.
    await dialog().locator('.monaco-button', { hasText: 'Cancel' }).first().click();
    await dialog().waitFor({ state: 'detached', timeout: 30_000 });
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().waitFor({ timeout: 15_000 });

    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+S');
    await dialog().waitFor({ timeout: 30_000 });
    await dialog().locator('.monaco-button', { hasText: 'Compare' }).first().click();
    await tab('node v2 ↔ your edits').waitFor({ timeout: 30_000 });
    const diff = wb.page.locator('.monaco-diff-editor').first();
    await diff.filter({ hasText: "a colleague's change" }).waitFor({ timeout: 30_000 });
    await diff.filter({ hasText: 'typed in the e2e test' }).waitFor({ timeout: 30_000 });
    await wb.screenshot('conflict-compare');
    assert.equal((await client.getLatestSyncRule(connectionId, 'outgoing')).version, 2, 'Compare saved nothing');
    // Neither Cancel nor Compare is followed by VS Code's generic "Failed to save" notification (with its Revert,
    // which would throw away the edits the user just chose to keep).
    const notes = await wb.notifications();
    assert.ok(!notes.some((n) => /Failed to save|FileSystemError|Unable to write/.test(n)), notes.join(' | '));
    assert.ok(await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().isVisible(), 'the edits are still unsaved');

    // Save again from the diff's right side (the user's document) and overwrite.
    await diff.locator('.editor.modified .view-lines').click();
    await wb.page.keyboard.press('Control+S');
    await dialog().waitFor({ timeout: 30_000 });
    await dialog().locator('.monaco-button', { hasText: 'Overwrite' }).first().click();
    await dialog().waitFor({ state: 'detached', timeout: 30_000 });
    let rule = await client.getLatestSyncRule(connectionId, 'outgoing');
    for (let i = 0; i < 100 && rule.version < 3; i++) {
      await wb.page.waitForTimeout(100);
      rule = await client.getLatestSyncRule(connectionId, 'outgoing');
    }
    assert.equal(rule.version, 3);
    assert.match(rule.script, /\/\/ typed in the e2e test$/);
    assert.doesNotMatch(rule.script, /colleague/);
    assert.match(rule.author, /^VS Code/);
  });

  it('compares a past version from the editor title History action', async () => {
    await tab('outgoing.groovy').first().click();
    const history = wb.page.locator('.editor-actions .action-label[aria-label^="Show Sync Rules History"]').first();
    await history.waitFor({ timeout: 15_000 });
    await history.click();
    await pickRow('Version 3').waitFor({ timeout: 30_000 });
    assert.ok(await pickRow('Version 1').isVisible());
    assert.match(await pickRow('Version 2').innerText(), /colleague/);
    await wb.screenshot('history-pick');
    await pickRow('Version 1').click();
    await tab('v1 ↔ current').waitFor({ timeout: 30_000 });
    await wb.screenshot('history-diff');
  });

  it('a save while the node is down keeps the edits and says so in one short message; Retry saves once the node is back', async () => {
    await tab('outgoing.groovy').first().click();
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('\n// typed while the node was down');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().waitFor({ timeout: 15_000 });
    const before = (await client.getLatestSyncRule(connectionId, 'outgoing')).version;
    await node.stop();
    await wb.page.keyboard.press('Control+S');
    const notes = await wb.waitForNotification(/not saved/i);
    await wb.screenshot('save-node-down');
    const shown = notes.find((n) => /not saved/i.test(n)) ?? '';
    assert.match(shown, /Contoso node/, notes.join(' | '));
    assert.match(shown, /still in the editor/, notes.join(' | '));
    assert.ok(!notes.some((n) => /Failed to save|FileSystemError|Unable to write|%3A%2F%2F/.test(n)), notes.join(' | '));
    assert.ok(await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().isVisible(), 'the edits are still unsaved');

    await node.restart();
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+S');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    const rule = await client.getLatestSyncRule(connectionId, 'outgoing');
    assert.equal(rule.version, before + 1);
    assert.match(rule.script, /typed while the node was down$/);
  });
});
