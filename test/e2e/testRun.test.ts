// Test Run in the real workbench, as a user runs it: open a connection's outgoing sync rules, press ▷ Test Run in
// the editor title, tick a work item of the connection's project in the quick pick, and the replica the script
// produces opens beside the script as read-only JSON (the README's Test Run picture).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { startSandboxProcess, type SandboxProcess } from '../integration/support/sandbox';
import { Workbench } from './harness';

describe('e2e: Test Run', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let node: SandboxProcess;
  let tmp: string;
  const NAME = 'Payments to Partner';
  const row = (text: string | RegExp) => wb.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

  before(async () => {
    node = await startSandboxProcess({ name: 'e2e-testrun', seed: true });
    const client = createExalateClient({ nodeUrl: node.url, token: node.token });
    await client.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'partner', name: NAME, project: 'Payments' },
      newIdempotencyKey(),
    );
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-e2e-testrun-'));
    const file = path.join(tmp, 'bootstrap.json');
    fs.writeFileSync(file, JSON.stringify({ nodes: [{ url: node.url, token: node.token, adoOrgUrl: node.ado, adoPat: node.adoPat, label: 'Contoso node' }] }), { mode: 0o600 });
    wb = await Workbench.launch({ label: 'testrun', env: { EXALATE_BOOTSTRAP_FILE: file }, settings: { 'files.autoSave': 'off' } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot('failed').catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await node?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('▷ Test Run on the outgoing script: pick a work item, its replica opens beside the script', async () => {
    await wb.openExalateView();
    await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: NAME }).first().waitFor({ timeout: 60_000 });
    await wb.paletteCommand('Exalate: Open Sync Rules…');
    await row(NAME).waitFor({ timeout: 30_000 });
    await row(NAME).click();
    await row('Outgoing').waitFor({ timeout: 15_000 });
    await row('Outgoing').click();
    await wb.page.locator('.tabs-container .tab', { hasText: 'outgoing.groovy' }).first().waitFor({ timeout: 30_000 });

    // The ▷ button in the editor title, as a user presses it.
    await wb.page.locator('.editor-actions .action-label[aria-label^="Test Run"]').first().click();
    await wb.page.locator('.quick-input-widget input[placeholder^="Work items of Payments"]').waitFor({ state: 'visible', timeout: 60_000 });
    const first = wb.page.locator('.quick-input-list .monaco-list-row').first();
    await first.waitFor({ timeout: 30_000 });
    const label = await first.innerText();
    const id = /#?(\d+)/.exec(label)?.[1];
    assert.ok(id, `no work item id in "${label}"`);
    await first.click();
    await wb.screenshotAs('pick');
    await wb.page.locator('.quick-input-widget input').press('Enter');

    const replicaTab = wb.page.locator('.tabs-container .tab', { hasText: `outgoing replica of #${id}.json` }).first();
    await replicaTab.waitFor({ timeout: 60_000 });
    const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines');
    await lines.filter({ hasText: '"summary"' }).first().waitFor({ timeout: 30_000 });
    await wb.page.mouse.move(1390, 600);
    await wb.screenshotAs('replica');
  });
});
