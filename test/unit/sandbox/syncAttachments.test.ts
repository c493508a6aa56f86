// Attachments and comment changes over a sync connection, between two in-process sandbox nodes (private connection:
// A initiates, B accepts and polls), driven through the emulators with the real Azure DevOps client: an attachment
// reaches the twin with the same bytes, once (also across a retried apply), both ways; one over the size cap is a sync
// error; an edited comment updates the twin's copy, a deleted one is deleted there.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import type { WorkItem } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import type { SyncedPage, SyncErrorList, SyncQueue } from '../../../src/shared/api';
import { MAX_MESSAGE_FILE_CHARS, WireMessageSchema } from '../../../src/sandbox/parts/sync/records';
import type { RunningSandbox } from '../../../src/sandbox/sandbox';
import { cleanupTempDirs, client, waitFor } from './helpers';
import { activate, startSyncPair } from './syncPair';

const TOKEN_A = 'attach-token-alpha-1';
const TOKEN_B = 'attach-token-beta-22';
const add = (field: string, value: unknown) => ({ op: 'add', path: `/fields/${field}`, value });

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of s) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts);
}

describe('sandbox: work item sync of attachments and comment changes', function () {
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
    ({ a, b, apiA, apiB, witA, witB, id } = await startSyncPair({ prefix: 'attach', tokens: [TOKEN_A, TOKEN_B], name: 'Attachment test', logs }));
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
  const idle = () =>
    waitFor(
      async () =>
        (await apiA<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0 &&
        (await apiB<SyncQueue>('GET', `/api/v1/connections/${id}/queue`)).json.items.length === 0,
      20_000,
      'empty queues',
    );
  /** Uploads through the real client and links the attachment to the work item. */
  const attach = async (w: IWorkItemTrackingApi, project: string, workItemId: number, name: string, bytes: Buffer) => {
    const ref = await w.createAttachment(null, Readable.from([bytes]), name, undefined, project);
    await w.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: ref.url } }], workItemId);
  };
  const files = async (w: IWorkItemTrackingApi, workItemId: number): Promise<Array<{ name: string; bytes: Buffer }>> => {
    const item: WorkItem = await w.getWorkItem(workItemId, undefined, undefined, 1 /* Relations */);
    const out: Array<{ name: string; bytes: Buffer }> = [];
    for (const r of item.relations ?? []) {
      if (r.rel !== 'AttachedFile') continue;
      const attId = r.url!.split('/').pop()!;
      out.push({ name: String(r.attributes?.name), bytes: await readAll(await w.getAttachmentContent(attId)) });
    }
    return out.sort((x, y) => x.name.localeCompare(y.name));
  };

  let localA = 0;
  let localB = 0;
  const report = randomBytes(300 * 1024);
  const notes = Buffer.from('line one\nline two\n', 'utf8');

  it('sends a work item\'s attachments with their bytes to the twin, once', async () => {
    const w = await witA.createWorkItem(null, [add('System.Title', 'Crash with logs')], 'Payments', 'Bug');
    localA = w.id!;
    await attach(witA, 'Payments', localA, 'report.bin', report);
    await attach(witA, 'Payments', localA, 'notes.txt', notes);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: localA })).status, 202);
    localB = (await twinOn(apiB, localA)).localId;
    const onB = await waitFor(async () => {
      const f = await files(witB, localB);
      return f.length === 2 ? f : undefined;
    }, 20_000, 'two attachments on B');
    assert.deepEqual(onB.map((f) => f.name), ['notes.txt', 'report.bin']);
    assert.ok(onB[0].bytes.equals(notes), 'notes.txt has the same bytes');
    assert.ok(onB[1].bytes.equals(report), 'report.bin has the same bytes');

    // A later change without new attachments: the twin keeps exactly these two, and B's copies do not come back to A.
    await witA.updateWorkItem(null, [{ op: 'replace', path: '/fields/System.Title', value: 'Crash with logs (EU)' }], localA);
    await waitFor(async () => (await witB.getWorkItem(localB)).fields!['System.Title'] === 'Crash with logs (EU)', 20_000, 'title on B');
    await idle();
    assert.deepEqual((await files(witB, localB)).map((f) => f.name), ['notes.txt', 'report.bin']);
    assert.deepEqual((await files(witA, localA)).map((f) => f.name), ['notes.txt', 'report.bin']);
  });

  it('sends an attachment added on the twin back to the source, and not again after later syncs', async () => {
    const shot = randomBytes(10_000);
    await attach(witB, 'Mobile App', localB, 'screenshot.png', shot);
    const onA = await waitFor(async () => {
      const f = await files(witA, localA);
      return f.length === 3 ? f : undefined;
    }, 20_000, 'third attachment on A');
    assert.ok(onA.find((f) => f.name === 'screenshot.png')!.bytes.equals(shot));
    // Both sides change again: still three on each side.
    await witA.updateWorkItem(null, [{ op: 'replace', path: '/fields/System.Title', value: 'Crash with logs (EU, iOS)' }], localA);
    await waitFor(async () => (await witB.getWorkItem(localB)).fields!['System.Title'] === 'Crash with logs (EU, iOS)', 20_000, 'title on B');
    await witB.addComment({ text: 'Also on Android' }, 'Mobile App', localB);
    await waitFor(async () => (await witA.getComments('Payments', localA)).comments?.some((c) => c.text?.includes('Also on Android')), 20_000, 'comment on A');
    await idle();
    assert.deepEqual((await files(witA, localA)).map((f) => f.name), ['notes.txt', 'report.bin', 'screenshot.png']);
    assert.deepEqual((await files(witB, localB)).map((f) => f.name), ['notes.txt', 'report.bin', 'screenshot.png']);
  });

  it('links an attachment once when the apply is retried after the link was written', async () => {
    // B's emulator writes the link, then the answer is "lost" (an exception after the write): the apply fails with a
    // sync error; the retry finds the link by its origin and adds nothing twice.
    const ado = b.ado as unknown as { updateWorkItem: (...args: unknown[]) => Promise<unknown> };
    const real = ado.updateWorkItem.bind(b.ado);
    let failed = false;
    ado.updateWorkItem = async (...args: unknown[]) => {
      const done = await real(...args);
      const patch = args[1] as Array<{ path: string }>;
      if (!failed && patch.some((op) => op.path === '/relations/-')) {
        failed = true;
        throw new Error('connection reset after the write');
      }
      return done;
    };
    try {
      const extra = randomBytes(2_000);
      await attach(witA, 'Payments', localA, 'trace.log', extra);
      const err = await waitFor(async () => (await apiB<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items[0], 20_000, 'sync error on B');
      assert.match(err.message, /connection reset after the write/);
      assert.equal((await apiB('POST', `/api/v1/connections/${id}/errors/${err.id}/retry`)).status, 202);
      await waitFor(async () => (await apiB<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items.length === 0, 20_000, 'error gone');
      await idle();
      const onB = await files(witB, localB);
      assert.deepEqual(onB.map((f) => f.name), ['notes.txt', 'report.bin', 'screenshot.png', 'trace.log']);
      assert.ok(onB[3].bytes.equals(extra));
      // A does not get B's copy back.
      assert.deepEqual((await files(witA, localA)).map((f) => f.name), ['notes.txt', 'report.bin', 'screenshot.png', 'trace.log']);
    } finally {
      ado.updateWorkItem = real;
    }
  });

  it('spreads new attachments over several messages when they exceed what one message carries', async () => {
    // Three attachments of 1 MiB: 4 MiB of base64, one message carries 3 MiB, so the third follows in a second one.
    const w = await witA.createWorkItem(null, [add('System.Title', 'Big bundle')], 'Payments', 'Task');
    const parts = [randomBytes(1024 * 1024), randomBytes(1024 * 1024), randomBytes(1024 * 1024)];
    for (const [i, p] of parts.entries()) await attach(witA, 'Payments', w.id!, `part${i}.bin`, p);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id })).status, 202);
    const twin = (await twinOn(apiB, w.id!)).localId;
    const onB = await waitFor(async () => {
      const f = await files(witB, twin);
      return f.length === 3 ? f : undefined;
    }, 30_000, 'three attachments on B');
    for (const [i, p] of parts.entries()) assert.ok(onB[i].bytes.equals(p), `part${i}.bin has the same bytes`);
    await idle();
    assert.equal((await files(witB, twin)).length, 3);
    assert.ok(logs.some((l) => l.startsWith('[b]') && /came without its content \(a later message brings it/.test(l)), 'the first message named the third without its bytes');
  });

  it('refuses a peer message whose attachment content is not base64 or over the per-message cap', () => {
    const base = { type: 'replica', id: '0b5c8a52-4a39-4a8e-9a43-2f6f3f0a7c11', seq: 1, workItemId: 1, yourId: null, replica: '{}', createdAt: 'x' };
    assert.ok(WireMessageSchema.safeParse({ ...base, files: { a: { name: 'n.txt', content: Buffer.from('hi').toString('base64') } } }).success);
    assert.equal(WireMessageSchema.safeParse({ ...base, files: { a: { name: 'n.txt', content: 'not base64!' } } }).success, false);
    const half = 'A'.repeat(MAX_MESSAGE_FILE_CHARS / 2 + 4);
    const over = WireMessageSchema.safeParse({ ...base, files: { a: { name: 'a', content: half }, b: { name: 'b', content: half } } });
    assert.equal(over.success, false);
    assert.match(JSON.stringify(over.error?.issues), /attachment content per message/);
  });

  it('records a sync error for an attachment over the size cap, and the work item goes once it is resolved', async () => {
    const w = await witA.createWorkItem(null, [add('System.Title', 'Huge dump')], 'Payments', 'Task');
    await attach(witA, 'Payments', w.id!, 'dump.bin', randomBytes(1024 * 1024 + 1));
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id })).status, 202);
    const err = await waitFor(async () => (await apiA<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items[0], 20_000, 'outgoing error on A');
    assert.equal(err.direction, 'outgoing');
    assert.equal(err.workItemId, w.id);
    assert.match(err.message, /Attachment "dump\.bin" is 1048577 bytes; at most 1024 KiB/);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/errors/${err.id}/resolve`)).status, 204);
    await idle();
    assert.equal((await synced(apiB)).some((p) => p.remoteId === String(w.id)), false, 'nothing arrived');
  });

  it('keeps the bytes of a resolved incoming message, so the attachment reaches the twin with the next one', async () => {
    const rule = (await apiB<{ script: string }>('GET', `/api/v1/connections/${id}/rules/incoming`)).json.script;
    await activate(apiB, id, 'incoming', 'throw new RuntimeException("not now")\n');
    const w = await witA.createWorkItem(null, [add('System.Title', 'Dropped once')], 'Payments', 'Task');
    const bytes = randomBytes(5_000);
    await attach(witA, 'Payments', w.id!, 'kept.bin', bytes);
    assert.equal((await apiA('POST', `/api/v1/connections/${id}/sync`, { workItemId: w.id })).status, 202);
    const err = await waitFor(async () => (await apiB<SyncErrorList>('GET', `/api/v1/connections/${id}/errors`)).json.items[0], 20_000, 'sync error on B');
    assert.equal((await apiB('POST', `/api/v1/connections/${id}/errors/${err.id}/resolve`)).status, 204);
    await activate(apiB, id, 'incoming', rule);
    // The next change carries no bytes (they were sent once); B uses the ones it kept.
    await witA.updateWorkItem(null, [{ op: 'replace', path: '/fields/System.Title', value: 'Dropped once, then synced' }], w.id!);
    const twin = (await twinOn(apiB, w.id!)).localId;
    const onB = await waitFor(async () => {
      const f = await files(witB, twin);
      return f.length === 1 ? f : undefined;
    }, 20_000, 'attachment on B');
    assert.equal(onB[0].name, 'kept.bin');
    assert.ok(onB[0].bytes.equals(bytes));
  });

  it('updates the twin\'s copy of an edited comment and deletes the copy of a deleted one, both ways', async () => {
    const c1 = await witA.addComment({ text: 'Root cause: cache' }, 'Payments', localA);
    const c2 = await witA.addComment({ text: 'Workaround: restart' }, 'Payments', localA);
    const onB = async () => ((await witB.getComments('Mobile App', localB)).comments ?? []).map((c) => c.text ?? '');
    await waitFor(async () => (await onB()).some((t) => t.includes('Workaround: restart')), 20_000, 'comments on B');
    await witA.updateComment({ text: 'Root cause: stale cache entry' }, 'Payments', localA, c1.id!);
    await waitFor(async () => (await onB()).some((t) => t.includes('Root cause: stale cache entry')), 20_000, 'edited comment on B');
    await witA.deleteComment('Payments', localA, c2.id!);
    await waitFor(async () => !(await onB()).some((t) => t.includes('Workaround')), 20_000, 'deleted comment gone on B');
    await idle();
    const texts = await onB();
    assert.equal(texts.filter((t) => t.includes('Root cause')).length, 1, JSON.stringify(texts));
    assert.equal(texts.some((t) => t.includes('Root cause: cache<')), false, JSON.stringify(texts));

    // The other way: B edits its own comment ("Also on Android", synced to A earlier), A's copy follows.
    const own = ((await witB.getComments('Mobile App', localB)).comments ?? []).find((c) => c.text?.includes('Also on Android'))!;
    await witB.updateComment({ text: 'Also on Android 14' }, 'Mobile App', localB, own.id!);
    const onA = async () => ((await witA.getComments('Payments', localA)).comments ?? []).map((c) => c.text ?? '');
    await waitFor(async () => (await onA()).some((t) => t.includes('Also on Android 14')), 20_000, 'edited comment on A');
    await witB.deleteComment('Mobile App', localB, own.id!);
    await waitFor(async () => !(await onA()).some((t) => t.includes('Also on Android')), 20_000, 'deleted comment gone on A');
    await idle();
    // A's own comments are untouched by B's deletions.
    assert.ok((await onA()).some((t) => t.includes('Root cause: stale cache entry')));
  });
});
