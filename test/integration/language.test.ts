// Sync script language features in the real editor: diagnostics while typing (with the "did you mean" quick fix),
// completion of members and of the connection's Azure DevOps fields (from the sandbox's emulator through
// azure-devops-node-api), hover, signature help, outline, folding and definition; exported files get them too;
// and dist/language.js is loaded only once a sync script is opened.
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
import { formatExportMetadata } from '../../src/syncRules/layout';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';

/** Waits for the diagnostics of `uri` to satisfy `cond` (they change asynchronously, debounced). */
async function diagnosticsOf(uri: vscode.Uri, what: string, cond: (ds: readonly vscode.Diagnostic[]) => boolean, deadlineMs = 20_000): Promise<readonly vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (cond(now)) return now;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      const got = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`);
      reject(new Error(`gave up waiting for diagnostics: ${what}; have ${JSON.stringify(got)}`));
    }, deadlineMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const ds = vscode.languages.getDiagnostics(uri);
      if (cond(ds)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(ds);
      }
    });
  });
}

function endOf(doc: vscode.TextDocument): vscode.Position {
  return doc.lineAt(doc.lineCount - 1).range.end;
}

async function completions(uri: vscode.Uri, pos: vscode.Position, trigger?: string): Promise<vscode.CompletionItem[]> {
  const list = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, pos, trigger)) as vscode.CompletionList;
  return list.items;
}

const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);

describe('Sync script language features', function () {
  this.timeout(120_000);
  let full: ExalateTestApi;
  let node: SandboxProcess;
  let other: ExalateClient;
  let connection: Connection;
  const tmpDirs: string[] = [];

  async function openRules(direction: 'outgoing' | 'incoming'): Promise<vscode.TextEditor> {
    const [editor] = (await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: node.url, connectionId: connection.id, direction })) as vscode.TextEditor[];
    return editor;
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

  before(async () => {
    full = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExalateTestApi;
    node = await startSandboxProcess({ seed: true });
    other = createExalateClient({ nodeUrl: node.url, token: node.token });
    await full.services.nodes.upsert({ url: node.url, label: 'language-it' }, node.token, node.adoPat);
    connection = (
      await other.initiateConnection(
        { destinationUrl: null, mode: 'script', localShortName: 'alpha', remoteShortName: 'beta', name: `Language ${Date.now()}`, project: 'Payments' },
        newIdempotencyKey(),
      )
    ).connection;
  });

  afterEach(revertAndClose);

  after(async () => {
    await revertAndClose();
    await full?.services.nodes.remove(node.url);
    await node?.dispose();
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('loads the language bundle only once a sync script is open', async () => {
    const dist = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'dist').fsPath;
    const bundle = path.join(dist, 'language.js');
    assert.equal(full.language.loaded(), bundle in require.cache, 'loaded() agrees with the require cache');
    await openRules('outgoing');
    assert.equal(full.language.loaded(), true);
    assert.ok(bundle in require.cache);
  });

  it('squiggles a misspelled replica field while typing, suggests the field, and the quick fix applies', async () => {
    const editor = await openRules('outgoing');
    const doc = editor.document;
    await diagnosticsOf(doc.uri, 'the default rules are clean', (ds) => ds.length === 0);
    editor.selection = new vscode.Selection(endOf(doc), endOf(doc));
    for (const ch of 'replica.sumary = workItem.summary') await vscode.commands.executeCommand('type', { text: ch });
    await vscode.commands.executeCommand('hideSuggestWidget');
    const line = doc.lineCount - 1;
    assert.equal(doc.lineAt(line).text, 'replica.sumary = workItem.summary');
    // Diagnostics are published for intermediate texts while typing (debounced): wait for the one on `sumary` in the
    // final text, not for any diagnostic on the line.
    const onSumary = (x: vscode.Diagnostic) => x.range.start.line === line && x.range.start.character === 8 && x.range.end.character === 14;
    const ds = await diagnosticsOf(doc.uri, 'an error on sumary', (d) => d.some(onSumary));
    const d = ds.find(onSumary)!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.character, d.range.end.character], [8, 14], 'the squiggle is on `sumary`');
    assert.match(d.message, /Did you mean `summary`\?/);
    assert.equal(d.source, 'exalate');

    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, d.range)) as vscode.CodeAction[];
    const fix = actions.find((a) => a.title === "Change to 'summary'");
    assert.ok(fix?.edit, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(doc.lineAt(line).text, 'replica.summary = workItem.summary');
    await diagnosticsOf(doc.uri, 'the fix clears the error', (x) => x.length === 0);
  });

  it('completes replica members after `replica.` and the project\'s Azure DevOps fields inside `workItem."`', async () => {
    const editor = await openRules('outgoing');
    const doc = editor.document;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, endOf(doc), '\nreplica.');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const members = (await completions(doc.uri, endOf(doc), '.')).map(label);
    for (const m of ['summary', 'description', 'areaPath', 'customFields']) assert.ok(members.includes(m), `replica. offers ${m}: ${members.join(', ')}`);

    const edit2 = new vscode.WorkspaceEdit();
    edit2.insert(doc.uri, endOf(doc), 'customKeys."Provider" = workItem."');
    assert.equal(await vscode.workspace.applyEdit(edit2), true);
    const items = await completions(doc.uri, endOf(doc), '"');
    const fields = items.map(label);
    // Custom fields of the Payments project come from the emulator (getFields / getWorkItemTypeFieldsWithReferences).
    for (const f of ['Custom.PaymentProvider', 'Custom.Customer', 'Custom.RegulatoryImpact', 'Microsoft.VSTS.Common.AcceptanceCriteria']) assert.ok(fields.includes(f), `${f}: ${fields.slice(0, 20).join(', ')}`);
    assert.ok(!fields.includes('Custom.Platform'), 'Mobile App fields are not offered for a Payments connection');
    const provider = items.find((i) => label(i) === 'Custom.PaymentProvider')!;
    assert.match(String(provider.detail), /Payment Provider \(picklistString\)/);
  });

  it('shows the signature and docs of commentHelper.mergeComments on hover, and signature help while typing arguments', async () => {
    const editor = await openRules('incoming');
    const doc = editor.document;
    const text = doc.getText();
    const at = doc.positionAt(text.indexOf('mergeComments') + 3);
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, at)) as vscode.Hover[];
    const shown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(shown, /CommentHelper\.mergeComments\(workItem: WorkItem, replica: Replica, formatter\?: Closure\): List<Comment>/);
    assert.match(shown, /comments new on the other side are added/);

    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, endOf(doc), '\nworkItem.attachments = attachmentHelper.mergeAttachments(workItem, ');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    const help = (await vscode.commands.executeCommand('vscode.executeSignatureHelpProvider', doc.uri, endOf(doc), ',')) as vscode.SignatureHelp;
    assert.equal(help.signatures[0].label, 'AttachmentHelper.mergeAttachments(workItem: WorkItem, replica: Replica): List<Attachment>');
    assert.equal(help.activeParameter, 1);
  });

  it('lists script methods in the outline, folds them and goes to their definition', async () => {
    const editor = await openRules('incoming');
    const doc = editor.document;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, endOf(doc), '\ndef statusFor(String remote) {\n  remote == "Done" ? "Closed" : "Active"\n}\nclass Priorities {\n  static String of(p) { p }\n}\nworkItem.setStatus(statusFor(replica.status?.name))\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    // The outline model of the workbench may answer `undefined` until the edited document has been re-read.
    let symbols: vscode.DocumentSymbol[] | undefined;
    for (const end = Date.now() + 15_000; !symbols?.length; ) {
      if (Date.now() > end) throw new Error(`no document symbols for ${doc.uri.toString()} (language ${doc.languageId})`);
      symbols = (await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri)) as vscode.DocumentSymbol[] | undefined;
      if (!symbols?.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(symbols.map((s) => s.name), ['statusFor', 'Priorities']);
    assert.equal(symbols[0].kind, vscode.SymbolKind.Method);
    assert.deepEqual((symbols[1].children ?? []).map((s) => s.name), ['of'], JSON.stringify(symbols));
    const folds = (await vscode.commands.executeCommand('vscode.executeFoldingRangeProvider', doc.uri)) as vscode.FoldingRange[];
    assert.ok(folds.some((f) => f.start === symbols[0].range.start.line), 'the method folds');
    const use = doc.positionAt(doc.getText().lastIndexOf('statusFor(') + 2);
    const defs = (await vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, use)) as vscode.Location[];
    assert.equal(defs[0].range.start.line, symbols[0].selectionRange.start.line);
  });

  it('checks exported files by their name and completes fields through .exalate.json', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'exalate-lang-'));
    tmpDirs.push(root);
    const folder = path.join(root, 'exalate', 'Payments sync');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, '.exalate.json'), formatExportMetadata({ nodeUrl: node.url, connectionId: connection.id, connectionName: connection.name, rules: { incoming: { version: 1 } } }));
    const file = path.join(folder, 'incoming.groovy');
    fs.writeFileSync(file, 'if (firstSync) {\n  workItem.projectKey = "Payments"\n}\nworkItem.sumary = replica.summary\nworkItem."');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'groovy');
    const ds = await diagnosticsOf(doc.uri, 'errors in the exported file', (d) => d.some((x) => x.message.includes('`sumary`')));
    assert.ok(!ds.some((x) => x.message.includes('firstSync')), 'incoming from the file name: firstSync is fine');
    const fields = (await completions(doc.uri, endOf(doc), '"')).map(label);
    assert.ok(fields.includes('Custom.PaymentProvider'), fields.slice(0, 20).join(', '));
  });
});
