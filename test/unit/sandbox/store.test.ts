// The durable store on its own: failed journal writes, file modes, the lock, and files it refuses to trust.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandbox } from '../../../src/sandbox';
import { Store, blobHash } from '../../../src/sandbox/store';
import { cleanupTempDirs, tempDir } from './helpers';

describe('sandbox: store', () => {
  after(() => cleanupTempDirs());

  it('cuts a partly written line when a journal write fails, so later acknowledged writes survive a reload', () => {
    const dir = tempDir('store-partial');
    let failNext = false;
    let s = Store.open(dir, {
      io: {
        writeSync(fd, buf, off, len) {
          if (!failNext) return fs.writeSync(fd, buf, off, len);
          failNext = false;
          fs.writeSync(fd, buf, off, Math.floor(len / 2)); // half the line reaches the file, then the disk is full
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      },
    });
    s.commit([{ c: 'meta', k: 'a', v: 1 }]);
    failNext = true;
    assert.throws(() => s.commit([{ c: 'meta', k: 'lost', v: 'never acknowledged' }]), /ENOSPC/);
    assert.equal(s.get('meta', 'lost'), undefined);
    s.commit([{ c: 'meta', k: 'b', v: 2 }]);
    s.close();
    s = Store.open(dir);
    assert.deepEqual([s.get('meta', 'a'), s.get('meta', 'lost'), s.get('meta', 'b')], [1, undefined, 2]);
    s.close();
  });

  it('rolls back a line whose fdatasync failed', () => {
    const dir = tempDir('store-fsync');
    let failSync = false;
    let s = Store.open(dir, {
      io: {
        fdatasyncSync(fd) {
          if (failSync) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
          fs.fdatasyncSync(fd);
        },
      },
    });
    s.commit([{ c: 'meta', k: 'a', v: 1 }]);
    const size = fs.statSync(path.join(dir, 'journal.log')).size;
    failSync = true;
    assert.throws(() => s.commit([{ c: 'meta', k: 'x', v: 'unsynced' }]), /EIO/);
    assert.equal(fs.statSync(path.join(dir, 'journal.log')).size, size);
    failSync = false;
    s.commit([{ c: 'meta', k: 'b', v: 2 }]);
    s.close();
    s = Store.open(dir);
    assert.deepEqual([s.get('meta', 'a'), s.get('meta', 'x'), s.get('meta', 'b')], [1, undefined, 2]);
    s.close();
  });

  const mode = (p: string) => fs.statSync(p).mode & 0o777;
  const posix = process.platform !== 'win32';

  describe('transact (fdatasync off the event loop)', () => {
    /** A store whose async journal syncs wait until the test releases (or fails) them. */
    function gatedStore(dir: string) {
      const gates: Array<{ release: () => void; fail: (e: Error) => void }> = [];
      let waiting: (() => void) | null = null;
      const s = Store.open(dir, {
        compactBytes: 1,
        io: {
          fdatasync: (fd) =>
            new Promise<void>((resolve, reject) => {
              gates.push({ release: () => (fs.fdatasyncSync(fd), resolve()), fail: reject });
              waiting?.();
            }),
        },
      });
      const nextGate = async () => {
        const deadline = Date.now() + 5_000;
        while (gates.length === 0) {
          if (Date.now() > deadline) throw new Error('no transaction reached its fdatasync within 5 s');
          await new Promise<void>((r) => (waiting = r));
        }
        return gates.shift()!;
      };
      return { s, nextGate };
    }

    it('reads see the state before a write until it is durable; the write applies after its sync, in order', async () => {
      const { s, nextGate } = gatedStore(tempDir('store-tx'));
      s.commit([{ c: 'meta', k: 'a', v: 1 }]);
      const t1 = s.transact(() => ({ ops: [{ c: 'meta', k: 'a', v: 2 }], result: 'first' }));
      let secondSaw: unknown = 'not run';
      const t2 = s.transact(() => {
        secondSaw = s.get('meta', 'a'); // runs only after t1 is applied
        return { ops: [{ c: 'meta', k: 'a', v: 3 }], result: 'second' };
      });
      const g1 = await nextGate();
      assert.equal(s.get('meta', 'a'), 1, 'not applied before its fdatasync');
      assert.equal(secondSaw, 'not run', 'the next transaction waits');
      g1.release();
      assert.equal(await t1, 'first');
      assert.equal(s.get('meta', 'a'), 2);
      (await nextGate()).release();
      assert.equal(await t2, 'second');
      assert.equal(secondSaw, 2);
      assert.equal(s.get('meta', 'a'), 3);
      s.close();
    });

    it('a failed sync applies nothing and takes the line back; a refused build writes nothing', async () => {
      const dir = tempDir('store-tx-fail');
      const { s, nextGate } = gatedStore(dir);
      const t = s.transact(() => ({ ops: [{ c: 'meta', k: 'x', v: 'unsynced' }], result: null }));
      (await nextGate()).fail(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
      await assert.rejects(t, /EIO/);
      assert.equal(s.get('meta', 'x'), undefined);
      await assert.rejects(
        s.transact(() => {
          throw new Error('precondition failed');
        }),
        /precondition failed/,
      );
      const ok = s.transact(() => ({ ops: [{ c: 'meta', k: 'y', v: 'kept' }], result: null }));
      (await nextGate()).release();
      await ok;
      s.close();
      const again = Store.open(dir);
      assert.deepEqual([again.get('meta', 'x'), again.get('meta', 'y')], [undefined, 'kept']);
      again.close();
    });

    it('a compaction waits for the write in flight and keeps its blob', async () => {
      const dir = tempDir('store-tx-compact');
      const { s, nextGate } = gatedStore(dir);
      for (let i = 0; i < 20; i++) s.commit([{ c: 'meta', k: `m${i}`, v: 'x'.repeat(100) }]);
      const script = 'in flight while compacting';
      const t = s.transact(() => ({ ops: [{ c: 'rules', k: 'r', v: { blob: blobHash(script), size: script.length } }], blobs: [script], result: null }));
      const gate = await nextGate();
      const compaction = s.compact();
      gate.release();
      await t;
      await compaction;
      await s.compact(); // a second sweep after the write is applied
      s.close();
      const again = Store.open(dir);
      assert.deepEqual(again.get('rules', 'r'), { blob: blobHash(script), size: script.length });
      assert.equal(again.readBlob(blobHash(script)), script);
      assert.equal(again.get('meta', 'm19'), 'x'.repeat(100));
      again.close();
    });
  });

  it('creates the data directory 0700 and every file 0600', async function () {
    if (!posix) this.skip();
    const dir = path.join(tempDir('store-modes'), 'data');
    const sandbox = await startSandbox({ dataDir: dir, token: 'mode-token-1', name: 'alpha', log: () => undefined });
    try {
      sandbox.node.bulkCreate({ count: 2 });
    } finally {
      await sandbox.stop();
    }
    const s = Store.open(dir);
    s.commit([{ c: 'rules', k: 'r', v: { blob: blobHash('script'), size: 6 } }], ['script']);
    await s.compact();
    assert.equal(mode(dir), 0o700);
    for (const f of ['snapshot.ndjson', 'journal.log', 'node.key', 'lock']) assert.equal(mode(path.join(dir, f)).toString(8), '600', f);
    const blob = path.join(dir, 'blobs', blobHash('script').slice(0, 2), blobHash('script'));
    assert.equal(mode(blob).toString(8), '600');
    assert.equal(mode(path.dirname(blob)).toString(8), '700');
    assert.equal(mode(path.join(dir, 'blobs')).toString(8), '700');
    s.close();
  });

  it('tightens the modes of an existing data directory when it opens it', async function () {
    if (!posix) this.skip();
    const dir = tempDir('store-loose');
    let s = Store.open(dir);
    s.commit([{ c: 'meta', k: 'a', v: 1 }]);
    await s.compact();
    s.commit([{ c: 'meta', k: 'b', v: 2 }]);
    s.close();
    fs.chmodSync(dir, 0o755);
    for (const f of ['snapshot.ndjson', 'journal.log']) fs.chmodSync(path.join(dir, f), 0o644);
    fs.writeFileSync(path.join(dir, 'snapshot.ndjson.tmp'), '{}', { mode: 0o644 });
    s = Store.open(dir);
    assert.equal(mode(dir), 0o700);
    for (const f of ['snapshot.ndjson', 'journal.log', 'snapshot.ndjson.tmp', 'lock']) assert.equal(mode(path.join(dir, f)).toString(8), '600', f);
    await s.compact(); // reuses the stale tmp file name: the new snapshot is 0600 too
    assert.equal(mode(path.join(dir, 'snapshot.ndjson')).toString(8), '600');
    assert.deepEqual([s.get('meta', 'a'), s.get('meta', 'b')], [1, 2]);
    s.close();
  });

  it('refuses a data directory locked by a live process and takes over a dead owner\'s lock', () => {
    const dir = tempDir('store-lock');
    const lock = path.join(dir, 'lock');
    fs.writeFileSync(lock, String(process.ppid)); // a live process that is not us
    assert.throws(() => Store.open(dir), new RegExp(`in use by process ${process.ppid}`));
    assert.equal(fs.readFileSync(lock, 'utf8'), String(process.ppid), 'the live owner keeps its lock');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    for (const stale of [String(dead), '', 'garbage']) {
      fs.writeFileSync(lock, stale);
      const s = Store.open(dir);
      assert.equal(fs.readFileSync(lock, 'utf8'), String(process.pid), JSON.stringify(stale));
      s.close();
      assert.equal(fs.existsSync(lock), false, 'close releases the lock');
    }
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('lock')), [], 'no temp or stale lock files left');
  });

  it('names the file and line of content it does not understand instead of failing obscurely', () => {
    const cases: [string, string, RegExp][] = [
      ['journal.log', '{"ops":[{"c":"meta","k":"a","v":1}]}\n{"ops":5}\n', /journal\.log line 2 is not a journal entry \(ops: /],
      ['journal.log', '{"nope":[]}\n', /journal\.log line 1 is not a journal entry/],
      ['journal.log', '{"ops":[{"c":"elsewhere","k":"a","v":1}]}\n', /journal\.log line 1 is not a journal entry \(ops\.0\.c: /],
      ['journal.log', '{"ops":[]}\n{broken\n{"ops":[]}\n', /journal\.log line 2 is not valid JSON/],
      ['state.json', '{"format":1,"collections":{"connections":[]}}', /state\.json is not a store snapshot \(collections\.connections: /],
      ['state.json', '{"format":2,"collections":{}}', /state\.json is not a store snapshot \(format: unsupported store format\)/],
      ['state.json', '{"format":1', /state\.json is not valid JSON/],
      ['snapshot.ndjson', '{"format":3}\n', /snapshot\.ndjson line 1 is not a snapshot line \(format: unsupported snapshot format\)/],
      ['snapshot.ndjson', '{"format":2}\n{"c":"meta","k":"a"}\n{"end":1}\n', /snapshot\.ndjson line 2 is not a snapshot line/],
      ['snapshot.ndjson', '{"format":2}\n{"c":"meta","k":"a","v":1}\n{"end":2}\n', /snapshot\.ndjson line 3 .*counts 2 entries, the file has 1/],
      ['snapshot.ndjson', '{"format":2}\n{"c":"meta","k":"a","v":1}\n', /snapshot\.ndjson is incomplete \(no end line\)/],
    ];
    for (const [file, text, expected] of cases) {
      const dir = tempDir('store-bad');
      fs.writeFileSync(path.join(dir, file), text);
      assert.throws(() => Store.open(dir), expected, text);
      assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'a failed open releases the lock');
    }
    // A complete but unreadable *last* line is a torn write: dropped, as before.
    const dir = tempDir('store-torn-last');
    fs.writeFileSync(path.join(dir, 'journal.log'), '{"ops":[{"c":"meta","k":"a","v":1}]}\n{"ops":[{"c"\n');
    const s = Store.open(dir);
    assert.equal(s.get('meta', 'a'), 1);
    s.close();
  });
});
