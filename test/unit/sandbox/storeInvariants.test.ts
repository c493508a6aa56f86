// The store's promise, through the API: a write that answers an error was not applied (disk errors on the journal
// or a script blob, a full quota), a failed compaction fails no write, commits during a compaction survive, and a
// write that answered 2xx survives kill -9 of dist/sandbox.js, compactions included.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorBody, InitiateResponse, RuleVersionList, SyncRule } from '../../../src/shared/api';
import { versionsToPrune } from '../../../src/sandbox/retention';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/sandbox';
import { Store, blobHash, type StoreIo } from '../../../src/sandbox/store';
import { cleanupTempDirs, client, initiateBody, spawnSandbox, tempDir } from './helpers';

const TOKEN = 'invariant-token-1';
type Api = ReturnType<typeof client>;

async function start(dataDir: string, over: Partial<SandboxOptions> = {}): Promise<{ s: RunningSandbox; api: Api; logs: string[] }> {
  const logs: string[] = [];
  const s = await startSandbox({ dataDir, token: TOKEN, name: 'inv', pollMs: 3_600_000, log: (l) => logs.push(l), ...over });
  return { s, api: client(s.url, TOKEN), logs };
}

/** Saves a draft and publishes it (published versions are all kept; drafts only the newest 20): 200 or the error. */
async function put(api: Api, id: string, version: number, script: string) {
  const d = await api<SyncRule & ErrorBody>('POST', `/api/v1/connections/${id}/rules/outgoing/drafts`, { script }, { headers: { 'if-match': `"${version}"` } });
  if (d.status !== 201) return d;
  return api<SyncRule & ErrorBody>('POST', `/api/v1/connections/${id}/rules/outgoing/versions/${d.json.version}/publish`);
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('sandbox: store invariants', function () {
  this.timeout(120_000);
  after(() => cleanupTempDirs());

  it('answers 503 storage_failed and applies nothing when the journal or a script blob cannot be written', async () => {
    const dataDir = tempDir('inv-io');
    const fail: { journal: boolean; blob: boolean } = { journal: false, blob: false };
    const io: Partial<StoreIo> = {
      fdatasyncSync(fd) {
        if (fail.journal) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        fs.fdatasyncSync(fd);
      },
      writeBlob(file, data) {
        if (fail.blob) {
          fs.writeFileSync(`${file}.tmp`, data.subarray(0, 10)); // a partial temp file, then the disk fails
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        fs.writeFileSync(file, data, { mode: 0o600 });
      },
    };
    let { s, api } = await start(dataDir, { storeIo: io });
    const id = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'IO' }))).json.connection.id;
    assert.equal((await put(api, id, 1, 'v2')).status, 200);
    for (const which of ['journal', 'blob'] as const) {
      fail[which] = true;
      const r = await put(api, id, 2, `lost via ${which}`);
      fail[which] = false;
      assert.equal(r.status, 503, which);
      assert.equal(r.json.error.code, 'storage_failed');
      assert.match(r.json.error.message, which === 'journal' ? /EIO/ : /ENOSPC/);
      assert.equal((await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing`)).json.version, 2, `${which}: the head did not move`);
      fail[which] = true;
      const c = await api<ErrorBody>('POST', '/api/v1/connections', initiateBody({ name: `Lost ${which}` }));
      fail[which] = false;
      if (which === 'journal') assert.equal(c.status, 503);
    }
    // The retry works and gets the next version (the failed ones never took a number).
    assert.equal((await put(api, id, 2, 'v3')).json.version, 3);
    await s.stop();
    ({ s, api } = await start(dataDir));
    try {
      const versions = (await api<RuleVersionList>('GET', `/api/v1/connections/${id}/rules/outgoing/versions`)).json.items.map((v) => v.version);
      assert.deepEqual(versions, [3, 2, 1]);
      assert.equal((await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing/versions/3`)).json.script, 'v3');
      const names = (await api<{ items: { name: string }[] }>('GET', '/api/v1/connections')).json.items.map((c) => c.name);
      assert.deepEqual(names, ['IO', 'Lost blob'], 'only the connection whose journal write failed is missing');
      // The partial temp file of the failed blob write is debris once it is older than a minute.
      const blobDir = path.join(dataDir, 'blobs');
      const tmps = (fs.readdirSync(blobDir, { recursive: true }) as string[]).filter((f) => f.includes('.tmp'));
      assert.equal(tmps.length, 1, 'the failed write left its temp file');
      const old = new Date(Date.now() - 120_000);
      fs.utimesSync(path.join(blobDir, tmps[0]), old, old);
      await s.node.compactStore();
      const blobs = (fs.readdirSync(path.join(dataDir, 'blobs'), { recursive: true }) as string[]).filter((f) => f.length > 3);
      assert.ok(!blobs.some((f) => f.includes('.tmp')), 'no partial blob left after a compaction');
      assert.ok(!blobs.some((f) => f.endsWith(sha('lost via journal'))), 'the blob of the failed PUT is collected');
    } finally {
      await s.stop();
    }
  });

  it('keeps answering writes when a compaction fails, and loses none of them', async () => {
    const dataDir = tempDir('inv-compact');
    let failCompaction = true;
    const io: Partial<StoreIo> = {
      async writeSnapshotChunk(h, text) {
        if (failCompaction) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        await h.write(text);
      },
    };
    const first = await start(dataDir, { storeIo: io, compactBytes: 4096 });
    const logs = first.logs;
    let { s, api } = first;
    const id = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Compact' }))).json.connection.id;
    for (let v = 1; v <= 40; v++) assert.equal((await put(api, id, v, `script ${v}`)).status, 200, `PUT v${v + 1}`);
    assert.ok(logs.some((l) => /compaction failed \(ENOSPC/.test(l)), logs.join('\n'));
    assert.ok(!fs.existsSync(path.join(dataDir, 'snapshot.ndjson.tmp')), 'the partial snapshot was removed');
    failCompaction = false;
    await s.node.compactStore();
    assert.ok(fs.statSync(path.join(dataDir, 'journal.log')).size < 4096, 'a later compaction shortened the journal');
    await s.stop();
    ({ s, api } = await start(dataDir));
    try {
      assert.equal((await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing`)).json.script, 'script 40');
      assert.equal((await api<RuleVersionList>('GET', `/api/v1/connections/${id}/rules/outgoing/versions`)).json.items.length, 41);
    } finally {
      await s.stop();
    }
  });

  it('keeps commits made while a compaction is writing its snapshot', async () => {
    const dir = tempDir('inv-during');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let s = Store.open(dir, {
      io: {
        async writeSnapshotChunk(h, text) {
          entered();
          await gate;
          await h.write(text);
        },
      },
    });
    for (let i = 0; i < 100; i++) s.commit([{ c: 'meta', k: `before-${i}`, v: i }]);
    const compaction = s.compact();
    await inside;
    for (let i = 0; i < 50; i++) s.commit([{ c: 'meta', k: `during-${i}`, v: i }]);
    s.commit([{ c: 'meta', k: 'before-3' }]); // a delete of something the snapshot has
    s.commit([{ c: 'rules', k: 'r', v: { blob: blobHash('during'), size: 6 } }], ['during']);
    release();
    await compaction;
    const journal = fs.readFileSync(path.join(dir, 'journal.log'), 'utf8').trim().split('\n');
    assert.equal(journal.length, 52, 'the journal keeps exactly the lines appended during the compaction');
    s.close();
    s = Store.open(dir);
    assert.equal(s.get('meta', 'before-99'), 99);
    assert.equal(s.get('meta', 'during-49'), 49);
    assert.equal(s.get('meta', 'before-3'), undefined);
    assert.equal(s.readBlob(blobHash('during')), 'during');
    s.close();
  });

  it('answers 507 storage_quota_exceeded before writing anything, and accepts writes again once space is freed', async () => {
    const dataDir = tempDir('inv-quota');
    const quotaBytes = 2 * 1024 * 1024;
    let { s, api } = await start(dataDir, { quotaBytes });
    const ids: string[] = [];
    for (const name of ['Quota A', 'Quota B']) ids.push((await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name }))).json.connection.id);
    const big = (n: number) => `// ${n}\n${'x'.repeat(400 * 1024)}`;
    let version = 1;
    let refused: { status: number; json: ErrorBody } | undefined;
    for (let n = 0; n < 10 && !refused; n++) {
      const r = await put(api, ids[0], version, big(n));
      if (r.status === 200) version = r.json.version;
      else refused = r;
    }
    assert.ok(refused, 'the quota was reached');
    assert.equal(refused.status, 507);
    assert.equal(refused.json.error.code, 'storage_quota_exceeded');
    assert.match(refused.json.error.message, /storage quota is used up: the change needs 400\.\d KiB|needs 40\d KiB/);
    assert.match(refused.json.error.message, /of 2\.0 MiB are free\. Delete connections you no longer need, or restart the node with a larger --quota-mb/);
    const usedBefore = (fs.readdirSync(path.join(dataDir, 'blobs'), { recursive: true }) as string[]).length;
    // Not applied: same head, same versions, no new blob file.
    assert.equal((await api<SyncRule>('GET', `/api/v1/connections/${ids[0]}/rules/outgoing`)).json.version, version);
    assert.equal((await put(api, ids[1], 1, big(99))).status, 507, 'the other connection is refused too');
    assert.equal((fs.readdirSync(path.join(dataDir, 'blobs'), { recursive: true }) as string[]).length, usedBefore);
    // Small metadata writes still fit; a delete always goes through and frees the space of its scripts.
    assert.equal((await api('DELETE', `/api/v1/connections/${ids[0]}`)).status, 204);
    assert.equal((await put(api, ids[1], 1, big(100))).status, 200);
    await s.stop();
    ({ s, api } = await start(dataDir, { quotaBytes }));
    try {
      assert.equal((await api<SyncRule>('GET', `/api/v1/connections/${ids[1]}/rules/outgoing`)).json.script, big(100));
      assert.equal((await api('GET', `/api/v1/connections/${ids[0]}`)).status, 404);
    } finally {
      await s.stop();
    }
  });

  it('keeps every acknowledged rule version across kill -9 rounds with compactions in between (dist/sandbox.js)', async () => {
    const data = tempDir('inv-kill9');
    const args = ['--data', data, '--token', TOKEN, '--name', 'killed', '--compact-kb', '4']; // a compaction every ~15 PUTs
    let p = await spawnSandbox(args);
    let api = client(p.url, TOKEN);
    const id = (await api<InitiateResponse>('POST', '/api/v1/connections', initiateBody({ name: 'Kill 9' }))).json.connection.id;
    const acked = new Map<number, string>(); // version → sha256 of its script
    let version = 1;
    const rounds = Number(process.env.EXALATE_SOAK_KILL_ROUNDS ?? 3);
    for (let round = 0; round < rounds; round++) {
      let stop = false;
      let killing = false;
      let failure: unknown = null;
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          const script = `// round ${round} write ${i}\n${'y'.repeat(20_000 + ((i * 7919) % 30_000))}`;
          try {
            const r = await put(api, id, version, script);
            if (r.status !== 200) throw new Error(`PUT answered ${r.status}: ${JSON.stringify(r.json)}`);
            version = r.json.version;
            acked.set(version, sha(script));
          } catch (e) {
            if (!killing) failure = e;
            return; // killed mid-request: not acknowledged
          }
        }
      })();
      const target = acked.size + 60;
      while (acked.size < target && failure === null) await new Promise((r) => setTimeout(r, 5));
      if (failure) throw failure as Error;
      killing = true;
      await p.kill9();
      stop = true;
      await writer;
      p = await spawnSandbox(args);
      api = client(p.url, TOKEN);
      const head = (await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing/latest`)).json;
      assert.ok(head.version >= version, `round ${round}: head ${head.version} is older than the last acknowledged ${version}`);
      version = head.version; // a PUT may have been applied without its answer reaching us: that is allowed
    }
    try {
      const missing: number[] = [];
      for (const [v, digest] of acked) {
        const r = await api<SyncRule>('GET', `/api/v1/connections/${id}/rules/outgoing/versions/${v}`);
        if (r.status !== 200 || sha(r.json.script) !== digest) missing.push(v);
      }
      console.log(`      kill -9: ${rounds} rounds, ${acked.size} acknowledged rule versions, ${missing.length} lost or changed`);
      assert.deepEqual(missing, []);
      assert.ok(fs.existsSync(path.join(data, 'snapshot.ndjson')), 'compactions ran');
    } finally {
      await p.stop();
    }
  });

  it('retention: keeps the head and every published version, and the newest N drafts', () => {
    const vs = (spec: string) => [...spec].map((c, i) => ({ version: i + 2, state: c === 'p' ? ('published' as const) : ('draft' as const) }));
    assert.deepEqual(versionsToPrune(vs('pppp'), 2), []);
    assert.deepEqual(versionsToPrune(vs('ddddd'), 2), [2, 3]); // v4, v5 are the newest drafts kept; v6 is the head
    assert.deepEqual(versionsToPrune(vs('dpdpdd'), 1), [2, 4]);
    assert.deepEqual(versionsToPrune(vs('dd'), 0), [2]);
    assert.deepEqual(versionsToPrune([], 3), []);
  });
});
