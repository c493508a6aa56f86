// Issue 11's e2e, in the real workbench against the two sandbox nodes `npm start` runs (started by the same
// scripts/lib/sandboxes.mjs, with a short poll interval): a private connection contoso → fabrikam made in the
// Initiate Connection wizard and accepted on fabrikam; a work item created on contoso with the real
// azure-devops-node-api client, synced with "Sync Work Item…" from the connection's context menu, appears under
// Synced items on fabrikam and as a twin in fabrikam's emulator; a comment on the twin comes back to contoso; a broken
// incoming script on fabrikam (edited in the editor, saved as a draft, published) blocks the next change with an
// error under Errors that names its line; fixed + published + "Retry Sync" from the error's context menu → the twin
// gets the change. Screenshots in test-results/screenshots (sync-*).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as azdev from 'azure-devops-node-api';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { Frame, Locator } from 'playwright-core';
import type { ExalateClient } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { ROOT, Workbench } from './harness';

interface DevSandbox {
  name: string;
  url: string;
  ado: string;
  token: string;
  stop(): Promise<void>;
}

/** Polls `cond` every 100 ms; throws naming `what` (and the last value seen) at the deadline. */
async function until<T>(what: string, cond: () => Promise<T | undefined | false>, deadlineMs = 60_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`gave up waiting ${deadlineMs} ms for: ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('e2e: work item sync over a private connection made in the wizard (npm start sandboxes)', function () {
  this.timeout(420_000);
  let wb: Workbench;
  let home = '';
  const nodes: DevSandbox[] = [];
  let contoso: ExalateClient;
  let fabrikam: ExalateClient;
  let witA: IWorkItemTrackingApi;
  let witB: IWorkItemTrackingApi;
  let connB = '';
  let workItemId = 0;
  let twinId = 0;
  const NAME = 'contoso_to_fabrikam';
  const CONTOSO = 'contoso (your node)';
  const FABRIKAM = 'fabrikam (partner)';
  const sidebar = () => wb.page.locator('.part.sidebar');
  const row = (text: string | RegExp) => sidebar().locator('.monaco-list-row', { hasText: text }).first();
  const pickRow = (text: string | RegExp) => wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  const tab = (text: string) => wb.page.locator('.tabs-container .tab', { hasText: text }).first();
  const statusItem = (text: string | RegExp) => wb.page.locator('.statusbar-item', { hasText: text }).first();
  const menuItem = (text: string) => wb.page.locator('.monaco-menu .action-item .action-label', { hasText: text }).first();

  /** Runs a palette command through the command center (F1 may not reach the workbench while a webview has the focus). */
  async function command(title: string): Promise<void> {
    const input = wb.page.locator('.quick-input-widget input');
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const item = wb.page.locator('.quick-input-list .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: exact }) }).first();
    for (let attempt = 1; ; attempt++) {
      await wb.page.locator('.command-center .command-center-center').first().click();
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const shown = await item.waitFor({ timeout: 10_000 }).then(() => true, () => false);
      if (shown && (await input.isVisible())) break;
      if (attempt === 3) throw new Error(`the Command Palette did not offer "${title}"`);
    }
    await item.click();
  }

  /** Opens (or closes) the first row showing `text` with its twistie; waits until the tree says so. */
  async function expand(text: string, open = true): Promise<void> {
    const r = row(text);
    await r.waitFor({ timeout: 60_000 });
    // A click on the twistie is lost when auto-refresh (every second here) redraws the tree under it: click again
    // until the row shows the state, and fail loudly at the deadline.
    const deadline = Date.now() + 15_000;
    while ((await r.getAttribute('aria-expanded')) !== String(open)) {
      if (Date.now() > deadline) throw new Error(`the tree row "${text}" did not ${open ? 'expand' : 'collapse'} within 15 s`);
      await r.locator('.monaco-tl-twistie').click();
      await wb.page
        .waitForFunction(
          ([t, o]) =>
            Array.from(document.querySelectorAll('.part.sidebar .monaco-list-row')).some(
              (e) => (e.textContent ?? '').includes(t) && e.getAttribute('aria-expanded') === String(o),
            ),
          [text, open] as const,
          { timeout: 2_000 },
        )
        .catch(() => undefined); // re-checked by the loop, which fails at its deadline
    }
  }

  /** Only this node's folder open: the connection's name then appears once (under that node). */
  async function showNode(node: string): Promise<void> {
    await expand(node === CONTOSO ? FABRIKAM : CONTOSO, false);
    await expand(node, true);
  }

  /**
   * Right-click `target`, then `item` with the keyboard (hover + Enter: a mouse click on a context-menu item is
   * sometimes lost in headless Chromium), until `effect` shows. The menu closes when the view re-renders under it
   * (auto-refresh): then it is opened again; 3 attempts.
   */
  async function contextMenu(target: Locator, item: string, effect: Locator, shot?: string, state: 'visible' | 'detached' = 'visible'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await target.click({ button: 'right' });
      const opened = await menuItem(item).waitFor({ timeout: 15_000 }).then(() => true, () => false);
      if (opened) {
        if (shot) await wb.screenshot(shot);
        await menuItem(item).hover();
        await wb.page.keyboard.press('Enter');
        if (await effect.waitFor({ state, timeout: 15_000 }).then(() => true, () => false)) return;
      }
      if (attempt === 3) throw new Error(`the context menu item "${item}" did not take effect`);
      await wb.page.keyboard.press('Escape');
    }
  }

  /** Drags the sash right of the side bar to x = `to`, so the screenshots show whole rows (titles, error lines). */
  async function widenSidebar(to: number): Promise<void> {
    const bar = (await sidebar().boundingBox())!;
    const sashes = await wb.page.locator('.monaco-sash.vertical').all();
    let best: { x: number; y: number; d: number } | undefined;
    for (const sash of sashes) {
      const box = await sash.boundingBox();
      if (!box || box.height < 100) continue;
      const d = Math.abs(box.x + box.width / 2 - (bar.x + bar.width));
      if (!best || d < best.d) best = { x: box.x + box.width / 2, y: box.y + box.height / 2, d };
    }
    assert.ok(best && best.d < 10, 'the side bar has a sash on its right');
    await wb.page.mouse.move(best.x, best.y);
    await wb.page.mouse.down();
    await wb.page.mouse.move(to, best.y, { steps: 10 });
    await wb.page.mouse.up();
    await wb.page.waitForFunction((w) => (document.querySelector('.part.sidebar')?.getBoundingClientRect().width ?? 0) > w, to - bar.x - 40, { timeout: 15_000 });
  }

  async function stepTitle(frame: Frame, title: string): Promise<void> {
    await frame.locator('h2#step-title', { hasText: title }).waitFor({ timeout: 30_000 });
  }



  async function clickTitleAction(label: string): Promise<void> {
    const action = wb.page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label^="${label}"]`).first();
    await action.waitFor({ timeout: 30_000 });
    await action.click();
  }

  /** Ctrl+S (a draft), then Publish from the editor's title bar; waits for the status bar to say the version is active. */
  async function saveAndPublish(version: number): Promise<void> {
    await wb.page.keyboard.press('Control+S');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'incoming.groovy' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await statusItem(`Draft v${version} · v${version - 1} is active`).waitFor({ timeout: 30_000 });
    await clickTitleAction('Publish Sync Rules');
    await statusItem(`Active v${version}`).waitFor({ timeout: 30_000 });
  }

  const title = async (wit: IWorkItemTrackingApi, id: number) => String((await wit.getWorkItem(id)).fields?.['System.Title'] ?? '');

  before(async () => {
    const { startDevSandbox } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'lib', 'sandboxes.mjs')).href);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-sync-'));
    // The nodes `npm start` runs, polling every 250 ms instead of 5 s (the private side fetches on each poll).
    nodes.push(await startDevSandbox({ home, name: 'contoso', preferredPort: 0, pollMs: 250 }));
    nodes.push(await startDevSandbox({ home, name: 'fabrikam', preferredPort: 0, pollMs: 250 }));
    const [a, b] = nodes;
    contoso = createExalateClient({ nodeUrl: a.url, token: a.token });
    fabrikam = createExalateClient({ nodeUrl: b.url, token: b.token });
    // The sandbox emulators accept the node token as the PAT (as `npm start` configures them).
    witA = await new azdev.WebApi(a.ado, azdev.getPersonalAccessTokenHandler(a.token)).getWorkItemTrackingApi();
    witB = await new azdev.WebApi(b.ado, azdev.getPersonalAccessTokenHandler(b.token)).getWorkItemTrackingApi();
    const file = path.join(home, 'bootstrap.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          { url: a.url, token: a.token, label: CONTOSO, adoOrgUrl: a.ado, adoPat: a.token },
          { url: b.url, token: b.token, label: FABRIKAM, adoOrgUrl: b.ado, adoPat: b.token },
        ],
      }),
      { mode: 0o600 },
    );
    wb = await Workbench.launch({
      label: 'sync',
      env: { EXALATE_BOOTSTRAP_FILE: file },
      // The view refreshes itself every second while visible: nothing below refreshes by hand.
      settings: { 'files.autoSave': 'off', 'exalate.autoRefreshSeconds': 1 },
    });
    await wb.openExalateView();
    await row(FABRIKAM).waitFor({ timeout: 60_000 });
    await widenSidebar(760);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot('failed').catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    for (const n of nodes) await n.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('makes the private connection in the wizard and accepts it on fabrikam', async () => {
    await command('Exalate: Initiate Connection');
    const nodePick = wb.page.locator('.quick-input-widget input[placeholder="Choose the Exalate node"]');
    await nodePick.waitFor({ state: 'visible', timeout: 30_000 });
    await nodePick.fill('contoso');
    await pickRow(CONTOSO).click();
    const frame = await wb.webview();
    await stepTitle(frame, 'Destination');
    await frame.locator('#f-private').click();
    await frame.locator('#next').click();
    await stepTitle(frame, 'Configuration type');
    await frame.locator('#mode-script').click();
    await frame.locator('#next').click();
    await stepTitle(frame, 'Connection information');
    await frame.locator('#f-remoteShortName input').fill('fabrikam');
    await frame.waitForFunction((n) => (document.querySelector('#f-name') as HTMLElement & { value: string })?.value === n, NAME);
    await frame.locator('#next').click();
    await stepTitle(frame, 'Project for the incoming sync');
    await frame.locator('#f-project vscode-radio', { hasText: 'Payments' }).click();
    await frame.locator('#next', { hasText: 'Initiate' }).click();
    await stepTitle(frame, 'Invitation code');
    const invitation = await frame.locator('#f-invitation textarea').inputValue();
    assert.match(invitation, /^EXA1\./);
    await wb.screenshot('wizard-invitation');
    await frame.locator('#next', { hasText: 'Done' }).click();
    await wb.page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 30_000 });

    await wb.openExalateView();
    await sidebar().locator('.action-label[aria-label="Accept Invitation"]').first().click();
    const input = wb.page.locator('.quick-input-widget input');
    await wb.page.locator('.quick-input-widget input[placeholder="Choose the Exalate node"]').waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('fabrikam');
    await pickRow(FABRIKAM).click();
    await wb.page.locator('.quick-input-widget', { hasText: 'Paste the invitation code' }).waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(invitation);
    await input.press('Enter');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Continue' }).first().click();
    await dialog.waitFor({ state: 'detached' });
    await wb.page.locator('.quick-input-widget', { hasText: `Project for the incoming sync of "${NAME}"` }).waitFor({ timeout: 30_000 });
    await input.fill('Mobile');
    await pickRow('Mobile App').waitFor();
    await input.press('Enter');

    const [a, b] = await Promise.all(
      [contoso, fabrikam].map((c) =>
        until(`${NAME} is active`, async () => (await c.listConnections({ limit: 500 })).items.find((x) => x.name === NAME && x.status === 'active')),
      ),
    );
    assert.equal(a.type, 'private', 'the initiator has no URL of the partner');
    connB = b.id;
    for (const node of [CONTOSO, FABRIKAM]) {
      await showNode(node);
      await row(new RegExp(`${NAME}.*active`)).waitFor({ timeout: 30_000 });
    }
    await wb.screenshot('connection-active');
  });

  it('a work item created on contoso with the real client, synced with "Sync Work Item…", appears on fabrikam', async () => {
    const created = await witA.createWorkItem(
      null,
      [
        { op: 'add', path: '/fields/System.Title', value: 'E2E: checkout times out on 3-D Secure' },
        { op: 'add', path: '/fields/System.Description', value: '<div>Seen by <b>two</b> customers today</div>' },
      ],
      'Payments',
      'Bug',
    );
    workItemId = created.id!;
    await showNode(CONTOSO);
    const input = wb.page.locator('.quick-input-widget input');
    await contextMenu(row(NAME), 'Sync Work Item…', wb.page.locator('.quick-input-widget input[placeholder^="Work items of Payments"]'));
    await input.fill(String(workItemId));
    await pickRow(`#${workItemId} E2E: checkout times out`).waitFor({ timeout: 30_000 });
    await wb.screenshot('sync-work-item-pick');
    await pickRow(`#${workItemId} E2E: checkout times out`).click();

    // Under the fabrikam connection: Synced items lists the twin ↔ contoso's id (the view refreshes by itself).
    await showNode(FABRIKAM);
    await expand(NAME);
    await expand('Synced items');
    const pair = sidebar().locator('.monaco-list-row', { hasText: new RegExp(`#\\d+ ↔ ${workItemId}(?!\\d)`) }).first();
    await pair.waitFor({ timeout: 90_000 });
    twinId = Number(/#(\d+) ↔/.exec(await pair.innerText())![1]);
    assert.match(await pair.innerText(), /E2E: checkout times out on 3-D Secure/);
    await wb.screenshot('synced-on-fabrikam');
    // The twin, read with the real client from fabrikam's emulator.
    const twin = await witB.getWorkItem(twinId);
    assert.equal(twin.fields?.['System.Title'], 'E2E: checkout times out on 3-D Secure');
    assert.equal(twin.fields?.['System.TeamProject'], 'Mobile App');
    assert.match(String(twin.fields?.['System.Description']), /Seen by two customers today/);
  });

  it('a comment added on the fabrikam twin comes back to contoso', async () => {
    assert.ok(twinId > 0, 'the work item was synced (previous test)');
    await witB.addComment({ text: 'E2E comment from fabrikam: reproduced on Android' }, 'Mobile App', twinId);
    const back = await until('the comment is on the contoso work item', async () =>
      (await witA.getComments('Payments', workItemId)).comments?.find((c) => /E2E comment from fabrikam: reproduced on Android/.test(c.text ?? '')),
    );
    assert.ok(back.text);
    // contoso's side of the pair in the tree (the comment itself is asserted through the client).
    await showNode(CONTOSO);
    await expand(NAME);
    // contoso knows no URL of fabrikam: every message travelled on fabrikam's polls.
    await row('contoso → fabrikam · remote unknown (private side)').waitFor({ timeout: 30_000 });
    await expand('Synced items');
    await sidebar().locator('.monaco-list-row', { hasText: new RegExp(`#${workItemId} ↔ ${twinId}(?!\\d)`) }).first().waitFor({ timeout: 30_000 });
    // Exactly once (no echo back and forth).
    assert.equal((await witA.getComments('Payments', workItemId)).comments?.filter((c) => /E2E comment from fabrikam/.test(c.text ?? '')).length, 1);
    assert.equal((await witB.getComments('Mobile App', twinId)).comments?.filter((c) => /E2E comment from fabrikam/.test(c.text ?? '')).length, 1);
    await wb.screenshot('comment-back-contoso-pair');
  });

  it('a broken incoming script on fabrikam: the error shows under the connection with its line; fix + Publish + Retry Sync → the twin gets the change', async () => {
    assert.ok(twinId > 0, 'the work item was synced (earlier test)');
    await command('Exalate: Open Sync Rules…');
    await pickRow(FABRIKAM).waitFor({ timeout: 30_000 });
    await pickRow(FABRIKAM).click();
    await pickRow(NAME).waitFor({ timeout: 30_000 });
    await pickRow(NAME).click();
    await pickRow('Incoming').waitFor({ timeout: 15_000 });
    await pickRow('Incoming').click();
    await tab('incoming.groovy').waitFor({ timeout: 30_000 });
    await wb.activeEditorLines().filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
    const original = await wb.activeEditorText();
    assert.match(original, /^\/\/ Incoming sync/);
    // A throw on line 2 (the end of line 1, a new line).
    await wb.page.keyboard.press('Control+Home');
    await wb.page.keyboard.press('End');
    await wb.paste('\nthrow new RuntimeException("broken in the e2e")');
    await wb.page.locator('.tabs-container .tab.dirty', { hasText: 'incoming.groovy' }).first().waitFor({ timeout: 15_000 });
    await saveAndPublish(2);
    await wb.screenshot('broken-script-published');
    assert.match((await fabrikam.getSyncRule(connB, 'incoming')).script.split('\n')[1], /broken in the e2e/);

    await witA.updateWorkItem(null, [{ op: 'replace', path: '/fields/System.Title', value: 'E2E: checkout times out (changed on contoso)' }], workItemId);
    await showNode(FABRIKAM);
    await expand(NAME);
    await expand('Errors');
    await expand('Synced items');
    const error = sidebar().locator('.monaco-list-row', { hasText: /broken in the e2e/ }).first();
    await error.waitFor({ timeout: 90_000 });
    assert.match(await error.innerText(), /line 2(:\d+)? · incoming/);
    await row(new RegExp(`${NAME}.*1 sync error`)).waitFor({ timeout: 30_000 });
    await wb.screenshot('error-in-tree-with-line');
    // The error's own command (a click) is Open Script at Line: the cursor goes to line 2 of the incoming script.
    await wb.activeEditorLines().click();
    await wb.page.keyboard.press('Control+End');
    await statusItem(/Ln 32, Col/).waitFor({ timeout: 15_000 });
    await error.click();
    await statusItem(/Ln 2, Col \d+/).waitFor({ timeout: 30_000 });
    await wb.screenshot('open-script-at-line-2');
    assert.equal(await title(witB, twinId), 'E2E: checkout times out on 3-D Secure', 'the blocked change did not reach the twin');

    // Fix: the original text back, saved and published.
    await tab('incoming.groovy').click();
    await wb.activeEditorLines().click();
    await wb.page.keyboard.press('Control+A');
    await wb.paste(original);
    await saveAndPublish(3);
    assert.equal((await fabrikam.getSyncRule(connB, 'incoming')).script, original);

    // Retrying: the error item goes away once the node applied the change.
    await contextMenu(error, 'Retry Sync', error, 'retry-context-menu', 'detached');
    await until('the twin has the change', async () => (await title(witB, twinId)) === 'E2E: checkout times out (changed on contoso)', 90_000);
    await sidebar().locator('.monaco-list-row', { hasText: /E2E: checkout times out \(changed on contoso\)/ }).first().waitFor({ timeout: 30_000 });
    assert.deepEqual(await fabrikam.listSyncErrors(connB), []);
    await wb.screenshot('synced-after-retry');
  });
});
