// Sync rules as documents, inside the real extension host against a real sandbox node process: open, edit, save
// (= a draft version; Publish makes it the active one), conflicts (Compare / Overwrite / Cancel), node down during a save, history diff and
// restore, Basic mode read-only, deleted connections, export to the workspace and publish from a file, and
// large / CRLF / tab / non-ASCII content byte for byte.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExalateClient } from '../../src/exalate/client';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import type { ExalateTestApi } from '../../src/extension';
import type { Connection, RuleDirection } from '../../src/shared/api';
import { MAX_SCRIPT_BYTES } from '../../src/shared/validation';
import type { SyncRulesTestApi } from '../../src/syncRules';
import { SYNC_RULES_SCHEME, parseSyncRuleUri, syncRuleUriComponents } from '../../src/syncRules/uri';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';
import { until } from './support/until';
import { TestUserInput } from './support/userInput';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';

/** The save-conflict dialog: what it says about the versions (its title and detail, as TestUserInput sees them). */
function conflictDialog(nodeVersion: number, author: string, base: number, source: 'edits are' | 'file is'): RegExp {
  return new RegExp(`changed on the node since you opened it\\.\\nThe node now has version ${nodeVersion} by ${author}; your ${source} based on version ${base}\\.`);
}

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

function isOurs(uri: vscode.Uri, connectionId: string): boolean {
  return uri.scheme === SYNC_RULES_SCHEME && parseSyncRuleUri(uri)?.connectionId === connectionId;
}

function tabsOf(connectionId: string): vscode.Tab[] {
  return allTabs().filter((t) => {
    const i = t.input;
    if (i instanceof vscode.TabInputText) return isOurs(i.uri, connectionId);
    if (i instanceof vscode.TabInputTextDiff) return isOurs(i.original, connectionId) || isOurs(i.modified, connectionId);
    return false;
  });
}

/** Closes every tab of our documents, reverting dirty ones first (so no "save?" dialog can block the host). */
async function closeOurTabs(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme === SYNC_RULES_SCHEME && doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  const ours = allTabs().filter((t) => {
    const i = t.input;
    return (
      (i instanceof vscode.TabInputText && i.uri.scheme === SYNC_RULES_SCHEME) ||
      (i instanceof vscode.TabInputTextDiff && (i.original.scheme === SYNC_RULES_SCHEME || i.modified.scheme === SYNC_RULES_SCHEME))
    );
  });
  if (ours.length) await vscode.window.tabGroups.close(ours, true);
}

async function replaceAll(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
}

async function append(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, text);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
}

