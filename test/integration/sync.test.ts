// Work item sync in the real extension host against two real sandbox node processes (contoso initiates a private
// connection, fabrikam accepts and polls): Sync Work Item… picks a work item of the connection's project and the pair
// appears under Synced items through the view's auto-refresh; a broken incoming script becomes an Errors item with its
// line, Open Script at Line puts the cursor there, fix + Retry syncs it; Resolve drops a blocked change; Edit Sync
// Triggers… shows the node's message for bad WIQL in the input box and stores nothing, then adds, deactivates, bulk
// exalates and deletes a trigger. The prompts are scripted through the extension's one user input (TestUserInput).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Element } from '../../src/connections/tree';
import type { ExalateClient } from '../../src/exalate/client';
import { newIdempotencyKey } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import type { ExalateTestApi } from '../../src/extension';
import type { Connection } from '../../src/shared/api';
import { windowUserInput, type SubmitInputBoxOptions } from '../../src/ui/userInput';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';
import { until } from './support/until';
import { TestUserInput } from './support/userInput';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';

interface Shown {
  element: Element;
  label: string;
  description: string;
  tooltip: string;
  contextValue: string | undefined;
  icon: string | undefined;
  command: vscode.Command | undefined;
}

describe('Work item sync in VS Code', function () {
  this.timeout(180_000);
  let full: ExalateTestApi;
  let a: SandboxProcess;
  let b: SandboxProcess;
  let clientA: ExalateClient;
  let clientB: ExalateClient;
  let connA: Connection;
  let connB: Connection;
  let user: TestUserInput;
  /** The quick picks shown so far: their titles and item labels. */
  const asked = () => user.prompts.filter((p) => p.kind === 'pick').map((p) => ({ title: (p.options as vscode.QuickPickOptions).title, items: p.items ?? [] }));
  let savedRefresh: number | undefined;
  const config = () => vscode.workspace.getConfiguration('exalate');

  function show(e: Element): Shown {
    const ti = full.connections.tree.getTreeItem(e);
    const tip = ti.tooltip;
    return {
      element: e,
      label: typeof ti.label === 'string' ? ti.label : (ti.label?.label ?? ''),
      description: typeof ti.description === 'string' ? ti.description : '',
      tooltip: typeof tip === 'string' ? tip : (tip?.value ?? ''),
      contextValue: ti.contextValue,
      icon: ti.iconPath instanceof vscode.ThemeIcon ? ti.iconPath.id : undefined,
      command: ti.command,
    };
  }
  async function children(e?: Element): Promise<Shown[]> {
    return (await full.connections.tree.getChildren(e)).map(show);
  }
  /** The connection row of `conn` on node `p` (the tree has one folder per node). */
  async function connectionRow(p: SandboxProcess, conn: Connection): Promise<Shown> {
    const nodes = await children();
    const node = nodes.find((n) => (n.element as { nodeUrl?: string }).nodeUrl === p.url);
    assert.ok(node, `no folder for ${p.url}`);
    const rows = await children(node.element);
    const row = rows.find((r) => (r.element as { connectionId?: string }).connectionId === conn.id && r.label === conn.name);
    assert.ok(row, `no row for ${conn.name} among ${rows.map((r) => r.label).join(', ')}`);
    return row;
  }
  async function section(p: SandboxProcess, conn: Connection, label: 'Sync queue' | 'Errors' | 'Synced items'): Promise<Shown> {
    const row = await connectionRow(p, conn);
    const found = (await children(row.element)).find((c) => c.label === label);
    assert.ok(found, `no "${label}" under ${conn.name}`);
    return found;
  }
  async function sectionItems(p: SandboxProcess, conn: Connection, label: 'Sync queue' | 'Errors' | 'Synced items'): Promise<Shown[]> {
    return children((await section(p, conn, label)).element);
  }

  async function closeEditors(): Promise<void> {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.isDirty && doc.uri.scheme === 'exalate') {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }

  /** Saves `script` as a draft and publishes it: the version the node's sync engine runs (drafts do not run). */
  async function activate(client: ExalateClient, connectionId: string, direction: 'incoming' | 'outgoing', script: string): Promise<void> {
    const latest = await client.getLatestSyncRule(connectionId, direction);
    const draft = await client.saveDraft(connectionId, direction, script, latest.version);
    await client.publishVersion(connectionId, direction, draft.version);
  }

  /** B's active incoming script with a throw on line 2 (column 3); returns the script to put back. */
  async function breakIncoming(): Promise<string> {
    const current = await clientB.getSyncRule(connB.id, 'incoming');
    await activate(clientB, connB.id, 'incoming', `// broken for the integration test\n  throw new RuntimeException("broken on purpose")\n${current.script}`);
    return current.script;
  }
  async function restoreIncoming(script: string): Promise<void> {
    await activate(clientB, connB.id, 'incoming', script);
  }

  /** Changes a work item's title in a node's Azure DevOps emulator, as a user would through the REST API. */
  async function retitle(p: SandboxProcess, id: number, title: string): Promise<void> {
    const res = await fetch(`${p.ado}/_apis/wit/workitems/${id}?api-version=7.1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json', authorization: `Basic ${Buffer.from(`:${p.adoPat}`).toString('base64')}` },
      body: JSON.stringify([{ op: 'replace', path: '/fields/System.Title', value: title }]),
    });
    assert.equal(res.status, 200, await res.text());
  }

  before(async () => {
    full = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExalateTestApi;
    [a, b] = await Promise.all([startSandboxProcess({ name: 'contoso', seed: true, pollMs: 200 }), startSandboxProcess({ name: 'fabrikam', seed: true, pollMs: 200 })]);
    clientA = createExalateClient({ nodeUrl: a.url, token: a.token });
    clientB = createExalateClient({ nodeUrl: b.url, token: b.token });
    const init = await clientA.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'fabrikam', name: `Sync IT ${Date.now()}`, project: 'Payments' },
      newIdempotencyKey(),
    );
    connB = await clientB.acceptInvitation({ invitationCode: init.invitationCode, project: 'Mobile App' });
    await until('the initiator sees the acceptance', async () => (await clientA.getConnection(init.connection.id)).status === 'active');
    connA = await clientA.getConnection(init.connection.id);
    for (const old of full.services.nodes.list()) await full.services.nodes.remove(old.url);
    await full.services.nodes.upsert({ url: a.url, label: 'Contoso', adoOrgUrl: a.ado }, a.token, a.adoPat);
    await full.services.nodes.upsert({ url: b.url, label: 'Fabrikam', adoOrgUrl: b.ado }, b.token, b.adoPat);
    full.connections.tree.syncNodes();
    savedRefresh = config().inspect<number>('autoRefreshSeconds')?.globalValue;
    // The view refreshes itself every second while visible: the tests below never refresh by hand.
    await config().update('autoRefreshSeconds', 1, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.view.extension.exalate');
    await until('auto-refresh runs', () => full.connections.autoRefreshActive);
  });

  beforeEach(() => {
    user = new TestUserInput();
    full.services.ui.use(user);
  });

  afterEach(async () => {
    try {
      await until('follow-up reports end', () => full.sync.watching === 0, 70_000);
      user.assertDone();
    } finally {
      await closeEditors();
    }
  });

  after(async () => {
    full?.services.ui.use(undefined);
    await closeEditors();
    await config().update('autoRefreshSeconds', savedRefresh, vscode.ConfigurationTarget.Global);
    for (const p of [a, b]) if (p) await full?.services.nodes.remove(p.url);
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  it('shows Sync queue, Errors and Synced items under a connection, and the commands where they apply', async () => {
    const row = await connectionRow(a, connA);
    assert.equal(row.contextValue, 'connection.active');
    const under = await children(row.element);
    assert.deepEqual(under.slice(-3).map((s) => s.label), ['Sync queue', 'Errors', 'Synced items']);
    assert.deepEqual(under.slice(-3).map((s) => s.contextValue), ['syncSection.queue', 'syncSection.errors', 'syncSection.synced']);
    const queue = await children(under.at(-3)!.element);
    assert.deepEqual(queue.map((q) => [q.label, q.description]), [['Outgoing', '0 pending'], ['Incoming', '0 pending']]);
    assert.deepEqual(await children(under.at(-2)!.element), []);
    assert.equal(show(under.at(-2)!.element).description, 'none');
  });

  it('Sync Work Item… from the connection row: picks a work item of the project; the pair appears under Synced items on both nodes', async () => {
    const row = await connectionRow(a, connA);
    user.answer({ pick: /^#1 / });
    const accepted = (await vscode.commands.executeCommand('exalate.syncWorkItem', row.element)) as { workItemId: number; queued: boolean } | undefined;
    assert.deepEqual(accepted, { workItemId: 1, queued: true }, JSON.stringify(user.errors()));
    const workItems = asked()[0];
    assert.match(workItems.title ?? '', /Sync a work item over “Sync IT/);
    assert.ok(workItems.items.includes('#1 Refund fails for partially captured card payments'), workItems.items.join(' | '));
    assert.ok(!workItems.items.some((l) => l.includes('Android')), 'only the connection\'s project (Payments)');
    assert.match(user.infos()[0], /^Work item #1 is queued for sync over “Sync IT \d+”\.$/);

    // The view updates by itself (auto-refresh): contoso lists #1 ↔ its twin on fabrikam, fabrikam the other way.
    let pairA: Shown | undefined;
    await until('#1 is listed under Synced items on contoso', async () => {
      pairA = (await sectionItems(a, connA, 'Synced items')).find((s) => s.label.startsWith('#1 ↔ '));
      return pairA !== undefined;
    });
    assert.equal(pairA!.description, 'Refund fails for partially captured card payments');
    assert.equal(pairA!.contextValue, 'syncedItem');
    const twin = pairA!.label.slice('#1 ↔ '.length);
    await until('fabrikam lists its twin ↔ 1', async () => (await sectionItems(b, connB, 'Synced items')).some((s) => s.label === `#${twin} ↔ 1`));
    await until('the outcome is reported', () => user.infos().some((m) => /^Work item #1 was sent to fabrikam over “Sync IT \d+”\.$/.test(m)));
    assert.deepEqual(user.errors(), []);
    await until('the section counts the pair', async () => /^[1-9]/.test((await section(a, connA, 'Synced items')).description));
  });

  it('a broken incoming script: an Errors item with its line; Open Script at Line puts the cursor there; fix + Retry syncs it', async () => {
    const original = await breakIncoming();
    await clientA.syncWorkItem(connA.id, 2);
    let error: Shown | undefined;
    await until('fabrikam shows the error under Errors', async () => {
      error = (await sectionItems(b, connB, 'Errors')).find((e) => /broken on purpose/.test(e.label));
      return error !== undefined;
    });
    assert.match(error!.description, /^line 2(:\d+)? · incoming · /);
    assert.equal(error!.contextValue, 'syncError.line');
    assert.equal(error!.icon, 'error');
    assert.equal(error!.command?.command, 'exalate.openSyncErrorScript');
    await until('the connection row counts the error', async () => /· 1 sync error$/.test((await connectionRow(b, connB)).description));
    assert.match((await section(b, connB, 'Errors')).description, /^1$/);
    const blocked = await children((await sectionItems(b, connB, 'Sync queue')).find((d) => d.label === 'Incoming')!.element);
    assert.ok(blocked.some((q) => q.description.startsWith('blocked')), blocked.map((q) => `${q.label} ${q.description}`).join(', '));

    // Open Script at Line (the item's own command): the incoming script of fabrikam's connection, cursor on line 2.
    const node = (await clientB.listSyncErrors(connB.id)).find((e) => /broken on purpose/.test(e.message))!;
    const opened = (await vscode.commands.executeCommand(error!.command!.command, ...(error!.command!.arguments ?? []))) as { uri: string; line: number; character: number };
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'exalate');
    assert.match(editor.document.uri.path, /\/incoming\.groovy$/);
    assert.equal(new URLSearchParams(editor.document.uri.query).get('id'), connB.id);
    assert.equal(editor.selection.active.line, 1);
    assert.equal(editor.selection.active.character, (node.column ?? 1) - 1);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /broken on purpose/);
    assert.deepEqual([opened.line, opened.character], [1, (node.column ?? 1) - 1]);

    // Fix the script, then Retry from the error item.
    await restoreIncoming(original);
    await vscode.commands.executeCommand('exalate.retrySyncError', error!.element);
    await until('the error is gone from the tree', async () => !(await sectionItems(b, connB, 'Errors')).some((e) => /broken on purpose/.test(e.label)));
    await until('#2 is synced on fabrikam', async () => (await sectionItems(b, connB, 'Synced items')).some((s) => / ↔ 2$/.test(s.label)));
    await until('the retry outcome is reported', () => user.infos().some((m) => /synced over “Sync IT \d+” after the retry\.$/.test(m)));
    assert.deepEqual(await clientB.listSyncErrors(connB.id), []);
    await until('the connection row has no error count', async () => !/sync error/.test((await connectionRow(b, connB)).description));
  });

  it('Resolve asks first, then drops the blocked change: the error goes and the work item is not synced', async () => {
    const original = await breakIncoming();
    try {
      // A change of #1 on contoso (already synced) goes out by itself and fails in fabrikam's broken incoming script.
      await retitle(a, 1, 'Refund fails (changed on contoso, then dropped)');
      let error: Shown | undefined;
      await until('fabrikam shows the error', async () => {
        error = (await sectionItems(b, connB, 'Errors')).find((e) => /broken on purpose/.test(e.label));
        return error !== undefined;
      });
      user.answer({ button: undefined, expect: /^Resolve the sync error of [^\n]*\n.*is dropped/s });
      assert.equal(await vscode.commands.executeCommand('exalate.resolveSyncError', error!.element), false);
      assert.deepEqual(user.prompts.at(-1)?.items, ['Resolve']);
      assert.equal((await clientB.listSyncErrors(connB.id)).length, 1, 'not resolved without confirmation');

      user.answer({ button: 'Resolve', expect: /^Resolve the sync error of / });
      assert.equal(await vscode.commands.executeCommand('exalate.resolveSyncError', error!.element), true);
      assert.deepEqual(await clientB.listSyncErrors(connB.id), []);
      assert.ok(!(await sectionItems(b, connB, 'Errors')).some((e) => /broken on purpose/.test(e.label)), 'gone from the tree at once');
      // The dropped change never reached the twin.
      const pair = (await clientB.listSynced(connB.id)).items.find((p) => p.remoteId === '1');
      assert.equal(pair?.localTitle, 'Refund fails for partially captured card payments', JSON.stringify(pair));
      // A stale element (already resolved): a specific error, nothing else.
      await vscode.commands.executeCommand('exalate.resolveSyncError', { nodeUrl: b.url, connectionId: connB.id, errorId: (error!.element as unknown as { error: { id: string } }).error.id });
      assert.match(user.errors().at(-1) ?? '', /is not on the node \(any more\)/);
    } finally {
      await restoreIncoming(original);
    }
  });

  it('Sync Work Item reports a failure of the outgoing script with its line; with a newer draft, Open Script at Line (by error id) opens the active version read-only at the line; Retry after the fix', async () => {
    const fixed = (await clientA.getSyncRule(connA.id, 'outgoing')).script;
    await activate(clientA, connA.id, 'outgoing', `// broken for the integration test\nthrow new IllegalStateException("outgoing broken on purpose")\n${fixed}`);
    try {
      const res = await vscode.commands.executeCommand('exalate.syncWorkItem', { nodeUrl: a.url, connectionId: connA.id, workItemId: 2 });
      assert.deepEqual(res, { workItemId: 2, queued: true });
      await until('the failure is reported', () => user.errors().some((m) => /^Sync of #2\b.* over “Sync IT \d+” failed: outgoing broken on purpose \(line 2\)\.$/.test(m)), 30_000);
      assert.ok(!user.infos().some((m) => /#2 was sent/.test(m)), 'not reported as sent');
      const node = (await clientA.listSyncErrors(connA.id)).find((e) => /outgoing broken on purpose/.test(e.message));
      assert.ok(node);
      const item = (await sectionItems(a, connA, 'Errors')).find((e) => /outgoing broken on purpose/.test(e.label));
      assert.ok(item, 'listed under Errors on contoso');
      assert.match(item.description, /^line 2(:\d+)? · outgoing · #2/);

      // A newer draft (two lines longer at the top) is what the editor would hold: the active version opens instead,
      // read-only, at the error's line.
      const activeVersion = (await clientA.getSyncRule(connA.id, 'outgoing')).version;
      const latest = await clientA.getLatestSyncRule(connA.id, 'outgoing');
      const draft = await clientA.saveDraft(connA.id, 'outgoing', `// a draft\n// being edited\n${latest.script}`, latest.version);
      await vscode.commands.executeCommand('exalate.openSyncErrorScript', { nodeUrl: a.url, connectionId: connA.id, errorId: node.id });
      const editor = vscode.window.activeTextEditor!;
      assert.match(editor.document.uri.path, new RegExp(`/outgoing@v${activeVersion}\\.groovy$`));
      assert.equal(new URLSearchParams(editor.document.uri.query).get('id'), connA.id);
      assert.equal(editor.selection.active.line, 1);
      assert.match(editor.document.lineAt(1).text, /outgoing broken on purpose/);
      assert.match(user.infos().at(-1) ?? '', new RegExp(`^The error is in the active version v${activeVersion}, shown read-only at its line\\. The editable script is the draft v${draft.version}`));

      await activate(clientA, connA.id, 'outgoing', fixed);
      assert.equal(await vscode.commands.executeCommand('exalate.retrySyncError', { nodeUrl: a.url, connectionId: connA.id, errorId: node.id }), true);
      await until('the retry outcome is reported', () => user.infos().some((m) => /^#2\b.* synced over “Sync IT \d+” after the retry\.$/.test(m)));
      assert.deepEqual(await clientA.listSyncErrors(connA.id), []);
    } finally {
      if ((await clientA.getSyncRule(connA.id, 'outgoing')).script !== fixed) await activate(clientA, connA.id, 'outgoing', fixed);
    }
  });

  it('Edit Sync Triggers…: bad WIQL shows the node\'s message in the box and stores nothing; add, deactivate, bulk exalate, edit, activate, delete', async () => {
    const row = await connectionRow(a, connA);
    const bad = "SELECT [System.Id] FROM WorkItems WHERE [System.NoSuchField] = 'x'";
    const good = "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' AND [System.WorkItemType] = 'Bug'";
    const trigger = /^\$\([\w-]+\) SELECT \[System\.Id\]/;
    user.answer(
      { pick: /Add a trigger/ },
      { input: '   ' },
      { input: bad },
      { input: good },
      { pick: trigger },
      { pick: /Deactivate/ },
      { pick: trigger },
      { pick: /Bulk Exalate/ },
      { button: 'Bulk Exalate', expect: /^Sync every work item this query matches now\?\nSELECT/ },
      { pick: undefined },
    );
    const final = (await vscode.commands.executeCommand('exalate.editSyncTriggers', row.element)) as Array<{ id: string; query: string; active: boolean }>;
    assert.equal((user.prompts.find((p) => p.kind === 'input')!.options as SubmitInputBoxOptions).value, '', 'a new trigger starts empty');
    // The box stayed open through both refusals: its own check, then the node's message for the bad query.
    assert.deepEqual(user.boxMessages.map((m) => m.value), ['   ', bad]);
    assert.equal(user.boxMessages[0].message, 'A trigger needs a WIQL query.');
    assert.match(user.boxMessages[1].message, /NoSuchField/i, "the node's message");
    assert.equal(asked()[1].items.length, 2, `one trigger (the bad query stored nothing) and Add: ${asked()[1].items.join(' | ')}`);
    assert.deepEqual(final.map((x) => x.query), [good]);
    assert.equal(final[0].active, false, 'deactivated');
    assert.deepEqual(await clientA.getTriggers(connA.id), final);
    assert.ok(user.infos().some((m) => /^\d+ work items? (is|are) queued for sync over “Sync IT \d+”\.$/.test(m)), user.infos().join(' | '));
    assert.deepEqual(user.errors(), []);

    // Edit Query: the node refuses a bad query (the box says why), Escape keeps the stored one.
    user.answer({ pick: trigger }, { pick: /Edit Query/ }, { input: bad }, { input: undefined }, { pick: undefined });
    await vscode.commands.executeCommand('exalate.editSyncTriggers', { nodeUrl: a.url, connectionId: connA.id });
    assert.equal((user.prompts.filter((p) => p.kind === 'input').at(-1)!.options as SubmitInputBoxOptions).value, good, 'the box starts with the stored query');
    assert.match(user.boxMessages.at(-1)!.message, /NoSuchField/i);
    assert.equal((await clientA.getTriggers(connA.id))[0].query, good, 'the refused edit stored nothing');

    const edited = "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' AND [System.State] = 'Active'";
    user.answer({ pick: trigger }, { pick: /Edit Query/ }, { input: edited }, { pick: trigger }, { pick: /\bActivate/ }, { pick: undefined });
    const afterEdit = (await vscode.commands.executeCommand('exalate.editSyncTriggers', { nodeUrl: a.url, connectionId: connA.id })) as typeof final;
    assert.deepEqual(afterEdit.map((x) => [x.id, x.query, x.active]), [[final[0].id, edited, true]]);
    assert.deepEqual(await clientA.getTriggers(connA.id), afterEdit);

    // Delete (after a confirmation).
    user.answer({ pick: trigger }, { pick: /Delete/ }, { button: 'Delete', expect: /^Delete this sync trigger of “Sync IT/ }, { pick: undefined });
    assert.deepEqual(await vscode.commands.executeCommand('exalate.editSyncTriggers', { nodeUrl: a.url, connectionId: connA.id }), []);
    assert.deepEqual(await clientA.getTriggers(connA.id), []);
  });

  it('Sync Work Item… from the palette asks for the connection first (active ones only); cancelling queues nothing', async () => {
    const before = await clientA.getSyncQueue(connA.id);
    // Both nodes have a connection of that name: contoso's is the one on Payments · Contoso.
    user.answer({ pick: (i) => i.label === connA.name && (i.description ?? '').includes('Payments · Contoso') }, { pick: undefined });
    assert.equal(await vscode.commands.executeCommand('exalate.syncWorkItem'), undefined);
    assert.equal(asked().length, 2);
    const connections = asked()[0].items;
    assert.ok(connections.includes(connA.name), connections.join(' | '));
    assert.ok(!connections.some((l) => l.startsWith('Support escalations')), 'no pending connection');
    assert.match(asked()[1].title ?? '', /Sync a work item over “Sync IT/);
    assert.ok(asked()[1].items.includes('#2 Support Apple Pay in the hosted checkout'), 'contoso\'s Payments work items');
    assert.deepEqual(user.errors(), []);
    assert.deepEqual(user.infos(), []);
    // The queue only shrinks meanwhile (earlier tests' messages being sent): nothing new was queued.
    const after = await clientA.getSyncQueue(connA.id);
    assert.deepEqual(after.filter((q) => !before.some((x) => x.id === q.id)), []);
  });

  it('the real trigger query box stays open with the text as typed when the node refuses it, and closes once stored', async () => {
    const submitted: string[] = [];
    let answer: string | undefined = 'TF51005: The query references a field that does not exist.';
    let result: string | undefined | 'pending' = 'pending';
    const shown = windowUserInput.showSubmitInputBox({
      title: 'Sync trigger (integration test)',
      prompt: 'WIQL',
      value: "SELECT [System.Id] FROM WorkItems WHERE [System.Nope] = 1",
      validate: (v) => (v.trim() ? undefined : 'A trigger needs a WIQL query'),
      submit: async (v) => {
        submitted.push(v);
        return answer;
      },
    });
    void Promise.resolve(shown).then((v) => (result = v));
    // Confirm (Enter) until the box is up and has called submit.
    await until('the box submits on confirm', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return submitted.length > 0;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(result, 'pending', 'refused: the box stays open');
    answer = undefined;
    await until('the second confirm stores it', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return result !== 'pending';
    });
    assert.equal(result, "SELECT [System.Id] FROM WorkItems WHERE [System.Nope] = 1");
    assert.deepEqual([...new Set(submitted)], ["SELECT [System.Id] FROM WorkItems WHERE [System.Nope] = 1"], 'the same text both times: nothing lost');

    // Escape: undefined, nothing submitted.
    const before = submitted.length;
    const cancelled = windowUserInput.showSubmitInputBox({ title: 'x', prompt: 'x', value: 'SELECT 1', validate: () => undefined, submit: async (v) => (submitted.push(v), undefined) });
    let done = false;
    void Promise.resolve(cancelled).then(() => (done = true));
    await until('Escape closes the box', async () => {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return done;
    });
    assert.equal(await cancelled, undefined);
    assert.equal(submitted.length, before);
  });

  it('pages Synced items like the connection list: "Load more…" loads the next page', async () => {
    const pairs = (await clientA.listSynced(connA.id)).items;
    assert.ok(pairs.length >= 2, `two pairs synced by now: ${JSON.stringify(pairs)}`);
    const previous = full.sync.tree.pageSize;
    full.sync.tree.pageSize = 1;
    try {
      // A refresh keeps as many as were shown: start over (as for a connection shown for the first time).
      full.sync.tree.retain(a.url, new Set());
      let items = await sectionItems(a, connA, 'Synced items');
      assert.deepEqual(items.map((i) => i.label), [`#${pairs[0].localId} ↔ ${pairs[0].remoteId}`, 'Load more…']);
      assert.equal(items[1].description, '1 shown');
      assert.equal((await section(a, connA, 'Synced items')).description, '1+');
      const more = items[1].command!;
      assert.equal(more.command, 'exalate.loadMoreSyncedItems');
      await vscode.commands.executeCommand(more.command, ...(more.arguments ?? []));
      items = await sectionItems(a, connA, 'Synced items');
      assert.deepEqual(items.slice(0, 2).map((i) => i.label), pairs.slice(0, 2).map((p) => `#${p.localId} ↔ ${p.remoteId}`));
    } finally {
      full.sync.tree.pageSize = previous;
    }
  });

  it('drops the sync lists of a deleted connection, so the auto-refresh stops asking for them', async () => {
    const extra = (
      await clientA.initiateConnection(
        { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'nobody', name: `Doomed ${Date.now()}`, project: 'Payments' },
        newIdempotencyKey(),
      )
    ).connection;
    await vscode.commands.executeCommand('exalate.refresh');
    const row = await connectionRow(a, extra);
    for (const s of await children(row.element)) if (s.contextValue?.startsWith('syncSection')) await children(s.element);
    const withIt = full.sync.tree.modelCount;
    await clientA.deleteConnection(extra.id);
    await until('the lists of the deleted connection are dropped', () => full.sync.tree.modelCount === withIt - 1);
  });

  it('refuses bad arguments with a specific message and does nothing', async () => {
    await vscode.commands.executeCommand('exalate.syncWorkItem', { nodeUrl: a.url, connectionId: '../../admin' });
    assert.match(user.errors().at(-1) ?? '', /invalid argument: connectionId: connectionId must be a connection id \(a UUID\)/);
    await vscode.commands.executeCommand('exalate.syncWorkItem', { nodeUrl: a.url, connectionId: connA.id, workItemId: 0 });
    assert.match(user.errors().at(-1) ?? '', /invalid argument: workItemId: workItemId must be at least 1/);
    await vscode.commands.executeCommand('exalate.openSyncErrorScript', { nodeUrl: b.url, connectionId: connB.id });
    assert.match(user.errors().at(-1) ?? '', /invalid argument: errorId: errorId is required/);
    // A work item that is not in the connection's project: the node's 404, nothing queued.
    await vscode.commands.executeCommand('exalate.syncWorkItem', { nodeUrl: a.url, connectionId: connA.id, workItemId: 999_999 });
    assert.match(user.errors().at(-1) ?? '', /^Could not sync the work item: /);
    assert.ok(!(await clientA.getSyncQueue(connA.id)).some((q) => q.workItemId === 999_999));
  });
});
