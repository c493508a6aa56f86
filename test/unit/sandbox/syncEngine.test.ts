// Pieces of the sync engine on their own: the mapping between Azure DevOps work items and the script model
// (parts/sync/model.ts), and the receive / acknowledge bookkeeping of the engine over a real store (sequence
// continuity, repeats skipped, gaps refused, batches within limits, everything durable across a reopen).
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AdoWorkItem } from '../../../src/sandbox/ado/seed';
import { ConnectionIndex } from '../../../src/sandbox/parts/connections';
import { NodeContext, type ConnRecord } from '../../../src/sandbox/parts/context';
import { RuleVersions } from '../../../src/sandbox/parts/rules';
import { SyncEngine, narrowToWorkItem } from '../../../src/sandbox/parts/sync/engine';
import { commentHtml, incomingWrites, scriptWorkItem } from '../../../src/sandbox/parts/sync/model';
import type { OutMessage } from '../../../src/sandbox/parts/sync/records';
import { Store } from '../../../src/sandbox/store';
import { cleanupTempDirs, tempDir } from './helpers';

describe('sandbox sync: Azure DevOps ↔ script model', () => {
  const ident = { id: 'u1', displayName: 'Ana Ruiz', uniqueName: 'ana@contoso.com' };
  const item = {
    id: 7,
    rev: 3,
    projectId: 'p',
    fields: { 'System.Title': 'Checkout', 'System.TeamProject': 'Payments', 'System.State': 'Active', 'System.Tags': 'a; b', 'Custom.Team': 'Red' },
    comments: [
      { id: 1, version: 1, text: 'mine', createdBy: ident, createdDate: '2026-01-01T00:00:00Z', modifiedBy: ident, modifiedDate: '2026-01-01T00:00:00Z' },
      { id: 2, version: 1, text: 'copied', createdBy: ident, createdDate: '2026-01-02T00:00:00Z', modifiedBy: ident, modifiedDate: '2026-01-02T00:00:00Z' },
      { id: 3, version: 2, text: 'gone', createdBy: ident, createdDate: '2026-01-03T00:00:00Z', modifiedBy: ident, modifiedDate: '2026-01-03T00:00:00Z', isDeleted: true },
    ],
    relations: [],
  } as unknown as AdoWorkItem;

  it('gives the script the work item with remoteId on comments copied from the partner, without deleted comments', () => {
    const wi = scriptWorkItem(item, { '2': '55' });
    assert.equal(wi.summary, 'Checkout');
    assert.deepEqual(wi.status, { name: 'Active' });
    assert.deepEqual(wi.labels, [{ label: 'a' }, { label: 'b' }]);
    assert.equal(wi['Custom.Team'], 'Red');
    const comments = wi.comments as Array<Record<string, unknown>>;
    assert.deepEqual(comments.map((c) => [c.id, c.body, c.remoteId]), [[1, 'mine', undefined], [2, 'copied', '55']]);
  });

  it('turns an incoming script\'s changes into a JSON Patch and new comments', () => {
    const w = incomingWrites(
      [
        { field: 'summary', before: 'x', after: 'New title' },
        { field: 'status', before: null, after: { name: 'Closed' } },
        { field: 'priority', before: null, after: { name: '2' } },
        { field: 'labels', before: [], after: [{ label: 'web' }, { label: 'eu' }] },
        { field: 'description', before: 'old', after: null },
        { field: 'Custom.Team', before: null, after: 'Blue' },
        { field: 'attachments', before: [], after: [{ id: null }] },
        { field: 'projectKey', before: null, after: 'Mobile App' },
      ],
      {
        projectKey: 'Mobile App',
        typeName: 'Bug',
        comments: [
          { id: 1, body: 'kept' },
          { id: null, body: 'Bo commented:\n<b>hi</b>', remoteId: 9 },
          { id: null, body: '', remoteId: 10 },
        ],
      },
    );
    assert.deepEqual(w.patch, [
      { op: 'add', path: '/fields/System.Title', value: 'New title' },
      { op: 'add', path: '/fields/System.State', value: 'Closed' },
      { op: 'add', path: '/fields/Microsoft.VSTS.Common.Priority', value: 2 },
      { op: 'add', path: '/fields/System.Tags', value: 'web; eu' },
      { op: 'remove', path: '/fields/System.Description' },
      { op: 'add', path: '/fields/Custom.Team', value: 'Blue' },
    ]);
    assert.deepEqual(w.comments, [{ body: 'Bo commented:\n<b>hi</b>', remoteId: '9' }]);
    assert.equal(w.project, 'Mobile App');
    assert.equal(w.type, 'Bug');
    assert.equal(commentHtml('Bo commented:\n<b>hi</b> & "x"'), 'Bo commented:<br>&lt;b&gt;hi&lt;/b&gt; &amp; &quot;x&quot;');
  });
});

