// The connection index: every connection record in memory (by id, by name, in creation order for paging), and the
// only code that writes connection records to the store.
import type { Connection, ConnectionPage } from '../../shared/api';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../shared/validation';
import { ApiError, notFound } from '../errors';
import type { StoreOp } from '../store';
import { nameKey, type ConnRecord, type NodeContext } from './context';

export class ConnectionIndex {
  readonly conns = new Map<string, ConnRecord>();
  /** All connections sorted by seq (creation order): the stable paging order. */
  readonly ordered: ConnRecord[] = [];
  /** Name key → connection id. */
  readonly names = new Map<string, string>();
  nextSeq = 1;
  /** Work item sync counts of a connection (set by the sync engine). */
  syncCounts: ((id: string) => { queued: number; errors: number; synced: number }) | null = null;

  constructor(private readonly ctx: NodeContext) {
    for (const [, rec] of ctx.store.entries<ConnRecord>('connections')) {
      this.conns.set(rec.id, rec);
      this.ordered.push(rec);
      this.names.set(nameKey(rec.name), rec.id);
      if (rec.seq >= this.nextSeq) this.nextSeq = rec.seq + 1;
    }
    this.ordered.sort((a, b) => a.seq - b.seq);
  }

  toApi(rec: ConnRecord): Connection {
    let status: Connection['status'];
    let statusReason: string | null = null;
    let deactivatedBy: 'local' | 'remote' | null = null;
    if (!rec.localActive) {
      status = 'deactivated';
      deactivatedBy = 'local';
      statusReason = 'Deactivated on this side';
    } else if (rec.remoteGone) {
      status = 'deactivated';
      deactivatedBy = 'remote';
      statusReason = `${rec.remoteShortName} deleted this connection on their side`;
    } else if (!rec.accepted) {
      status = 'pending';
      statusReason = `Waiting for ${rec.remoteShortName} to accept the invitation`;
    } else if (rec.errorReason) {
      status = 'error';
      statusReason = rec.errorReason;
    } else if (!rec.remoteActive) {
      status = 'deactivated';
      deactivatedBy = 'remote';
      statusReason = `Deactivated by ${rec.remoteShortName}`;
    } else {
      status = 'active';
    }
    return {
      id: rec.id,
      name: rec.name,
      description: rec.description,
      localShortName: rec.localShortName,
      remoteShortName: rec.remoteShortName,
      remoteUrl: rec.remoteUrl,
      type: rec.type,
      mode: rec.mode,
      status,
      role: rec.role,
      project: rec.project,
      createdAt: rec.createdAt,
      lastContactAt: rec.lastContactAt,
      statusReason,
      deactivatedBy,
      updatedAt: rec.updatedAt,
      ...(this.syncCounts ? { sync: this.syncCounts(rec.id) } : {}),
    };
  }

  record(id: string): ConnRecord {
    const rec = this.conns.get(id);
    if (!rec) throw notFound(`Connection ${id}`);
    return rec;
  }

  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ordered[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Creates connections: writes them durably, then adds them to the in-memory indexes. Ids must be new. */
  insert(recs: ConnRecord[], extra: StoreOp[] = []): void {
    for (const rec of recs) if (this.conns.has(rec.id)) throw new Error(`connection ${rec.id} exists already`);
    this.ctx.store.commit([...recs.map((r) => ({ c: 'connections' as const, k: r.id, v: r })), ...extra]);
    for (const rec of recs) {
      this.ordered.push(rec); // seq only grows, so appending keeps the order
      this.conns.set(rec.id, rec);
      this.names.set(nameKey(rec.name), rec.id);
    }
  }

  /**
   * Merges `changes` onto the *current* record of `id` and writes it durably. A no-op returning `undefined` when the
   * connection is gone (deleted while the caller awaited something), so a late writer never resurrects a deleted
   * connection nor undoes a change made meanwhile. Callers must not hold a record across an `await` and write it
   * back; they pass only the fields they change.
   */
  update(id: string, changes: Partial<ConnRecord>, touch = true): ConnRecord | undefined {
    const old = this.conns.get(id);
    if (!old) return undefined;
    const next: ConnRecord = { ...old, ...changes, id: old.id, seq: old.seq, ...(touch ? { updatedAt: this.ctx.nowIso() } : {}) };
    this.ctx.store.commit([{ c: 'connections', k: id, v: next }]);
    if (nameKey(old.name) !== nameKey(next.name)) this.names.delete(nameKey(old.name));
    this.ordered[this.indexOfSeq(next.seq)] = next;
    this.conns.set(id, next);
    this.names.set(nameKey(next.name), id);
    return next;
  }

  checkNameFree(name: string, exceptId?: string): void {
    const owner = this.names.get(nameKey(name));
    if (owner !== undefined && owner !== exceptId) {
      throw new ApiError(409, 'duplicate_name', `A connection named "${name}" already exists`, {
        name: 'A connection with this name already exists',
      });
    }
  }

  list(limitRaw: string | null, cursorRaw: string | null): ConnectionPage {
    let limit = DEFAULT_PAGE_LIMIT;
    if (limitRaw !== null) {
      if (!/^\d{1,6}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > MAX_PAGE_LIMIT) {
        throw new ApiError(400, 'bad_request', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, {
          limit: `Must be an integer from 1 to ${MAX_PAGE_LIMIT}`,
        });
      }
      limit = Number(limitRaw);
    }
    let start = 0;
    if (cursorRaw !== null && cursorRaw !== '') {
      const m = /^c(\d{1,15})$/.exec(Buffer.from(cursorRaw, 'base64url').toString('latin1'));
      if (!m) throw new ApiError(400, 'bad_request', 'cursor is not one this node issued', { cursor: 'Unknown cursor' });
      start = this.indexOfSeq(Number(m[1]) + 1);
    }
    const slice = this.ordered.slice(start, start + limit);
    const more = start + limit < this.ordered.length;
    const last = slice[slice.length - 1];
    return {
      items: slice.map((r) => this.toApi(r)),
      nextCursor: more && last ? Buffer.from(`c${last.seq}`, 'latin1').toString('base64url') : null,
    };
  }

  get(id: string): Connection {
    return this.toApi(this.record(id));
  }

  /** Number of connections (for logs and tests). */
  get size(): number {
    return this.conns.size;
  }

  /** Drops a deleted connection from the indexes (after its deletion was written). */
  forget(rec: ConnRecord): void {
    this.conns.delete(rec.id);
    this.names.delete(nameKey(rec.name));
    this.ordered.splice(this.indexOfSeq(rec.seq), 1);
  }
}
