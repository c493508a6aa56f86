// The Getting Started walkthrough inside the real workbench (code-server): VS Code knows it (it opens by its id), and
// its steps complete on context keys the host sets only when the thing really happened — Initiate created a
// connection, an invitation was accepted, a sync rule was saved from an editor, a Test Run ran. VS Code has no API that reads
// a walkthrough's progress or a context key back, so the test reads what the host told VS Code (`contextKeys()`),
// and test/unit/commands.test.ts checks that each step's `completionEvents` name exactly those keys.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ContextKeys } from '../../src/contextKeys';
import type { ExalateTestApi } from '../../src/extension';
import type { AcceptOutcome } from '../../src/wizard/accept';
import type { WizardPanel } from '../../src/wizard/panel';
import type { WizardState } from '../../src/shared/wizardProtocol';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';
import { until } from './support/until';
import { TestUserInput } from './support/userInput';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';
const WALKTHROUGH = `${EXTENSION_ID}#exalate.gettingStarted`;

function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}

describe('Walkthrough: Get started with Exalate Connections', function () {
  this.timeout(90_000);
  let api: ExalateTestApi;
  let a: SandboxProcess;
  let b: SandboxProcess;
  let seq = 0;
  let user: TestUserInput;
  const key = (k: string) => api.contextKeys().get(k as never);

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExalateTestApi;
    [a, b] = await Promise.all([startSandboxProcess({ name: 'walkA', seed: true }), startSandboxProcess({ name: 'walkB', seed: true })]);
    user = new TestUserInput();
    api.services.ui.use(user);
    api.forgetWalkthroughProgress();
  });

  after(async () => {
    api?.services.ui.use(undefined);
    for (const p of [...(api?.wizard.panels ?? [])]) p.panel.dispose();
    for (const sp of [a, b]) if (sp) await api.services.nodes.remove(sp.url).catch(() => undefined);
    await Promise.all([a?.dispose(), b?.dispose()]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is contributed and opens by its id in the Welcome editor', async () => {
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.walkthroughs as { id: string }[];
    assert.deepEqual(contributed.map((w) => w.id), ['exalate.gettingStarted']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    await until(`a Welcome tab (tabs: ${tabLabels().join(', ')})`, () => tabLabels().some((l) => /welcome|walkthrough|get started/i.test(l)));
  });

  it('completes "node" when a node is added, "initiate" when Initiate created a connection, "accept" when it was accepted, "rules" when a rule was saved, "testRun" when a Test Run ran', async () => {
    // Step 1: a node really added (the node answered; the registry sets exalate.hasNodes).
    for (const n of api.services.nodes.list()) await api.services.nodes.remove(n.url);
    await until('exalate.hasNodes false with no node', () => key(ContextKeys.hasNodes) === false);
    const added = await vscode.commands.executeCommand('exalate.addNode', { url: a.url, token: a.token, label: 'walkA', adoOrgUrl: a.ado, adoPat: a.adoPat });
    assert.equal(added, a.url);
    await until('exalate.hasNodes after Add Node', () => key(ContextKeys.hasNodes) === true);
    await api.services.nodes.upsert({ url: b.url, label: 'walkB', adoOrgUrl: b.ado }, b.token, b.adoPat);

    // Step 2: opening the wizard is not enough; Initiate creating the connection is.
    assert.equal(key(ContextKeys.connectionInitiated), false);
    await vscode.commands.executeCommand('exalate.initiateConnection', { nodeUrl: a.url });
    const panel: WizardPanel = api.wizard.panels[api.wizard.panels.length - 1];
    assert.ok(panel, 'the wizard opened');
    assert.equal(key(ContextKeys.connectionInitiated), false, 'an open wizard does not complete the step');
    await panel.receive({ type: 'setPrivate', value: true });
    await panel.receive({ type: 'next' });
    await panel.receive({ type: 'setMode', mode: 'script' });
    await panel.receive({ type: 'next' });
    await panel.receive({ type: 'input', field: 'remoteShortName', value: 'walkB', seq: ++seq });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'project', JSON.stringify(panel.state.errors));
    await until('the project list', () => !['loading', 'idle'].includes((panel.state as WizardState).projects.status));
    assert.equal(panel.state.projects.status, 'ready', JSON.stringify(panel.state.projects));
    await panel.receive({ type: 'setProject', project: 'Payments' });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'invitation', JSON.stringify(panel.state.errors));
    assert.equal(key(ContextKeys.connectionInitiated), true);
    const { invitationCode, connectionId } = panel.state.result!;
    await panel.receive({ type: 'done' });

    // Step 3: a refused code does not complete it; accepting the real one does.
    assert.equal(key(ContextKeys.invitationAccepted), false);
    const bad = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: b.url, invitationCode: 'EXA1.bad.code', project: 'Payments' })) as AcceptOutcome | undefined;
    assert.notEqual(bad?.ok, true);
    assert.equal(key(ContextKeys.invitationAccepted), false, 'a refused code does not complete the step');
    user.answer({ button: 'Accept', expect: /^Accept the invitation/ });
    const ok = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: b.url, invitationCode, project: 'Mobile App' })) as AcceptOutcome;
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(key(ContextKeys.invitationAccepted), true);

    // Step 4: opening the rules is not enough; saving an edit from the editor (a draft) is.
    assert.equal(key(ContextKeys.syncRulesSaved), false);
    const [editor] = (await vscode.commands.executeCommand('exalate.openSyncRules', { nodeUrl: a.url, connectionId, direction: 'outgoing' })) as vscode.TextEditor[];
    assert.equal(key(ContextKeys.syncRulesSaved), false, 'opening the rules does not complete the step');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(0, 0), '// walkthrough edit\n');
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('exalate.saveSyncRules');
    const client = (await api.services.nodes.client(a.url))!;
    await until('draft version 2 on the node', async () => (await client.getLatestSyncRule(connectionId, 'outgoing')).version === 2);
    assert.equal(key(ContextKeys.syncRulesSaved), true);
    assert.equal(editor.document.isDirty, false);

    // Step 5: a Test Run cancelled at the work item pick does not complete it; one that ran does.
    assert.equal(key(ContextKeys.testRunFinished), false);
    user.answer({ pick: undefined, expect: /^Test Run/ }, { pick: /^#\d+ /, expect: /^Test Run/ });
    await vscode.window.showTextDocument(editor.document);
    const cancelled = (await vscode.commands.executeCommand('exalate.testRun')) as { kind: string } | undefined;
    assert.equal(cancelled?.kind, 'cancelled');
    assert.equal(key(ContextKeys.testRunFinished), false, 'a cancelled Test Run does not complete the step');
    const ran = (await vscode.commands.executeCommand('exalate.testRun')) as { kind: string } | undefined;
    assert.equal(ran?.kind, 'outgoing', JSON.stringify(ran));
    assert.equal(key(ContextKeys.testRunFinished), true);
  });
});
