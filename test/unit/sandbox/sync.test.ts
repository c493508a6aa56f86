// Work item sync between two in-process sandbox nodes over a private connection (A initiates and is public, B
// accepts and polls): twins created and updated through the emulators, comments both ways without echoes, the
// Node API for queue, errors (retry/resolve) and triggers (validated by the emulator, bulk exalate).
import * as assert from 'node:assert/strict';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { Connection, InitiateResponse, ReceivedReplica, SyncedPage, SyncErrorList, SyncQueue, SyncTriggerList } from '../../../src/shared/api';
import { NotFoundError, ConflictError, InvalidError } from '../../../src/exalate/errors';
import { createExalateClient } from '../../../src/exalate/httpClient';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox';
import { cleanupTempDirs, client, initiateBody, tempDir, waitFor } from './helpers';
import { activate, startSyncPair, wit } from './syncPair';

const TOKEN_A = 'sync-token-alpha-1';
const TOKEN_B = 'sync-token-beta-22';

const add = (field: string, value: unknown) => ({ op: 'add', path: `/fields/${field}`, value });

describe('sandbox: work item sync (two in-process nodes, private connection)', function () {
  this.timeout(120_000);
  let a: RunningSandbox;
  let b: RunningSandbox;
  let apiA: ReturnType<typeof client>;
  let apiB: ReturnType<typeof client>;
  let witA: IWorkItemTrackingApi;
  let witB: IWorkItemTrackingApi;
  let id: string;
  const logs: string[] = [];

  before(async () => {
    ({ a, b, apiA, apiB, witA, witB, id } = await startSyncPair({ prefix: 'sync', tokens: [TOKEN_A, TOKEN_B], name: 'Sync test', logs }));
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(logs.join('\n'));
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupTempDirs();
  });

  const synced = async (api: ReturnType<typeof client>) => (await api<SyncedPage>('GET', `/api/v1/connections/${id}/synced`)).json.items;
  const twinOn = async (api: ReturnType<typeof client>, remoteId: number) =>
    waitFor(async () => (await synced(api)).find((p) => p.remoteId === String(remoteId)), 20_000, `twin of ${remoteId}`);

  it('creates the twin on the other node on an explicit sync, links both sides, and updates the same twin later', async () => {
    const w = await witA.createWorkItem(null, [add('System.Title', 'Checkout fails'), add('System.Description', '<p>Seen <b>twice</b></p>'), add('System.Tags', 'web; urgent'), add('Microsoft.VSTS.Common.Priority', 2)], 'Payments', 'Bug');
    const res = await apiA<{ workItemId: number; queued: boolean }>('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id });
    assert.equal(res.status, 202);
    assert.deepEqual(res.json, { workItemId: w.id, queued: true });
    const pairB = await twinOn(apiB, w.id!);
    const twin = await witB.getWorkItem(pairB.localId);
    assert.equal(twin.fields!['System.Title'], 'Checkout fails');
    assert.equal(twin.fields!['System.TeamProject'], 'Mobile App');
    assert.equal(twin.fields!['System.WorkItemType'], 'Bug');
    assert.equal(twin.fields!['System.Description'], 'Seen twice');
    assert.equal(twin.fields!['Microsoft.VSTS.Common.Priority'], 2);
    assert.equal(pairB.urn, `urn:exalate:alpha:${w.id}`);
    assert.equal(pairB.remoteTitle, 'Checkout fails');
    // A learns the twin's id from B's link notice (B → A over the poll).
    const pairA = await twinOn(apiA, pairB.localId);
    assert.equal(pairA.localId, w.id);
    assert.equal(pairA.localTitle, 'Checkout fails');
    assert.equal(pairA.remoteTitle, null, 'B did not send its twin back (only the link)');

    // A change on A (a user through REST) goes to the same twin: no second work item.
    await witA.updateWorkItem(null, [{ op: 'replace', path: '/fields/System.Title', value: 'Checkout fails for EU' }], w.id!);
    await waitFor(async () => (await witB.getWorkItem(pairB.localId)).fields!['System.Title'] === 'Checkout fails for EU', 20_000, 'title on B');
    assert.equal((await synced(apiB)).length, 1);
    const conn = (await apiB<Connection>('GET', `/api/v1/connections/${id}`)).json;
    assert.equal(conn.sync?.synced, 1);
  });

  it('answers the last replica received for a partner work item with its twin (Node API and client); 404 when none came', async () => {
    const [pairB] = await synced(apiB);
    assert.equal(typeof pairB.lastReplicaAt, 'string');
    const res = await apiB<ReceivedReplica>('GET', `/api/v1/connections/${id}/synced/${pairB.remoteId}/replica`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.remoteId, pairB.remoteId);
    assert.equal(res.json.localId, pairB.localId);
    assert.equal(res.json.receivedAt, pairB.lastReplicaAt);
    assert.equal(res.json.replica.summary, 'Checkout fails for EU', 'the last one received, not the first');
    // A only got B's link notice so far: no replica of B's work item.
    const [pairA] = await synced(apiA);
    assert.equal(pairA.lastReplicaAt, null);
    const none = await apiA<{ error: { code: string; message: string } }>('GET', `/api/v1/connections/${id}/synced/${pairA.remoteId}/replica`);
    assert.equal(none.status, 404);
    assert.match(none.json.error.message, new RegExp(`No replica was received for the partner's work item ${pairA.remoteId}`));
    for (const bad of ['abc', '%E0%A4%A', '1'.repeat(12)]) {
      const r = await apiB<{ error: { code: string } }>('GET', `/api/v1/connections/${id}/synced/${bad}/replica`);
      assert.equal(r.status, 404, bad);
      assert.equal(r.json.error.code, 'not_found');
    }
    const clientB = createExalateClient({ nodeUrl: b.url, token: TOKEN_B });
    const got = await clientB.getLastReplica(id, pairB.remoteId);
    assert.deepEqual(got, res.json);
    await assert.rejects(createExalateClient({ nodeUrl: a.url, token: TOKEN_A }).getLastReplica(id, pairA.remoteId), NotFoundError);
    await assert.rejects(clientB.getLastReplica('00000000-0000-4000-8000-000000000000', '1'), NotFoundError);
  });

  it('sends a comment added on the twin back, once, and does not echo it or the synced change', async () => {
    const [pairB] = await synced(apiB);
    const localA = Number(pairB.remoteId);
    await witB.addComment({ text: 'Reproduced on iOS' }, 'Mobile App', pairB.localId);
    await waitFor(async () => {
      const cs = await witA.getComments('Payments', localA);
      return cs.comments?.some((c) => c.text?.includes('Reproduced on iOS'));
    }, 20_000, 'comment on A');
    // A comment on A goes to B; B's copy of A's comment is not sent back as a new one.
    await witA.addComment({ text: 'Fixed in build 7' }, 'Payments', localA);
    await waitFor(async () => (await witB.getComments('Mobile App', pairB.localId)).comments?.some((c) => c.text?.includes('Fixed in build 7')), 20_000, 'comment on B');
    // Settle: both sides idle with empty queues, then count.
    await waitFor(async () => (await apiA<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0 && (await apiB<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0, 20_000, 'empty queues');
    const onA = (await witA.getComments('Payments', localA)).comments!.map((c) => c.text);
    const onB = (await witB.getComments('Mobile App', pairB.localId)).comments!.map((c) => c.text);
    assert.equal(onA.filter((t) => t?.includes('Reproduced on iOS')).length, 1, JSON.stringify(onA));
    assert.equal(onA.filter((t) => t?.includes('Fixed in build 7')).length, 1, JSON.stringify(onA));
    assert.equal(onB.filter((t) => t?.includes('Fixed in build 7')).length, 1, JSON.stringify(onB));
    assert.equal(onB.filter((t) => t?.includes('Reproduced on iOS')).length, 1, JSON.stringify(onB));
  });

  it('records a script error with its line, blocks that work item, retries with the fixed script and resolves', async () => {
    const rule = (await apiB<{ script: string; version: number }>('GET', `/api/v1/connections/${id}/rules/incoming`)).json;
    const broken = `workItem.summary = replica.summary\nthrow new RuntimeException("broken on purpose")\n`;
    await activate(apiB, id, 'incoming', broken);
    const w = await witA.createWorkItem(null, [add('System.Title', 'Needs the fixed script')], 'Payments', 'Task');
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id })).status, 202);
    const err = await waitFor(async () => (await apiB<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items[0], 20_000, 'sync error on B');
    assert.equal(err.direction, 'incoming');
    assert.equal(err.remoteId, String(w.id));
    assert.equal(err.line, 2);
    assert.match(err.message, /broken on purpose/);
    const queue = (await apiB<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items;
    assert.deepEqual(queue.map((q) => [q.direction, q.state, q.remoteId]), [['incoming', 'blocked', String(w.id)]]);
    assert.equal((await apiB<Connection>('GET', `/api/v1/connections/${id}`)).json.sync?.errors, 1);

    // Fix the script, retry: the twin is created.
    await activate(apiB, id, 'incoming', rule.script);
    assert.equal((await apiB('POST', `/api/v1/connections/${id}/errors/${err.id}/retry`)).status, 202);
    const pair = await twinOn(apiB, w.id!);
    assert.equal((await witB.getWorkItem(pair.localId)).fields!['System.Title'], 'Needs the fixed script');
    assert.equal((await apiB<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items.length, 0);
    assert.equal((await apiB('POST', `/api/v1/connections/${id}/errors/${err.id}/retry`)).status, 404);

    // An outgoing error on A, resolved: the message is dropped, nothing arrives.
    const out = (await apiA<{ script: string; version: number }>('GET', `/api/v1/connections/${id}/rules/outgoing`)).json;
    await activate(apiA, id, 'outgoing', `replica.summary = workItem.summary\ndebug.error("no")\n`);
    const w2 = await witA.createWorkItem(null, [add('System.Title', 'Never sent')], 'Payments', 'Task');
    await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w2.id });
    const e2 = await waitFor(async () => (await apiA<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items[0], 20_000, 'outgoing error on A');
    assert.equal(e2.direction, 'outgoing');
    assert.equal(e2.workItemId, w2.id);
    assert.equal(e2.line, 2);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/errors/${e2.id}/resolve`)).status, 204);
    assert.equal((await apiA<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length, 0);
    await activate(apiA, id, 'outgoing', out.script);
  });

  it('validates trigger queries with the emulator, syncs matching changes automatically, and bulk-exalates', async () => {
    const bad = await apiA<{ error: { code: string; fields: Record<string, string> } }>('PUT', `/api/v1/connections/${id}/triggers`, { items: [{ query: 'SELECT FROM nowhere', active: true }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'validation_failed');
    assert.ok(bad.json.error.fields['items.0.query'], JSON.stringify(bad.json));
    assert.deepEqual((await apiA<SyncTriggerList>('GET', `/api/v1/connections/${id}/triggers`)).json.items, []);

    const query = `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' AND [System.Title] CONTAINS 'auto'`;
    const put = await apiA<SyncTriggerList>('PUT', `/api/v1/connections/${id}/triggers`, { items: [{ query, active: true }] });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const trigger = put.json.items[0];
    assert.equal(trigger.active, true);
    const w = await witA.createWorkItem(null, [add('System.Title', 'auto synced')], 'Payments', 'Task');
    await twinOn(apiB, w.id!);
    const other = await witA.createWorkItem(null, [add('System.Title', 'stays here')], 'Payments', 'Task');

    // Bulk: deactivate the trigger, create two more matching items, bulk-exalate everything the query matches.
    await apiA('PUT', `/api/v1/connections/${id}/triggers`, { items: [{ id: trigger.id, query, active: false }] });
    const w3 = await witA.createWorkItem(null, [add('System.Title', 'auto bulk one')], 'Payments', 'Task');
    const w4 = await witA.createWorkItem(null, [add('System.Title', 'auto bulk two')], 'Payments', 'Task');
    const bulk = await apiA<{ queued: number }>('POST', `/api/v1/connections/${id}/triggers/${trigger.id}/bulk`);
    assert.equal(bulk.status, 202);
    assert.equal(bulk.json.queued, 3);
    await twinOn(apiB, w3.id!);
    await twinOn(apiB, w4.id!);
    assert.equal((await synced(apiB)).some((p) => p.remoteId === String(other.id)), false);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/triggers/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/bulk`)).status, 404);
  });

  it('sends the twin back once when the incoming script asks for syncBackAfterProcessing()', async () => {
    const rule = (await apiB<{ script: string; version: number }>('GET', `/api/v1/connections/${id}/rules/incoming`)).json;
    await activate(apiB, id, 'incoming', `${rule.script}\nif (firstSync) syncHelper.syncBackAfterProcessing()\n`);
    const w = await witA.createWorkItem(null, [add('System.Title', 'Echo me once')], 'Payments', 'Task');
    await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id });
    const pairA = await waitFor(async () => (await synced(apiA)).find((p) => p.localId === w.id && p.remoteTitle === 'Echo me once'), 20_000, 'B sent its twin back');
    assert.ok(pairA.remoteId);
    await waitFor(async () => (await apiA<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0 && (await apiB<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0, 20_000, 'queues settle (no ping-pong)');
    const rev = (await witA.getWorkItem(w.id!)).rev;
    await activate(apiB, id, 'incoming', rule.script);
    assert.equal((await witA.getWorkItem(w.id!)).rev, rev);
  });

  it('syncs a change made while the first replica waits for its twin (no link yet)', async () => {
    const rule = (await apiB<{ script: string }>('GET', `/api/v1/connections/${id}/rules/incoming`)).json;
    await activate(apiB, id, 'incoming', 'debug.error("hold")\n');
    const w = await witA.createWorkItem(null, [add('System.Title', 'Changed before linked')], 'Payments', 'Task');
    await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id });
    const err = await waitFor(async () => (await apiB<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items.find((e) => e.remoteId === String(w.id)), 20_000, 'held on B');
    // Not linked yet on either side; a comment on A must still be sent.
    await witA.addComment({ text: 'Added while unlinked' }, 'Payments', w.id!);
    await waitFor(async () => (await apiB<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.filter((q) => q.remoteId === String(w.id)).length === 2, 20_000, 'second message queued behind the first on B');
    await activate(apiB, id, 'incoming', rule.script);
    assert.equal((await apiB('POST', `/api/v1/connections/${id}/errors/${err.id}/retry`)).status, 202);
    const pair = await twinOn(apiB, w.id!);
    await waitFor(async () => (await witB.getComments('Mobile App', pair.localId)).comments?.some((c) => c.text?.includes('Added while unlinked')), 20_000, 'comment on B');
  });

  it('answers 404 for a work item outside the project and 409 on a deactivated connection', async () => {
    const mobile = await witA.createWorkItem(null, [add('System.Title', 'Mobile only')], 'Mobile App', 'Task');
    const r = await apiA<{ error: { code: string } }>('POST', `/api/v1/connections/${id}/sync`, { workItemId: mobile.id });
    assert.equal(r.status, 404);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: 0 })).status, 400);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: 1, extra: true })).status, 400);
    await apiA('PATCH', `/api/v1/connections/${id}`, { status: 'deactivated' });
    const w = await witA.createWorkItem(null, [add('System.Title', 'while off')], 'Payments', 'Task');
    const off = await apiA<{ error: { code: string } }>('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id });
    assert.equal(off.status, 409);
    assert.equal(off.json.error.code, 'conflict');
    await apiA('PATCH', `/api/v1/connections/${id}`, { status: 'active' });
  });

  it('is driven the same through the ExalateClient (the contract the extension uses)', async () => {
    const ca = createExalateClient({ nodeUrl: a.url, token: TOKEN_A });
    const cb = createExalateClient({ nodeUrl: b.url, token: TOKEN_B });
    const w = await witA.createWorkItem(null, [add('System.Title', 'Through the client')], 'Payments', 'Task');
    assert.deepEqual(await ca.syncWorkItem(id, w.id!), { workItemId: w.id, queued: true });
    await assert.rejects(ca.syncWorkItem(id, 999_999), NotFoundError);
    const pair = await waitFor(async () => (await cb.listSynced(id, { limit: 500 })).items.find((p) => p.remoteId === String(w.id)), 20_000, 'twin via client');
    assert.equal(pair.localTitle, 'Through the client');
    const page1 = await cb.listSynced(id, { limit: 1 });
    assert.equal(page1.items.length, 1);
    assert.ok(page1.nextCursor);
    const page2 = await cb.listSynced(id, { limit: 1, cursor: page1.nextCursor });
    assert.notEqual(page2.items[0].localId, page1.items[0].localId);
    assert.deepEqual(await cb.getSyncQueue(id), []);
    assert.deepEqual(await cb.listSyncErrors(id), []);
    await assert.rejects(cb.retrySyncError(id, 'no-such-error'), NotFoundError);
    await assert.rejects(cb.resolveSyncError(id, 'no-such-error'), NotFoundError);
    const before = await ca.getTriggers(id);
    const err = await ca.putTriggers(id, [{ query: 'SELECT nonsense', active: true }]).catch((e: unknown) => e);
    assert.ok(err instanceof InvalidError, String(err));
    assert.ok((err as InvalidError).fields['items.0.query']);
    assert.deepEqual(await ca.getTriggers(id), before);
    const saved = await ca.putTriggers(id, [...before, { query: `SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'Through the client'`, active: false }]);
    const t = saved[saved.length - 1];
    assert.equal(await ca.bulkExalate(id, t.id), 1);
    await ca.putTriggers(id, before);
    await ca.patchConnection(id, { status: 'deactivated' });
    await assert.rejects(ca.syncWorkItem(id, w.id!), ConflictError);
    await ca.patchConnection(id, { status: 'active' });
    assert.deepEqual((await ca.getConnection(id)).sync?.errors, 0);
  });

  it('refuses peer sync calls without a valid node-to-node token before reading the body', async () => {
    const r = await fetch(`${a.url}/api/v1/peer/connections/${id}/sync/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: JSON.stringify({ ack: 0 }) });
    assert.equal(r.status, 401);
    const big = await fetch(`${a.url}/api/v1/peer/connections/${id}/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100_000) });
    assert.equal(big.status, 401);
  });
});

describe('sandbox: work item sync over a public connection (both nodes push)', function () {
  this.timeout(60_000);
  let a: RunningSandbox;
  let b: RunningSandbox;
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    cleanupTempDirs();
  });

  it('creates twins both ways and keeps comments single', async () => {
    a = await startSandbox({ dataDir: tempDir('psync-a'), token: TOKEN_A, name: 'alpha', seed: true, pollMs: 100, log: () => undefined });
    b = await startSandbox({ dataDir: tempDir('psync-b'), token: TOKEN_B, name: 'beta', seed: true, pollMs: 100, log: () => undefined });
    const apiA = client(a.url, TOKEN_A);
    const apiB = client(b.url, TOKEN_B);
    const init = await apiA<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Public sync', project: 'Payments', destinationUrl: b.url }));
    assert.equal(init.status, 201, JSON.stringify(init.json));
    const id = init.json.connection.id;
    assert.equal((await apiB('POST', '/api/v1/invitations/accept', { invitationCode: init.json.invitationCode, project: 'Mobile App' })).status, 201);
    await waitFor(async () => (await apiA<Connection>('GET', `/api/v1/connections/${id}`)).json.status === 'active', 10_000, 'A active');
    const witA = await wit(a, TOKEN_A);
    const witB = await wit(b, TOKEN_B);
    const synced = async (api: ReturnType<typeof client>) => (await api<SyncedPage>('GET', `/api/v1/connections/${id}/synced`)).json.items;

    const wa = await witA.createWorkItem(null, [add('System.Title', 'public A')], 'Payments', 'Task');
    await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: wa.id });
    const wb = await witB.createWorkItem(null, [add('System.Title', 'public B')], 'Mobile App', 'Task');
    await apiB('POST', `/api/v1/connections/${id}/sync`, { workItemId: wb.id });
    const onB = await waitFor(async () => (await synced(apiB)).find((p) => p.remoteId === String(wa.id)), 20_000, 'twin of A on B');
    const onA = await waitFor(async () => (await synced(apiA)).find((p) => p.remoteId === String(wb.id)), 20_000, 'twin of B on A');
    assert.equal((await witB.getWorkItem(onB.localId)).fields!['System.Title'], 'public A');
    assert.equal((await witA.getWorkItem(onA.localId)).fields!['System.Title'], 'public B');
    await witB.addComment({ text: 'pong' }, 'Mobile App', onB.localId);
    await waitFor(async () => (await witA.getComments('Payments', wa.id!)).comments?.some((c) => c.text?.includes('pong')), 20_000, 'comment on A');
    await waitFor(async () => (await apiA<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0 && (await apiB<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0, 20_000, 'empty queues');
    assert.equal((await witA.getComments('Payments', wa.id!)).comments!.filter((c) => c.text?.includes('pong')).length, 1);
    assert.equal((await witB.getComments('Mobile App', onB.localId)).comments!.filter((c) => c.text?.includes('pong')).length, 1);
    assert.equal((await synced(apiA)).length, 2);
    assert.equal((await synced(apiB)).length, 2);
  });
});
