// The Connections view inside the real extension host, against real sandbox node processes: what the tree shows
// (labels, status descriptions, coloured codicons, tooltips, children, context values, badge), every operation
// (with the prompts scripted through the test API), paging past 500, errors as items, freshness and the log.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionsTestApi } from '../../src/connections';
import type { Element } from '../../src/connections/tree';
import type { ExalateClient } from '../../src/exalate/client';
import { createExalateClient } from '../../src/exalate/httpClient';
import { md } from '../../src/connections/model';
import { formatDateTime, setDisplayLocale } from '../../src/shared/format';
import type { ExalateTestApi } from '../../src/extension';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';
import { TestUserInput } from './support/userInput';
import { until } from './support/until';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';
const clientFor = (p: SandboxProcess) => createExalateClient({ nodeUrl: p.url, token: p.token });

interface Shown {
  element: Element;
  label: string;
  description: string;
  icon: string | undefined;
  color: string | undefined;
  tooltip: string;
  contextValue: string | undefined;
  command: vscode.Command | undefined;
}

describe('Connections view', function () {
  this.timeout(120_000);
  let api: ConnectionsTestApi;
  let full: ExalateTestApi;
  let user: TestUserInput;
  let a: SandboxProcess;
  let b: SandboxProcess;
  let clientA: ExalateClient;
  let savedNodes: unknown;
  const config = () => vscode.workspace.getConfiguration('exalate');

  async function shown(element?: Element): Promise<Shown[]> {
    const children = await api.tree.getChildren(element);
    return children.map((e) => {
      const ti = api.tree.getTreeItem(e);
      const icon = ti.iconPath instanceof vscode.ThemeIcon ? ti.iconPath : undefined;
      const tip = ti.tooltip;
      return {
        element: e,
        label: typeof ti.label === 'string' ? ti.label : (ti.label?.label ?? ''),
        description: typeof ti.description === 'string' ? ti.description : '',
        icon: icon?.id,
        color: icon?.color?.id,
        tooltip: typeof tip === 'string' ? tip : (tip?.value ?? ''),
        contextValue: ti.contextValue,
        command: ti.command,
      };
    });
  }
  const byLabel = (items: Shown[], label: string) => {
    const it = items.find((i) => i.label === label);
    assert.ok(it, `no item "${label}" among ${items.map((i) => i.label).join(', ')}`);
    return it;
  };
  async function setNodes(...nodes: Array<{ url: string; label: string; token?: string }>) {
    for (const old of full.services.nodes.list()) await full.services.nodes.remove(old.url);
    for (const n of nodes) await full.services.nodes.upsert({ url: n.url, label: n.label }, n.token);
    api.tree.syncNodes();
  }

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    full = (await ext.activate()) as ExalateTestApi;
    api = full.connections;
    savedNodes = config().inspect('nodes')?.globalValue;
    [a, b] = await Promise.all([startSandboxProcess({ name: 'contoso', seed: true }), startSandboxProcess({ name: 'fabrikam' })]);
    clientA = createExalateClient({ nodeUrl: a.url, token: a.token });
    await vscode.commands.executeCommand('workbench.view.extension.exalate');
  });
  beforeEach(() => {
    user = new TestUserInput();
    full.services.ui.use(user);
  });
  afterEach(() => user.assertDone());
  after(async () => {
    full?.services.ui.use(undefined);
    for (const n of full?.services.nodes.list() ?? []) await full.services.nodes.remove(n.url);
    await config().update('nodes', savedNodes, vscode.ConfigurationTarget.Global);
    await config().update('autoRefreshSeconds', undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  it('shows one node\'s connections at the root: status, coloured codicon, tooltip, children, badge', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const root = await shown();
    const labels = root.map((i) => i.label);
    assert.deepEqual(labels, [
      'Support escalations (waiting for partner)',
      'Fabrikam Jira bugs',
      'Northwind ServiceNow incidents',
      'Tailspin GitHub issues',
      'Litware Zendesk tickets',
    ]);
    const pending = byLabel(root, 'Support escalations (waiting for partner)');
    assert.equal(pending.description, 'pending · private');
    assert.deepEqual([pending.icon, pending.color, pending.contextValue], ['watch', 'charts.yellow', 'connection.pending']);
    assert.match(pending.tooltip, /Remote URL: _unknown \(private side\)_/);
    assert.match(pending.tooltip, /Local: `contoso` · Remote: `acme-support`/);
    assert.match(pending.tooltip, /Waiting for acme-support to accept the invitation/);

    const active = byLabel(root, 'Fabrikam Jira bugs');
    assert.equal(active.description, 'active');
    assert.deepEqual([active.icon, active.color, active.contextValue], ['pass-filled', 'charts.green', 'connection.active']);
    assert.match(active.tooltip, /Remote URL: https:\/\/fabrikam-jira\.example\.com/);
    assert.match(active.tooltip, /Mode: Script/);
    assert.match(active.tooltip, /Project: Contoso Web/);
    // The one date format (src/shared/format.ts, the display language): the same text the dialogs and history use.
    setDisplayLocale(vscode.env.language);
    const created = (await clientA.listConnections()).items.find((c) => c.name === 'Fabrikam Jira bugs')!.createdAt;
    assert.ok(active.tooltip.includes(`Created: ${md(formatDateTime(created))}`), active.tooltip);
    assert.match(active.tooltip, /Last contact: .+ \(1 h ago\)/);
    assert.doesNotMatch(active.tooltip, /Stale/);

    const deactivated = byLabel(root, 'Northwind ServiceNow incidents');
    assert.deepEqual([deactivated.description, deactivated.icon, deactivated.color, deactivated.contextValue], ['deactivated', 'circle-slash', 'disabledForeground', 'connection.deactivated.local']);
    const error = byLabel(root, 'Tailspin GitHub issues');
    // A private connection we accepted says "· private" like one we initiated.
    assert.deepEqual([error.description, error.icon, error.color, error.contextValue], ['error · private', 'error', 'errorForeground', 'connection.error']);
    assert.match(error.tooltip, /Cannot reach tailspin-gh/);

    // A private connection we initiated whose partner has not polled for an hour: stale.
    const stale = byLabel(root, 'Litware Zendesk tickets');
    assert.equal(stale.description, 'deactivated · private · stale');
    assert.equal(stale.contextValue, 'connection.deactivated.remote');
    assert.match(stale.tooltip, /\*\*Stale:\*\* litware-zd \(the private side\) has not polled since/);

    const children = await shown(active.element);
    assert.deepEqual(children.slice(0, 2).map((c) => c.label), ['Outgoing sync', 'Incoming sync']);
    const conn = (await clientA.listConnections()).items.find((c) => c.name === 'Fabrikam Jira bugs')!;
    assert.deepEqual(children[0].command?.arguments, [{ nodeUrl: a.url, connectionId: conn.id, direction: 'outgoing' }]);
    assert.equal(children[0].command?.command, 'exalate.openSyncRules');
    assert.deepEqual(children[1].command?.arguments, [{ nodeUrl: a.url, connectionId: conn.id, direction: 'incoming' }]);
    assert.equal(children.length, 7);
    assert.match(children[2].label, /contoso → fabrikam-jira · https:\/\/fabrikam-jira\.example\.com/);
    assert.match(children[3].label, /Script mode · project Contoso Web/);
    // Work item sync (src/sync, hosted through the tree's ConnectionChildren seam) after the details.
    assert.deepEqual(children.slice(4).map((c) => [c.label, c.contextValue]), [
      ['Sync queue', 'syncSection.queue'],
      ['Errors', 'syncSection.errors'],
      ['Synced items', 'syncSection.synced'],
    ]);

    // Badge: one pending + one error.
    assert.deepEqual(api.view.badge, { value: 2, tooltip: '1 pending, 1 in error' });
  });

  it('shows a fresh private connection (partner polling) as not stale', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const init = await clientA.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'fabrikam', name: 'Private pair', project: 'Contoso Web' },
      'it-private-pair',
    );
    const clientB = createExalateClient({ nodeUrl: b.url, token: b.token });
    const accepted = await clientB.acceptInvitation({ invitationCode: init.invitationCode, project: 'Fabrikam' });
    await until('the initiator sees the acceptance', async () => (await clientA.getConnection(init.connection.id)).status === 'active');
    await vscode.commands.executeCommand('exalate.refresh');
    const item = byLabel(await shown(), 'Private pair');
    assert.equal(item.description, 'active · private');
    assert.match(item.tooltip, /Last contact: .*just now/);
    assert.doesNotMatch(item.tooltip, /Stale/);
    await clientA.deleteConnection(init.connection.id);
    await clientB.deleteConnection(accepted.id);
  });

  it('Copy Invitation Code puts the pending connection\'s code on the clipboard', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const item = byLabel(await shown(), 'Support escalations (waiting for partner)');
    await vscode.env.clipboard.writeText('nothing yet');
    await vscode.commands.executeCommand('exalate.copyInvitationCode', item.element);
    const code = await vscode.env.clipboard.readText();
    const expected = await clientA.getInvitationCode((item.element as { connectionId: string }).connectionId);
    assert.equal(code, expected.invitationCode);
    assert.match(user.infos().at(-1) ?? '', /Invitation code of "Support escalations \(waiting for partner\)" copied\. Send it to acme-support/);

    // Not pending: a specific error, clipboard untouched.
    const active = byLabel(await shown(), 'Fabrikam Jira bugs');
    await vscode.env.clipboard.writeText('unchanged');
    await vscode.commands.executeCommand('exalate.copyInvitationCode', { nodeUrl: a.url, connectionId: (active.element as { connectionId: string }).connectionId });
    assert.equal(await vscode.env.clipboard.readText(), 'unchanged');
    assert.match(user.errors().at(-1) ?? '', /^Could not copy the invitation code of "Fabrikam Jira bugs": /);

    // A bad argument: a clear message, nothing else.
    await vscode.commands.executeCommand('exalate.copyInvitationCode', { nodeUrl: a.url });
    assert.match(user.errors().at(-1) ?? '', /invalid argument: connectionId: connectionId is required/);
    await vscode.commands.executeCommand('exalate.copyInvitationCode', { nodeUrl: a.url, connectionId: '../../admin' });
    assert.match(user.errors().at(-1) ?? '', /invalid argument: connectionId: connectionId must be a connection id \(a UUID\)/);
  });

  it('Deactivate and Activate change the status on the node and in the tree', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const item = byLabel(await shown(), 'Fabrikam Jira bugs');
    const id = (item.element as { connectionId: string }).connectionId;
    await vscode.commands.executeCommand('exalate.deactivateConnection', item.element);
    assert.equal((await clientA.getConnection(id)).status, 'deactivated');
    let now = byLabel(await shown(), 'Fabrikam Jira bugs');
    assert.deepEqual([now.description, now.icon, now.contextValue], ['deactivated', 'circle-slash', 'connection.deactivated.local']);
    await vscode.commands.executeCommand('exalate.activateConnection', now.element);
    assert.equal((await clientA.getConnection(id)).status, 'active');
    now = byLabel(await shown(), 'Fabrikam Jira bugs');
    assert.deepEqual([now.description, now.contextValue], ['active', 'connection.active']);
    assert.deepEqual(user.errors(), []);
  });

  it('Delete asks with a modal naming the connection and deletes only when confirmed', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const created = await clientA.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'partner', name: 'Doomed connection', project: 'Ops' },
      'it-delete-me',
    );
    await vscode.commands.executeCommand('exalate.refresh');
    const item = byLabel(await shown(), 'Doomed connection');
    user.answer({ button: undefined });
    assert.equal(await vscode.commands.executeCommand('exalate.deleteConnection', item.element), false);
    assert.equal(user.prompts[0].text.split('\n')[0], 'Delete the connection "Doomed connection"?');
    assert.deepEqual(user.prompts[0].items, ['Delete']);
    assert.match(user.prompts[0].text, /cannot be undone\.$/);
    assert.equal((await clientA.getConnection(created.connection.id)).name, 'Doomed connection');

    user.answer({ button: 'Delete' });
    assert.equal(await vscode.commands.executeCommand('exalate.deleteConnection', item.element), true);
    await assert.rejects(clientA.getConnection(created.connection.id), { kind: 'notFound' });
    assert.ok(!(await shown()).some((i) => i.label === 'Doomed connection'));
  });

  it('Rename Connection… and Edit Connection Description… validate, change the node and the tree, and refuse a taken name', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const created = await clientA.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'partner', name: 'Rename me', description: 'old words', project: 'Ops' },
      'it-rename-me',
    );
    const id = created.connection.id;
    await vscode.commands.executeCommand('exalate.refresh');
    // From the tree: the input box starts with the current name (selected) and checks as the user types.
    user.answer({ input: 'Renamed connection' });
    const renamed = (await vscode.commands.executeCommand('exalate.renameConnection', byLabel(await shown(), 'Rename me').element)) as { name: string };
    assert.equal(renamed.name, 'Renamed connection');
    const box = user.prompts[0].options as vscode.InputBoxOptions;
    assert.equal(box.value, 'Rename me');
    assert.deepEqual(box.valueSelection, [0, 'Rename me'.length]);
    assert.match(box.validateInput?.('') as string, /Connection name is required/);
    assert.match(box.validateInput?.('x'.repeat(300)) as string, /at most/);
    assert.equal(box.validateInput?.('A fine name'), undefined);
    assert.equal((await clientA.getConnection(id)).name, 'Renamed connection');
    assert.ok((await shown()).some((i) => i.label === 'Renamed connection'), 'the tree shows the new name');
    assert.ok(!(await shown()).some((i) => i.label === 'Rename me'));

    // A name the node already has (seeded): a clear message, nothing changed.
    user.answer({ input: 'fabrikam jira BUGS' });
    assert.equal(await vscode.commands.executeCommand('exalate.renameConnection', { nodeUrl: a.url, connectionId: id }), undefined);
    assert.match(user.errors().at(-1) ?? '', /A connection named “fabrikam jira BUGS” already exists on this node\. Choose another name\./);
    assert.equal((await clientA.getConnection(id)).name, 'Renamed connection');
    // An invalid name given as an argument: refused before any request.
    await vscode.commands.executeCommand('exalate.renameConnection', { nodeUrl: a.url, connectionId: id, name: '   ' });
    assert.match(user.errors().at(-1) ?? '', /^Rename Connection: Connection name is required/);
    assert.equal((await clientA.getConnection(id)).name, 'Renamed connection');

    // Description: shown in the tooltip once changed; an empty value removes it.
    user.answer({ input: 'Tickets for the partner team' });
    await vscode.commands.executeCommand('exalate.editConnectionDescription', byLabel(await shown(), 'Renamed connection').element);
    assert.equal((user.prompts.at(-1)?.options as vscode.InputBoxOptions).value, 'old words');
    assert.equal((await clientA.getConnection(id)).description, 'Tickets for the partner team');
    assert.match(byLabel(await shown(), 'Renamed connection').tooltip, /Tickets for the partner team/);
    await vscode.commands.executeCommand('exalate.editConnectionDescription', { nodeUrl: a.url, connectionId: id, description: 'd'.repeat(5000) });
    assert.match(user.errors().at(-1) ?? '', /^Edit Connection Description: Description must be at most/);
    assert.equal((await clientA.getConnection(id)).description, 'Tickets for the partner team');
    await vscode.commands.executeCommand('exalate.editConnectionDescription', { nodeUrl: a.url, connectionId: id, description: '' });
    assert.equal((await clientA.getConnection(id)).description, '');
    // Cancelling the input box changes nothing.
    user.answer({ input: undefined });
    assert.equal(await vscode.commands.executeCommand('exalate.renameConnection', { nodeUrl: a.url, connectionId: id }), undefined);
    assert.equal((await clientA.getConnection(id)).name, 'Renamed connection');
    await clientA.deleteConnection(id);
  });

  it('Open Outgoing/Incoming Sync Rules open the connection\'s script in an editor', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const item = byLabel(await shown(), 'Fabrikam Jira bugs');
    const id = (item.element as { connectionId: string }).connectionId;
    const opened = async (direction: 'outgoing' | 'incoming') => {
      await until(`the ${direction} script of "Fabrikam Jira bugs" in the active editor`, () => {
        const doc = vscode.window.activeTextEditor?.document;
        return doc?.uri.scheme === 'exalate' && doc.uri.path.endsWith(`/${direction}.groovy`) && doc.uri.query.includes(id);
      });
      const doc = vscode.window.activeTextEditor!.document;
      assert.equal(doc.getText(), (await clientA.getSyncRule(id, direction)).script);
    };
    await vscode.commands.executeCommand('exalate.openOutgoingSyncRules', item.element);
    await opened('outgoing');
    await vscode.commands.executeCommand('exalate.openIncomingSyncRules', { nodeUrl: a.url, connectionId: id });
    await opened('incoming');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Add Node validates with the node before saving; refuses plain http off this machine; tokens only in secret storage', async () => {
    await setNodes();
    // Non-loopback http: refused with the reason, nothing saved.
    await vscode.commands.executeCommand('exalate.addNode', { url: 'http://exalate.example.com', token: 'abcdefgh' });
    assert.match(user.errors().at(-1) ?? '', /Use https:\/\/ for exalate\.example\.com: the API token would travel unencrypted/);
    // Wrong token: the node's answer, nothing saved.
    await vscode.commands.executeCommand('exalate.addNode', { url: a.url, token: 'wrong-token-123' });
    assert.match(user.errors().at(-1) ?? '', /rejected the API token/);
    assert.deepEqual(full.services.nodes.list(), []);
    // Through the prompts, with the URL box validating as the user types.
    user.answer({ input: `${a.url}/` }, { input: a.token });
    const url = await vscode.commands.executeCommand('exalate.addNode');
    assert.equal(url, a.url);
    assert.equal((user.prompts[0].options as vscode.InputBoxOptions).validateInput?.('http://10.1.2.3:8080'), 'Use https:// for 10.1.2.3:8080: the API token would travel unencrypted over plain http. Plain http is allowed only for nodes on this machine (localhost, 127.0.0.1, [::1]).');
    assert.equal((user.prompts[1].options as vscode.InputBoxOptions).password, true);
    const saved = full.services.nodes.list();
    assert.deepEqual(saved.map((n) => [n.url, n.label, n.adoOrgUrl]), [[a.url, 'contoso', a.ado]]);
    assert.ok(!JSON.stringify(config().inspect('nodes')?.globalValue).includes(a.token), 'token in settings');
    assert.equal(await full.services.nodes.getToken(a.url), a.token);
    assert.equal((await shown()).length, 5);
  });

  it('Set Azure DevOps Organization stores the org URL in settings and the PAT only in secret storage', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    await vscode.commands.executeCommand('exalate.setAzureDevOps', { nodeUrl: a.url, adoOrgUrl: 'http://dev.example.com/contoso', adoPat: 'pat-1234567890' });
    assert.match(user.errors().at(-1) ?? '', /Use https:\/\/ for dev\.example\.com: the PAT would travel unencrypted/);
    assert.equal(full.services.nodes.get(a.url)?.adoOrgUrl, undefined);
    user.answer({ input: 'https://dev.azure.com/contoso/' }, { input: 'pat-abcdef123456' });
    assert.equal(await vscode.commands.executeCommand('exalate.setAzureDevOps'), true);
    assert.equal((user.prompts[1].options as vscode.InputBoxOptions).password, true);
    assert.equal(full.services.nodes.get(a.url)?.adoOrgUrl, 'https://dev.azure.com/contoso');
    assert.equal(await full.services.nodes.getAdoPat(a.url), 'pat-abcdef123456');
    assert.ok(!JSON.stringify(config().inspect('nodes')?.globalValue).includes('pat-abcdef123456'), 'PAT in settings');
    // An empty PAT keeps the stored one.
    assert.equal(await vscode.commands.executeCommand('exalate.setAzureDevOps', { nodeUrl: a.url, adoOrgUrl: 'https://dev.azure.com/fabrikam' }), true);
    assert.equal(await full.services.nodes.getAdoPat(a.url), 'pat-abcdef123456');
    assert.equal(full.services.nodes.get(a.url)?.adoOrgUrl, 'https://dev.azure.com/fabrikam');
  });

  it('a plain-http node of another machine in the settings is an error item ("use https"); Sign In and its clients refuse it', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    const before = config().inspect('nodes')?.globalValue as unknown[];
    const plain = 'http://node.example.com';
    await config().update('nodes', [...before, { url: plain, label: 'Plain' }], vscode.ConfigurationTarget.Global);
    try {
      api.tree.syncNodes();
      const items = await shown();
      byLabel(items, 'Contoso');
      const bad = byLabel(items, 'Plain: not used');
      assert.equal(bad.description, 'use https');
      assert.equal(bad.icon, 'error');
      assert.match(bad.tooltip, /Use https:\/\/ for node\.example\.com: the API token would travel unencrypted/);
      assert.deepEqual(await api.tree.getChildren(bad.element), []);
      assert.deepEqual(full.services.nodes.list().map((n) => n.url), [a.url]);
      assert.deepEqual(full.services.nodes.rejected().map((r) => r.url), [plain]);

      // Sign In refuses before asking for or sending a token; so do the registry's clients.
      assert.equal(await vscode.commands.executeCommand('exalate.signIn', { nodeUrl: plain, token: 'plain-token-123456' }), undefined);
      assert.match(user.errors().at(-1) ?? '', /^Sign In Again: the node http:\/\/node\.example\.com is not used\. Use https:\/\/ for node\.example\.com/);
      assert.deepEqual(user.prompts, []);
      assert.equal(await full.services.nodes.getToken(plain), undefined);
      await assert.rejects(full.services.nodes.client(plain), /Use https:\/\/ for node\.example\.com/);
      assert.throws(() => full.services.nodes.probeClient(plain, 'plain-token-123456'), /Use https:\/\/ for node\.example\.com/);

      // Saving another node keeps the refused entry for the user to fix; Remove Node drops it.
      await full.services.nodes.upsert({ url: a.url, label: 'Contoso 2' });
      assert.deepEqual(full.services.nodes.rejected().map((r) => r.url), [plain]);
      user.answer({ button: 'Remove' });
      assert.equal(await vscode.commands.executeCommand('exalate.removeNode', { nodeUrl: plain }), true);
      assert.deepEqual(full.services.nodes.rejected(), []);
      assert.deepEqual(full.services.nodes.list().map((n) => n.url), [a.url]);
    } finally {
      await config().update('nodes', before, vscode.ConfigurationTarget.Global);
      api.tree.syncNodes();
    }
  });

  it('Add Node gives the node token as Azure DevOps PAT only to the node\'s own emulator (same origin), never to a look-alike', async () => {
    await setNodes();
    let base = '';
    let adoUrl = '';
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ shortName: 'lookalike', platform: 'azure-devops', publicUrl: base, version: '1.0.0', apiVersion: 'v1', modes: ['script'], adoUrl }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // Starts with the node URL but is another host: neither org URL nor PAT.
      adoUrl = `${base}@evil.example/org`;
      assert.equal(await vscode.commands.executeCommand('exalate.addNode', { url: base, token: 'lookalike-token-123' }), base);
      assert.equal(full.services.nodes.get(base)?.adoOrgUrl, undefined);
      assert.equal(await full.services.nodes.getAdoPat(base), undefined);
      await full.services.nodes.remove(base);
      // Another origin on this machine: not recorded (the first project listing shows it and asks before a PAT goes
      // there), and the node token is not its PAT.
      adoUrl = `http://localhost:${new URL(base).port}/ado/org`;
      assert.equal(await vscode.commands.executeCommand('exalate.addNode', { url: base, token: 'lookalike-token-123' }), base);
      assert.equal(full.services.nodes.get(base)?.adoOrgUrl, undefined);
      assert.equal(await full.services.nodes.getAdoPat(base), undefined);
      await full.services.nodes.remove(base);
      // The node's own emulator (same origin): the node token is the PAT, as for the sandbox.
      adoUrl = `${base}/ado/org`;
      assert.equal(await vscode.commands.executeCommand('exalate.addNode', { url: base, token: 'lookalike-token-123' }), base);
      assert.equal(await full.services.nodes.getAdoPat(base), 'lookalike-token-123');
    } finally {
      await full.services.nodes.remove(base);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('with several nodes shows nodes at the root; an unreachable node and a wrong token become items with Retry / Sign In', async () => {
    const down = await startSandboxProcess({ name: 'downnode' });
    await down.stop();
    await setNodes(
      { url: a.url, label: 'Contoso', token: a.token },
      { url: b.url, label: 'Fabrikam', token: 'definitely-wrong' },
      { url: down.url, label: 'Offline', token: down.token },
    );
    const root = await shown();
    assert.deepEqual(root.map((r) => [r.label, r.contextValue, r.icon]), [
      ['Contoso', 'node', 'server'],
      ['Fabrikam', 'node', 'server'],
      ['Offline', 'node', 'server'],
    ]);
    assert.equal((await shown(root[0].element)).length, 5, 'the working node still lists');

    const [wrong] = await shown(root[1].element);
    assert.equal(wrong.label, 'Sign-in failed: the node rejected the API token');
    assert.equal(wrong.contextValue, 'error.signIn');
    assert.equal(wrong.command?.command, 'exalate.signIn');
    assert.match(wrong.tooltip, /Sign in again with a valid API token/);
    const [unreachable] = await shown(root[2].element);
    assert.equal(unreachable.label, 'Cannot reach the node');
    assert.equal(unreachable.contextValue, 'error.retry');
    assert.equal(unreachable.command?.command, 'exalate.retryNode');
    assert.deepEqual(unreachable.command?.arguments, [{ nodeUrl: down.url }]);
    assert.equal(api.tree.getTreeItem(root[2].element).description, `${new URL(down.url).host} · needs attention`);

    // Sign In fixes the wrong token (the token is checked against the node first).
    user.answer({ input: 'still-wrong-token' });
    assert.equal(await vscode.commands.executeCommand('exalate.signIn', wrong.command!.arguments![0]), false);
    assert.match(user.errors().at(-1) ?? '', /rejected the API token/);
    user.answer({ input: b.token });
    assert.equal(await vscode.commands.executeCommand('exalate.signIn', wrong.command!.arguments![0]), true);
    assert.deepEqual(await shown((await shown())[1].element).then((c) => c.map((i) => i.label)), ['No connections yet']);

    // Retry after the node came back.
    await down.restart();
    await vscode.commands.executeCommand('exalate.retryNode', unreachable.command!.arguments![0]);
    assert.equal((await shown((await shown())[2].element))[0].label, 'No connections yet');
    await down.dispose();
  });

  it('pages past 500 with a "Load more…" item, one load in flight, and reveals a connection on a later page', async () => {
    const big = await startSandboxProcess({ name: 'bignode', dev: true });
    try {
      const res = await fetch(`${big.url}/api/v1/dev/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${big.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ count: 620, namePrefix: 'Bulk' }),
      });
      assert.equal(res.status, 201);
      await setNodes({ url: big.url, label: 'Big', token: big.token });
      let root = await shown();
      assert.equal(root.length, 501);
      assert.equal(root[499].label, 'Bulk 500');
      assert.deepEqual([root[500].label, root[500].description, root[500].command?.command], ['Load more…', '500 shown', 'exalate.loadMoreConnections']);
      assert.deepEqual(api.view.badge, { value: 500, tooltip: '500 pending, 0 in error' });

      const model = api.tree.model(big.url);
      const before = model.requests;
      await Promise.all([
        vscode.commands.executeCommand('exalate.loadMoreConnections', { nodeUrl: big.url }),
        vscode.commands.executeCommand('exalate.loadMoreConnections', { nodeUrl: big.url }),
      ]);
      assert.equal(model.requests - before, 1, 'two clicks, one request');
      root = await shown();
      assert.equal(root.length, 620);
      assert.equal(root.at(-1)!.label, 'Bulk 620');

      // A refresh keeps everything that was shown.
      await vscode.commands.executeCommand('exalate.refresh');
      assert.equal((await shown()).length, 620);

      // Reveal (what the wizard calls when it finishes) of a connection on the second page, with only the first
      // page loaded: it loads pages until the connection is there, then selects it.
      const page2 = await createExalateClient({ nodeUrl: big.url, token: big.token }).listConnections({ limit: 500, cursor: (await clientFor(big).listConnections({ limit: 500 })).nextCursor });
      const target = page2.items.find((c) => c.name === 'Bulk 600')!;
      await setNodes({ url: big.url, label: 'Big', token: big.token });
      assert.equal((await shown()).length, 501);
      await vscode.commands.executeCommand('exalate.revealConnection', { nodeUrl: big.url, connectionId: target.id });
      assert.equal((api.view.selection[0] as { connectionId?: string }).connectionId, target.id);
    } finally {
      await setNodes();
      await big.dispose();
    }
  });

  it('reveals a connection the wizard just created and refuses bad arguments', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    await shown();
    const created = await clientA.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'newpartner', name: 'Just created', project: 'Ops' },
      'it-reveal',
    );
    assert.equal(await vscode.commands.executeCommand('exalate.revealConnection', { nodeUrl: a.url, connectionId: created.connection.id }), true);
    assert.equal((api.view.selection[0] as { connectionId?: string }).connectionId, created.connection.id);
    assert.equal(api.view.visible, true);
    await vscode.commands.executeCommand('exalate.revealConnection', { nodeUrl: a.url });
    assert.match(user.errors().at(-1) ?? '', /Reveal Connection was called with an invalid argument: connectionId/);
    await clientA.deleteConnection(created.connection.id);
  });

  it('auto-refreshes on the interval setting while visible, pauses while hidden, 0 turns it off', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    await vscode.commands.executeCommand('workbench.view.extension.exalate');
    await until('the view is visible', () => api.view.visible);
    await shown();
    await config().update('autoRefreshSeconds', 1, vscode.ConfigurationTarget.Global);
    assert.equal(api.autoRefreshActive, true);
    const created = await clientA.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'contoso', remoteShortName: 'auto', name: 'Appears by itself', project: 'Ops' },
      'it-auto-refresh',
    );
    await until('the new connection appears without a manual refresh', () => api.tree.model(a.url).find(created.connection.id) !== undefined);

    await vscode.commands.executeCommand('workbench.view.explorer');
    await until('the view is hidden', () => !api.view.visible);
    assert.equal(api.autoRefreshActive, false);
    await vscode.commands.executeCommand('workbench.view.extension.exalate');
    await until('the view is visible again', () => api.view.visible);
    assert.equal(api.autoRefreshActive, true);
    await config().update('autoRefreshSeconds', 0, vscode.ConfigurationTarget.Global);
    assert.equal(api.autoRefreshActive, false);
    await config().update('autoRefreshSeconds', undefined, vscode.ConfigurationTarget.Global);
    await clientA.deleteConnection(created.connection.id);
  });

  it('Remove Node asks first, then drops the node and its secrets', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token }, { url: b.url, label: 'Fabrikam', token: b.token });
    user.answer({ button: undefined });
    assert.equal(await vscode.commands.executeCommand('exalate.removeNode', { nodeUrl: b.url }), false);
    assert.equal(user.prompts[0].text.split('\n')[0], 'Remove the Exalate node "Fabrikam" from VS Code?');
    assert.equal(full.services.nodes.list().length, 2);
    user.answer({ button: 'Remove' });
    assert.equal(await vscode.commands.executeCommand('exalate.removeNode', { nodeUrl: b.url }), true);
    assert.deepEqual(full.services.nodes.list().map((n) => n.url), [a.url]);
    assert.equal(await full.services.nodes.getToken(b.url), undefined);
    // One node left: its connections are at the root again.
    assert.equal((await shown())[0].label, 'Support escalations (waiting for partner)');
    // The removed node leaves nothing behind in the tree's element maps.
    assert.ok(api.tree.elementCount <= api.tree.model(a.url).connections.length, `${api.tree.elementCount} connection elements kept`);
    assert.ok(!api.tree.allModels().some((m) => m.nodeUrl === b.url));
    // A command argument naming an unknown node: a clear error, and no model is made up for it.
    await vscode.commands.executeCommand('exalate.deleteConnection', { nodeUrl: b.url, connectionId: '3f2b8c1e-9a4d-4e2f-8b1a-0c5d6e7f8a9b' });
    assert.match(user.errors().at(-1) ?? '', /^Delete Connection: no Exalate node .* is configured\./);
    assert.ok(!api.tree.allModels().some((m) => m.nodeUrl === b.url));
  });

  it('Start Local Sandbox runs the sandbox in-process, adds it, restarts it lazily on the same URL, keeps its data', async () => {
    await setNodes();
    const url = (await vscode.commands.executeCommand('exalate.startSandbox')) as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const node = full.services.nodes.get(url);
    assert.deepEqual([node?.sandbox, node?.label, node?.adoOrgUrl], [true, 'Local sandbox', `${url}/ado/sandbox-org`]);
    assert.equal(await full.services.nodes.getAdoPat(url), await full.services.nodes.getToken(url));
    const labels = (await shown()).map((i) => i.label);
    assert.ok(labels.includes('Fabrikam Jira bugs'), labels.join(', '));
    assert.match(user.infos().at(-1) ?? '', /Local sandbox running at http:\/\/127\.0\.0\.1:\d+ with example connections/);
    // Its code came from its own bundle, required on this first start.
    const dist = vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, 'dist').fsPath;
    assert.ok(Object.keys(require.cache).includes(path.join(dist, 'sandboxHost.js')), 'the sandbox was not loaded from dist/sandboxHost.js');

    // Data survives a stop (as on deactivate) and the next tree load starts it again on the same port.
    const client = (await full.services.nodes.client(url))!;
    const kept = await client.initiateConnection(
      { destinationUrl: null, mode: 'script', localShortName: 'my-sandbox', remoteShortName: 'partner', name: 'Kept across restarts', project: 'Sandbox' },
      'it-sandbox-keep',
    );
    await api.sandbox.stop();
    await assert.rejects(client.getNodeInfo({ timeoutMs: 2000 }), { kind: 'unreachable' });
    await vscode.commands.executeCommand('exalate.refresh');
    assert.equal(api.sandbox.url, url);
    assert.ok((await shown()).some((i) => i.label === 'Kept across restarts'));
    await client.deleteConnection(kept.connection.id);

    // deactivate() returns a promise that resolves once the sandbox has stopped.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module VS Code loaded
    const main = require(path.join(dist, 'extension.js')) as { deactivate(): Promise<void> | undefined };
    const deactivated = main.deactivate();
    assert.ok(deactivated instanceof Promise);
    await deactivated;
    await assert.rejects(client.getNodeInfo({ timeoutMs: 2000 }), { kind: 'unreachable' });
    await vscode.commands.executeCommand('exalate.refresh');
    assert.equal(api.sandbox.url, url);

    // Removing the node stops the sandbox.
    user.answer({ button: 'Remove', expect: /The local sandbox stops; its data is kept/ });
    assert.equal(await vscode.commands.executeCommand('exalate.removeNode', { nodeUrl: url }), true);
    assert.equal(api.sandbox.url, undefined);
    await assert.rejects(client.getNodeInfo({ timeoutMs: 2000 }), { kind: 'unreachable' });
  });

  it('logs to the "Exalate" LogOutputChannel without tokens', async () => {
    await setNodes({ url: a.url, label: 'Contoso', token: a.token });
    full.services.log.error(`a line that mentions ${a.token} and Bearer ${b.token}`);
    await vscode.commands.executeCommand('exalate.signIn', { nodeUrl: a.url, token: a.token });
    await vscode.commands.executeCommand('exalate.addNode', { url: b.url, token: 'wrong-token-xyz' });
    const file = path.join(full.services.context.logUri.fsPath, 'Exalate.log');
    await until(`the log file ${file} has the lines (log dir: ${fs.existsSync(path.dirname(file)) ? fs.readdirSync(path.dirname(file)).join(', ') : 'missing'})`, () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(`Signed in to ${a.url}`));
    await until('the log file has the failure', () => fs.readFileSync(file, 'utf8').includes(`Could not add the node ${b.url}`));
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /a line that mentions «redacted» and Bearer «redacted»/);
    for (const secret of [a.token, b.token, 'wrong-token-xyz']) assert.ok(!text.includes(secret), `log contains a token: ${secret.slice(0, 4)}…`);
  });
});
