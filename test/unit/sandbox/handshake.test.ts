// Two sandbox processes complete a private handshake driven only through the Node API, with the initiator never
// contacting the private (accepting) node; deactivation travels both ways through polling / heartbeats.
import * as assert from 'node:assert/strict';
import type { Connection, InitiateResponse, AcceptInvitationResponse } from '../../../src/shared/api';
import { cleanupTempDirs, client, initiateBody, spawnSandbox, tempDir, waitFor, type SandboxProcess } from './helpers';

const TOKEN_A = 'token-alpha-123';
const TOKEN_B = 'token-beta-4567';

describe('sandbox: private handshake between two processes', function () {
  this.timeout(120_000);
  let a: SandboxProcess;
  let b: SandboxProcess;

  before(async () => {
    [a, b] = await Promise.all([
      spawnSandbox(['--data', tempDir('a'), '--token', TOKEN_A, '--name', 'alpha', '--poll-ms', '150', '--log-requests']),
      spawnSandbox(['--data', tempDir('b'), '--token', TOKEN_B, '--name', 'beta', '--poll-ms', '150', '--log-requests']),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupTempDirs();
  });

  it('prints one JSON ready line with url and ado', () => {
    assert.match(a.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(a.ado, `${a.url}/ado/sandbox-org`);
  });

  it('initiates on A, accepts on B, both active; A never contacts B; deactivation propagates both ways', async () => {
    const apiA = client(a.url, TOKEN_A);
    const apiB = client(b.url, TOKEN_B);

    const init = await apiA<InitiateResponse>('POST', '/api/v1/connections', initiateBody());
    assert.equal(init.status, 201);
    assert.equal(init.json.connection.status, 'pending');
    assert.equal(init.json.connection.type, 'private');
    assert.equal(init.json.connection.remoteUrl, null);
    const id = init.json.connection.id;

    const preview = await apiB<{ connectionName: string; initiatorUrl: string; expired: boolean }>('POST', '/api/v1/invitations/preview', {
      invitationCode: init.json.invitationCode,
    });
    assert.equal(preview.status, 200);
    assert.equal(preview.json.connectionName, 'Alpha to Beta');
    assert.equal(preview.json.initiatorUrl, a.url);
    assert.equal(preview.json.expired, false);

    const acc = await apiB<AcceptInvitationResponse>('POST', '/api/v1/invitations/accept', { invitationCode: init.json.invitationCode, project: 'Beta Project' });
    assert.equal(acc.status, 201, JSON.stringify(acc.json));
    const bConn = acc.json.connection;
    assert.equal(bConn.id, id);
    assert.equal(bConn.status, 'active');
    assert.equal(bConn.role, 'acceptor');
    assert.equal(bConn.remoteUrl, a.url);
    assert.equal(bConn.localShortName, 'beta');
    assert.equal(bConn.remoteShortName, 'alpha');
    assert.equal(bConn.project, 'Beta Project');
    // The description the initiator typed reaches the acceptor's connection (issue 13, defect 7).
    assert.equal(bConn.description, 'test connection');
    assert.ok(bConn.lastContactAt);

    const aConn = (await apiA<Connection>('GET', `/api/v1/connections/${id}`)).json;
    assert.equal(aConn.status, 'active');
    assert.equal(aConn.role, 'initiator');
    assert.equal(aConn.remoteUrl, null);
    assert.ok(aConn.lastContactAt);

    // The invitation is single use, and no longer offered once accepted.
    assert.equal((await apiA('GET', `/api/v1/connections/${id}/invitation`)).status, 409);

    // Initiator deactivates: B learns by polling.
    assert.equal((await apiA('PATCH', `/api/v1/connections/${id}`, { status: 'deactivated' })).status, 200);
    const seenOnB = await waitFor(async () => {
      const c = (await apiB<Connection>('GET', `/api/v1/connections/${id}`)).json;
      return c.status === 'deactivated' ? c : null;
    }, 20_000, 'B to see the deactivation');
    assert.equal(seenOnB.deactivatedBy, 'remote');

    // Initiator reactivates: B becomes active again.
    await apiA('PATCH', `/api/v1/connections/${id}`, { status: 'active' });
    await waitFor(async () => (await apiB<Connection>('GET', `/api/v1/connections/${id}`)).json.status === 'active', 20_000, 'B active again');

    // Acceptor deactivates: A sees it (B pushes right away; polling would also carry it).
    await apiB('PATCH', `/api/v1/connections/${id}`, { status: 'deactivated' });
    const seenOnA = await waitFor(async () => {
      const c = (await apiA<Connection>('GET', `/api/v1/connections/${id}`)).json;
      return c.status === 'deactivated' ? c : null;
    }, 20_000, 'A to see the deactivation');
    assert.equal(seenOnA.deactivatedBy, 'remote');
    assert.equal((await apiB<Connection>('GET', `/api/v1/connections/${id}`)).json.deactivatedBy, 'local');

    // Proof that A never reached B: every request B received carried B's own node token (the test driver);
    // none came with a node-to-node JWT or without credentials. A, meanwhile, served B's node-to-node calls.
    const bRequests = b.stderr().split('\n').filter((l) => l.includes('] request '));
    assert.ok(bRequests.length > 0);
    assert.deepEqual(bRequests.filter((l) => !l.endsWith('credential=node-token')), []);
    assert.ok(bRequests.every((l) => !l.includes('/peer/')));
    const aPeer = a.stderr().split('\n').filter((l) => l.includes('] request POST /api/v1/peer/'));
    assert.ok(aPeer.some((l) => l.includes('/accept ')), 'A served the accept call');
    assert.ok(aPeer.filter((l) => l.includes('/heartbeat ')).length >= 2, 'A served heartbeats');
  });

  it('checks an invitation before accepting: usable (changing nothing), own, used, deleted on the initiator', async () => {
    const apiA = client(a.url, TOKEN_A);
    const apiB = client(b.url, TOKEN_B);
    const init = await apiA<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Checked first' }));
    const code = init.json.invitationCode;
    const ok = await apiB<{ usable: boolean }>('POST', '/api/v1/invitations/check', { invitationCode: code });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { usable: true });
    const own = await apiA<{ error: { code: string } }>('POST', '/api/v1/invitations/check', { invitationCode: code });
    assert.equal(own.json.error.code, 'own_invitation');
    const still = await apiA<Connection>('GET', `/api/v1/connections/${init.json.connection.id}`);
    assert.equal(still.json.status, 'pending', 'the check changed nothing on the initiator');
    // Accepted by someone else (here: B itself, then a third party would see "used" from the initiator).
    assert.equal((await apiB('POST', '/api/v1/invitations/accept', { invitationCode: code, project: 'P' })).status, 201);
    const used = await apiB<{ error: { code: string } }>('POST', '/api/v1/invitations/check', { invitationCode: code });
    assert.equal(used.status, 409);
    assert.equal(used.json.error.code, 'invitation_used');
    // The initiator answers "used" too (a fresh code deleted on A gives "unknown").
    const gone = await apiA<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Deleted before accept' }));
    assert.equal((await apiA('DELETE', `/api/v1/connections/${gone.json.connection.id}`)).status, 204);
    const unknown = await apiB<{ error: { code: string } }>('POST', '/api/v1/invitations/check', { invitationCode: gone.json.invitationCode });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'invitation_unknown');
  });

  it('shows a deletion on the initiator as deactivated by the remote on the acceptor', async () => {
    const apiA = client(a.url, TOKEN_A);
    const apiB = client(b.url, TOKEN_B);
    const init = await apiA<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Second link' }));
    const acc = await apiB<AcceptInvitationResponse>('POST', '/api/v1/invitations/accept', { invitationCode: init.json.invitationCode, project: 'P' });
    assert.equal(acc.status, 201);
    const id = acc.json.connection.id;
    // Deleting on the initiator: the acceptor notices through polling.
    assert.equal((await apiA('DELETE', `/api/v1/connections/${id}`)).status, 204);
    const c = await waitFor(async () => {
      const got = (await apiB<Connection>('GET', `/api/v1/connections/${id}`)).json;
      return got.status === 'deactivated' ? got : null;
    }, 20_000, 'B to see the deletion');
    assert.equal(c.deactivatedBy, 'remote');
  });
});
