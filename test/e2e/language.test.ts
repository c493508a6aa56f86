// Sync script language features in the real workbench, used as a user would: type a misspelled field and see the
// squiggle and its "did you mean", apply the quick fix with Ctrl+., hover a helper, and find script methods in the
// Outline. Screenshots in test-results/screenshots. (Completion is driven in test/integration/language.test.ts.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExalateClient } from '../../src/exalate/client';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { startSandboxProcess, type SandboxProcess } from '../integration/support/sandbox';
import { Workbench } from './harness';

describe('e2e: sync script language features', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let node: SandboxProcess;
  let client: ExalateClient;
  let tmp: string;
  const NAME = 'Payments to Partner';
  const tab = (text: string) => wb.page.locator('.tabs-container .tab', { hasText: text }).first();
  const pickRow = (text: string) => wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  const editorLines = () => wb.page.locator('.editor-instance .monaco-editor .view-lines').first();

  async function openScript(direction: 'Outgoing' | 'Incoming'): Promise<void> {
    await wb.runCommand('Exalate: Open Sync Rules…');
    await pickRow(NAME).waitFor({ timeout: 30_000 });
    await pickRow(NAME).click();
    await pickRow(direction).waitFor({ timeout: 15_000 });
    await pickRow(direction).click();
    await tab(`${direction.toLowerCase()}.groovy`).waitFor({ timeout: 30_000 });
    await wb.page.locator('#status\\.editor\\.mode', { hasText: 'Groovy' }).waitFor({ timeout: 30_000 });
  }

  before(async () => {
    node = await startSandboxProcess({ name: 'e2e-lang', seed: true });
    client = createExalateClient({ nodeUrl: node.url, token: node.token });
    const r = await client.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'partner', name: NAME, project: 'Payments' },
      newIdempotencyKey(),
    );
    // The incoming script gets a script method, for the Outline.
    const incoming = await client.getLatestSyncRule(r.connection.id, 'incoming');
    const withMethod = `${incoming.script}\ndef statusFor(String remote) {\n  remote == "Done" ? "Closed" : "Active"\n}\nworkItem.setStatus(statusFor(replica.status?.name))\n`;
    await client.saveDraft(r.connection.id, 'incoming', withMethod, incoming.version, { author: 'e2e' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-lang-'));
    const file = path.join(tmp, 'bootstrap.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ url: node.url, token: node.token, adoPat: node.adoPat, label: 'Contoso node' }] }), { mode: 0o600 });
    wb = await Workbench.launch({ label: 'language', env: { EXALATE_BOOTSTRAP_FILE: file }, settings: { 'files.autoSave': 'off' } });
  });

  after(async () => {
    await wb?.close();
    await node?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('squiggles `replica.sumary` as it is typed, says "did you mean summary", and Ctrl+. fixes it', async () => {
    await wb.openExalateView();
    // The bootstrap file's node is imported at activation: wait until its connection is listed.
    await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: NAME }).first().waitFor({ timeout: 60_000 });
    await openScript('Outgoing');
    await editorLines().filter({ hasText: 'replica.summary' }).waitFor({ timeout: 30_000 });
    await editorLines().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('\nreplica.sumary = workItem.summary', { delay: 20 });
    await wb.page.keyboard.press('Escape');
    const squiggle = wb.page.locator('.editor-instance .monaco-editor .squiggly-error').first();
    await squiggle.waitFor({ timeout: 30_000 });
    // The squiggle is drawn under the text: hover the misspelled word itself, as a mouse would.
    await editorLines().locator('span', { hasText: /^sumary/ }).last().hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'Did you mean' }).first();
    await hover.waitFor({ timeout: 30_000 });
    assert.match(await hover.innerText(), /Replica has no property `?sumary`?\. Did you mean `?summary`?\?/);
    await wb.screenshot('squiggle-did-you-mean');

    // Close the hover and any suggestion list, put the cursor inside `sumary` and ask for quick fixes.
    await editorLines().locator('span', { hasText: /^sumary/ }).last().click();
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Escape');
    await wb.page.keyboard.press('Home');
    for (let i = 0; i < 10; i++) await wb.page.keyboard.press('ArrowRight');
    await wb.page.keyboard.press('Control+.');
    const fix = wb.page.locator('.action-widget .monaco-list-row', { hasText: "Change to 'summary'" }).first();
    await fix.waitFor({ timeout: 30_000 });
    await wb.screenshot('quick-fix');
    await fix.click();
    await editorLines().filter({ hasText: 'replica.summary = workItem.summary' }).waitFor({ timeout: 15_000 });
    await squiggle.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('shows the signature and docs of commentHelper.mergeComments on hover, and script methods in the Outline', async () => {
    await openScript('Incoming');
    const word = editorLines().locator('span', { hasText: /^mergeComments$/ }).first();
    await word.waitFor({ timeout: 30_000 });
    await word.hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'CommentHelper.mergeComments' }).first();
    await hover.waitFor({ timeout: 30_000 });
    const text = await hover.innerText();
    assert.match(text, /mergeComments\(workItem: WorkItem, replica: Replica, formatter\?: Closure\): List<Comment>/);
    assert.match(text, /comments new on the other side are added/);
    await wb.screenshot('hover-merge-comments');

    await wb.runCommand('Explorer: Focus on Outline View');
    const outlineRow = wb.page.locator('.outline-pane .monaco-list-row', { hasText: 'statusFor' }).first();
    await outlineRow.waitFor({ timeout: 30_000 });
    await wb.screenshot('outline-script-methods');
  });
});
