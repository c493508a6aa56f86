// Test Run in the real editor against a real sandbox node (its Azure DevOps emulator through azure-devops-node-api):
// the outgoing script's unsaved text runs on a picked work item and the replica document shows the change; Test Run
// Again keeps the work items; an exception on line 5 of the incoming script becomes a diagnostic at line 5 and a
// message with "Open at line"; the incoming result is a diff editor "work item now ↔ after the script"; the
// Connections view's Test Run action on a connection; with a real partner node and a real sync, "Last replica
// received" and the partner's work items target the twin (or a new work item when there is none).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExalateClient } from '../../src/exalate/client';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import type { ExalateTestApi } from '../../src/extension';
import type { Connection } from '../../src/shared/api';
import type { TestRunResult } from '../../src/testRun/runner';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';
import { until } from './support/until';
import { TestUserInput } from './support/userInput';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';

function resultTexts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === 'exalate-testrun') out.set(d.uri.path, d.getText());
  return out;
}

describe('Test Run in VS Code', function () {
  this.timeout(120_000);
  let full: ExalateTestApi;
  let node: SandboxProcess;
  let other: ExalateClient;
  let connection: Connection;
  let user: TestUserInput;
  /** The quick picks shown so far: their titles and item labels. */
  const asked = () => user.prompts.filter((p) => p.kind === 'pick').map((p) => ({ title: (p.options as vscode.QuickPickOptions).title, items: p.items ?? [] }));
  const tmpDirs: string[] = [];

  async function openRules(direction: 'outgoing' | 'incoming'): Promise<vscode.TextEditor> {
    const [editor] = (await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: node.url, connectionId: connection.id, direction })) as vscode.TextEditor[];
    return editor;
  }

  async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
  }

  async function revertAndClose(): Promise<void> {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.isDirty && (doc.uri.scheme === 'exalate' || doc.uri.scheme === 'file')) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }

  function replicaFile(replica: object): vscode.Uri {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-testrun-it-'));
    tmpDirs.push(dir);
    const file = path.join(dir, 'replica.json');
    fs.writeFileSync(file, JSON.stringify(replica));
    return vscode.Uri.file(file);
  }

  before(async () => {
    full = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExalateTestApi;
    node = await startSandboxProcess({ seed: true });
    other = createExalateClient({ nodeUrl: node.url, token: node.token });
    await full.services.nodes.upsert({ url: node.url, label: 'testrun-it' }, node.token, node.adoPat);
    connection = (
      await other.initiateConnection(
        { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: 'beta', name: `Test Run ${Date.now()}`, project: 'Payments' },
        newIdempotencyKey(),
      )
    ).connection;
  });

  beforeEach(() => {
    user = new TestUserInput();
    full.services.ui.use(user);
  });

  afterEach(async () => {
    try {
      user.assertDone();
    } finally {
      await revertAndClose();
    }
  });

  after(async () => {
    full?.services.ui.use(undefined);
    await revertAndClose();
    await full?.services.nodes.remove(node.url);
    await node?.dispose();
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('Test Run outgoing: the unsaved script runs on a picked work item and the replica document shows the change; Test Run Again keeps the work item', async () => {
    const editor = await openRules('outgoing');
    const doc = editor.document;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, '\nreplica.testRunMarker = "unsaved " + workItem.key\ndebug.info("marker set on " + workItem.key)\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(doc.isDirty, true, 'the change is not saved');

    user.answer({ pick: /^#1 / });
    const result = (await vscode.commands.executeCommand('exalate.testRun')) as TestRunResult;
    assert.equal(result.kind, 'outgoing', JSON.stringify(result) + JSON.stringify(user.errors()));
    const workItems = asked()[0];
    assert.ok(workItems.items.includes('#1 Refund fails for partially captured card payments') && workItems.items.includes('#2 Support Apple Pay in the hosted checkout'), workItems.items.join(' | '));
    assert.ok(!workItems.items.some((l) => l.includes('Android')), 'only the connection\'s project (Payments)');

    await until('the replica document is shown', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'exalate-testrun'));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'exalate-testrun')!.document;
    assert.match(shown.uri.path, /outgoing replica of #1\.json$/);
    assert.equal(shown.languageId, 'json');
    const replica = JSON.parse(shown.getText()) as Record<string, unknown>;
    assert.equal(replica.testRunMarker, 'unsaved 1');
    assert.equal(replica.summary, 'Refund fails for partially captured card payments');
    assert.ok(full.testRun.output().some((l) => l.includes('[info] marker set on 1')), full.testRun.output().join('\n'));
    assert.ok(full.testRun.output().some((l) => /outgoing on #1: ok/.test(l)));

    // Change the text again and run again: no picker, same work item, the open replica document updates.
    await vscode.window.showTextDocument(doc);
    const edit2 = new vscode.WorkspaceEdit();
    edit2.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, 'replica.testRunMarker = "again " + workItem.key\n');
    assert.equal(await vscode.workspace.applyEdit(edit2), true);
    const again = (await vscode.commands.executeCommand('exalate.testRunAgain')) as TestRunResult;
    assert.equal(again.kind, 'outgoing', JSON.stringify(again));
    assert.equal(asked().length, 1, 'Test Run Again does not ask for the work items');
    await until('the replica document updates', () => (JSON.parse(shown.getText()) as Record<string, unknown>).testRunMarker === 'again 1');
    assert.equal(doc.isDirty, true, 'nothing was saved');
  });

  it('Test Run from the Connections view: the context action on a connection asks the direction and runs that script', async () => {
    // The element the tree hands to its context menu commands.
    await full.connections.tree.model(node.url).ensureLoaded();
    const element = full.connections.tree.connectionElement(node.url, connection.id);
    user.answer({ pick: '$(arrow-up) Outgoing' }, { pick: /^#2 / });
    const result = (await vscode.commands.executeCommand('exalate.testRunConnection', element)) as TestRunResult;
    assert.equal(result.kind, 'outgoing', JSON.stringify(result) + JSON.stringify(user.errors()));
    assert.equal(asked()[0].title, 'Exalate: Test Run');
    assert.deepEqual(asked()[0].items, ['$(arrow-up) Outgoing', '$(arrow-down) Incoming']);
    assert.ok(asked()[1].items.includes('#2 Support Apple Pay in the hosted checkout'), asked()[1].items.join(' | '));
    // The connection's outgoing script is open (its diagnostics would land there) and its replica is shown.
    const script = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'exalate' && e.document.uri.path.endsWith('/outgoing.groovy'));
    assert.ok(script, 'the outgoing script is open');
    await until('the replica document is shown', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'exalate-testrun' && /outgoing replica of #2\.json$/.test(e.document.uri.path)));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'exalate-testrun' && /#2\.json$/.test(e.document.uri.path))!.document;
    assert.equal((JSON.parse(shown.getText()) as Record<string, unknown>).summary, 'Support Apple Pay in the hosted checkout');

    // Cancelling the direction runs nothing; bad arguments say so.
    user.answer({ pick: undefined, expect: /^Exalate: Test Run Which sync script to run\?$/ });
    assert.equal(await vscode.commands.executeCommand('exalate.testRunConnection', element), undefined);
    assert.equal(await vscode.commands.executeCommand('exalate.testRunConnection', { nodeUrl: node.url, connectionId: '../x' }), undefined);
    assert.match(user.errors().at(-1)!, /Test Run was called without a connection \(connectionId: connectionId must be a connection id/);
  });

  it('Test Run incoming: an exception on line 5 becomes a diagnostic at line 5 and a message with Open at line', async () => {
    const editor = await openRules('incoming');
    const doc = editor.document;
    await setText(doc, 'if (firstSync) {\n  workItem.typeName = "Task"\n}\nworkItem.summary = replica.summary\nthrow new Exception("x")\n');
    user.answer({ pick: /^\$\(folder-opened\)/ }, { open: [replicaFile({ summary: 'From the replica file' })] }, { pick: /^\$\(add\)/ });
    user.clickOnMessage(/line 5/, 'Open at line');
    const result = (await vscode.commands.executeCommand('exalate.testRun')) as TestRunResult;
    assert.equal(result.kind, 'error', JSON.stringify(result));
    const diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Exalate Test Run');
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].range.start.line, 4, 'line 5 (0-based 4)');
    assert.match(diags[0].message, /x/);
    const msg = user.messages.find((m) => m.kind === 'error' && /line 5/.test(m.message));
    assert.ok(msg, JSON.stringify(user.messages));
    assert.match(msg.message, /incoming script failed on a new work item at line 5: .*x/);
    assert.ok(msg.items.includes('Open at line'));
    await until('Open at line puts the cursor on line 5', () => vscode.window.activeTextEditor?.document.uri.toString() === doc.uri.toString() && vscode.window.activeTextEditor.selection.start.line === 4);
  });

  it('Test Run incoming: a diff editor shows the work item now and after the script, and nothing is written', async () => {
    const before = await other.getSyncRule(connection.id, 'incoming');
    const editor = await openRules('incoming');
    const doc = editor.document;
    await setText(doc, 'workItem.summary = replica.summary\nworkItem.labels = replica.labels\n');
    user.answer({ pick: /^\$\(folder-opened\)/ }, { open: [replicaFile({ summary: 'From the replica file', labels: [{ label: 'partner' }] })] }, { pick: /^#1 / });
    const result = (await vscode.commands.executeCommand('exalate.testRun')) as TestRunResult;
    assert.equal(result.kind, 'incoming', JSON.stringify(result) + JSON.stringify(user.errors()));
    await until('a diff editor of the Test Run', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === 'exalate-testrun'),
    );
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === 'exalate-testrun')!;
    const input = tab.input as vscode.TabInputTextDiff;
    assert.match(tab.label, /#1 now ↔ after the incoming script \(2 changes\)/);
    const now = JSON.parse((await vscode.workspace.openTextDocument(input.original)).getText()) as Record<string, unknown>;
    const after = JSON.parse((await vscode.workspace.openTextDocument(input.modified)).getText()) as Record<string, unknown>;
    assert.equal(now.summary, 'Refund fails for partially captured card payments');
    assert.deepEqual(now.labels, [{ label: 'Customer Reported' }, { label: 'Refunds' }]);
    assert.equal(after.summary, 'From the replica file');
    assert.deepEqual(after.labels, [{ label: 'partner' }]);
    assert.equal(after.description, now.description, 'untouched fields stay');
    assert.ok(resultTexts().size >= 2);
    const rules = await other.getSyncRule(connection.id, 'incoming');
    assert.equal(rules.version, before.version, 'the node\'s rules are unchanged');
    assert.equal(doc.isDirty, true);
  });

  it('Test Run incoming with the partner node: a replica of the partner\'s work item goes to its twin here (firstSync false), or to a new work item when it has none (firstSync true); "Last replica received" uses what the sync delivered', async () => {
    const partner = await startSandboxProcess({ seed: true, pollMs: 200 });
    try {
      await full.services.nodes.upsert({ url: partner.url, label: 'testrun-partner' }, partner.token, partner.adoPat);
      const init = await other.initiateConnection(
        { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: 'gamma', name: `Test Run pair ${Date.now()}`, project: 'Payments' },
        newIdempotencyKey(),
      );
      const partnerClient = createExalateClient({ nodeUrl: partner.url, token: partner.token });
      const accepted = await partnerClient.acceptInvitation({ invitationCode: init.invitationCode, project: 'Mobile App' });
      assert.equal(accepted.id, init.connection.id, 'both ends share the connection id');
      await until('our side sees the acceptance', async () => (await other.getConnection(accepted.id)).status === 'active');

      // A real sync: the partner's #3 (its default outgoing script) arrives here and gets a twin.
      await partnerClient.syncWorkItem(accepted.id, 3);
      let twinId = 0;
      await until('the twin of the partner\'s #3 is synced here with its replica', async () => {
        const pair = (await other.listSynced(accepted.id)).items.find((p) => p.remoteId === '3');
        if (pair && typeof pair.lastReplicaAt === 'string') twinId = pair.localId;
        return twinId > 0;
      });
      // After the sync, the partner's outgoing script changes: "Last replica received" still has the old replica.
      const rule = await partnerClient.getSyncRule(accepted.id, 'outgoing');
      const draft = await partnerClient.saveDraft(accepted.id, 'outgoing', 'replica.summary = "Partner: " + workItem.summary\nreplica.key = workItem.key\n', rule.version);
      await partnerClient.publishVersion(accepted.id, 'outgoing', draft.version);
      // A work item of the partner that was never synced.
      const created = await fetch(`${partner.ado}/${encodeURIComponent('Mobile App')}/_apis/wit/workitems/$Task?api-version=7.1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json-patch+json', authorization: `Basic ${Buffer.from(`:${partner.adoPat}`).toString('base64')}` },
        body: JSON.stringify([{ op: 'add', path: '/fields/System.Title', value: 'Never synced' }]),
      });
      assert.equal(created.status, 200, await created.clone().text());
      const unsynced = ((await created.json()) as { id: number }).id;

      const [editor] = (await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: node.url, connectionId: init.connection.id, direction: 'incoming' })) as vscode.TextEditor[];
      await setText(editor.document, 'workItem.summary = replica.summary + " (test run)"\n');
      const diffTab = (after: string) =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === after);
      const docJson = async (uri: vscode.Uri) => JSON.parse((await vscode.workspace.openTextDocument(uri)).getText()) as Record<string, unknown>;

      // 1. Last replica received: the replica the sync delivered, applied to the twin.
      user.answer({ pick: /^\$\(history\) #3 / });
      let result = (await vscode.commands.executeCommand('exalate.testRun')) as TestRunResult;
      assert.equal(result.kind, 'incoming', JSON.stringify(result) + JSON.stringify(user.errors()));
      assert.ok(result.kind === 'incoming');
      assert.deepEqual([result.targetId, result.firstSync], [twinId, false]);
      const offered = asked()[0].items;
      assert.ok(offered.includes('Last replica received'), offered.join(' | '));
      assert.ok(offered.includes('$(history) #3 Crash on Android 14 when opening push notification'), offered.join(' | '));
      assert.ok(offered.includes('From testrun-partner'), offered.join(' | '));
      assert.equal(asked().length, 1, 'no target question: the twin is the target');
      const r1 = result;
      await until('the diff editor of the twin', () => diffTab(r1.after) !== undefined);
      const tab1 = diffTab(r1.after)!;
      assert.match(tab1.label, new RegExp(`#${twinId} \\(twin of the partner's #3\\) now ↔ after the incoming script \\(1 change\\)`));
      const now1 = await docJson((tab1.input as vscode.TabInputTextDiff).original);
      const after1 = await docJson((tab1.input as vscode.TabInputTextDiff).modified);
      assert.equal(now1.key, String(twinId), 'the left side is the twin now');
      assert.equal(now1.summary, 'Crash on Android 14 when opening push notification');
      assert.equal(after1.summary, 'Crash on Android 14 when opening push notification (test run)', 'the received replica, not the partner\'s new script');
      assert.ok(full.testRun.output().some((l) => l.includes(`target: #${twinId}, the twin of the partner's #3 (firstSync false)`)), full.testRun.output().join('\n'));

      // 2. The partner node's outgoing script on the same work item: the same twin, the new script's replica.
      user.answer({ pick: /^#3 / });
      result = (await vscode.commands.executeCommand('exalate.testRun', editor.document.uri)) as TestRunResult;
      assert.ok(result.kind === 'incoming', JSON.stringify(result) + JSON.stringify(user.errors()));
      assert.deepEqual([result.targetId, result.firstSync], [twinId, false]);
      // The same twin, so the same result documents: the open one is updated.
      const r2 = result;
      await until('the "after" document shows the partner script\'s replica', async () => (await docJson(vscode.Uri.parse(r2.after))).summary === 'Partner: Crash on Android 14 when opening push notification (test run)');
      assert.ok(full.testRun.output().some((l) => /testrun-partner's outgoing script on its #3: ok/.test(l)), full.testRun.output().join('\n'));

      // 3. A partner work item without a twin: a new work item, firstSync true.
      user.answer({ pick: new RegExp(`^#${unsynced} `) });
      result = (await vscode.commands.executeCommand('exalate.testRun', editor.document.uri)) as TestRunResult;
      assert.ok(result.kind === 'incoming', JSON.stringify(result) + JSON.stringify(user.errors()));
      assert.deepEqual([result.targetId, result.firstSync], [null, true]);
      assert.ok(!asked().at(-1)!.items.some((l) => l.startsWith(`$(history) #${unsynced} `)), 'nothing was received for it');
      const r3 = result;
      await until('the diff editor of the new work item', () => diffTab(r3.after) !== undefined);
      assert.match(diffTab(r3.after)!.label, new RegExp(`new work item \\(firstSync, no twin of the partner's #${unsynced}\\) now ↔ after the incoming script`));
      assert.equal((await docJson(vscode.Uri.parse(r3.after))).summary, 'Partner: Never synced (test run)');
      assert.ok(full.testRun.output().some((l) => l.includes(`target: a new work item (firstSync): the partner's #${unsynced} has no twin here`)), full.testRun.output().join('\n'));
      assert.equal((await other.listSynced(accepted.id)).items.length, 1, 'Test Run wrote nothing: still one pair');
    } finally {
      await full.services.nodes.remove(partner.url);
      await partner.dispose();
    }
  });
});