describe('Sync rules as documents', function () {
  this.timeout(120_000);
  let full: ExalateTestApi;
  let api: SyncRulesTestApi;
  let node: SandboxProcess;
  let other: ExalateClient;
  let user: TestUserInput;
  const tmpDirs: string[] = [];
  let counter = 0;

  /** A fresh private Script-mode connection on the sandbox (its rules start at version 1). */
  async function newConnection(label: string): Promise<Connection> {
    counter++;
    const r = await other.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: `peer${counter}`, name: `SR ${label} ${counter}`, project: 'Operations' },
      newIdempotencyKey(),
    );
    return r.connection;
  }

  async function open(c: Connection, direction?: RuleDirection): Promise<vscode.TextEditor[]> {
    return (await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: node.url, connectionId: c.id, direction })) as vscode.TextEditor[];
  }

  before(async () => {
    full = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExalateTestApi;
    api = full.syncRules;
    node = await startSandboxProcess({ seed: true });
    other = createExalateClient({ nodeUrl: node.url, token: node.token });
    await full.services.nodes.upsert({ url: node.url, label: 'sync-rules-it' }, node.token);
  });

  beforeEach(() => {
    user = new TestUserInput();
    full.services.ui.use(user);
  });

  afterEach(async () => {
    try {
      user.assertDone();
    } finally {
      await closeOurTabs();
    }
  });

  after(async () => {
    full?.services.ui.use(undefined);
    await closeOurTabs();
    await full?.services.nodes.remove(node.url);
    await node?.dispose();
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('builds and parses document URIs with the ids inside and names for display', () => {
    const id = '3f2b8c1e-9a4d-4e2f-8b1a-0c5d6e7f8a9b';
    const ref = { nodeUrl: 'http://127.0.0.1:8123', connectionId: id, direction: 'incoming' as const, connectionName: 'Orders / EU' };
    const uri = vscode.Uri.from(syncRuleUriComponents(ref));
    assert.equal(uri.scheme, 'exalate');
    assert.equal(uri.authority, '127.0.0.1:8123');
    assert.equal(uri.path, '/Orders - EU/incoming.groovy');
    const back = parseSyncRuleUri(vscode.Uri.parse(uri.toString()));
    assert.deepEqual(back, { nodeUrl: ref.nodeUrl, connectionId: id, direction: 'incoming', connectionName: 'Orders - EU' });
    const v3 = parseSyncRuleUri(vscode.Uri.from(syncRuleUriComponents({ ...ref, version: 3 })));
    assert.equal(v3?.version, 3);
    assert.equal(parseSyncRuleUri(vscode.Uri.parse('exalate://h/x/other.groovy?node=http%3A%2F%2Fh&id=1')), undefined);
    assert.equal(parseSyncRuleUri(vscode.Uri.parse('exalate://h/x/outgoing.groovy?node=ftp%3A%2F%2Fh&id=1')), undefined);
    assert.equal(parseSyncRuleUri(vscode.Uri.parse('exalate://h/x/outgoing.groovy?node=http%3A%2F%2Fh&id=..%2F..%2Fetc')), undefined);
  });

  it('opens both scripts of a new connection with the default rules, highlighted as Groovy', async () => {
    const c = await newConnection('Open');
    const editors = await open(c);
    assert.equal(editors.length, 2);
    for (const [i, direction] of (['outgoing', 'incoming'] as const).entries()) {
      const doc = editors[i].document;
      assert.equal(doc.uri.scheme, 'exalate');
      assert.equal(doc.uri.path, `/${c.name}/${direction}.groovy`);
      assert.equal(doc.languageId, 'groovy');
      assert.equal(doc.isDirty, false);
      const rule = await other.getSyncRule(c.id, direction);
      assert.equal(rule.version, 1);
      assert.equal(doc.getText(), rule.script);
      assert.match(doc.getText(), direction === 'outgoing' ? /replica\.summary/ : /\S/);
    }
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editors[1].document.uri.toString());
    assert.equal(tabsOf(c.id).length, 2);
  });

  it('saves an edit as a new draft version with the author (the active version stays), and shows it when reopened', async () => {
    const c = await newConnection('Save');
    const [editor] = await open(c, 'outgoing');
    const doc = editor.document;
    const v1 = doc.getText();
    await until('the status bar says version 1 is active', () => /Active v1/.test(api.ruleStatusShown()?.text ?? ''));
    await append(doc, '\nreplica.customFields."Severity" = workItem.customFields."Severity"\n');
    assert.equal(doc.isDirty, true);
    assert.equal(await doc.save(), true);
    assert.equal(doc.isDirty, false);
    const rule = await other.getLatestSyncRule(c.id, 'outgoing');
    assert.equal(rule.version, 2);
    assert.equal(rule.state, 'draft');
    assert.equal(rule.script, doc.getText());
    assert.match(rule.author, /^VS Code/);
    const active = await other.getSyncRule(c.id, 'outgoing');
    assert.deepEqual([active.version, active.script], [1, v1], 'the connection still runs version 1');
    const versions = await other.listRuleVersions(c.id, 'outgoing');
    assert.deepEqual(versions.map((v) => v.version), [2, 1]);
    await until('the status bar says the editor holds a draft', () => /Draft v2 · v1 is active/.test(api.ruleStatusShown()?.text ?? ''));
    // A second save of a further edit goes out against version 2 (the version the editor now holds).
    await append(doc, '// second\n');
    assert.equal(await doc.save(), true);
    assert.equal((await other.getLatestSyncRule(c.id, 'outgoing')).version, 3);
    await closeOurTabs();
    const [again] = await open(c, 'outgoing');
    assert.equal(again.document.getText(), (await other.getLatestSyncRule(c.id, 'outgoing')).script);
    assert.match(again.document.getText(), /\/\/ second\n$/);
    await until('the reopened draft says so', () => /Draft v3 · v1 is active/.test(api.ruleStatusShown()?.text ?? ''));
  });

  it('Ctrl+S saves a draft, Publish makes it active, History shows which is which, Restore makes a draft', async () => {
    const c = await newConnection('Publish');
    const [editor] = await open(c, 'outgoing');
    const doc = editor.document;
    const v1 = doc.getText();
    await append(doc, '// draft two\n');
    // The Ctrl+S path (exalate.saveSyncRules): a draft; the connection keeps running version 1.
    assert.equal(await vscode.commands.executeCommand('exalate.saveSyncRules'), 'saved');
    assert.equal(doc.isDirty, false);
    assert.deepEqual(
      [(await other.getSyncRule(c.id, 'outgoing')).version, (await other.getLatestSyncRule(c.id, 'outgoing')).state],
      [1, 'draft'],
    );
    await until('the status bar shows the draft', () => /Draft v2 · v1 is active/.test(api.ruleStatusShown()?.text ?? ''));
    assert.match(api.ruleStatusShown()!.tooltip, /draft: the connection still runs version 1/);

    // History shows the states, with a Publish button on the draft.
    const history = vscode.commands.executeCommand('exalate.showSyncRulesHistory', doc.uri);
    await until('the history quick pick', () => api.lastHistoryItems().some((i) => /Version 2/.test(i.label) && i.description.includes('draft')));
    const items = api.lastHistoryItems();
    assert.deepEqual(items.map((i) => i.label.replace(/^\$\([a-z-]+\) /, '')), ['Version 2', 'Version 1']);
    assert.match(items[0].description, /^draft · VS Code.* · newest$/);
    assert.match(items[1].description, /^active \(the connection runs it\) · system$/);
    assert.ok(items[0].buttons.includes('Publish this draft (the connection runs it)'), items[0].buttons.join(' | '));
    assert.ok(!items[1].buttons.some((b) => b.startsWith('Publish')));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await history;

    // Publish with unsaved edits: they are saved as a draft first, and that draft is published.
    await append(doc, '// draft three\n');
    const published = (await vscode.commands.executeCommand('exalate.publishSyncRules', doc.uri)) as { version: number; active: boolean };
    assert.deepEqual([published.version, published.active], [3, true]);
    assert.equal(doc.isDirty, false);
    const active = await other.getSyncRule(c.id, 'outgoing');
    assert.deepEqual([active.version, active.script], [3, doc.getText()]);
    assert.match(user.messages.at(-1)!.message, /Published version 3 of the outgoing script of “SR Publish \d+”: the connection now runs it\./);
    await until('the status bar says active', () => /Active v3/.test(api.ruleStatusShown()?.text ?? ''));

    // Restore version 1: a new draft with its text; the connection keeps running version 3.
    user.answer({ button: 'Restore', expect: /^Restore version 1 of the outgoing script of “SR Publish \d+”\?\nVersion 1 is saved as a new draft/ });
    const restored = (await vscode.commands.executeCommand('exalate.restoreSyncRules', { nodeUrl: node.url, connectionId: c.id, direction: 'outgoing', version: 1 })) as {
      version: number;
      state: string;
    };
    assert.deepEqual([restored.version, restored.state], [4, 'draft']);
    assert.equal((await other.getSyncRule(c.id, 'outgoing')).version, 3);
    assert.equal((await other.getLatestSyncRule(c.id, 'outgoing')).script, v1);
    assert.match(user.messages.at(-1)!.message, /Restored version 1 of .* as draft version 4\. The connection still runs version 3; publish the draft to make it active\./);
    await until('the open document shows the restored draft', () => doc.getText() === v1);
    await until('the status bar shows draft 4', () => /Draft v4 · v3 is active/.test(api.ruleStatusShown()?.text ?? ''));

    // An older draft cannot become active (the node says why); the newest can.
    assert.equal(await vscode.commands.executeCommand('exalate.publishSyncRules', { nodeUrl: node.url, connectionId: c.id, direction: 'outgoing', version: 2 }), undefined);
    assert.match(user.messages.at(-1)!.message, /Could not publish the sync rules: .*older than the active version 3/);
    assert.equal((await other.getSyncRule(c.id, 'outgoing')).version, 3);
    const again = (await vscode.commands.executeCommand('exalate.publishSyncRules', { nodeUrl: node.url, connectionId: c.id, direction: 'outgoing' })) as { version: number };
    assert.equal(again.version, 4);
    assert.equal((await other.getSyncRule(c.id, 'outgoing')).script, v1);
    await until('the status bar says active 4', () => /Active v4/.test(api.ruleStatusShown()?.text ?? ''));
  });

  describe('a concurrent change on the node', () => {
    let c: Connection;
    let doc: vscode.TextDocument;
    let theirs: string;
    let mine: string;

    beforeEach(async () => {
      c = await newConnection('Conflict');
      doc = (await open(c, 'outgoing'))[0].document;
      mine = `${doc.getText()}// mine\n`;
      await replaceAll(doc, mine);
      theirs = `${(await other.getLatestSyncRule(c.id, 'outgoing')).script}// theirs\n`;
      await other.saveDraft(c.id, 'outgoing', theirs, 1, { author: 'colleague' });
    });

    it('Cancel keeps the editor dirty with the user text, and the node keeps theirs', async () => {
      user.answer({ button: undefined, expect: conflictDialog(2, 'colleague', 1, 'edits are') });
      assert.equal(await doc.save(), false);
      assert.deepEqual(user.prompts[0].items, ['Compare', 'Overwrite']);
      assert.equal(doc.isDirty, true);
      assert.equal(doc.getText(), mine);
      assert.equal((await other.getLatestSyncRule(c.id, 'outgoing')).script, theirs);
      // What a caller of the file system sees: a clear error, not a silent success (after the same dialog, cancelled).
      user.answer({ button: undefined, expect: conflictDialog(2, 'colleague', 1, 'edits are') });
      await assert.rejects(
        Promise.resolve(vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode(mine))),
        /Not saved: the outgoing script of “SR Conflict \d+” changed on the node \(now version 2 by colleague\)/,
      );
    });

    it('Compare shows the node text next to the user text and saves nothing', async () => {
      user.answer({ button: 'Compare', expect: conflictDialog(2, 'colleague', 1, 'edits are') });
      assert.equal(await doc.save(), false);
      await until('the compare editor', () =>
        allTabs().some((t) => t.input instanceof vscode.TabInputTextDiff && parseSyncRuleUri(t.input.original)?.version === 2),
      );
      const diff = allTabs().find((t) => t.input instanceof vscode.TabInputTextDiff)!.input as vscode.TabInputTextDiff;
      assert.equal(diff.modified.toString(), doc.uri.toString());
      assert.equal((await vscode.workspace.openTextDocument(diff.original)).getText(), theirs);
      assert.equal((await vscode.workspace.openTextDocument(diff.modified)).getText(), mine);
      assert.equal(doc.isDirty, true);
      assert.equal((await other.getLatestSyncRule(c.id, 'outgoing')).script, theirs);
    });

    it('Overwrite saves the user text as the next (draft) version', async () => {
      user.answer({ button: 'Overwrite', expect: conflictDialog(2, 'colleague', 1, 'edits are') });
      assert.equal(await doc.save(), true);
      assert.equal(doc.isDirty, false);
      const rule = await other.getLatestSyncRule(c.id, 'outgoing');
      assert.equal(rule.version, 3);
      assert.equal(rule.script, mine);
    });
  });

  it('keeps the document dirty with a clear error when the node stops during a save', async () => {
    const c = await newConnection('Down');
    const doc = (await open(c, 'incoming'))[0].document;
    await append(doc, '// typed while the node went away\n');
    const typed = doc.getText();
    await node.stop();
    try {
      assert.equal(await doc.save(), false);
      assert.equal(doc.isDirty, true);
      assert.equal(doc.getText(), typed);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode(typed))), (e: Error) => {
        assert.match(e.message, /Could not connect to the Exalate node at http:\/\/127\.0\.0\.1:\d+/);
        assert.doesNotMatch(e.message, new RegExp(node.token));
        return true;
      });
    } finally {
      await node.restart();
    }
    // Once the node is back, the same save lands.
    assert.equal(await doc.save(), true);
    assert.equal((await other.getLatestSyncRule(c.id, 'incoming')).script, typed);
  });

  it('shows the history as a diff against the current script and restores a version', async () => {
    const c = await newConnection('History');
    const doc = (await open(c, 'outgoing'))[0].document;
    const v1 = doc.getText();
    await append(doc, '// v2\n');
    assert.equal(await doc.save(), true);
    await vscode.commands.executeCommand('exalate.showSyncRulesHistory', { nodeUrl: node.url, connectionId: c.id, direction: 'outgoing', version: 1 });
    await until('the history diff', () =>
      allTabs().some((t) => t.input instanceof vscode.TabInputTextDiff && parseSyncRuleUri(t.input.original)?.version === 1),
    );
    const diff = allTabs().find((t) => t.input instanceof vscode.TabInputTextDiff)!;
    const input = diff.input as vscode.TabInputTextDiff;
    assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), v1);
    assert.equal(input.modified.toString(), doc.uri.toString());
    assert.match(diff.label, /v1 ↔ current/);
    // Past versions are read-only.
    assert.equal((await vscode.workspace.fs.stat(input.original)).permissions, vscode.FilePermission.Readonly);

    user.answer({ button: 'Restore', expect: /^Restore version 1 of the outgoing script of “SR History \d+”\?/ });
    const restored = (await vscode.commands.executeCommand('exalate.restoreSyncRules', {
      nodeUrl: node.url,
      connectionId: c.id,
      direction: 'outgoing',
      version: 1,
    })) as { version: number };
    assert.equal(restored.version, 3);
    const head = await other.getLatestSyncRule(c.id, 'outgoing');
    assert.equal(head.state, 'draft');
    assert.equal(head.script, v1);
    assert.match(head.author, /^VS Code/);
    // The open (clean) document follows the node.
    await until('the open document to show the restored text', () => doc.getText() === v1);
    assert.equal(doc.isDirty, false);
    assert.match(user.messages.at(-1)!.message, /Restored version 1 of the outgoing script of “SR History \d+” as draft version 3/);
  });

  it('opens Basic-mode rules read-only with an explanation', async () => {
    const page = await other.listConnections({ limit: 500 });
    const basic = page.items.find((c) => c.mode === 'basic');
    assert.ok(basic, 'the seeded sandbox has a Basic-mode connection');
    const [editor] = await open(basic, 'outgoing');
    const stat = await vscode.workspace.fs.stat(editor.document.uri);
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
    assert.match(user.messages.at(-1)!.message, /uses Basic mode: Exalate manages its sync rules, so they open read-only/);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, new TextEncoder().encode('x'))), /Basic mode/);
    assert.equal((await other.getSyncRule(basic.id, 'outgoing')).version, 1);
  });

  it('opens Visual-mode rules read-only with their own explanation; Restore refuses them', async () => {
    // A Visual connection needs a public destination that offers Visual: a second node.
    const partner = await startSandboxProcess({ name: 'visualpartner' });
    try {
      const { connection: visual } = await other.initiateConnection(
        { destinationUrl: partner.url, mode: 'visual', localShortName: 'alpha', remoteShortName: 'visualpartner', name: `SR Visual ${++counter}`, project: 'Operations' },
        newIdempotencyKey(),
      );
      assert.equal(visual.mode, 'visual');
      const [editor] = await open(visual, 'incoming');
      assert.equal((await vscode.workspace.fs.stat(editor.document.uri)).permissions, vscode.FilePermission.Readonly);
      assert.match(user.messages.at(-1)!.message, /uses Visual mode: its sync rules are generated from the rules set in the Visual editor on the node, so they open read-only here/);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, new TextEncoder().encode('x'))), /Visual mode/);
      // Restore (a version argument) is refused with the same explanation and publishes nothing.
      await vscode.commands.executeCommand('exalate.restoreSyncRules', { nodeUrl: node.url, connectionId: visual.id, direction: 'incoming', version: 1 });
      assert.match(user.messages.at(-1)!.message, /uses Visual mode/);
      assert.equal((await other.getSyncRule(visual.id, 'incoming')).version, 1);
    } finally {
      await partner.dispose();
    }
  });

  it('closes the documents of a deleted connection, keeping unsaved edits open', async () => {
    const c = await newConnection('Deleted');
    const editors = await open(c);
    await append(editors[0].document, '// unsaved\n');
    await other.deleteConnection(c.id);
    await api.checkOpenDocuments();
    await until('the clean document to close', () => tabsOf(c.id).length === 1);
    const left = tabsOf(c.id)[0];
    assert.equal(left.isDirty, true);
    assert.equal(left.label, 'outgoing.groovy');
    const msg = user.messages.at(-1)!;
    assert.equal(msg.kind, 'warning');
    assert.match(msg.message, new RegExp(`The connection “${c.name}” no longer exists on the node`));
    assert.match(msg.message, /outgoing\.groovy has unsaved edits and stays open/);
    assert.deepEqual(msg.items, ['Save As…']);

    const gone = await newConnection('Deleted clean');
    await open(gone);
    await other.deleteConnection(gone.id);
    await api.checkOpenDocuments();
    await until('both documents to close', () => tabsOf(gone.id).length === 0);
    assert.match(user.messages.at(-1)!.message, new RegExp(`“${gone.name}” no longer exists on the node .*so its sync rules were closed`));
  });

  it('exports a connection to the workspace layout and publishes a file back, with the same conflict rules', async () => {
    const c = await newConnection('Git');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-export-'));
    tmpDirs.push(root);
    const folder = (await vscode.commands.executeCommand('exalate.exportSyncRules', { nodeUrl: node.url, connectionId: c.id, folder: root })) as vscode.Uri;
    const dir = path.join(root, 'exalate', c.name);
    assert.equal(folder.fsPath, dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['.exalate.json', 'incoming.groovy', 'outgoing.groovy']);
    for (const d of ['outgoing', 'incoming'] as const) {
      assert.equal(fs.readFileSync(path.join(dir, `${d}.groovy`), 'utf8'), (await other.getSyncRule(c.id, d)).script);
    }
    const meta = JSON.parse(fs.readFileSync(path.join(dir, '.exalate.json'), 'utf8'));
    assert.deepEqual(
      { nodeUrl: meta.nodeUrl, connectionId: meta.connectionId, connectionName: meta.connectionName, rules: meta.rules },
      { nodeUrl: node.url, connectionId: c.id, connectionName: c.name, rules: { outgoing: { version: 1 }, incoming: { version: 1 } } },
    );

    // Edit the file locally (as in a git working copy) and publish it.
    const file = path.join(dir, 'incoming.groovy');
    fs.appendFileSync(file, '// from git\n');
    const published = (await vscode.commands.executeCommand('exalate.publishSyncRulesFromFile', { file })) as { version: number };
    assert.equal(published.version, 2);
    assert.equal((await other.getSyncRule(c.id, 'incoming')).script, fs.readFileSync(file, 'utf8'));
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, '.exalate.json'), 'utf8')).rules.incoming.version, 2);
    assert.match(user.messages.at(-1)!.message, /Published incoming\.groovy as version 2 of the incoming script/);

    // Someone changes the rule on the node; publishing the file again is a conflict.
    await other.saveDraft(c.id, 'incoming', '// changed on the node\n', 2, { author: 'colleague' });
    fs.appendFileSync(file, '// more from git\n');
    user.answer({ button: undefined, expect: conflictDialog(3, 'colleague', 2, 'file is') });
    assert.equal(await vscode.commands.executeCommand('exalate.publishSyncRulesFromFile', vscode.Uri.file(file)), undefined);
    assert.equal((await other.getLatestSyncRule(c.id, 'incoming')).script, '// changed on the node\n');
    assert.equal((await other.getSyncRule(c.id, 'incoming')).version, 2, 'the published file is still active');
    assert.match(user.messages.at(-1)!.message, /Not saved: the incoming script .* changed on the node \(now version 3 by colleague\)\. Your file is unchanged\./);

    user.answer({ button: 'Overwrite', expect: conflictDialog(3, 'colleague', 2, 'file is') });
    const over = (await vscode.commands.executeCommand('exalate.publishSyncRulesFromFile', { file })) as { version: number };
    assert.equal(over.version, 4);
    assert.equal((await other.getSyncRule(c.id, 'incoming')).script, fs.readFileSync(file, 'utf8'));

    // Exporting again over a locally changed file asks first, and "no" leaves the file alone.
    fs.appendFileSync(path.join(dir, 'outgoing.groovy'), '// local only\n');
    user.answer({ button: undefined, expect: /^Replace outgoing\.groovy in .*\?\nThe local file differs from the node's current version/ });
    assert.equal(await vscode.commands.executeCommand('exalate.exportSyncRules', { nodeUrl: node.url, connectionId: c.id, folder: root }), undefined);
    assert.match(fs.readFileSync(path.join(dir, 'outgoing.groovy'), 'utf8'), /\/\/ local only\n$/);
  });

  it('round-trips a 512 KiB script with CRLF, tabs and non-ASCII byte for byte; over the limit stays dirty', async () => {
    const c = await newConnection('Content');
    const line = '\tdef größe = "Ünïcödé ✓ 日本語 🚀"\t// tab\r\n';
    const unit = Buffer.byteLength(line);
    let script = `// header\r\n${line.repeat(Math.floor((MAX_SCRIPT_BYTES - 12) / unit))}`;
    script += 'x'.repeat(MAX_SCRIPT_BYTES - Buffer.byteLength(script));
    assert.equal(Buffer.byteLength(script), MAX_SCRIPT_BYTES);
    await other.saveDraft(c.id, 'outgoing', script, 1, { author: 'fixture' });

    const doc = (await open(c, 'outgoing'))[0].document;
    assert.equal(doc.eol, vscode.EndOfLine.CRLF);
    assert.equal(doc.getText(), script);
    assert.ok(Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).equals(Buffer.from(script, 'utf8')));

    // Change one character of the header and save: everything else comes back exactly.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 3, 0, 4), 'H');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.equal(await doc.save(), true);
    const expected = `// Header${script.slice('// header'.length)}`;
    const saved = await other.getLatestSyncRule(c.id, 'outgoing');
    assert.equal(saved.version, 3);
    assert.ok(Buffer.from(saved.script, 'utf8').equals(Buffer.from(expected, 'utf8')), 'the node has exactly the edited bytes');

    // One byte over the node's limit: the node's message, and the editor keeps the text.
    await append(doc, 'y');
    assert.equal(await doc.save(), false);
    assert.equal(doc.isDirty, true);
    assert.equal(doc.getText(), `${expected}y`);
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(doc.uri, Buffer.from(`${expected}y`, 'utf8'))),
      /Script must be at most 512 KiB/,
    );
    assert.equal((await other.getLatestSyncRule(c.id, 'outgoing')).version, 3);
  });

  it('rejects bad arguments and explains what to do when not signed in', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: 'not a url', connectionId: '' }), []);
    const bad = user.messages.at(-1)!;
    assert.equal(bad.kind, 'error');
    assert.match(bad.message, /Open Sync Rules was called with invalid arguments \(nodeUrl: Node URL must be an absolute URL.*; connectionId: connectionId is required\)/);

    // A connection id that is not a UUID never reaches the node or a folder name.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-export-bad-'));
    tmpDirs.push(root);
    assert.equal(await vscode.commands.executeCommand('exalate.exportSyncRules', { nodeUrl: node.url, connectionId: '../../../escape', folder: root }), undefined);
    assert.match(user.messages.at(-1)!.message, /Export Sync Rules to Workspace was called with invalid arguments \(connectionId: connectionId must be a connection id \(a UUID\)\)/);
    assert.deepEqual(fs.readdirSync(root), []);

    const unsigned = 'http://127.0.0.1:9';
    await full.services.nodes.upsert({ url: unsigned, label: 'no token' });
    try {
      assert.deepEqual(await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: unsigned, connectionId: '3f2b8c1e-9a4d-4e2f-8b1a-0c5d6e7f8a9b', direction: 'outgoing' }), []);
      const msg = user.messages.at(-1)!;
      assert.match(msg.message, /You are not signed in to the Exalate node at http:\/\/127\.0\.0\.1:9\. Run “Exalate: Sign In Again”/);
      assert.deepEqual(msg.items, ['Sign In Again', 'Show Log']);
    } finally {
      await full.services.nodes.remove(unsigned);
    }
  });
});
