// src/sync/model.ts (pure): the lists under a connection (one load in flight, coalesced refreshes, paging), how
// queue messages, errors and synced pairs are shown, where an error points in its script, and trigger list edits.
import * as assert from 'node:assert/strict';
import type { ExalateClient } from '../../../src/exalate/client';
import { InvalidError, UnreachableError } from '../../../src/exalate/errors';
import type { Connection, SyncError, SyncQueueItem, SyncTrigger, SyncedItem } from '../../../src/shared/api';
import { ConnectionSchema, SyncErrorSchema, SyncQueueItemSchema, SyncedItemSchema } from '../../../src/shared/api';
import { presentConnection } from '../../../src/connections/model';
import {
  ConnectionSync,
  RemoteList,
  applyTriggerEdit,
  firstLine,
  plainTranslate,
  presentQueueDirection,
  presentQueueItem,
  presentSection,
  presentSyncError,
  presentSyncedItem,
  presentTrigger,
  queueCounts,
  scriptPosition,
  triggerQueryProblem,
  workItemRef,
  type Page,
} from '../../../src/sync/model';

const NOW = Date.parse('2026-12-02T10:00:00Z');

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const q = (over: Partial<SyncQueueItem>): SyncQueueItem =>
  SyncQueueItemSchema.parse({ id: 'm1', workItemId: 12, remoteId: null, direction: 'outgoing', state: 'pending', attempts: 0, createdAt: '2026-12-02T09:58:00Z', ...over });
const err = (over: Partial<SyncError>): SyncError =>
  SyncErrorSchema.parse({
    id: 'e1',
    workItemId: 12,
    remoteId: '7',
    direction: 'incoming',
    message: 'No such property: sumary for class: Replica\nat line 3',
    line: 3,
    column: 15,
    at: '2026-12-02T09:55:00Z',
    ...over,
  });
const synced = (over: Partial<SyncedItem>): SyncedItem =>
  SyncedItemSchema.parse({
    localId: 12,
    remoteId: '7',
    urn: 'urn:exalate:fabrikam:7',
    localTitle: 'Refund fails',
    remoteTitle: 'Refund fails',
    lastSyncAt: '2026-12-02T09:59:00Z',
    ...over,
  });

describe('sync/model RemoteList', () => {
  it('pages, keeps what was loaded on refresh, and ignores "load more" while loading', async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `i${i}` }));
    const calls: Array<string | null> = [];
    let changes = 0;
    const list = new RemoteList<{ id: string }>(
      async (cursor) => {
        calls.push(cursor);
        const start = cursor === null ? 0 : Number(cursor);
        const items = all.slice(start, start + 3);
        return { items, nextCursor: start + 3 < all.length ? String(start + 3) : null };
      },
      () => changes++,
      (x) => x.id,
    );
    assert.equal(list.loaded, false);
    await list.ensureLoaded();
    assert.deepEqual(list.items.map((x) => x.id), ['i0', 'i1', 'i2']);
    assert.equal(list.nextCursor, '3');
    await Promise.all([list.loadMore(), list.loadMore()]); // the second joins the first
    assert.deepEqual(list.items.map((x) => x.id), ['i0', 'i1', 'i2', 'i3', 'i4', 'i5']);
    assert.deepEqual(calls, [null, '3']);
    // A refresh reloads as many as were shown (two pages), from the first.
    await list.refresh();
    assert.deepEqual(calls, [null, '3', null, '3']);
    assert.equal(list.items.length, 6);
    await list.loadMore();
    assert.deepEqual(list.items.map((x) => x.id), all.map((x) => x.id));
    assert.equal(list.nextCursor, null);
    await list.loadMore(); // no next page: nothing
    assert.equal(calls.length, 5);
    assert.ok(changes >= 8, `onChange on every start and end (${changes})`);
  });

  it('coalesces refreshes asked for during a load into one, which reads after the load', async () => {
    const gates: Array<ReturnType<typeof deferred<Page<{ id: string }>>>> = [];
    const list = new RemoteList<{ id: string }>(
      () => {
        const d = deferred<Page<{ id: string }>>();
        gates.push(d);
        return d.promise;
      },
      () => undefined,
      (x) => x.id,
    );
    const first = list.refresh();
    const second = list.refresh();
    const third = list.refresh();
    assert.equal(gates.length, 1);
    assert.equal(second, third, 'queued refreshes share one promise');
    gates[0].resolve({ items: [{ id: 'old' }], nextCursor: null });
    await first;
    await new Promise((r) => setImmediate(r));
    assert.equal(gates.length, 2, 'one more load after the first');
    gates[1].resolve({ items: [{ id: 'new' }], nextCursor: null });
    await second;
    assert.deepEqual(list.items, [{ id: 'new' }]);
  });

  it('a failed load is an error state with no items; a failed "load more" keeps the items', async () => {
    let fail: 'none' | 'all' = 'none';
    const list = new RemoteList<{ id: string }>(
      async (cursor) => {
        if (fail === 'all') throw new UnreachableError('http://127.0.0.1:1', false, false, 'Cannot reach the node', { nodeUrl: 'http://127.0.0.1:1' });
        return cursor === null ? { items: [{ id: 'a' }], nextCursor: 'x' } : { items: [{ id: 'b' }], nextCursor: null };
      },
      () => undefined,
      (x) => x.id,
    );
    await list.refresh();
    fail = 'all';
    await list.loadMore();
    assert.deepEqual(list.items, [{ id: 'a' }]);
    assert.match(list.moreError?.message ?? '', /Cannot reach the node/);
    await list.refresh();
    assert.equal(list.state.kind, 'error');
    assert.deepEqual(list.items, []);
    fail = 'none';
    await list.refresh();
    assert.equal(list.state.kind, 'loaded');
    assert.equal(list.moreError, undefined);
  });

  it('drops an item a later page repeats (a pair synced while paging)', async () => {
    const list = new RemoteList<{ id: string }>(
      async (cursor) => (cursor === null ? { items: [{ id: 'a' }, { id: 'b' }], nextCursor: 'c' } : { items: [{ id: 'b' }, { id: 'c' }], nextCursor: null }),
      () => undefined,
      (x) => x.id,
    );
    await list.refresh();
    await list.loadMore();
    assert.deepEqual(list.items.map((x) => x.id), ['a', 'b', 'c']);
  });
});

