// The Initiate Connection wizard and Accept Invitation inside the real extension host, against real sandbox
// processes. The webview's intents are fed through the panel's message handler (the same zod-checked path as
// postMessage); the e2e suite clicks the real webview.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExalateTestApi } from '../../src/extension';
import type { AcceptOutcome } from '../../src/wizard/accept';
import type { WizardPanel } from '../../src/wizard/panel';
import type { WizardState } from '../../src/shared/wizardProtocol';
import { startSandboxProcess, type SandboxProcess } from './support/sandbox';
import { until as untilTrue } from './support/until';
import { TestUserInput } from './support/userInput';
import { sentence } from '../../src/shared/messages';

const EXTENSION_ID = 'exalate-vscode.exalate-connections';

/** Waits until the panel's state satisfies `pred`; fails naming `what` after `ms` or when the panel closes. */
async function until(panel: WizardPanel, pred: (s: WizardState) => boolean, what: string, ms = 15_000): Promise<void> {
  if (pred(panel.state)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (e?: Error) => {
      clearTimeout(deadline);
      clearInterval(closed);
      sub.dispose();
      if (e) reject(e);
      else resolve();
    };
    const sub = panel.onDidChange((s) => {
      if (pred(s)) done();
    });
    const deadline = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what}; state: ${JSON.stringify({ step: panel.state.step, busy: panel.state.busy, projects: panel.state.projects.status, errors: panel.state.errors })}`)), ms);
    const closed = setInterval(() => {
      if (panel.disposed) done(new Error(`panel closed while waiting for ${what}`));
    }, 200);
  });
}

/** Re-reads the connection (the node has no push) until it has `status`; fails with the last status seen after `ms`. */
async function waitForStatus(sp: SandboxProcess, api: ExalateTestApi, id: string, status: string, ms = 20_000): Promise<void> {
  const client = (await api.services.nodes.client(sp.url))!;
  let last = '';
  await untilTrue(`connection ${id} on ${sp.name} to be "${status}"`, async () => (last = (await client.getConnection(id)).status) === status, ms).catch((e: Error) => {
    throw new Error(`connection ${id} on ${sp.name} is still "${last}" after ${ms} ms, expected "${status}" (${e.message})`);
  });
}

describe('wizard: Initiate Connection and Accept Invitation (real sandbox nodes)', function () {
  this.timeout(60_000);
  let api: ExalateTestApi;
  let a: SandboxProcess;
  let b: SandboxProcess;
  const started: SandboxProcess[] = [];
  /** The scripted user: answers the prompts each test queues, fails on any other (test/integration/support/userInput.ts). */
  let user: TestUserInput;
  /** Numbers the scripted edits as the webview does. */
  let seq = 0;

  async function addNode(sp: SandboxProcess, pat: string | undefined = sp.adoPat): Promise<void> {
    await api.services.nodes.upsert({ url: sp.url, label: sp.name, adoOrgUrl: sp.ado }, sp.token, pat);
  }

  async function open(sp: SandboxProcess): Promise<WizardPanel> {
    const before = api.wizard.panels.length;
    await vscode.commands.executeCommand('exalate.initiateConnection', { nodeUrl: sp.url });
    assert.equal(api.wizard.panels.length, before + 1, 'a wizard panel opened');
    return api.wizard.panels[api.wizard.panels.length - 1];
  }

  async function privateToProjects(panel: WizardPanel, remote: string, name?: string): Promise<void> {
    await panel.receive({ type: 'setPrivate', value: true });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'mode');
    await panel.receive({ type: 'setMode', mode: 'script' });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'info');
    await panel.receive({ type: 'input', field: 'remoteShortName', value: remote, seq: ++seq });
    if (name) await panel.receive({ type: 'input', field: 'name', value: name, seq: ++seq });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'project', JSON.stringify(panel.state.errors));
    await until(panel, (s) => s.projects.status !== 'loading' && s.projects.status !== 'idle', 'the project list');
  }

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as ExalateTestApi;
    [a, b] = await Promise.all([startSandboxProcess({ name: 'wizA', seed: true }), startSandboxProcess({ name: 'wizB', seed: true })]);
    started.push(a, b);
    await addNode(a);
    await addNode(b);
  });

  beforeEach(() => {
    user = new TestUserInput();
    api.services.ui.use(user);
  });

  afterEach(async () => {
    for (const p of [...api.wizard.panels]) p.panel.dispose();
    user.assertDone();
  });

  after(async () => {
    api.services.ui.use(undefined);
    for (const sp of started) await api.services.nodes.remove(sp.url).catch(() => undefined);
    await Promise.all(started.map((sp) => sp.dispose()));
  });

  it('private flow: initiate on A, copy the code, Done; accept on B; both active', async () => {
    // As when the Connections view shows node A: its list is loaded before the wizard runs (the tree creates a
    // node's model only when it shows the node, and a refresh reloads the models that exist).
    await api.connections.tree.model(a.url).ensureLoaded();
    const panel = await open(a);
    assert.equal(panel.state.step, 'destination');
    assert.equal(panel.state.localShortName, 'wizA');
    await privateToProjects(panel, 'wizB');
    assert.equal(panel.state.projects.status, 'ready', panel.state.projects.error);
    assert.ok(panel.state.projects.items.includes('Payments'), panel.state.projects.items.join());
    assert.equal(panel.state.name, 'wizA_to_wizB');
    await panel.receive({ type: 'setProject', project: 'Payments' });
    // A double click on Initiate: the second intent arrives while the first is running.
    await Promise.all([panel.receive({ type: 'next' }), panel.receive({ type: 'next' })]);
    assert.equal(panel.state.step, 'invitation', JSON.stringify(panel.state.errors));
    const result = panel.state.result!;
    assert.match(result.invitationCode!, /^EXA1\./);

    const clientA = (await api.services.nodes.client(a.url))!;
    const mine = (await clientA.listConnections({ limit: 500 })).items.filter((c) => c.name === 'wizA_to_wizB');
    assert.equal(mine.length, 1, 'exactly one connection was created');
    assert.equal(mine[0].status, 'pending');
    assert.equal(mine[0].type, 'private');
    assert.equal(mine[0].project, 'Payments');
    // The Connections view lists it as soon as Initiate succeeded (before Done).
    const listed = () => api.connections.tree.model(a.url).connections.some((c) => c.id === result.connectionId);
    assert.ok(listed(), 'the new connection is in the Connections view before Done');

    await vscode.env.clipboard.writeText('nothing yet');
    await panel.receive({ type: 'copyInvitation' });
    assert.equal(await vscode.env.clipboard.readText(), result.invitationCode);
    assert.equal(panel.state.notice, 'Invitation code copied to the clipboard.');

    await panel.receive({ type: 'done' });
    assert.equal(panel.disposed, true, 'Done closes the panel');

    user.answer({ button: 'Accept', expect: /^Accept the invitation "wizA_to_wizB" from wizA\?/ });
    const outcome = (await vscode.commands.executeCommand('exalate.acceptInvitation', {
      nodeUrl: b.url,
      invitationCode: result.invitationCode,
      project: 'Mobile App',
    })) as AcceptOutcome;
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.ok(outcome.ok);
    assert.equal(outcome.connection.status, 'active');
    assert.equal(outcome.connection.project, 'Mobile App');
    assert.equal(outcome.connection.role, 'acceptor');
    await waitForStatus(a, api, result.connectionId, 'active');
  });

  it('ignores and logs malformed webview messages', async () => {
    const panel = await open(a);
    const before = JSON.stringify(panel.state);
    for (const bad of [{ type: 'initiate' }, { type: 'input', field: 'token', value: 'x' }, 'next', null, { type: 'next', extra: 1 }]) {
      await panel.receive(bad);
    }
    assert.equal(panel.rejectedMessages, 5);
    assert.equal(JSON.stringify(panel.state), before, 'nothing changed');
  });

  it('public flow: checks the destination, offers its modes and initiates a public connection', async () => {
    const panel = await open(a);
    await panel.receive({ type: 'input', field: 'destinationUrl', value: a.url, seq: ++seq });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'destination');
    assert.match(panel.state.errors.destinationUrl!, /is your own node/);

    await panel.receive({ type: 'input', field: 'destinationUrl', value: 'http://127.0.0.1:9', seq: ++seq });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'destination');
    assert.match(panel.state.errors.destinationUrl!, /could not reach/i);

    await panel.receive({ type: 'input', field: 'destinationUrl', value: `${b.url}/`, seq: ++seq });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'mode', JSON.stringify(panel.state.errors));
    assert.ok(panel.state.modeOptions.every((o) => o.enabled));
    await panel.receive({ type: 'setMode', mode: 'script' });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.remoteShortName, 'wizB', 'the destination short name is suggested');
    await panel.receive({ type: 'input', field: 'name', value: 'Public wizard', seq: ++seq });
    await panel.receive({ type: 'next' });
    await until(panel, (s) => s.projects.status === 'ready', 'projects');
    await panel.receive({ type: 'setProject', project: 'Customer Portal' });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'invitation', JSON.stringify(panel.state.errors));
    assert.equal(panel.state.result?.type, 'public');
    const conn = await (await api.services.nodes.client(a.url))!.getConnection(panel.state.result!.connectionId);
    assert.equal(conn.remoteUrl, b.url);
  });

  it('reports an existing name before Initiate, and Escape with typed data asks before discarding', async () => {
    const clientA = (await api.services.nodes.client(a.url))!;
    const existing = (await clientA.listConnections({ limit: 1 })).items[0];
    assert.ok(existing, 'the seeded node has connections');
    const panel = await open(a);
    await panel.receive({ type: 'setPrivate', value: true });
    await panel.receive({ type: 'next' });
    await panel.receive({ type: 'next' });
    await panel.receive({ type: 'input', field: 'remoteShortName', value: 'other', seq: ++seq });
    await panel.receive({ type: 'input', field: 'name', value: existing.name.toUpperCase(), seq: ++seq });
    await panel.receive({ type: 'next' });
    assert.equal(panel.state.step, 'info');
    assert.match(panel.state.errors.name!, /already exists/);

    user.answer({ button: undefined, expect: /^Discard the new connection\?/ });
    await panel.receive({ type: 'cancel' });
    assert.equal(panel.disposed, false, 'declining the confirmation keeps the wizard');
    user.answer({ button: 'Discard' });
    await panel.receive({ type: 'cancel' });
    assert.equal(panel.disposed, true);
  });

  it('shows a wrong PAT inline with Set PAT, which stores the new one in secret storage and lists the projects', async () => {
    await api.services.nodes.setAdoPat(a.url, 'definitely-wrong-pat');
    try {
      const panel = await open(a);
      await privateToProjects(panel, 'patpartner', 'PAT check');
      assert.equal(panel.state.projects.status, 'error');
      assert.match(panel.state.projects.error!, /rejected the personal access token/);
      assert.deepEqual(panel.state.projects.actions, ['setPat', 'retry']);
      assert.equal(panel.state.canNext, false);
      user.answer({ input: a.adoPat, expect: /Azure DevOps PAT for wizA/ });
      await panel.receive({ type: 'action', action: 'setPat' });
      assert.equal(panel.state.projects.status, 'ready', panel.state.projects.error);
      assert.equal(await api.services.nodes.getAdoPat(a.url), a.adoPat);
      const settings = JSON.stringify(vscode.workspace.getConfiguration('exalate').get('nodes'));
      assert.equal(settings.includes(a.adoPat), false, 'the PAT is not in settings');
    } finally {
      await api.services.nodes.setAdoPat(a.url, a.adoPat);
    }
  });

  it('shows an empty organization with Retry', async () => {
    const empty = await startSandboxProcess({ name: 'wizEmpty' });
    started.push(empty);
    await addNode(empty);
    const panel = await open(empty);
    await privateToProjects(panel, 'partner');
    assert.equal(panel.state.projects.status, 'error');
    assert.match(panel.state.projects.error!, /has no projects yet/);
    assert.deepEqual(panel.state.projects.actions, ['retry']);
  });

  it('shows the organization a node suggests and sends the PAT there only after the user confirms it, once', async () => {
    const n = await startSandboxProcess({ name: 'wizOrg', seed: true });
    started.push(n);
    await api.services.nodes.upsert({ url: n.url, label: n.name }, n.token, n.adoPat); // no adoOrgUrl: the node suggests one
    const asked = () => user.prompts.map((p) => p.text.split('\n')[0]);
    user.answer({ button: undefined });
    try {
      const panel = await open(n);
      await privateToProjects(panel, 'orgpartner');
      assert.deepEqual(asked(), [`Send your Azure DevOps PAT to ${n.ado}?`]);
      assert.equal(panel.state.projects.status, 'error');
      assert.match(panel.state.projects.error!, /PAT was not sent/);
      assert.equal(api.services.nodes.get(n.url)?.adoOrgUrl, undefined, 'nothing recorded when declined');
      user.answer({ button: 'Use This Organization' });
      await panel.receive({ type: 'action', action: 'retry' });
      await until(panel, (s) => s.projects.status !== 'loading', 'the project list after confirming');
      assert.equal(panel.state.projects.status, 'ready', panel.state.projects.error);
      assert.equal(api.services.nodes.get(n.url)?.adoOrgUrl, n.ado, 'the confirmed organization is recorded');
      await panel.receive({ type: 'action', action: 'retry' });
      await until(panel, (s) => s.projects.status === 'ready', 'the second listing');
      assert.equal(asked().length, 2, 'asked once more only for the retry after declining, never again');
      panel.dispose();
    } finally {
      // Nothing to restore: the scripted user belongs to this test; the node is removed in after().
    }
  });

  describe('Accept Invitation: bad codes create nothing', () => {
    async function count(sp: SandboxProcess): Promise<number> {
      let n = 0;
      for await (const page of (await api.services.nodes.client(sp.url))!.iterateConnectionPages({ limit: 500 })) n += page.items.length;
      return n;
    }
    async function code(sp: SandboxProcess, name: string): Promise<string> {
      const client = (await api.services.nodes.client(sp.url))!;
      const res = await client.initiateConnection(
        { destinationUrl: null, mode: 'script', localShortName: sp.name, remoteShortName: 'wizB', name, project: 'Payments' },
        globalThis.crypto.randomUUID(),
      );
      return res.invitationCode;
    }
    async function accept(sp: SandboxProcess, invitationCode: string): Promise<AcceptOutcome> {
      const before = await count(sp);
      const out = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: sp.url, invitationCode, project: 'Payments' })) as AcceptOutcome;
      assert.equal(await count(sp), before, 'nothing was created');
      assert.equal(out.ok, false);
      assert.ok(!out.ok);
      assert.equal(user.errors().at(-1), sentence(out.message), 'the user sees the message');
      return out;
    }

    it('malformed', async () => {
      const out = await accept(b, 'hello, this is not a code');
      assert.ok(!out.ok && out.code === 'invitation_malformed', JSON.stringify(out));
      assert.match(out.message, /not an Exalate invitation code/);
    });

    it('tampered', async () => {
      const good = await code(a, 'Tamper target');
      const parts = good.split('.');
      const tag = parts[2];
      parts[2] = (tag[0] === 'A' ? 'B' : 'A') + tag.slice(1);
      const out = await accept(b, parts.join('.'));
      assert.ok(!out.ok && out.code === 'invitation_tampered', JSON.stringify(out));
      assert.match(out.message, /altered/);
    });

    it('already used', async () => {
      const good = await code(a, 'Used twice');
      user.answer({ button: 'Accept' });
      const first = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: b.url, invitationCode: good, project: 'Payments' })) as AcceptOutcome;
      assert.equal(first.ok, true, JSON.stringify(first));
      const out = await accept(b, good);
      assert.ok(!out.ok && out.code === 'invitation_used', JSON.stringify(out));
      assert.match(out.message, /already accepted/);
    });

    it('own invitation', async () => {
      const out = await accept(a, await code(a, 'Own code'));
      assert.ok(!out.ok && out.code === 'own_invitation', JSON.stringify(out));
      assert.match(out.message, /issued by this same node/);
    });

    it('unreachable initiator', async () => {
      const gone = await startSandboxProcess({ name: 'wizGone' });
      started.push(gone);
      await addNode(gone);
      const c = await code(gone, 'Gone soon');
      await gone.stop();
      const out = await accept(b, c);
      assert.ok(!out.ok && out.code === 'initiator_unreachable', JSON.stringify(out));
      assert.match(out.message, /could not reach the initiating node at http/);
    });

    it('expired', async () => {
      const short = await startSandboxProcess({ name: 'wizShort', extraArgs: ['--invitation-ttl', '1'] });
      started.push(short);
      await addNode(short);
      const c = await code(short, 'Expires fast');
      const clientB = (await api.services.nodes.client(b.url))!;
      while (!(await clientB.previewInvitation(c)).expired) await new Promise((r) => setTimeout(r, 200));
      const out = await accept(b, c);
      assert.ok(!out.ok && out.code === 'invitation_expired', JSON.stringify(out));
      assert.match(out.message, /has expired .*Ask wizShort/);
    });

    it('a code already accepted on another node is reported right after pasting, before the project is asked', async () => {
      const other = await startSandboxProcess({ name: 'wizOther' });
      started.push(other);
      await addNode(other);
      const good = await code(a, 'Used elsewhere');
      user.answer({ button: 'Accept' });
      const first = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: other.url, invitationCode: good, project: 'Payments' })) as AcceptOutcome;
      assert.equal(first.ok, true, JSON.stringify(first));
      const before = await count(b);
      const asked = user.prompts.length;
      const out = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: b.url, invitationCode: good })) as AcceptOutcome | undefined;
      assert.deepEqual(user.prompts.slice(asked), [], 'nothing was asked (no confirmation, no project)');
      assert.ok(out && !out.ok && out.code === 'invitation_used', JSON.stringify(out));
      assert.match(out.message, /already accepted/);
      assert.equal(user.errors().at(-1), sentence(out.message));
      assert.equal(await count(b), before);
    });

    it('shows what the code says (initiator, name, expiry) before asking for the project', async () => {
      const c = await code(a, 'Preview first');
      user.answer({ button: 'Continue' }, { pick: 'Payments' });
      const out = (await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: b.url, invitationCode: c })) as AcceptOutcome;
      assert.equal(out.ok, true, JSON.stringify(out));
      const asked = user.prompts.map((p) => `${p.kind}: ${p.text}`);
      assert.equal(asked.length, 2, asked.join(' | '));
      assert.match(asked[0], /^button: .*"Preview first" from wizA/);
      assert.match(asked[0], new RegExp(`Initiator: wizA \\(${a.url.replace(/[.]/g, '\\.')}\\)`));
      assert.match(asked[0], /Expires: /);
      assert.match(asked[1], /^pick: .*"Preview first"/);
    });

    it('declining the confirmation creates nothing', async () => {
      user.answer({ button: undefined, expect: /^Accept the invitation "Declined"/ });
      const c = await code(a, 'Declined');
      const before = await count(b);
      const out = await vscode.commands.executeCommand('exalate.acceptInvitation', { nodeUrl: b.url, invitationCode: c, project: 'Payments' });
      assert.equal(out, undefined);
      assert.equal(await count(b), before);
    });
  });
});
