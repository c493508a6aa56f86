// The "Initiate Connection" wizard logic (src/wizard/machine.ts), driven step by step with scripted node answers:
// every step, Back, inline validation, the name check, project list problems, and every failure path of Initiate.
import * as assert from 'node:assert/strict';
import type { InitiateRequest, InitiateResponse, PublicNodeInfo } from '../../src/shared/api';
import { ConflictError, InvalidError, UnauthorizedError, UnreachableError } from '../../src/exalate/errors';
import { ProjectsProblem, WizardMachine, type WizardDeps, type WizardInit } from '../../src/wizard/machine';
import { PersistedWizardSchema, WebviewToHostSchema } from '../../src/shared/wizardProtocol';

const NODE = 'http://127.0.0.1:9001';
const init: WizardInit = {
  node: { url: NODE, label: 'contoso' },
  localModes: ['script', 'visual', 'basic'],
  localShortName: 'contoso',
  idempotencyKey: 'key-0123456789',
};

function connectionFor(req: InitiateRequest, id = 'c-1') {
  return {
    id,
    name: req.name,
    description: req.description ?? '',
    localShortName: req.localShortName,
    remoteShortName: req.remoteShortName,
    remoteUrl: req.destinationUrl,
    type: req.destinationUrl === null ? ('private' as const) : ('public' as const),
    mode: req.mode,
    status: 'pending' as const,
    role: 'initiator' as const,
    project: req.project,
    createdAt: '2025-01-01T00:00:00.000Z',
    lastContactAt: null,
  };
}

/** Scripted node: records calls; each answer can be replaced per test. */
function fakeDeps(over: Partial<WizardDeps> = {}) {
  const calls = { check: [] as string[], names: 0, projects: 0, initiate: [] as Array<{ req: InitiateRequest; key: string }>, invitation: [] as string[] };
  const deps: WizardDeps = {
    checkDestination: async (url) => {
      calls.check.push(url);
      return over.checkDestination ? over.checkDestination(url) : publicInfo();
    },
    connectionNames: async () => {
      calls.names++;
      return over.connectionNames ? over.connectionNames() : ['Existing'];
    },
    listProjects: async () => {
      calls.projects++;
      return over.listProjects ? over.listProjects() : { orgUrl: `${NODE}/ado/contoso`, items: ['Payments', 'Mobile App', 'Customer Portal'] };
    },
    initiate: async (req, key) => {
      calls.initiate.push({ req, key });
      if (over.initiate) return over.initiate(req, key);
      return { connection: connectionFor(req), invitationCode: 'EXA1.code.tag' } satisfies InitiateResponse;
    },
    getInvitationCode: async (id) => {
      calls.invitation.push(id);
      return over.getInvitationCode ? over.getInvitationCode(id) : { invitationCode: 'EXA1.again.tag', expiresAt: '2030-01-01T00:00:00.000Z' };
    },
  };
  return { deps, calls };
}

function publicInfo(modes: PublicNodeInfo['modes'] = ['script', 'visual']): PublicNodeInfo {
  return { kind: 'exalate-node', apiVersion: 'v1', shortName: 'fabrikam', platform: 'azure-devops', publicUrl: 'http://127.0.0.1:9002', version: '1', modes, nodeId: 'n2' };
}