describe('sync/model ConnectionSync', () => {
  it('asks the client for each list of its connection and refreshes only the lists that were shown', async () => {
    const calls: string[] = [];
    const client = {
      getSyncQueue: async (id: string) => {
        calls.push(`queue ${id}`);
        return [q({})];
      },
      listSyncErrors: async (id: string) => {
        calls.push(`errors ${id}`);
        return [err({})];
      },
      listSynced: async (id: string, o?: { limit?: number; cursor?: string | null }) => {
        calls.push(`synced ${id} ${o?.limit} ${o?.cursor}`);
        return { items: [synced({})], nextCursor: null };
      },
    } as unknown as Pick<ExalateClient, 'getSyncQueue' | 'listSyncErrors' | 'listSynced'>;
    const changed: string[] = [];
    const m = new ConnectionSync('http://127.0.0.1:1', 'c1', async () => client, (s) => changed.push(s), () => 50);
    await m.errors.ensureLoaded();
    await m.synced.ensureLoaded();
    assert.deepEqual(calls, ['errors c1', 'synced c1 50 null']);
    calls.length = 0;
    await m.refreshLoaded();
    assert.deepEqual(calls.sort(), ['errors c1', 'synced c1 50 null']);
    assert.ok(changed.includes('errors') && changed.includes('synced') && !changed.includes('queue'));
    assert.equal(m.list('queue'), m.queue);
  });
});

