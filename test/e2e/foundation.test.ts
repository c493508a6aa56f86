// The extension in the real workbench: the Exalate activity-bar container, its welcome content, the palette without
// a node, and Refresh re-listing the tree after a connection was made on the node behind the view's back.
import * as assert from 'node:assert/strict';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { startSandboxProcess, type SandboxProcess } from '../integration/support/sandbox';
import { addNodeByHand } from './flows';
import { Workbench } from './harness';

describe('e2e: Exalate view container', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let node: SandboxProcess | undefined;

  before(async () => {
    // Auto-refresh off: only the Refresh command can make the view re-list the node's connections.
    wb = await Workbench.launch({ label: 'foundation', settings: { 'exalate.autoRefreshSeconds': 0 } });
  });
  after(async () => {
    await wb?.close();
    await node?.dispose();
  });

  it('shows the Exalate container with its welcome content when no node is configured', async () => {
    await wb.openExalateView();
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    const text = await welcome.innerText();
    assert.match(text, /No Exalate node is configured yet/);
    assert.match(text, /Exalate connections link your Azure DevOps node/);
    await wb.screenshot('welcome');
  });

  it('offers in the Command Palette only what can work without a node, and runs it', async () => {
    // Without a node, node commands (Refresh, Initiate Connection…) are not offered (package.json `when`); the
    // commands that get you started are.
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Exalate:');
    const rows = wb.page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Exalate: Add Node…' }).first().waitFor({ timeout: 15_000 });
    await rows.filter({ hasText: 'Exalate: Start Local Sandbox' }).first().waitFor({ timeout: 15_000 });
    const offered = await rows.allInnerTexts();
    for (const hidden of ['Exalate: Refresh', 'Exalate: Initiate Connection', 'Exalate: Remove Node', 'Exalate: Delete Connection']) {
      assert.ok(!offered.some((t) => t.includes(hidden)), `${hidden} is offered without a node: ${offered.join(' | ')}`);
    }
    await wb.screenshot('palette-without-node');
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('Exalate: Add Node…');
    // The command ran: its first input box asks for the node URL; Escape cancels and nothing changes.
    await wb.page.locator('.quick-input-widget', { hasText: 'Add Exalate Node (1/2)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    assert.ok(await wb.page.locator('.part.sidebar .welcome-view-content').isVisible());
    await wb.screenshot('after-add-node-cancelled');
  });

  it('Refresh re-lists the tree: a connection made on the node behind the view\'s back appears', async () => {
    node = await startSandboxProcess({ name: 'refresh', seed: true });
    // One node: its (seeded) connections are listed at the root of the view.
    await addNodeByHand(wb, node.url, node.token, 'Fabrikam Jira bugs');
    const sidebar = wb.page.locator('.part.sidebar');
    const name = `Made behind the view's back ${Date.now()}`;
    const client = createExalateClient({ nodeUrl: node.url, token: node.token });
    await client.initiateConnection({ destinationUrl: null, mode: 'script', localShortName: 'refresh', remoteShortName: 'partner', name, project: 'Payments' }, newIdempotencyKey());
    const added = sidebar.locator('.monaco-list-row', { hasText: name });
    // The view listed the node before the connection existed and nothing re-lists it by itself (auto-refresh is off).
    assert.equal(await added.count(), 0, 'listed before Refresh');
    await wb.runCommand('Exalate: Refresh');
    await added.first().waitFor({ timeout: 30_000 });
    assert.match(await added.first().innerText(), /pending · private/);
    await wb.screenshot('after-refresh');
  });
});