/** Waits (at most 5 s, then fails naming `what`) until a state change satisfies `pred`. */
function changed(m: WizardMachine, pred: (s: WizardMachine['state']) => boolean, what: string): Promise<void> {
  if (pred(m.state)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after 5 s waiting for ${what}; state: ${JSON.stringify({ step: m.state.step, errors: m.state.errors })}`));
    }, 5000);
    const off = m.onChange((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Waits for the machine's change event that leaves it idle (projects loaded in the background, etc.); fails loudly. */
function settle(m: WizardMachine, ms = 5_000): Promise<void> {
  const idle = () => !m.state.busy && m.state.projects.status !== 'loading';
  if (idle()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the wizard machine is still busy after ${ms} ms: ${JSON.stringify({ busy: m.state.busy, projects: m.state.projects.status })}`));
    }, ms);
    const off = m.onChange(() => {
      if (!idle()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

async function toProjectStep(m: WizardMachine): Promise<void> {
  m.setPrivate(true);
  await m.next();
  await m.next(); // Script is preselected for a private destination
  m.input('remoteShortName', 'partner');
  await m.next();
  await settle(m);
}

describe('wizard: Initiate Connection state machine', () => {
  it('walks the private flow through every step and initiates once with the run key', async () => {
    const { deps, calls } = fakeDeps();
    const m = new WizardMachine(deps, init);
    const focusSteps: string[] = [];
    m.onChange((s, changed) => changed && focusSteps.push(s.step));

    assert.equal(m.state.step, 'destination');
    assert.equal(m.state.canNext, false, 'Next is disabled before a URL or "I don\'t have a URL"');
    m.setPrivate(true);
    assert.equal(m.state.canNext, true);
    await m.next();
    assert.equal(m.state.step, 'mode');
    assert.deepEqual(calls.check, [], 'a private destination is not checked');
    const visual = m.state.modeOptions.find((o) => o.mode === 'visual')!;
    assert.equal(visual.enabled, false);
    assert.match(visual.reason!, /Script mode only/);
    assert.equal(m.state.mode, 'script');
    m.setMode('visual');
    assert.equal(m.state.mode, 'script', 'a disabled mode cannot be chosen');
    assert.match(m.state.errors.mode!, /Script mode only/);
    m.setMode('script');
    assert.equal(m.state.errors.mode, undefined);
    await m.next();

    assert.equal(m.state.step, 'info');
    assert.equal(m.state.localShortName, 'contoso', 'the local short name is suggested from the node');
    assert.equal(m.state.canNext, false);
    m.input('remoteShortName', 'partner');
    assert.equal(m.state.name, 'contoso_to_partner', 'the connection name is suggested');
    m.input('localShortName', 'ado');
    assert.equal(m.state.name, 'ado_to_partner', 'the suggestion follows the short names until edited');
    m.input('description', 'Payments sync');
    assert.equal(m.state.canNext, true);
    await m.next();

    assert.equal(m.state.step, 'project');
    await settle(m);
    assert.equal(calls.names, 1);
    assert.equal(m.state.projects.status, 'ready');
    assert.deepEqual(m.state.projects.items, ['Customer Portal', 'Mobile App', 'Payments'], 'sorted');
    assert.equal(m.state.canNext, false, 'Initiate is disabled until a project is chosen');
    m.setProject('Nope');
    assert.match(m.state.errors.project!, /not a project/);
    m.setProject('Payments');
    assert.equal(m.state.canNext, true);

    const first = m.next();
    const second = m.next(); // double click while initiating
    await Promise.all([first, second]);
    assert.equal(calls.initiate.length, 1, 'a double click initiates once');
    assert.deepEqual(calls.initiate[0], {
      key: 'key-0123456789',
      req: { destinationUrl: null, mode: 'script', localShortName: 'ado', remoteShortName: 'partner', name: 'ado_to_partner', description: 'Payments sync', project: 'Payments' },
    });
    assert.equal(m.state.step, 'invitation');
    assert.equal(m.state.result?.invitationCode, 'EXA1.code.tag');
    assert.equal(m.state.result?.type, 'private');
    assert.deepEqual(focusSteps, ['mode', 'info', 'project', 'invitation'], 'focus moves on every step change');
    m.back();
    assert.equal(m.state.step, 'invitation', 'no going back once the connection exists');
    m.input('name', 'changed');
    assert.equal(m.state.name, 'ado_to_partner', 'inputs are frozen after Initiate');
  });

  it('goes Back through every step keeping what was typed', async () => {
    const { deps } = fakeDeps();
    const m = new WizardMachine(deps, init);
    await toProjectStep(m);
    assert.equal(m.state.step, 'project');
    m.back();
    assert.equal(m.state.step, 'info');
    assert.equal(m.state.remoteShortName, 'partner');
    m.back();
    assert.equal(m.state.step, 'mode');
    m.back();
    assert.equal(m.state.step, 'destination');
    assert.equal(m.state.privateDestination, true);
    m.back();
    assert.equal(m.state.step, 'destination', 'Back on the first step does nothing');
  });

  it('validates the destination URL inline and shows the node\'s check problems on the field', async () => {
    let answer: () => Promise<PublicNodeInfo> = async () => publicInfo();
    const { deps, calls } = fakeDeps({ checkDestination: () => answer() });
    const m = new WizardMachine(deps, init);
    m.input('destinationUrl', 'ftp://x');
    assert.match(m.state.errors.destinationUrl!, /http:\/\/ or https:\/\//);
    assert.equal(m.state.canNext, false);
    await m.next();
    assert.equal(m.state.step, 'destination');
    assert.deepEqual(calls.check, []);

    const init0 = { nodeUrl: NODE };
    answer = async () => {
      throw new InvalidError({ destinationUrl: 'This is the URL of this node' }, 'x', { ...init0, code: 'destination_is_self' });
    };
    m.input('destinationUrl', `${NODE}/`);
    await m.next();
    assert.equal(m.state.step, 'destination');
    assert.match(m.state.errors.destinationUrl!, /is your own node\. Enter the URL of the other node/);
    assert.equal(calls.check.at(-1), NODE, 'the URL is normalised before the check');

    answer = async () => {
      throw new UnreachableError('http://127.0.0.1:1', false, true, 'x', init0);
    };
    m.input('destinationUrl', 'http://127.0.0.1:1');
    await m.next();
    assert.match(m.state.errors.destinationUrl!, /could not reach http:\/\/127\.0\.0\.1:1/);

    answer = async () => {
      throw new InvalidError({ destinationUrl: 'http://127.0.0.1:2 is not an Exalate node (404)' }, 'x', { ...init0, code: 'destination_not_a_node' });
    };
    m.input('destinationUrl', 'http://127.0.0.1:2');
    await m.next();
    assert.match(m.state.errors.destinationUrl!, /not an Exalate node/);
    m.input('destinationUrl', 'http://127.0.0.1:3');
    assert.equal(m.state.errors.destinationUrl, undefined, 'typing clears the old problem');
  });

  it('public flow: offers the destination\'s modes and suggests its short name', async () => {
    const { deps, calls } = fakeDeps({ checkDestination: async () => publicInfo(['script']) });
    const m = new WizardMachine(deps, init);
    m.input('destinationUrl', 'http://127.0.0.1:9002');
    await m.next();
    assert.equal(m.state.step, 'mode');
    const visual = m.state.modeOptions.find((o) => o.mode === 'visual')!;
    assert.equal(visual.enabled, false);
    assert.match(visual.reason!, /fabrikam does not offer Visual/);
    assert.equal(m.state.mode, 'script', 'the only possible mode is preselected');
    await m.next();
    assert.equal(m.state.remoteShortName, 'fabrikam');
    assert.equal(m.state.name, 'contoso_to_fabrikam');
    await m.next();
    await settle(m);
    m.setProject('Payments');
    await m.next();
    assert.equal(calls.initiate[0].req.destinationUrl, 'http://127.0.0.1:9002');
    assert.equal(m.state.result?.type, 'public');
  });

  it('does not preselect a mode when the destination offers several, and Next waits for a choice', async () => {
    const { deps } = fakeDeps();
    const m = new WizardMachine(deps, init);
    m.input('destinationUrl', 'http://127.0.0.1:9002');
    await m.next();
    assert.equal(m.state.mode, null);
    assert.equal(m.state.canNext, false);
    await m.next();
    assert.equal(m.state.errors.mode, 'Choose a configuration type.');
    m.setMode('visual');
    assert.equal(m.state.canNext, true);
  });

  it('shows short name and connection name problems as the user types, and required fields on Next', async () => {
    const { deps } = fakeDeps();
    const m = new WizardMachine(deps, init);
    m.setPrivate(true);
    await m.next();
    await m.next();
    await m.next(); // remote short name still empty
    assert.equal(m.state.step, 'info');
    assert.equal(m.state.errors.remoteShortName, 'Remote instance short name is required');
    assert.equal(m.state.errors.name, 'Connection name is required');
    m.input('remoteShortName', 'bad name!');
    assert.match(m.state.errors.remoteShortName!, /must start with a letter or digit/);
    m.input('remoteShortName', 'CONTOSO');
    assert.equal(m.state.errors.remoteShortName, 'Remote instance short name must differ from the local one');
    m.input('remoteShortName', 'partner');
    assert.equal(m.state.errors.remoteShortName, undefined);
    m.input('name', 'x'.repeat(256));
    assert.match(m.state.errors.name!, /at most 255/);
    assert.equal(m.state.nameEdited, true);
    m.input('name', '');
    assert.equal(m.state.nameEdited, false, 'clearing the name brings the suggestion back');
    assert.equal(m.state.name, 'contoso_to_partner');
    m.input('name', '<img src=x onerror=alert(1)>');
    assert.equal(m.state.errors.name, undefined, 'any text is a valid name; the webview renders it as text');
    assert.equal(m.state.canNext, true);
  });

  it('reports a name that already exists while the user types (debounced, ignoring case), before Next', async () => {
    const { deps, calls } = fakeDeps({ connectionNames: async () => ['Contoso_To_Partner', 'Orders'] });
    const m = new WizardMachine(deps, { ...init, nameCheckDelayMs: 20 });
    m.setPrivate(true);
    await m.next();
    await m.next();
    assert.equal(m.state.step, 'info');
    const before = calls.names;
    // Typed quickly: one check after the pause, for the last value only.
    for (const v of ['o', 'or', 'ord', 'orde', 'ORDERS']) m.input('name', v);
    await changed(m, (s) => !!s.errors.name, 'the duplicate name message');
    assert.equal(calls.names - before, 1, 'one check for the whole burst of keys');
    assert.match(m.state.errors.name!, /A connection named "ORDERS" already exists on contoso/);
    assert.equal(m.state.canNext, false);
    // The suggested name (from the short names) is checked too, and the message goes once the name is free.
    m.input('name', '');
    m.input('remoteShortName', 'partner');
    assert.equal(m.state.name, 'contoso_to_partner');
    await changed(m, (s) => /contoso_to_partner/.test(s.errors.name ?? ''), 'the duplicate suggested name');
    m.input('name', 'Orders 2');
    await changed(m, (s) => s.canNext, 'Next enabled for a free name');
    assert.equal(m.state.errors.name, undefined);
    m.dispose();
  });

  it('reports a name that already exists on the node before Initiate', async () => {
    const { deps, calls } = fakeDeps({ connectionNames: async () => ['Contoso_To_Partner'] });
    const m = new WizardMachine(deps, init);
    m.setPrivate(true);
    await m.next();
    await m.next();
    m.input('remoteShortName', 'partner');
    await m.next();
    assert.equal(m.state.step, 'info');
    assert.match(m.state.errors.name!, /already exists on contoso/);
    assert.equal(m.state.canNext, false);
    assert.equal(calls.projects, 0);
    m.input('name', 'Another');
    assert.equal(m.state.canNext, true);
    await m.next();
    assert.equal(m.state.step, 'project');
  });

  it('shows project list problems with their actions, and Retry recovers', async () => {
    let n = 0;
    const { deps } = fakeDeps({
      listProjects: async () => {
        n++;
        if (n === 1) throw new ProjectsProblem('No Azure DevOps personal access token is stored for contoso.', ['setPat']);
        if (n === 2) return { orgUrl: `${NODE}/ado/empty`, items: [] };
        if (n === 3) throw new Error('socket hang up');
        return { orgUrl: `${NODE}/ado/contoso`, items: ['Payments'] };
      },
    });
    const m = new WizardMachine(deps, init);
    await toProjectStep(m);
    assert.equal(m.state.projects.status, 'error');
    assert.deepEqual(m.state.projects.actions, ['setPat']);
    assert.equal(m.state.canNext, false);
    await m.loadProjects();
    assert.match(m.state.projects.error!, /has no projects yet/);
    assert.deepEqual(m.state.projects.actions, ['retry']);
    await m.loadProjects();
    assert.match(m.state.projects.error!, /socket hang up/);
    await m.loadProjects();
    assert.equal(m.state.projects.status, 'ready');
    m.setProject('Payments');
    assert.equal(m.state.canNext, true);
  });

  it('puts Initiate failures on the right step and retries with the same key', async () => {
    const failures: unknown[] = [
      new ConflictError('duplicate_name', 'dup', { nodeUrl: NODE }),
      new InvalidError({ project: 'Project is required' }, 'bad', { nodeUrl: NODE }),
      new UnreachableError(NODE, true, false, `The Exalate node at ${NODE} did not answer within 10 s.`, { nodeUrl: NODE }),
      new UnauthorizedError({ nodeUrl: NODE }),
    ];
    const { deps, calls } = fakeDeps({
      initiate: async (req) => {
        const f = failures.shift();
        if (f) throw f;
        return { connection: connectionFor(req, 'c-9'), invitationCode: 'EXA1.ok.tag' };
      },
    });
    const m = new WizardMachine(deps, init);
    await toProjectStep(m);
    m.setProject('Payments');
    await m.next();
    assert.equal(m.state.step, 'info', 'a duplicate name goes back to the name');
    assert.match(m.state.errors.name!, /already exists/);
    m.input('name', 'Unique');
    await m.next();
    await settle(m);
    m.setProject('Payments');
    await m.next();
    assert.equal(m.state.step, 'project');
    assert.equal(m.state.errors.project, 'Project is required');
    await m.next();
    assert.equal(m.state.step, 'project');
    assert.match(m.state.errors._!, /not created: The Exalate node .* did not answer/);
    await m.next();
    assert.match(m.state.errors._!, /rejected the API token/);
    await m.next();
    assert.equal(m.state.step, 'invitation');
    assert.equal(new Set(calls.initiate.map((c) => c.key)).size, 1, 'every attempt of the run uses the same idempotency key');
    assert.equal(calls.initiate.length, 5);
  });

  it('persists typed inputs without secrets or the invitation code, and a restored run never initiates again', async () => {
    const { deps, calls } = fakeDeps();
    const m = new WizardMachine(deps, init);
    await toProjectStep(m);
    m.setProject('Payments');
    await m.next();
    const saved = m.persist();
    assert.ok(PersistedWizardSchema.safeParse(saved).success);
    assert.equal(JSON.stringify(saved).includes('EXA1.code.tag'), false, 'the invitation code is not persisted');

    const again = fakeDeps();
    const restored = new WizardMachine(again.deps, { ...init, idempotencyKey: 'other-key-xyz' }, PersistedWizardSchema.parse(JSON.parse(JSON.stringify(saved))));
    assert.equal(restored.state.step, 'invitation');
    assert.equal(restored.state.idempotencyKey, 'key-0123456789');
    await restored.resume();
    assert.deepEqual(again.calls.invitation, ['c-1'], 'the code is fetched again from the node');
    assert.equal(restored.state.result?.invitationCode, 'EXA1.again.tag');
    assert.equal(again.calls.initiate.length, 0);
    assert.equal(calls.initiate.length, 1);
  });

  it('restores a half-filled run on its step (public: the destination is checked again)', async () => {
    const first = fakeDeps();
    const m = new WizardMachine(first.deps, init);
    m.input('destinationUrl', 'http://127.0.0.1:9002');
    await m.next();
    m.setMode('script');
    await m.next();
    m.input('name', 'Typed');
    m.input('description', 'kept');
    const saved = m.persist();
    assert.equal(saved.step, 'info');

    const again = fakeDeps();
    const r = new WizardMachine(again.deps, init, saved);
    await r.resume();
    assert.equal(r.state.step, 'info');
    assert.deepEqual(again.calls.check, ['http://127.0.0.1:9002']);
    assert.equal(r.state.name, 'Typed');
    assert.equal(r.state.description, 'kept');
    assert.equal(r.state.mode, 'script');
    assert.equal(r.dirty, true);
  });

  it('knows when Cancel would lose typed data', () => {
    const m = new WizardMachine(fakeDeps().deps, init);
    assert.equal(m.dirty, false);
    m.input('destinationUrl', 'h');
    assert.equal(m.dirty, true);
  });
});

describe('wizard protocol', () => {
  it('accepts the intents of the webview and rejects anything else', () => {
    assert.ok(WebviewToHostSchema.safeParse({ type: 'input', field: 'name', value: 'x', seq: 1 }).success);
    assert.ok(WebviewToHostSchema.safeParse({ type: 'next' }).success);
    for (const bad of [
      null,
      'next',
      { type: 'initiate' },
      { type: 'input', field: 'token', value: 'x' },
      { type: 'input', field: 'name', value: 5 },
      { type: 'next', extra: true },
      { type: 'setMode', mode: 'magic' },
      { type: 'input', field: 'name', value: 'x'.repeat(10_001), seq: 1 },
      { type: 'input', field: 'name', value: 'x' },
      { type: 'input', field: 'name', value: 'x', seq: 0 },
      { type: 'input', field: 'name', value: 'x', seq: 1.5 },
    ]) {
      assert.equal(WebviewToHostSchema.safeParse(bad).success, false, JSON.stringify(bad)?.slice(0, 60));
    }
  });
});
