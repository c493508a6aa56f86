// Durability of the emulator's writes in the node's store: restart, kill -9 of a real sandbox process during a
// stream of writes, quota and disk failures (an error answer means nothing was applied).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { IWorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import { WorkItemExpand } from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { Store, type StoreOptions } from '../../../src/sandbox/store';
import type { JsonPatchOp, WorkItemChange } from '../../../src/sandbox/ado';
import { cleanupTempDirs, spawnSandbox, tempDir } from '../sandbox/helpers';
import { failure, serveEmulator, witApi, type Served } from './helpers';

const add = (field: string, value: unknown): JsonPatchOp => ({ op: 'add', path: `/fields/${field}`, value });

/** A REST answer with the (per run) host replaced, so answers of two runs compare. */
function hostless(value: unknown, orgUrl: string): unknown {
  return JSON.parse(JSON.stringify(value).split(orgUrl).join('{org}'));
}

describe('Azure DevOps emulator: persistence in the node store', function () {
  this.timeout(120_000);
  const open: Array<{ s: Served; store: Store }> = [];
  after(() => cleanupTempDirs());
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.s.close();
      o.store.close();
    }
  });

  async function start(dir: string, options: StoreOptions = {}) {
    const store = Store.open(dir, options);
    const s = await serveEmulator({ store });
    open.push({ s, store });
    return { s, store, wit: await witApi(s.orgUrl) };
  }

  async function restart(o: { s: Served; store: Store }, dir: string, options: StoreOptions = {}) {
    await o.s.close();
    o.store.close();
    open.splice(open.findIndex((x) => x.s === o.s), 1);
    return start(dir, options);
  }

  it('keeps created and changed work items, revisions, comments, attachments and origin tags across restarts', async () => {
    const dir = tempDir('ado-restart');
    let r = await start(dir);
    const journal = path.join(dir, 'journal.log');
    const durableAtNotify: boolean[] = [];
    r.s.emulator.onChange((c: WorkItemChange) => durableAtNotify.push(fs.readFileSync(journal, 'utf8').includes(`"k":"contoso:${c.id}:${c.rev}"`)));

    const created = await r.wit.createWorkItem(null, [add('System.Title', 'Persist me'), add('Custom.Customer', 'ACME')], 'Payments', 'Bug');
    assert.equal(created.id, 6);
    await r.wit.updateWorkItem(null, [add('System.Title', 'Seeded, changed'), { op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Related', url: `${r.s.orgUrl}/_apis/wit/workItems/6` } }], 1);
    await r.wit.addComment({ text: 'first' }, 'Payments', 6);
    await r.wit.updateComment({ text: 'first, edited' }, 'Payments', 6, 1);
    const ref = await r.wit.createAttachment(null, Readable.from([Buffer.from([0, 1, 2, 255])]), 'tiny.bin', undefined, 'Payments');
    await r.wit.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: ref.url } }], 6);
    const fromSync = await r.s.emulator.createWorkItem('Payments', 'Task', [add('System.Title', 'From the partner')], { origin: 'sync:c:m1' });
    assert.ok(durableAtNotify.length >= 7 && durableAtNotify.every(Boolean), `onChange fired before the journal had the write: ${JSON.stringify(durableAtNotify)}`);
    const snapshot = async (wit: IWorkItemTrackingApi, orgUrl: string) =>
      hostless(
        await Promise.all(
          [1, 6, 7].map(async (id) => ({
            item: await wit.getWorkItem(id, undefined, undefined, WorkItemExpand.All),
            revs: await wit.getRevisions(id),
            comments: await wit.getComments('Payments', id, undefined, undefined, true),
          })),
        ),
        orgUrl,
      );
    const before = await snapshot(r.wit, r.s.orgUrl);

    r = await restart(r, dir);
    assert.deepEqual(await snapshot(r.wit, r.s.orgUrl), before);
    assert.deepEqual(r.s.emulator.findByOrigin('sync:c:m1'), { id: fromSync.id, rev: 1 });
    assert.deepEqual(r.s.emulator.getAttachment(ref.id!)?.content, Buffer.from([0, 1, 2, 255]));
    assert.equal((await r.wit.getWorkItem(2)).fields!['System.Title'], 'Support Apple Pay in the hosted checkout', 'seeded items nobody changed are as seeded');

    // Through a compaction (snapshot instead of journal), then new ids continue after the highest.
    await r.store.compact();
    r = await restart(r, dir);
    assert.deepEqual(await snapshot(r.wit, r.s.orgUrl), before);
    const next = await r.wit.createWorkItem(null, [add('System.Title', 'After restart')], 'Payments', 'Task');
    assert.equal(next.id, 8);
  });

  it('answers 507 when the storage quota is used up and applies nothing, REST and in-process', async () => {
    const dir = tempDir('ado-quota');
    let r = await start(dir, { quotaBytes: 12_000 });
    const changes: WorkItemChange[] = [];
    r.s.emulator.onChange((c) => changes.push(c));
    let refused: Awaited<ReturnType<typeof failure>> | undefined;
    let written = 0;
    for (let i = 0; i < 50 && !refused; i++) {
      try {
        await r.wit.updateWorkItem(null, [add('System.Description', `<div>${'x'.repeat(400)} ${i}</div>`)], 1);
        written++;
      } catch (e) {
        refused = e as typeof refused;
      }
    }
    assert.ok(refused, 'the quota was never reached');
    assert.ok(written > 0);
    assert.equal(refused.statusCode, 507);
    assert.match(refused.message, /storage quota is used up/);
    assert.equal(refused.result?.typeKey, 'StorageQuotaExceededException');
    assert.equal(changes.length, written, 'no change announced for the refused write');
    const after = hostless(await r.wit.getWorkItem(1), r.s.orgUrl) as { rev: number };
    assert.equal(after.rev, 5 + written);
    assert.equal((await r.wit.getRevisions(1)).length, written + 1);
    await assert.rejects(r.s.emulator.addComment(1, 'no room', { origin: 'sync:q:1' }), (e: Error & { status?: number }) => e.status === 507);
    assert.equal(r.s.emulator.findByOrigin('sync:q:1'), undefined);
    const upload = await failure(r.wit.createAttachment(null, Readable.from([Buffer.alloc(8_000, 7)]), 'big.bin', undefined, 'Payments'));
    assert.equal(upload.statusCode, 507);

    r = await restart(r, dir, { quotaBytes: 1024 * 1024 });
    const reloaded = hostless(await r.wit.getWorkItem(1), r.s.orgUrl);
    assert.deepEqual(reloaded, after, 'the refused write is not on disk either');
    assert.equal((await r.wit.createWorkItem(null, [add('System.Title', 'room again')], 'Payments', 'Task')).id, 6);
  });

  it('refuses to start on a stored record that does not fit its schema, naming it', async () => {
    const dir = tempDir('ado-bad');
    const store = Store.open(dir);
    try {
      store.commit([{ c: 'adoItems', k: 'contoso:9', v: { id: 9, rev: 'one', projectId: 'p', fields: {}, comments: [], relations: [] } }]);
      await assert.rejects(serveEmulator({ store }), /The stored Azure DevOps emulator record adoItems\/contoso:9 is not valid \(rev: /);
    } finally {
      store.close();
    }
  });

  it('answers 503 when the disk fails and applies nothing', async () => {
    const dir = tempDir('ado-io');
    let failNext = false;
    const r = await start(dir, {
      io: {
        fdatasyncSync: (fd) => {
          if (failNext) {
            failNext = false;
            throw new Error('EIO: i/o error, fdatasync');
          }
          fs.fdatasyncSync(fd);
        },
      },
    });
    const before = await r.wit.getWorkItem(3, undefined, undefined, WorkItemExpand.All);
    failNext = true;
    const e = await failure(r.wit.updateWorkItem(null, [add('System.Title', 'lost')], 3));
    assert.equal(e.statusCode, 503);
    assert.match(e.message, /Could not write to the data directory \(EIO: i\/o error, fdatasync\); nothing was changed/);
    assert.deepEqual(await r.wit.getWorkItem(3, undefined, undefined, WorkItemExpand.All), before);
    failNext = true;
    const c = await failure(r.wit.createWorkItem(null, [add('System.Title', 'lost too')], 'Payments', 'Bug'));
    assert.equal(c.statusCode, 503);
    // The id was not taken: the next create gets it.
    assert.equal((await r.wit.createWorkItem(null, [add('System.Title', 'kept')], 'Payments', 'Bug')).id, 6);
  });

  it('has every acknowledged write after kill -9 of the sandbox process during a stream of writes; ids are never reused', async () => {
    const data = tempDir('ado-kill9');
    const TOKEN = 'ado-kill9-token';
    const args = ['--data', data, '--token', TOKEN, '--name', 'alpha', '--seed'];
    const created: Array<{ id: number; title: string }> = []; // acknowledged creates, in all rounds
    const updated: Array<{ id: number; rev: number; title: string }> = [];
    const ROUNDS = 3;
    for (let round = 0; round < ROUNDS; round++) {
      const p = await spawnSandbox(args);
      const target = created.length + updated.length + 120;
      let stop = false;
      let writers: Promise<void>[] = [];
      try {
        const wit = await witApi(p.ado, TOKEN);
        const writer = async (w: number) => {
          for (let i = 0; !stop; i++) {
            try {
              const title = `r${round}-w${w}-${i}`;
              const c = await wit.createWorkItem(null, [add('System.Title', title)], 'Payments', 'Task');
              created.push({ id: c.id!, title });
              const u = await wit.updateWorkItem(null, [add('System.Title', `${title} changed`)], c.id!);
              updated.push({ id: u.id!, rev: u.rev!, title: `${title} changed` });
            } catch {
              return; // the process died mid-request: not acknowledged
            }
          }
        };
        writers = [0, 1, 2, 3].map(writer);
        while (created.length + updated.length < target && p.child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      } finally {
        await p.kill9();
        stop = true;
        await Promise.all(writers);
      }
      assert.equal(p.child.signalCode, 'SIGKILL');
    }
    const ids = created.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'an id was given to two work items');

    const q = await spawnSandbox(args);
    try {
      const wit = await witApi(q.ado, TOKEN);
      const present = await wit.queryByWiql({ query: 'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project' }, { project: 'Payments' });
      const have = new Set(present.workItems!.map((w) => w.id!));
      const missing = created.filter((c) => !have.has(c.id));
      assert.deepEqual(missing, [], `${missing.length} of ${created.length} acknowledged creates lost`);
      for (const c of created) assert.equal((await wit.getRevision(c.id, 1))?.fields?.['System.Title'], c.title, `work item ${c.id} is not the one created as ${c.title}`);
      for (const u of updated) assert.equal((await wit.getRevision(u.id, u.rev))?.fields?.['System.Title'], u.title, `acknowledged update of ${u.id} to rev ${u.rev} lost`);
      for (const id of [1, 2]) assert.ok(have.has(id), 'seeded work items keep their ids');
      const next = await wit.createWorkItem(null, [add('System.Title', 'after kill -9')], 'Payments', 'Task');
      assert.ok(next.id! > Math.max(...have), `new id ${next.id} reuses one of ${Math.max(...have)}`);
      console.log(`      kill -9: ${ROUNDS} rounds, ${created.length} acknowledged creates and ${updated.length} updates, 0 lost, no id reused`);
    } finally {
      await q.stop();
    }
  });
});
