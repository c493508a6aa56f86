// Issue 10's "Done when", in the real workbench against the two seeded sandbox nodes `npm start` runs (started by
// the same scripts/lib/sandboxes.mjs): change the outgoing script without saving, Test Run on a seeded work item →
// the replica shows the change; break the incoming script on line 5 → the error at line 5; Save → a draft, the
// active version unchanged; Publish → active. Screenshots in test-results/screenshots (testRunDrafts-*).
// Editor text is read as a user copies it (Ctrl+A, Ctrl+C, the clipboard), not from the rendered lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExalateClient } from '../../src/exalate/client';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { ROOT, Workbench } from './harness';

interface DevSandbox {
  name: string;
  url: string;
  ado: string;
  token: string;
  stop(): Promise<void>;
}

describe('e2e: Test Run, drafts and Publish against the npm start sandboxes', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let home: string;
  const nodes: DevSandbox[] = [];
  let contoso: ExalateClient;
  let connectionId: string;
  const NAME = `Payments to Fabrikam ${Date.now() % 100_000}`;
  const tab = (text: string) => wb.page.locator('.tabs-container .tab', { hasText: text }).first();
  const pickRow = (text: string) => wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  const statusItem = (text: string | RegExp) => wb.page.locator('.statusbar-item', { hasText: text }).first();



  async function openScript(direction: 'Outgoing' | 'Incoming'): Promise<void> {
    await wb.runCommand('Exalate: Open Sync Rules…');
    await pickRow('contoso (your node)').waitFor({ timeout: 30_000 });
    await pickRow('contoso (your node)').click();
    await pickRow(NAME).waitFor({ timeout: 30_000 });
    await pickRow(NAME).click();
    await pickRow(direction).waitFor({ timeout: 15_000 });
    await pickRow(direction).click();
    await tab(`${direction.toLowerCase()}.groovy`).waitFor({ timeout: 30_000 });
    await wb.activeEditorLines().filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
  }

  async function clickTitleAction(label: string): Promise<void> {
    const action = wb.page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label^="${label}"]`).first();
    await action.waitFor({ timeout: 30_000 });
    await action.click();
  }

  before(async () => {
    const { startDevSandbox } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'sandboxes.mjs')).href);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-drafts-'));
    nodes.push(await startDevSandbox({ home, name: 'contoso', preferredPort: 0 }));
    nodes.push(await startDevSandbox({ home, name: 'fabrikam', preferredPort: 0 }));
    const [yours, partner] = nodes;
    contoso = createExalateClient({ nodeUrl: yours.url, token: yours.token });
    const fabrikam = createExalateClient({ nodeUrl: partner.url, token: partner.token });
    // The connection a newcomer makes with the wizard (initiate on contoso, accept on fabrikam), made through the API.
    const init = await contoso.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'fabrikam', name: NAME, project: 'Payments' },
      newIdempotencyKey(),
    );
    await fabrikam.acceptInvitation({ invitationCode: init.invitationCode, project: 'Mobile App' });
    connectionId = init.connection.id;
    const file = path.join(home, 'bootstrap.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          { url: yours.url, token: yours.token, label: 'contoso (your node)', adoOrgUrl: yours.ado, adoPat: yours.token },
          { url: partner.url, token: partner.token, label: 'fabrikam (partner)', adoOrgUrl: partner.ado, adoPat: partner.token },
        ],
      }),
      { mode: 0o600 },
    );
    wb = await Workbench.launch({ label: 'testRunDrafts', env: { EXALATE_BOOTSTRAP_FILE: file }, settings: { 'files.autoSave': 'off' } });
    await wb.openExalateView();
    await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: NAME }).first().waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await wb?.close();
    for (const n of nodes) await n.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('Test Run outgoing runs the unsaved change on a seeded work item and the replica shows it', async () => {
    await openScript('Outgoing');
    await wb.activeEditorLines().click();
    await wb.page.keyboard.press('Control+End');
    await wb.paste('\nreplica.summary = "E2E unsaved: " + workItem.summary\n');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().waitFor({ timeout: 15_000 });
    await clickTitleAction('Test Run');
    await pickRow('#1 ').waitFor({ timeout: 60_000 });
    await pickRow('#1 ').click(); // a multi-select pick: the click ticks it
    await wb.page.locator('.quick-input-widget input').press('Enter');
    await tab('outgoing replica of #1.json').waitFor({ timeout: 60_000 });
    await wb.screenshot('outgoing-replica');
    const replica = JSON.parse(await wb.activeEditorText()) as Record<string, unknown>;
    assert.equal(replica.summary, 'E2E unsaved: Refund fails for partially captured card payments');
    assert.equal((await contoso.getLatestSyncRule(connectionId, 'outgoing')).version, 1, 'Test Run saved nothing');
  });

  it('Test Run incoming with an exception on line 5 reports the error at line 5', async () => {
    await openScript('Incoming');
    await wb.activeEditorLines().click();
    await wb.page.keyboard.press('Control+A');
    await wb.paste('if (firstSync) {\n  workItem.typeName = "Task"\n}\nworkItem.summary = replica.summary\nthrow new Exception("x")\n');
    await clickTitleAction('Test Run');
    // The replica comes from the partner node (fabrikam runs its outgoing script on one of its work items); its #3
    // has no twin here, so the target is a new work item (firstSync), without a question.
    await pickRow('#3 ').waitFor({ timeout: 60_000 });
    await pickRow('#3 ').click();
    const notes = await wb.waitForNotification(/line 5/);
    const shown = notes.find((n) => /line 5/.test(n)) ?? '';
    assert.match(shown, /incoming script failed on a new work item at line 5: .*x/, notes.join(' | '));
    // The diagnostic is on line 5: the Problems view names it.
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const problem = wb.page.locator('.markers-panel .monaco-list-row', { hasText: '[Ln 5' }).first();
    await problem.waitFor({ timeout: 30_000 });
    await wb.screenshot('incoming-error-line-5');
    await tab('incoming.groovy').click();
    await wb.runCommand('File: Revert File');
  });

  it('Save writes a draft and the connection keeps its active version; Publish makes the draft active', async () => {
    const before = await contoso.getSyncRule(connectionId, 'outgoing');
    await tab('outgoing.groovy').click();
    await wb.activeEditorLines().click();
    await wb.page.keyboard.press('Control+S');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'outgoing.groovy' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await statusItem('Draft v2 · v1 is active').waitFor({ timeout: 30_000 });
    await wb.screenshot('saved-as-draft');
    const active = await contoso.getSyncRule(connectionId, 'outgoing');
    assert.deepEqual([active.version, active.script], [before.version, before.script], 'the active version is unchanged');
    const draft = await contoso.getLatestSyncRule(connectionId, 'outgoing');
    assert.deepEqual([draft.version, draft.state], [2, 'draft']);
    assert.match(draft.script, /E2E unsaved: /);

    await clickTitleAction('Publish Sync Rules');
    await statusItem('Active v2').waitFor({ timeout: 30_000 });
    await wb.screenshot('published-active');
    const now = await contoso.getSyncRule(connectionId, 'outgoing');
    assert.deepEqual([now.version, now.state, now.active], [2, 'published', true]);
    assert.match(now.script, /E2E unsaved: /);
  });
});
