// Durable key/value store for the sandbox node: metadata in memory and on disk as a snapshot plus an fsync'd
// append-only journal; large values (sync-rule scripts) as content-addressed files outside both.
//
// Files in the data directory (format 2, docs/node-api.md "Storage"):
// - `journal.log`: one line `{"ops":[...]}\n` per commit, written and fdatasync'd before the commit returns, so an
//   acknowledged write survives `kill -9` and power loss (as far as the disk honours fsync). A torn last line (crash
//   mid-write) fails to parse and is dropped on load; the journal is truncated back to its last complete line.
// - `snapshot.ndjson`: the metadata as one JSON line per key (`{"format":2}` first, `{"end":<count>}` last), never
//   one giant string. Script bodies are not in it, only their hashes.
// - `blobs/<hh>/<sha256>`: a script body, written (temp file, fsync, rename, directory fsync) before the journal line
//   that refers to it. Identical scripts share one file. Files nothing refers to are removed after a compaction.
//
// Compaction runs off the request path: it copies the key list (references, no values), writes the snapshot in
// chunks with awaits between them while commits go on appending to the journal, renames it into place and then
// rewrites the journal to the lines appended meanwhile. Replaying a journal over a snapshot that already contains
// some of its lines is harmless because every op is a full "put value" or "delete key" (idempotent), so a crash at
// any point loads correctly. A failed compaction changes nothing that a load reads and never fails a commit.
//
// Every commit that adds data is checked against the storage quota before anything is written; a commit that
// throws was not applied (not in memory, not on disk after a reload).
//
// Format 1 (`state.json` with scripts inline + the same journal) is migrated on open: scripts move to blobs, a
// format-2 snapshot is written, then the old files go. One process per data directory: a `lock` file holding the
// owner's pid refuses a second live owner. The data holds every connection's link key, so the directory is 0700
// and every file 0600 (also tightened when an older, looser data directory is opened).
// Pure Node, no native modules (the extension host may be Electron/Node 22 or Node 24).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';

/**
 * `meta`, `connections`, `rules`, `idem`: the node's metadata; `sync`: work item sync per connection (counters,
 * queue entries, outbox and inbox messages, sync errors, twin links, triggers; src/sandbox/parts/sync/records.ts);
 * ado*: the Azure DevOps emulator's work items, revisions, origin tags and attachments (src/sandbox/ado/workItems.ts).
 */
export type Collection = 'meta' | 'connections' | 'rules' | 'idem' | 'sync' | 'adoItems' | 'adoRevs' | 'adoOrigins' | 'adoFiles';
const COLLECTIONS: Collection[] = ['meta', 'connections', 'rules', 'idem', 'sync', 'adoItems', 'adoRevs', 'adoOrigins', 'adoFiles'];

/** A put (`v` present) or a delete (`v` absent) of one key. */
export interface StoreOp {
  c: Collection;
  k: string;
  v?: unknown;
}


const CollectionSchema = z.enum(COLLECTIONS);
const OpSchema = z.strictObject({ c: CollectionSchema, k: z.string(), v: z.unknown().optional() });
/** One journal line. */
const JournalLineSchema = z.strictObject({ ops: z.array(OpSchema) });
/** Format 1 (`state.json`), read only to migrate it. */
const SnapshotV1Schema = z.object({
  format: z.literal(1, { error: 'unsupported store format' }),
  collections: z.partialRecord(CollectionSchema, z.record(z.string(), z.unknown())),
});
const SnapshotHeaderSchema = z.strictObject({ format: z.literal(2, { error: 'unsupported snapshot format' }) });
const SnapshotEntrySchema = z.strictObject({ c: CollectionSchema, k: z.string(), v: z.unknown() });
const SnapshotEndSchema = z.strictObject({ end: z.number().int().nonnegative() });

function describeIssues(e: z.ZodError): string {
  const i = e.issues[0];
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}

const SNAPSHOT_V1 = 'state.json';
const SNAPSHOT = 'snapshot.ndjson';
const JOURNAL = 'journal.log';
const BLOBS = 'blobs';
const LOCK = 'lock';
/** The journal is compacted once it is larger than this and larger than the snapshot. */
const MIN_COMPACT_BYTES = 4 * 1024 * 1024;
/** Snapshot lines written per chunk (one write, then the event loop runs). */
const SNAPSHOT_CHUNK_ENTRIES = 2_000;
/** Default storage quota: 1 GiB. */
export const DEFAULT_QUOTA_BYTES = 1024 * 1024 * 1024;
/** Mode of the data directory: owner only. */
export const DATA_DIR_MODE = 0o700;
/** Mode of every file in the data directory: owner read/write only. */
export const DATA_FILE_MODE = 0o600;
const POSIX = process.platform !== 'win32';