describe('sandbox sync: receiving and acknowledging messages', () => {
  after(() => cleanupTempDirs());

  function open(dir: string, key: Buffer) {
    const store = Store.open(dir);
    const ctx = new NodeContext({ store, masterKey: key, shortName: 'alpha', modes: ['script'], pollMs: 1000, invitationTtlMs: 1000, peerTimeoutMs: 1000, log: () => undefined });
    const index = new ConnectionIndex(ctx);
    const engine = new SyncEngine(ctx, index, new RuleVersions(ctx, index));
    return { store, index, engine };
  }
  /** An accepted, active private connection as the index stores it. */
  const activeRecord = (id: string): ConnRecord => {
    const now = new Date().toISOString();
    return {
      id, seq: 1, name: 'c', description: '', localShortName: 'alpha', remoteShortName: 'beta', remoteUrl: null, type: 'private', mode: 'script', role: 'initiator', project: 'Payments',
      createdAt: now, updatedAt: now, lastContactAt: null, accepted: true, localActive: true, remoteActive: true, remoteGone: false, errorReason: null, linkKey: 'k',
    };
  };
  const msg = (seq: number, workItemId = 5): OutMessage => ({ type: 'replica', id: randomUUID(), seq, workItemId, yourId: null, replica: `{"summary":"s${seq}"}`, images: {}, createdAt: '2026-01-01T00:00:00Z' });

  it('stores only what continues the sequence, skips repeats, stops at a gap, and keeps it across a reopen', () => {
    const dir = tempDir('sync-engine');
    const key = randomBytes(32);
    const id = randomUUID();
    let n = open(dir, key);
    const now = new Date().toISOString();
    n.index.insert([activeRecord(id)]);
    assert.equal(n.engine.receive(id, [msg(1), msg(2)]), 2);
    assert.equal(n.engine.receive(id, [msg(2), msg(3)]), 3, 'a repeated message is skipped, the next one stored');
    assert.equal(n.engine.receive(id, [msg(5)]), 3, 'a gap is refused');
    assert.deepEqual(n.engine.cs(id).inbox.map((e) => e.seq), [1, 2, 3]);
    assert.deepEqual(n.engine.counts(id), { queued: 3, errors: 0, synced: 0 });
    // A link notice records the twin of our work item at once.
    assert.equal(n.engine.receive(id, [{ type: 'link', id: randomUUID(), seq: 4, workItemId: 12, yourId: 5, createdAt: now }]), 4);
    assert.equal(n.engine.cs(id).pairs.get(5)?.remoteId, '12');
    n.store.close();
    n = open(dir, key);
    assert.deepEqual(n.engine.cs(id).inbox.map((e) => e.seq), [1, 2, 3]);
    assert.equal(n.engine.cs(id).state.inSeq, 4);
    assert.equal(n.engine.cs(id).pairs.get(5)?.remoteId, '12');
    assert.deepEqual(n.engine.listSynced(id, null, null).items.map((p) => [p.localId, p.remoteId, p.urn]), [[5, '12', 'urn:exalate:beta:12']]);
    // Deleting the connection's records leaves nothing behind.
    n.store.commit([{ c: 'connections', k: id }, ...n.engine.deleteOps(id)]);
    assert.equal([...n.store.entries('sync')].length, 0);
    n.store.close();
  });

  it('keeps the last replica received per partner work item across a reopen (the newest of a batch wins), 404 for others', () => {
    const dir = tempDir('sync-last-replica');
    const key = randomBytes(32);
    const id = randomUUID();
    let n = open(dir, key);
    const now = new Date().toISOString();
    n.index.insert([activeRecord(id)]);
    assert.equal(n.engine.receive(id, [msg(1, 5), msg(2, 5), msg(3, 6)]), 3);
    // Applied or not, the inbox entries may go: the last replica stays.
    n.store.commit([1, 2, 3].map((seq) => ({ c: 'sync' as const, k: `${id}|i|${String(seq).padStart(15, '0')}` })));
    n.store.close();
    n = open(dir, key);
    assert.deepEqual(n.engine.cs(id).inbox, []);
    const r5 = n.engine.lastReplica(id, '5');
    assert.deepEqual({ ...r5, receivedAt: typeof r5.receivedAt }, { remoteId: '5', localId: null, receivedAt: 'string', replica: { summary: 's2' } });
    assert.deepEqual(n.engine.lastReplica(id, '6').replica, { summary: 's3' });
    // A link notice makes our work item 9 the twin of the partner's 5.
    n.engine.receive(id, [{ type: 'link', id: randomUUID(), seq: 4, workItemId: 5, yourId: 9, createdAt: now }]);
    assert.equal(n.engine.lastReplica(id, '5').localId, 9);
    assert.equal(n.engine.listSynced(id, null, null).items[0].lastReplicaAt, r5.receivedAt);
    assert.throws(() => n.engine.lastReplica(id, '7'), (e: Error & { status?: number }) => e.status === 404 && /No replica was received for the partner's work item 7/.test(e.message));
    // Deleting the connection deletes them too.
    n.store.commit(n.engine.deleteOps(id));
    assert.equal([...n.store.entries('sync')].length, 0);
    n.store.close();
  });

  it('hands out the outbox in batches within the limits and drops what is acknowledged', () => {
    const dir = tempDir('sync-outbox');
    const n = open(dir, randomBytes(32));
    const id = randomUUID();
    n.store.commit(Array.from({ length: 5 }, (_, i) => ({ c: 'sync' as const, k: `${id}|o|${String(i + 1).padStart(15, '0')}`, v: msg(i + 1) })));
    // Load the records as a restart would.
    n.store.close();
    const m = open(dir, randomBytes(32));
    assert.deepEqual(m.engine.cs(id).out.map((x) => x.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(m.engine.pending(id, 0, 10_000_000, 2).map((x) => x.seq), [1, 2]);
    assert.deepEqual(m.engine.pending(id, 3, 10_000_000, 10).map((x) => x.seq), [4, 5]);
    assert.deepEqual(m.engine.pending(id, 0, 1, 10).map((x) => x.seq), [1], 'one message at least, even over the size limit');
    m.engine.acknowledge(id, 3);
    assert.deepEqual(m.engine.cs(id).out.map((x) => x.seq), [4, 5]);
    m.store.close();
  });
});

describe('sandbox sync: trigger check of one work item', () => {
  it('narrows a flat query to the changed work item, keeping its conditions and order', () => {
    assert.equal(
      narrowToWorkItem("SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'a  where b' ORDER BY [System.Id]", 7),
      "SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 7 AND [System.Title] CONTAINS 'a where b' ORDER BY [System.Id]",
    );
    assert.equal(narrowToWorkItem('select [System.Id] from WorkItems', 3), 'select [System.Id] from WorkItems WHERE [System.Id] = 3');
    const withOr = "SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'New' OR [System.State] = 'Active'";
    assert.equal(narrowToWorkItem(withOr, 3), withOr);
  });
});
