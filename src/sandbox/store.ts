// Durable key/value store for the sandbox node: a JSON snapshot plus an fsync'd append-only journal.
//
// Every commit is one journal line `{"ops":[...]}\n`, written and fdatasync'd before the commit returns, so an
// acknowledged write survives `kill -9` and power loss (as far as the disk honours fsync). A commit is atomic: a
// torn last line (crash mid-write) fails to parse and is dropped on load, and the journal is truncated back to the
// last complete line so later appends never glue onto garbage.
//
// Compaction writes the whole state to `state.json.tmp`, fsyncs it, renames it over `state.json`, fsyncs the
// directory and only then empties the journal. Replaying a journal over a snapshot that already contains it is
// harmless because every op is a full "put value" or "delete key" (idempotent). Writes therefore cost one small
// append + fsync, never a rewrite of a multi-megabyte file; compaction runs only when the journal grows past
// max(8 MiB, snapshot size).
//
// One process per data directory: a `lock` file holding the owner's pid refuses a second live owner.
// The data holds every connection's link key, so the directory is 0700 and every file 0600 (also tightened when an
// older, looser data directory is opened).
// Pure Node, no native modules (the extension host may be Electron/Node 22 or Node 24).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';

export type Collection = 'meta' | 'connections' | 'rules' | 'idem';
const COLLECTIONS: Collection[] = ['meta', 'connections', 'rules', 'idem'];

/** A put (`v` present) or a delete (`v` absent) of one key. */
export interface StoreOp {
  c: Collection;
  k: string;
  v?: unknown;
}

interface Snapshot {
  format: 1;
  collections: Record<Collection, Record<string, unknown>>;
}

const CollectionSchema = z.enum(['meta', 'connections', 'rules', 'idem']);
const OpSchema = z.strictObject({ c: CollectionSchema, k: z.string(), v: z.unknown().optional() });
/** One journal line. */
const JournalLineSchema = z.strictObject({ ops: z.array(OpSchema) });
const SnapshotSchema = z.object({
  format: z.literal(1, { error: 'unsupported store format' }),
  collections: z.partialRecord(CollectionSchema, z.record(z.string(), z.unknown())),
});

function describeIssues(e: z.ZodError): string {
  const i = e.issues[0];
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}

const SNAPSHOT = 'state.json';
const JOURNAL = 'journal.log';
const LOCK = 'lock';
const MIN_COMPACT_BYTES = 8 * 1024 * 1024;
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

/** The file calls a commit makes; tests replace them to inject disk errors. */
export interface StoreIo {
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  fdatasyncSync(fd: number): void;
}

export interface StoreOptions {
  /** Test-only: replaces the journal write/fdatasync calls (fault injection). */
  io?: Partial<StoreIo>;
}

export class Store {
  private readonly data = new Map<Collection, Map<string, unknown>>();
  private journalFd: number | null = null;
  /** Length of the journal up to its last complete, acknowledged line. */
  private journalBytes = 0;
  private snapshotBytes = 0;
  private closed = false;
  /** Set when a failed commit could not be rolled back on disk: no further commits are accepted. */
  private failed: Error | null = null;
  private readonly io: StoreIo;

  private constructor(readonly dir: string, options: StoreOptions) {
    for (const c of COLLECTIONS) this.data.set(c, new Map());
    this.io = {
      writeSync: options.io?.writeSync ?? ((fd, buf, off, len) => fs.writeSync(fd, buf, off, len)),
      fdatasyncSync: options.io?.fdatasyncSync ?? ((fd) => fs.fdatasyncSync(fd)),
    };
  }