/** Creates `dir` (owner-only) if missing and tightens an existing one. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  if (POSIX) fs.chmodSync(dir, DATA_DIR_MODE);
}

/** Tightens an existing file to owner read/write; a missing file is fine. */
function tightenFile(file: string): void {
  if (!POSIX) return;
  try {
    fs.chmodSync(file, DATA_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function fsyncDir(dir: string): void {
  // Directory fsync makes a rename/create durable. Not supported on Windows (EPERM/EISDIR); ignore there.
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort on platforms without directory fsync */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes a file durably: temp file + fsync + rename + directory fsync. */
export function writeFileDurable(file: string, data: string | Uint8Array, mode = DATA_FILE_MODE): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    if (POSIX) fs.fchmodSync(fd, mode); // a leftover tmp file keeps its old mode on open

    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The file calls the store makes; tests replace them to inject disk errors. */
export interface StoreIo {
  /** Journal append. */
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  /** Journal sync. */
  fdatasyncSync(fd: number): void;
  /** Journal sync off the event loop ({@link Store.transact}); default: fs.fdatasync, or the injected fdatasyncSync. */
  fdatasync(fd: number): Promise<void>;
  /** Writes one blob file durably (synchronously on open/migration, awaited in {@link Store.prepareBlob}). */
  writeBlob(file: string, data: Uint8Array): void | Promise<void>;
  /** Writes one chunk of a snapshot being compacted. */
  writeSnapshotChunk(handle: fs.promises.FileHandle, text: string): Promise<void>;
}

export interface StoreOptions {
  /** Test-only: replaces file calls (fault injection). */
  io?: Partial<StoreIo>;
  /** Storage quota in bytes (blobs + snapshot + journal); default {@link DEFAULT_QUOTA_BYTES}. */
  quotaBytes?: number;
  /** Journal size that triggers a compaction (when also larger than the snapshot); default 4 MiB. */
  compactBytes?: number;
  /** Where compaction problems are reported (they never fail a commit); default: ignored. */
  log?: (line: string) => void;
}

/**
 * A commit that was refused (`quota`: it would exceed the storage quota) or could not be made durable (`io`, or
 * `unusable` after a failure that could not be rolled back). Either way nothing of it was applied.
 */
export class StoreError extends Error {
  constructor(
    readonly kind: 'quota' | 'io' | 'unusable',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** A value that keeps its large part in a blob: the hash and the UTF-8 size of the blob's text. */
export interface BlobRef {
  blob: string;
  size: number;
}

function blobRefOf(v: unknown): BlobRef | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Partial<BlobRef>;
  return typeof r.blob === 'string' && typeof r.size === 'number' ? (r as BlobRef) : null;
}

/** Hashes of the last few large scripts: one save asks for the same script's hash several times (check, record, commit). */
const recentHashes = new Map<string, string>();
const RECENT_HASHES = 8;
const HASH_CACHE_MIN_LENGTH = 4096;

/** The content address of a blob: SHA-256 of its UTF-8 text, hex. */
export function blobHash(text: string): string {
  if (text.length < HASH_CACHE_MIN_LENGTH) return createHash('sha256').update(text, 'utf8').digest('hex');
  let hash = recentHashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha256').update(text, 'utf8').digest('hex');
    if (recentHashes.size >= RECENT_HASHES) recentHashes.delete(recentHashes.keys().next().value!);
    recentHashes.set(text, hash);
  }
  return hash;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/** {@link defaultWriteBlob} with fs.promises: the fsync runs on the thread pool, not on the event loop. */
async function writeBlobAsync(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const h = await fs.promises.open(tmp, 'w', DATA_FILE_MODE);
  try {
    if (POSIX) await h.chmod(DATA_FILE_MODE);
    await h.writeFile(data);
    await h.sync();
  } catch (e) {
    await h.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await h.close();
  await fs.promises.rename(tmp, file);
  const d = await fs.promises.open(path.dirname(file), 'r').catch(() => null);
  if (d) {
    await d.sync().catch(() => undefined);
    await d.close();
  }
}

function defaultWriteBlob(file: string, data: Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', DATA_FILE_MODE);
  try {
    if (POSIX) fs.fchmodSync(fd, DATA_FILE_MODE);
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export class Store {
  private readonly data = new Map<Collection, Map<string, unknown>>();
  private journalFd: number | null = null;
  /** Length of the journal up to its last complete, acknowledged line. */
  private journalBytes = 0;
  private snapshotBytes = 0;
  /** Blob hash → number of values referring to it, and the total size of the referenced blobs. */
  private readonly blobRefs = new Map<string, { count: number; size: number }>();
  private blobBytes = 0;
  private closed = false;
  /** Set when a failed commit could not be rolled back on disk: no further commits are accepted. */
  private failed: Error | null = null;
  private compacting: Promise<void> | null = null;
  /** Tail of the queue of {@link transact} calls. */
  private writer: Promise<void> = Promise.resolve();
  /** Blobs the journal line of the transaction in flight refers to (not yet in blobRefs). */
  private readonly inflightBlobs = new Set<string>();
  /** Set while a transaction's journal line is written but not yet synced and applied. */
  private inflight: Promise<void> | null = null;
  /** No automatic compaction before this time (ms) after a failed one. */
  private compactRetryAt = 0;
  private readonly io: StoreIo;
  /** Whether blob writes are the default ones (then {@link prepareBlob} writes with fs.promises). */
  private readonly defaultBlobIo: boolean;
  readonly quotaBytes: number;
  private readonly compactBytes: number;
  private readonly log: (line: string) => void;

  private constructor(readonly dir: string, options: StoreOptions) {
    for (const c of COLLECTIONS) this.data.set(c, new Map());
    this.io = {
      writeSync: options.io?.writeSync ?? ((fd, buf, off, len) => fs.writeSync(fd, buf, off, len)),
      fdatasyncSync: options.io?.fdatasyncSync ?? ((fd) => fs.fdatasyncSync(fd)),
      fdatasync:
        options.io?.fdatasync ??
        (options.io?.fdatasyncSync
          ? async (fd) => options.io!.fdatasyncSync!(fd)
          : (fd) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())))),
      writeBlob: options.io?.writeBlob ?? defaultWriteBlob,
      writeSnapshotChunk: options.io?.writeSnapshotChunk ?? (async (h, text) => void (await h.write(text))),
    };
    this.defaultBlobIo = options.io?.writeBlob === undefined;
    this.quotaBytes = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
    this.compactBytes = options.compactBytes ?? MIN_COMPACT_BYTES;
    this.log = options.log ?? (() => undefined);
  }

  /** Opens (creating if needed) the store in `dir`, replaying the journal and migrating format 1. */
  static open(dir: string, options: StoreOptions = {}): Store {
    ensurePrivateDir(dir);
    const store = new Store(dir, options);
    store.lock();
    try {
      store.load();
    } catch (e) {
      store.close(); // releases the lock
      throw e;
    }
    return store;
  }

  /**
   * Takes the data directory: creates `lock` exclusively with our pid in it (a hard link of a finished temp file,
   * so the lock never exists without its pid; `link` fails with EEXIST like O_EXCL). When it exists, the owner pid in it
   * decides: a live other process → refused; a dead one (or our own pid, or no pid) → the stale lock is moved aside
   * atomically (only one of several racing takers wins the rename) and creation is retried.
   */
  private lock(): void {
    const file = path.join(this.dir, LOCK);
    const mine = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(mine, 'w', DATA_FILE_MODE);
    try {
      fs.writeSync(fd, String(process.pid));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      this.takeLock(file, mine);
    } finally {
      fs.rmSync(mine, { force: true });
    }
  }

  private takeLock(file: string, mine: string): void {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(mine, file);
        tightenFile(file);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let content: string;
        try {
          content = fs.readFileSync(file, 'utf8');
        } catch (r) {
          if ((r as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
          throw r;
        }
        const pid = Number(content.trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
          throw new Error(`The data directory ${this.dir} is in use by process ${pid}`);
        }
        const aside = `${file}.stale-${process.pid}-${attempt}`;
        try {
          fs.renameSync(file, aside);
        } catch (r) {
          if ((r as NodeJS.ErrnoException).code === 'ENOENT') continue; // another taker was faster
          throw r;
        }
        // If a new owner created its lock between our read and the rename, put it back (link fails if yet
        // another lock appeared, which then wins).
        if (fs.readFileSync(aside, 'utf8') !== content) {
          try {
            fs.linkSync(aside, file);
          } catch {
            /* someone else holds it now */
          }
        }
        fs.unlinkSync(aside);
      }
    }
    throw new Error(`Could not lock the data directory ${this.dir} (another process keeps taking it)`);
  }

  private load(): void {
    const snapFile = path.join(this.dir, SNAPSHOT);
    const v1File = path.join(this.dir, SNAPSHOT_V1);
    let migrate = false;
    if (fs.existsSync(snapFile)) {
      this.loadSnapshot(snapFile);
      // A format-1 file next to a format-2 snapshot is the leftover of a migration that was interrupted after the
      // new snapshot was in place: the new one is complete, the old one goes below.
      migrate = fs.existsSync(v1File);
    } else if (fs.existsSync(v1File)) {
      this.loadSnapshotV1(v1File);
      migrate = true;
    }
    const jFile = path.join(this.dir, JOURNAL);
    const good = fs.existsSync(jFile) ? this.replayJournal(jFile) : 0;
    this.journalFd = fs.openSync(jFile, 'a', DATA_FILE_MODE);
    if (POSIX) fs.fchmodSync(this.journalFd, DATA_FILE_MODE);
    for (const f of [SNAPSHOT, `${SNAPSHOT}.tmp`, SNAPSHOT_V1, `${SNAPSHOT_V1}.tmp`, JOURNAL, `${JOURNAL}.tmp`, 'node.key', 'node.key.tmp']) {
      tightenFile(path.join(this.dir, f));
    }
    this.journalBytes = good;
    fsyncDir(this.dir);
    // Format-1 values with a script inline (from state.json or from journal lines written by the old code).
    if (this.moveInlineScripts() || migrate) {
      this.compactSync();
      fs.rmSync(v1File, { force: true });
      fs.rmSync(`${v1File}.tmp`, { force: true });
      fsyncDir(this.dir);
    }
  }

  private loadSnapshotV1(file: string): void {
    const text = fs.readFileSync(file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file} is not valid JSON (${(e as Error).message}); the store cannot be loaded`);
    }
    const parsed = SnapshotV1Schema.safeParse(json);
    if (!parsed.success) throw new Error(`${file} is not a store snapshot (${describeIssues(parsed.error)})`);
    // Keys come from outside (e.g. an Idempotency-Key `__proto__`): read them from JSON.parse's own properties, not
    // from the schema's output object, where such a key would set the prototype instead of being kept.
    const raw = (json as { collections: Partial<Record<Collection, Record<string, unknown>>> }).collections;
    for (const c of COLLECTIONS) {
      for (const [k, v] of Object.entries(raw[c] ?? {})) this.put(c, k, v);
    }
  }

  /** Calls `each` with every complete line of `file` (without its newline) and its number; returns the bytes used. */
  private static readLines(file: string, each: (text: string, lineNo: number, last: boolean) => boolean): number {
    const buf = fs.readFileSync(file);
    let start = 0;
    let lineNo = 0;
    let good = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break; // torn last line (no newline): never acknowledged
      lineNo++;
      if (!each(buf.toString('utf8', start, nl), lineNo, nl + 1 >= buf.length)) break;
      start = nl + 1;
      good = start;
    }
    return good;
  }

  private loadSnapshot(file: string): void {
    let count = 0;
    let ended = false;
    let header = false;
    const size = Store.readLines(file, (text, lineNo) => {
      const bad = (why: string) => new Error(`${file} line ${lineNo} is not a snapshot line (${why}); the store cannot be loaded`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw bad((e as Error).message);
      }
      if (!header) {
        const h = SnapshotHeaderSchema.safeParse(json);
        if (!h.success) throw bad(describeIssues(h.error));
        header = true;
        return true;
      }
      if (ended) throw bad('content after the end line');
      const end = SnapshotEndSchema.safeParse(json);
      if (end.success) {
        if (end.data.end !== count) throw bad(`it counts ${end.data.end} entries, the file has ${count}`);
        ended = true;
        return true;
      }
      const entry = SnapshotEntrySchema.safeParse(json);
      if (!entry.success) throw bad(describeIssues(entry.error));
      this.put(entry.data.c, entry.data.k, entry.data.v);
      count++;
      return true;
    });
    if (!header || !ended) throw new Error(`${file} is incomplete (no ${header ? 'end' : 'header'} line); the store cannot be loaded`);
    this.snapshotBytes = size;
  }

  private replayJournal(jFile: string): number {
    const good = Store.readLines(jFile, (text, lineNo, last) => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        // A complete but unreadable line is tolerated only as the very last one (a torn write); in the middle it
        // would mean dropping acknowledged writes after it, so refuse to guess.
        if (last) return false;
        throw new Error(`${jFile} line ${lineNo} is not valid JSON (${(e as Error).message}); later lines would be lost, so the store is not loaded`);
      }
      const entry = JournalLineSchema.safeParse(json);
      if (!entry.success) throw new Error(`${jFile} line ${lineNo} is not a journal entry (${describeIssues(entry.error)})`);
      for (const op of entry.data.ops) this.applyOp(op);
      return true;
    });
    if (good !== fs.statSync(jFile).size) fs.truncateSync(jFile, good);
    return good;
  }

  /**
   * Format 1 kept rule scripts inline (`{script, version, …}`); format 2 keeps them in blobs (`{blob, size, …}`).
   * Writes the blobs and rewrites the values in memory; the caller then writes a snapshot. Returns whether any moved.
   */
  private moveInlineScripts(): boolean {
    let moved = false;
    for (const [k, v] of this.data.get('rules')!) {
      if (typeof v !== 'object' || v === null || typeof (v as { script?: unknown }).script !== 'string') continue;
      const { script, ...rest } = v as { script: string } & Record<string, unknown>;
      const hash = this.writeBlob(script);
      this.put('rules', k, { ...rest, blob: hash, size: Buffer.byteLength(script, 'utf8'), state: rest.state ?? 'published' });
      moved = true;
    }
    return moved;
  }

  private blobFile(hash: string): string {
    return path.join(this.dir, BLOBS, hash.slice(0, 2), hash);
  }

  /** Writes a blob durably unless it exists already; returns its hash. */
  private writeBlob(text: string): string {
    const hash = blobHash(text);
    const file = this.blobFile(hash);
    if (fs.existsSync(file)) return hash;
    const shard = path.dirname(file);
    if (!fs.existsSync(shard)) {
      ensurePrivateDir(path.dirname(shard));
      ensurePrivateDir(shard);
      fsyncDir(path.dirname(shard));
      fsyncDir(this.dir);
    }
    const done = this.io.writeBlob(file, Buffer.from(text, 'utf8'));
    if (done instanceof Promise) throw new Error('an asynchronous blob writer can only be used through prepareBlob');
    return hash;
  }

  /**
   * Writes the blob for `text` ahead of the commit that will refer to it, off the event loop (the commit then finds
   * it and only appends its journal line). Checks the quota first. Throws {@link StoreError}; a blob written for a
   * commit that never happens is removed by the next compaction.
   */
  async prepareBlob(text: string): Promise<void> {
    if (this.closed || this.journalFd === null) throw new StoreError('unusable', 'store is closed');
    if (this.failed) throw new StoreError('unusable', `The data directory is unusable after a failed write (${this.failed.message}); restart the node`);
    const hash = blobHash(text);
    const file = this.blobFile(hash);
    if (this.blobRefs.has(hash) || fs.existsSync(file)) return;
    const data = Buffer.from(text, 'utf8');
    if (this.usedBytes + data.length > this.quotaBytes) this.quotaError(data.length);
    try {
      const shard = path.dirname(file);
      if (!fs.existsSync(shard)) {
        ensurePrivateDir(path.dirname(shard));
        ensurePrivateDir(shard);
        fsyncDir(path.dirname(shard));
        fsyncDir(this.dir);
      }
      await (this.defaultBlobIo ? writeBlobAsync(file, data) : this.io.writeBlob(file, data));
    } catch (e) {
      throw new StoreError('io', `Could not write to the data directory (${(e as Error).message}); nothing was changed`);
    }
  }

  private quotaError(needed: number): never {
    throw new StoreError(
      'quota',
      `This node's storage quota is used up: the change needs ${formatBytes(needed)}, ${formatBytes(Math.max(0, this.quotaBytes - this.usedBytes))} of ${formatBytes(this.quotaBytes)} are free. Delete connections you no longer need, or restart the node with a larger --quota-mb.`,
    );
  }

  /** The text of a blob a value refers to. */
  readBlob(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    return fs.readFileSync(this.blobFile(hash), 'utf8');
  }

  /** Sets a key in memory, keeping the blob reference counts. */
  private put(c: Collection, k: string, v: unknown | undefined): void {
    const m = this.data.get(c)!;
    const old = blobRefOf(m.get(k));
    if (old) {
      const e = this.blobRefs.get(old.blob);
      if (e && --e.count === 0) {
        this.blobRefs.delete(old.blob);
        this.blobBytes -= e.size;
      }
    }
    if (v === undefined) {
      m.delete(k);
      return;
    }
    m.set(k, v);
    const ref = blobRefOf(v);
    if (ref) {
      const e = this.blobRefs.get(ref.blob);
      if (e) e.count++;
      else {
        this.blobRefs.set(ref.blob, { count: 1, size: ref.size });
        this.blobBytes += ref.size;
      }
    }
  }

  private applyOp(op: StoreOp): void {
    if (!this.data.has(op.c)) return;
    this.put(op.c, op.k, op.v);
  }

  get<T>(c: Collection, k: string): T | undefined {
    return this.data.get(c)!.get(k) as T | undefined;
  }

  /** Live view of a collection (do not mutate; use commit). */
  entries<T>(c: Collection): IterableIterator<[string, T]> {
    return this.data.get(c)!.entries() as IterableIterator<[string, T]>;
  }

  /** Bytes the data directory holds for this store: referenced blobs, snapshot and journal. */
  get usedBytes(): number {
    return this.blobBytes + this.snapshotBytes + this.journalBytes;
  }

  /**
   * Applies `ops` atomically and durably: when this returns, the ops and the `blobs` they refer to are on disk
   * (fsync'd). Values are stored as given (callers pass fresh objects and do not mutate them afterwards); a value
   * with `{blob, size}` refers to the blob of that hash, which must be among `blobs` or already stored.
   * Throws {@link StoreError} when the commit would exceed the quota (checked before anything is written) or cannot be
   * made durable; in both cases nothing was applied.
   */
  commit(ops: StoreOp[], blobs: string[] = []): void {
    const line = this.prepareLine(ops, blobs);
    if (!line) return;
    const { fd, start } = this.appendLine(line);
    try {
      this.io.fdatasyncSync(fd);
    } catch (e) {
      this.rollback(fd, start, line.length);
      throw new StoreError('io', `Could not write to the data directory (${(e as Error).message}); nothing was changed`);
    }
    for (const op of ops) this.applyOp(op);
    this.maybeCompact();
  }

  /**
   * {@link commit} for writes that should not stall other requests: the journal's fdatasync runs on the thread pool,
   * so reads go on meanwhile (and see the state before this write until it is durable). Transactions run one at a
   * time in call order: `build` runs when every earlier transaction has been applied, reads the current state, checks
   * it (throwing refuses the write, nothing applied) and returns the ops, the blobs they refer to, the result, and
   * `applied`, run right after the ops are applied (before the next transaction's `build`) to update derived state.
   * Resolves once the ops are durable and applied; rejects with {@link StoreError} (nothing applied) or what `build`
   * threw. Compaction waits for a transaction in flight.
   */
  transact<T>(build: () => { ops: StoreOp[]; blobs?: string[]; result: T; applied?: () => void }): Promise<T> {
    const run = async (): Promise<T> => {
      const { ops, blobs = [], result, applied } = build();
      const line = this.prepareLine(ops, blobs);
      if (line) {
        const { fd, start } = this.appendLine(line);
        let done!: () => void;
        this.inflight = new Promise<void>((r) => (done = r));
        // Until the ops are applied, their blobs are not counted in blobRefs: keep compaction's sweep off them.
        for (const text of blobs) this.inflightBlobs.add(blobHash(text));
        try {
          await this.io.fdatasync(fd);
        } catch (e) {
          this.rollback(fd, start, line.length);
          this.inflightBlobs.clear();
          throw new StoreError('io', `Could not write to the data directory (${(e as Error).message}); nothing was changed`);
        } finally {
          this.inflight = null;
          done();
          if (this.closed) this.closeJournal();
        }
        for (const op of ops) this.applyOp(op);
        this.inflightBlobs.clear();
        this.maybeCompact();
      }
      applied?.();
      return result;
    };
    const p = this.writer.then(run);
    this.writer = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Checks a commit (store usable, quota) and writes the blobs it needs; the journal line, or null for no ops. */
  private prepareLine(ops: StoreOp[], blobs: string[]): Buffer | null {
    if (this.closed || this.journalFd === null) throw new StoreError('unusable', 'store is closed');
    if (this.failed) throw new StoreError('unusable', `The data directory is unusable after a failed write (${this.failed.message}); restart the node`);
    if (ops.length === 0) return null;
    const line = Buffer.from(JSON.stringify({ ops }) + '\n', 'utf8');
    const adds = ops.some((op) => op.v !== undefined);
    if (adds) {
      let newBlobBytes = 0;
      const seen = new Set<string>();
      for (const text of blobs) {
        const hash = blobHash(text);
        if (this.blobRefs.has(hash) || seen.has(hash)) continue;
        seen.add(hash);
        newBlobBytes += Buffer.byteLength(text, 'utf8');
      }
      if (this.usedBytes + line.length + newBlobBytes > this.quotaBytes) this.quotaError(line.length + newBlobBytes);
    }
    try {
      for (const text of blobs) this.writeBlob(text);
    } catch (e) {
      // Nothing refers to a blob that was (partly) written: the next compaction removes it.
      throw new StoreError('io', `Could not write to the data directory (${(e as Error).message}); nothing was changed`);
    }
    return line;
  }

  /**
   * Appends a journal line (not yet synced): the journal's fd and where the line starts. Counts the bytes at once, so
   * later lines go after it.
   */
  private appendLine(line: Buffer): { fd: number; start: number } {
    const fd = this.journalFd!;
    const start = this.journalBytes;
    try {
      let off = 0;
      while (off < line.length) off += this.io.writeSync(fd, line, off, line.length - off);
    } catch (e) {
      this.rollback(fd, start, 0);
      throw new StoreError('io', `Could not write to the data directory (${(e as Error).message}); nothing was changed`);
    }
    this.journalBytes += line.length;
    return { fd, start };
  }

  /**
   * Takes back the journal line that starts at `start` (`length` bytes counted; 0 for a partly written one): cuts
   * whatever reached the file, so the next acknowledged line does not glue onto it (and get dropped as a corrupt tail
   * on the next load). If that fails, or another line was appended after it meanwhile, refuses further commits rather
   * than acknowledge writes that a reload would lose or add.
   */
  private rollback(fd: number, start: number, length: number): void {
    if (fd !== this.journalFd || this.journalBytes !== start + length) {
      this.failed = new Error('a journal line could not be taken back');
      return;
    }
    try {
      fs.ftruncateSync(fd, start);
      fs.fsyncSync(fd);
      this.journalBytes = start;
    } catch (rollback) {
      this.failed = rollback as Error;
    }
  }

  private maybeCompact(): void {
    if (this.compacting || this.closed || Date.now() < this.compactRetryAt) return;
    if (this.journalBytes <= Math.max(this.compactBytes, this.snapshotBytes)) return;
    // Off the request path: the commit that crossed the threshold answers first.
    const timer = setImmediate(() => void this.compact().catch(() => undefined));
    timer.unref?.();
  }

  /** The snapshot lines of the current state, in chunks; the key list is copied now, values are immutable. */
  private *snapshotChunks(): Generator<string> {
    const view: [Collection, string, unknown][] = [];
    for (const c of COLLECTIONS) for (const [k, v] of this.data.get(c)!) view.push([c, k, v]);
    yield `${JSON.stringify({ format: 2 })}\n`;
    for (let i = 0; i < view.length; i += SNAPSHOT_CHUNK_ENTRIES) {
      let text = '';
      for (const [c, k, v] of view.slice(i, i + SNAPSHOT_CHUNK_ENTRIES)) text += `${JSON.stringify({ c, k, v })}\n`;
      yield text;
    }
    yield `${JSON.stringify({ end: view.length })}\n`;
  }

  /**
   * Writes a snapshot of the current state and shortens the journal to what was appended meanwhile. Runs in the
   * background (commits continue); at most one at a time. A failure leaves every file a load reads as it was.
   */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    if (this.closed || this.journalFd === null) return Promise.resolve();
    this.compacting = this.compactAsync()
      .catch((e: unknown) => {
        this.compactRetryAt = Date.now() + 10_000;
        this.log(`compaction failed (${(e as Error)?.message ?? String(e)}); the journal is kept and compaction is retried later`);
        throw e;
      })
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  /** Waits until no transaction is between its journal write and its apply. */
  private async quiesce(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  private async compactAsync(): Promise<void> {
    // The view and `covered` must agree: a line written but not yet applied would be in neither the snapshot nor the
    // journal's tail.
    await this.quiesce();
    if (this.closed || this.journalFd === null) return;
    const covered = this.journalBytes; // journal bytes the snapshot will contain
    const chunks = this.snapshotChunks();
    const first = chunks.next(); // takes the view now, before any later commit
    const file = path.join(this.dir, SNAPSHOT);
    const tmp = `${file}.tmp`;
    const h = await fs.promises.open(tmp, 'w', DATA_FILE_MODE);
    let size = 0;
    try {
      if (POSIX) await h.chmod(DATA_FILE_MODE);
      for (let r = first; !r.done; r = chunks.next()) {
        if (this.closed) throw new Error('store closed during compaction');
        await this.io.writeSnapshotChunk(h, r.value);
        size += Buffer.byteLength(r.value);
      }
      await h.sync();
    } catch (e) {
      await h.close().catch(() => undefined);
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
    await h.close();
    if (this.closed) {
      await fs.promises.rm(tmp, { force: true });
      return;
    }
    // A transaction in flight holds the old journal's fd; let it finish first.
    await this.quiesce();
    if (this.closed) {
      await fs.promises.rm(tmp, { force: true });
      return;
    }
    // From here on synchronous: no commit can slip between the rename and the journal rewrite.
    fs.renameSync(tmp, file);
    fsyncDir(this.dir);
    this.snapshotBytes = size;
    this.shortenJournal(covered);
    await this.collectBlobs();
  }

  /** Same as {@link compact}, synchronously (on open, when migrating). */
  private compactSync(): void {
    const file = path.join(this.dir, SNAPSHOT);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w', DATA_FILE_MODE);
    let size = 0;
    try {
      if (POSIX) fs.fchmodSync(fd, DATA_FILE_MODE);
      for (const text of this.snapshotChunks()) {
        const buf = Buffer.from(text, 'utf8');
        let off = 0;
        while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
        size += buf.length;
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    fsyncDir(this.dir);
    this.snapshotBytes = size;
    this.shortenJournal(this.journalBytes);
  }

  /**
   * Replaces the journal by its part after byte `covered` (what the new snapshot does not contain). The new file is
   * complete and open before it is renamed over the old one, so a failure at any step leaves the old journal in use.
   */
  private shortenJournal(covered: number): void {
    if (this.journalFd === null) return;
    const jFile = path.join(this.dir, JOURNAL);
    const tmp = `${jFile}.tmp`;
    const tail = Buffer.alloc(this.journalBytes - covered);
    if (tail.length > 0) {
      const rfd = fs.openSync(jFile, 'r');
      try {
        let off = 0;
        while (off < tail.length) off += fs.readSync(rfd, tail, off, tail.length - off, covered + off);
      } finally {
        fs.closeSync(rfd);
      }
    }
    let fd: number | null = null;
    try {
      const wfd = fs.openSync(tmp, 'w', DATA_FILE_MODE);
      try {
        if (POSIX) fs.fchmodSync(wfd, DATA_FILE_MODE);
        let off = 0;
        while (off < tail.length) off += fs.writeSync(wfd, tail, off, tail.length - off);
        fs.fsyncSync(wfd);
      } finally {
        fs.closeSync(wfd);
      }
      // Append mode like the journal it replaces: after a rollback (ftruncate) the next line goes to the new end.
      fd = fs.openSync(tmp, 'a', DATA_FILE_MODE);
      fs.renameSync(tmp, jFile);
    } catch (e) {
      if (fd !== null) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fsyncDir(this.dir);
    fs.closeSync(this.journalFd);
    this.journalFd = fd;
    this.journalBytes = tail.length;
  }

  /** Removes blob files nothing refers to (left by failed commits, deleted connections, replaced versions). */
  private async collectBlobs(): Promise<void> {
    const root = path.join(this.dir, BLOBS);
    let shards: string[];
    try {
      shards = await fs.promises.readdir(root);
    } catch {
      return;
    }
    for (const shard of shards) {
      let files: string[];
      try {
        files = await fs.promises.readdir(path.join(root, shard));
      } catch {
        continue;
      }
      for (const f of files) {
        if (this.closed) return;
        const file = path.join(root, shard, f);
        if (f.includes('.tmp')) {
          // A blob being written right now (prepareBlob) is left alone; one older than a minute is debris.
          const m = await fs.promises.stat(file).catch(() => null);
          if (m && Date.now() - m.mtimeMs < 60_000) continue;
        }
        // Checked right before the unlink, with no await in between: a commit cannot refer to it meanwhile. (A blob
        // prepared but not yet committed may go; the commit then writes it again.)
        if (!this.blobRefs.has(f) && !this.inflightBlobs.has(f)) fs.rmSync(file, { force: true });
      }
    }
  }

  /** Waits for a running compaction (call before {@link close} on a clean stop). */
  async settle(): Promise<void> {
    await this.compacting?.catch(() => undefined);
  }

  private closeJournal(): void {
    if (this.journalFd !== null) fs.closeSync(this.journalFd);
    this.journalFd = null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // A transaction in flight closes the journal when its fdatasync is done (its fd must stay valid until then).
    if (!this.inflight) this.closeJournal();
    try {
      if (fs.readFileSync(path.join(this.dir, LOCK), 'utf8').trim() === String(process.pid)) {
        fs.unlinkSync(path.join(this.dir, LOCK));
      }
    } catch {
      /* already gone */
    }
  }
}