describe('sync/model presentation', () => {
  it('shows section counts from the loaded list, else from the connection summary, else none', () => {
    assert.deepEqual(
      [presentSection('errors', undefined, undefined).description, presentSection('errors', undefined, { queued: 1, errors: 2, synced: 3 }).description],
      ['', '2'],
    );
    const errors = presentSection('errors', { count: 0, more: false }, { queued: 0, errors: 2, synced: 0 });
    assert.deepEqual([errors.label, errors.description, errors.icon, errors.contextValue], ['Errors', 'none', 'pass', 'syncSection.errors']);
    const some = presentSection('errors', { count: 1, more: false }, undefined);
    assert.deepEqual([some.icon, some.color, some.contextValue], ['error', 'errorForeground', 'syncSection.errors.some']);
    assert.equal(presentSection('synced', { count: 100, more: true }, undefined).description, '100+');
    assert.equal(presentSection('queue', undefined, { queued: 4, errors: 0, synced: 0 }).description, '4 waiting');
    assert.equal(presentSection('queue', { count: 0, more: false }, undefined).description, 'empty');
  });

  it('counts the queue per direction and shows blocked messages', () => {
    const items = [q({ id: 'a' }), q({ id: 'b', state: 'blocked', attempts: 2 }), q({ id: 'c', direction: 'incoming', workItemId: null, remoteId: '7' })];
    assert.deepEqual(queueCounts(items, 'outgoing'), { pending: 1, blocked: 1 });
    assert.deepEqual(queueCounts(items, 'incoming'), { pending: 1, blocked: 0 });
    const out = presentQueueDirection('outgoing', items);
    assert.deepEqual([out.label, out.description, out.icon, out.color], ['Outgoing', '1 pending · 1 blocked', 'arrow-up', 'list.warningForeground']);
    assert.deepEqual([presentQueueDirection('incoming', items).description, presentQueueDirection('incoming', []).description], ['1 pending', '0 pending']);
    const blocked = presentQueueItem(items[1], NOW);
    assert.deepEqual([blocked.label, blocked.description, blocked.contextValue], ['#12', 'blocked · 2 attempts', 'syncQueueItem.blocked']);
    assert.match(blocked.tooltip, /Blocked behind a sync error/);
    assert.match(blocked.tooltip, /Queued: .*\(2 min ago\)/);
    assert.equal(presentQueueItem(items[2], NOW).label, 'remote 7');
    assert.equal(workItemRef(null, null), 'a new work item');
    assert.equal(workItemRef(3, '9'), '#3 ↔ remote 9');
  });

  it('shows an error with its message, line and direction, and marks the ones Open Script at Line applies to', () => {
    const e = presentSyncError(err({}), NOW);
    assert.equal(e.label, 'No such property: sumary for class: Replica');
    assert.equal(e.description, 'line 3:15 · incoming · #12 ↔ remote 7');
    assert.equal(e.contextValue, 'syncError.line');
    assert.match(e.tooltip, /In the incoming script at line 3:15\./);
    assert.match(e.tooltip, /at line 3/, 'the whole message is in the tooltip');
    const ado = presentSyncError(err({ line: null, column: null, direction: 'outgoing', message: 'TF401320: Rule Error for field Title' }), NOW);
    assert.equal(ado.description, 'outgoing · #12 ↔ remote 7');
    assert.equal(ado.contextValue, 'syncError');
    assert.match(ado.tooltip, /Not in a script line/);
    assert.equal(presentSyncError(err({ column: null }), NOW).description, 'line 3 · incoming · #12 ↔ remote 7');
    assert.equal(firstLine('x'.repeat(200), 10), `${'x'.repeat(9)}…`);
  });

  it('points an error at its 1-based line and column as a 0-based editor position', () => {
    assert.deepEqual(scriptPosition({ line: 3, column: 15 }), { line: 2, character: 14 });
    assert.deepEqual(scriptPosition({ line: 1, column: null }), { line: 0, character: 0 });
    assert.equal(scriptPosition({ line: null, column: null }), undefined);
  });

  it('shows a synced pair with both ids and titles, escaped', () => {
    const same = presentSyncedItem(synced({}), NOW);
    assert.deepEqual([same.label, same.description], ['#12 ↔ 7', 'Refund fails']);
    assert.equal(presentSyncedItem(synced({ remoteTitle: null }), NOW).description, 'Refund fails', 'no replica came back yet');
    assert.equal(presentSyncedItem(synced({ remoteTitle: 'Refund fails (fabrikam)' }), NOW).description, 'Refund fails ↔ Refund fails (fabrikam)');
    const other = presentSyncedItem(synced({ remoteTitle: null, localTitle: 'a *b*' }), NOW);
    assert.match(other.tooltip, /Remote: \*\*7\*\* \(no title\)/);
    assert.match(other.tooltip, /a \\\*b\\\*/);
    assert.match(other.tooltip, /urn:exalate:fabrikam:7/);
    assert.match(other.tooltip, /Last sync: .*\(1 min ago\)/);
  });

  it('translates through the function it is given', () => {
    const upper = (m: string, ...a: Array<string | number | boolean>) => plainTranslate(m.toUpperCase(), ...a);
    assert.equal(presentSection('synced', undefined, undefined, upper).label, 'SYNCED ITEMS');
    assert.equal(presentQueueDirection('outgoing', [q({})], upper).description, '1 PENDING');
    assert.equal(plainTranslate('{0} of {1} ({2})', 1, 'x'), '1 of x ({2})');
  });

  it('adds the sync error count to the connection row', () => {
    const base = {
      id: '6f1b1f64-8f0e-4a43-9d0f-8a0b7e6c9d11',
      name: 'Pair',
      description: '',
      type: 'public',
      role: 'initiator',
      status: 'active',
      mode: 'script',
      localShortName: 'contoso',
      remoteShortName: 'fabrikam',
      remoteUrl: 'http://127.0.0.1:2',
      project: 'Payments',
      createdAt: '2026-12-01T10:00:00Z',
      lastContactAt: '2026-12-02T09:59:00Z',
    };
    const parse = (extra: object): Connection => ConnectionSchema.parse({ ...base, ...extra });
    assert.equal(presentConnection(parse({}), NOW).description, 'active');
    assert.doesNotMatch(presentConnection(parse({}), NOW).tooltip, /Sync:/);
    const none = presentConnection(parse({ sync: { queued: 0, errors: 0, synced: 4 } }), NOW);
    assert.equal(none.description, 'active');
    assert.match(none.tooltip, /Sync: 4 synced · 0 queued · 0 errors/);
    const two = presentConnection(parse({ sync: { queued: 1, errors: 2, synced: 4 } }), NOW);
    assert.equal(two.description, 'active · 2 sync errors');
    assert.match(two.tooltip, /2 sync errors block work items/);
    assert.equal(presentConnection(parse({ sync: { queued: 0, errors: 1, synced: 0 } }), NOW).description, 'active · 1 sync error');
  });
});