  /** Opens (creating if needed) the store in `dir`, replaying the journal. */
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
    if (fs.existsSync(snapFile)) {
      const text = fs.readFileSync(snapFile, 'utf8');
      this.snapshotBytes = Buffer.byteLength(text);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Error(`${snapFile} is not valid JSON (${(e as Error).message}); the store cannot be loaded`);
      }
      const parsed = SnapshotSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${snapFile} is not a store snapshot (${describeIssues(parsed.error)})`);
      // Keys come from outside (e.g. an Idempotency-Key `__proto__`): read them from JSON.parse's own properties, not
      // from the schema's output object, where such a key would set the prototype instead of being kept.
      const raw = (json as { collections: Partial<Record<Collection, Record<string, unknown>>> }).collections;
      for (const c of COLLECTIONS) {
        const m = this.data.get(c)!;
        for (const [k, v] of Object.entries(raw[c] ?? {})) m.set(k, v);
      }
    }
    const jFile = path.join(this.dir, JOURNAL);
    let good = 0;
    if (fs.existsSync(jFile)) {
      const buf = fs.readFileSync(jFile);
      let start = 0;
      let lineNo = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) break; // torn last line (no newline): never acknowledged
        lineNo++;
        let json: unknown;
        try {
          json = JSON.parse(buf.toString('utf8', start, nl));
        } catch (e) {
          // A complete but unreadable line is tolerated only as the very last one (a torn write); in the middle it
          // would mean dropping acknowledged writes after it, so refuse to guess.
          if (nl + 1 >= buf.length) break;
          throw new Error(`${jFile} line ${lineNo} is not valid JSON (${(e as Error).message}); later lines would be lost, so the store is not loaded`);
        }
        const entry = JournalLineSchema.safeParse(json);
        if (!entry.success) throw new Error(`${jFile} line ${lineNo} is not a journal entry (${describeIssues(entry.error)})`);
        this.applyOps(entry.data.ops);
        start = nl + 1;
        good = start;
      }
      if (good !== buf.length) fs.truncateSync(jFile, good);
    }
    this.journalFd = fs.openSync(jFile, 'a', DATA_FILE_MODE);
    if (POSIX) fs.fchmodSync(this.journalFd, DATA_FILE_MODE);
    for (const f of [SNAPSHOT, `${SNAPSHOT}.tmp`, 'node.key', 'node.key.tmp']) tightenFile(path.join(this.dir, f));
    this.journalBytes = good;
    fsyncDir(this.dir);
  }

  private applyOps(ops: StoreOp[]): void {
    for (const op of ops) {
      const m = this.data.get(op.c);
      if (!m) continue;
      if (op.v === undefined) m.delete(op.k);
      else m.set(op.k, op.v);
    }
  }

  get<T>(c: Collection, k: string): T | undefined {
    return this.data.get(c)!.get(k) as T | undefined;
  }

  /** Live view of a collection (do not mutate; use commit). */
  entries<T>(c: Collection): IterableIterator<[string, T]> {
    return this.data.get(c)!.entries() as IterableIterator<[string, T]>;
  }

  /**
   * Applies `ops` atomically and durably: when this returns, the ops are on disk (fdatasync'd).
   * Values are stored as given (callers pass fresh objects and do not mutate them afterwards).
   */
  commit(ops: StoreOp[]): void {
    if (this.closed || this.journalFd === null) throw new Error('store is closed');
    if (this.failed) throw new Error(`store is unusable after a failed write: ${this.failed.message}`);
    if (ops.length === 0) return;
    const line = Buffer.from(JSON.stringify({ ops }) + '\n', 'utf8');
    const fd = this.journalFd;
    try {
      let off = 0;
      while (off < line.length) off += this.io.writeSync(fd, line, off, line.length - off);
      this.io.fdatasyncSync(fd);
    } catch (e) {
      // Not acknowledged: cut whatever part of the line reached the file, so the next acknowledged line does not
      // glue onto it (and get dropped as a corrupt tail on the next load). If even that fails, refuse further
      // commits rather than acknowledge writes that a reload would lose.
      try {
        fs.ftruncateSync(fd, this.journalBytes);
        fs.fsyncSync(fd);
      } catch (rollback) {
        this.failed = rollback as Error;
      }
      throw e;
    }
    this.journalBytes += line.length;
    this.applyOps(ops);
    if (this.journalBytes > Math.max(MIN_COMPACT_BYTES, this.snapshotBytes)) this.compact();
  }

  /** Rewrites the snapshot from memory and empties the journal. */
  compact(): void {
    if (this.journalFd === null) return;
    const collections = {} as Record<Collection, Record<string, unknown>>;
    for (const c of COLLECTIONS) collections[c] = Object.fromEntries(this.data.get(c)!);
    const text = JSON.stringify({ format: 1, collections } satisfies Snapshot);
    writeFileDurable(path.join(this.dir, SNAPSHOT), text);
    this.snapshotBytes = Buffer.byteLength(text);
    fs.ftruncateSync(this.journalFd, 0);
    fs.fsyncSync(this.journalFd);
    this.journalBytes = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.journalFd !== null) fs.closeSync(this.journalFd);
    this.journalFd = null;
    try {
      if (fs.readFileSync(path.join(this.dir, LOCK), 'utf8').trim() === String(process.pid)) {
        fs.unlinkSync(path.join(this.dir, LOCK));
      }
    } catch {
      /* already gone */
    }
  }
}