describe('sync/model triggers', () => {
  const list: SyncTrigger[] = [
    { id: 'a1', query: 'SELECT [System.Id] FROM WorkItems', active: true },
    { id: 'b2', query: "SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'New'", active: false },
  ];

  it('turns one edit into the whole list to PUT, without touching the others', () => {
    assert.deepEqual(applyTriggerEdit(list, { kind: 'add', query: '  SELECT 1  ' }), [...list, { query: 'SELECT 1', active: true }]);
    assert.deepEqual(applyTriggerEdit(list, { kind: 'query', id: 'b2', query: 'SELECT 2' })[1], { id: 'b2', query: 'SELECT 2', active: false });
    assert.deepEqual(applyTriggerEdit(list, { kind: 'active', id: 'a1', active: false })[0], { id: 'a1', query: list[0].query, active: false });
    assert.deepEqual(applyTriggerEdit(list, { kind: 'delete', id: 'a1' }), [list[1]]);
    assert.throws(() => applyTriggerEdit(list, { kind: 'delete', id: 'zz' }), /not on the node any more/);
    assert.equal(list.length, 2, 'the input list is not changed');
  });

  it('finds the node\'s message for the query in a refused list', () => {
    const refused = new InvalidError({ 'items.1.query': "TF51005: The query references a field that does not exist. The error is caused by «[System.Nope]»." }, 'Request validation failed', { nodeUrl: 'http://127.0.0.1:1' });
    assert.match(triggerQueryProblem(refused, 1) ?? '', /^TF51005/);
    assert.match(triggerQueryProblem(refused, 0) ?? '', /^TF51005/, 'any query field when the index does not match');
    assert.equal(triggerQueryProblem(new InvalidError({}, 'Bad body', { nodeUrl: 'http://127.0.0.1:1' }), 0), 'Bad body');
    assert.equal(triggerQueryProblem(new UnreachableError('http://127.0.0.1:1', false, false, 'Cannot reach the node', { nodeUrl: 'http://127.0.0.1:1' })), undefined);
    assert.equal(triggerQueryProblem(new Error('x')), undefined);
  });

  it('shows a trigger with its state and whole query', () => {
    const shown = presentTrigger({ id: 'x', query: 'SELECT [System.Id]\nFROM WorkItems', active: false });
    assert.deepEqual(shown, { label: '$(circle-slash) SELECT [System.Id]', description: 'inactive', detail: 'SELECT [System.Id] FROM WorkItems' });
  });
});
