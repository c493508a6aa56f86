// The sync engine: work items flow over active connections.
//
// Outgoing: a change to a work item under sync (a twin link exists, or it matches an active trigger) or an explicit
// sync marks it dirty (one entry per work item); the worker runs the connection's active outgoing rule on the work
// item's current state and puts the replica into the outbox with the connection's next sequence number. The
// transport (transport.ts) delivers the outbox in sequence order until the partner acknowledges it.
// Incoming: a received replica is stored (that is the acknowledgement) and applied by the worker, in sequence order
// per partner work item: the active incoming rule runs, and its changes are written through the emulator's
// in-process API with origin `sync:<connection>:<message>` (comments: `…:<message>:c<n>`), so a replay after a
// crash finds writes already made (`findByOrigin`) instead of repeating them. The apply's bookkeeping (twin link,
// the inbox entry's removal, a link notice for the partner) is one store commit.
// Errors (script, helper, Azure DevOps rejection) block the entry; retry/resolve unblock or drop it.
// Loop prevention: changes whose origin is this connection's sync are not sent back, unless the incoming script
// called syncHelper.syncBackAfterProcessing(). No decision uses a timestamp of the other node.
import { randomUUID } from 'node:crypto';
import type { Script } from '../../../groovy/ast';
import { parse as parseGroovy } from '../../../groovy';
import { GMap, type Value } from '../../../groovy/interpreter/values';
import { toGroovyString } from '../../../groovy/interpreter/ops';
import { entityData, runIncoming, runOutgoing, type RuntimeContext } from '../../../groovy/runtime';
import {
  PutTriggersRequestSchema,
  SyncRequestSchema,
  type BulkExalateResponse,
  type ReceivedReplica,
  type SyncAccepted,
  type SyncedPage,
  type SyncErrorList,
  type SyncQueue,
  type SyncTriggerList,
} from '../../../shared/api';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../../../shared/validation';
import { ApiError, notFound } from '../../errors';
import { StoreError, type StoreOp } from '../../store';
import type { ConnectionIndex } from '../connections';
import { parse, type ConnRecord, type NodeContext } from '../context';
import type { RuleVersions } from '../rules';
import type { SyncEmulator, WorkItemChange } from './emulator';
import { commentHtml, incomingWrites, scriptWorkItem, type NewAttachment } from './model';
import {
  MAX_MESSAGE_FILE_CHARS,
  MAX_SYNC_ATTACHMENT_BYTES,
  type FilesSent,
  type WaitingFiles,
  type WireFile,
} from './records';
import { MAX_REPLICA_CHARS, keys, type SentRecord, type DirtyEntry, type ErrorRecord, type InEntry, type LastReplica, type OutMessage, type Pair, type SyncState, type Trigger } from './records';

/**
 * The trigger query narrowed to one work item (`[System.Id] = id` as its first condition), so checking a change costs
 * one cheap comparison per work item instead of the whole query. Flat `SELECT … FROM WorkItems [WHERE …] [ORDER BY …]`
 * queries (conditions joined by AND) only; anything else is returned unchanged.
 */
export function narrowToWorkItem(wiql: string, id: number): string {
  const m = /^(SELECT .+? FROM WorkItems)(?: WHERE (.+?))?( ORDER BY .+)?$/i.exec(wiql.trim().replace(/\s+/g, ' '));
  if (!m || (m[2] !== undefined && /\bOR\b|\(/i.test(m[2].replace(/'(?:[^']|'')*'/g, "''")))) return wiql;
  return `${m[1]} WHERE [System.Id] = ${id}${m[2] ? ` AND ${m[2]}` : ''}${m[3] ?? ''}`;
}

/** Everything the engine keeps in memory for one connection (mirrors its store records). */
export class ConnSync {
  state: SyncState = { outSeq: 0, inSeq: 0, order: 0 };
  readonly dirty = new Map<number, DirtyEntry>();
  /** Outbox, by seq ascending. */
  out: OutMessage[] = [];
  /** Inbox, by seq ascending. */
  inbox: InEntry[] = [];
  readonly errors = new Map<string, ErrorRecord>();
  readonly pairs = new Map<number, Pair>();
  readonly byRemote = new Map<string, number>();
  triggers: Trigger[] = [];
  /** Work items sent before their twin link exists: work item → the revision the replica was built from. */
  readonly sent = new Map<number, number>();
  /** Local work item → its attachments whose bytes went into the outbox (they travel once). */
  readonly filesSent = new Map<number, Set<string>>();
  /** Delivery attempts per message id (this process's lifetime). */
  readonly attempts = new Map<string, number>();

  constructor(readonly id: string) {}

  pairsInOrder(): Pair[] {
    return [...this.pairs.values()].sort((a, b) => a.order - b.order);
  }
}

export interface SyncEvents {
  /** The outbox of a connection got a message (the transport sends it). */
  outboxChanged(id: string): void;
}

const AST_CACHE_SIZE = 32;
/** Work items whose outgoing scripts run before one commit. */
const OUT_BATCH = 32;

export class SyncEngine {
  readonly conns = new Map<string, ConnSync>();
  private emulator: SyncEmulator | null = null;
  private unsubscribe: (() => void) | null = null;
  private working: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly asts = new Map<string, Script>();
  /** Changes marked by {@link onChange}, not committed yet: connection → work item → its ChangedDate (trigger) or null (twin). */
  private readonly marks = new Map<string, Map<number, string | null>>();
  private flushing: NodeJS.Immediate | null = null;
  events: SyncEvents = { outboxChanged: () => undefined };

  constructor(
    private readonly ctx: NodeContext,
    private readonly index: ConnectionIndex,
    private readonly rules: RuleVersions,
  ) {
    for (const [key, v] of ctx.store.entries<unknown>('sync')) this.loadRecord(key, v);
    for (const cs of this.conns.values()) {
      cs.out.sort((a, b) => a.seq - b.seq);
      cs.inbox.sort((a, b) => a.seq - b.seq);
    }
  }

  private loadRecord(key: string, v: unknown): void {
    const [id, kind] = key.split('|');
    const cs = this.cs(id);
    switch (kind) {
      case 'state':
        cs.state = v as SyncState;
        break;
      case 'd': {
        const d = v as DirtyEntry;
        cs.dirty.set(d.workItemId, d);
        break;
      }
      case 'o':
        cs.out.push(v as OutMessage);
        break;
      case 'i':
        cs.inbox.push(v as InEntry);
        break;
      case 'e': {
        const e = v as ErrorRecord;
        cs.errors.set(e.id, e);
        break;
      }
      case 'p': {
        const p = v as Pair;
        cs.pairs.set(p.localId, p);
        cs.byRemote.set(p.remoteId, p.localId);
        break;
      }
      case 't':
        cs.triggers = v as Trigger[];
        break;
      case 's': {
        const r = v as SentRecord;
        cs.sent.set(r.workItemId, r.rev);
        break;
      }
      case 'f': {
        const r = v as FilesSent;
        cs.filesSent.set(r.workItemId, new Set(r.ids));
        break;
      }
    }
  }

  cs(id: string): ConnSync {
    let cs = this.conns.get(id);
    if (!cs) {
      cs = new ConnSync(id);
      this.conns.set(id, cs);
    }
    return cs;
  }

  /** Connects the engine to the emulator: subscribes to changes and recovers what a crash may have left. */
  attach(emulator: SyncEmulator): void {
    this.emulator = emulator;
    this.unsubscribe = emulator.onChange((c) => this.onChange(c));
    // A change acknowledged just before a crash may not have been marked dirty: a twin whose revision is newer than
    // the engine's last look at it is synced again (sending the same state twice is harmless).
    for (const cs of this.conns.values()) {
      const rec = this.index.conns.get(cs.id);
      if (!rec) continue;
      for (const p of cs.pairs.values()) {
        const w = emulator.getWorkItem(p.localId);
        if (w && p.localRev !== null && w.rev > p.localRev && !cs.dirty.has(p.localId)) this.commitDirty(this.dirtyOps(cs, p.localId));
      }
      for (const [wid, rev] of cs.sent) {
        const w = emulator.getWorkItem(wid);
        if (w && w.rev > rev && !cs.dirty.has(wid) && !cs.pairs.has(wid)) this.commitDirty(this.dirtyOps(cs, wid));
      }
    }
    // Likewise a new work item a trigger matches, changed after the last change a trigger queued, that is in no
    // queue and has no twin: its change event may have been lost with the crash.
    for (const cs of this.conns.values()) {
      const rec = this.index.conns.get(cs.id);
      if (!rec || !rec.accepted || rec.demo || cs.state.seen === undefined) continue;
      const seen = cs.state.seen;
      for (const t of cs.triggers) {
        if (!t.active) continue;
        let ids: number[];
        try {
          ids = emulator.queryWiql(rec.project, t.query);
        } catch {
          continue;
        }
        for (const wid of ids) {
          if (cs.pairs.has(wid) || cs.dirty.has(wid) || cs.out.some((m) => m.workItemId === wid)) continue;
          const changed = emulator.getWorkItem(wid)?.fields['System.ChangedDate'];
          if (typeof changed === 'string' && changed > seen) this.commitDirty(this.dirtyOps(cs, wid, changed));
        }
      }
    }
    this.kick();
  }

  private get em(): SyncEmulator {
    if (!this.emulator) throw new ApiError(503, 'storage_failed', 'This node runs no Azure DevOps emulator to sync with');
    return this.emulator;
  }

  /** Whether work for this connection runs now: accepted, active on both sides (an unreachable partner is fine). */
  private runnable(rec: ConnRecord): boolean {
    return rec.accepted && !rec.demo && rec.localActive && rec.remoteActive && !rec.remoteGone;
  }

  counts(id: string): { queued: number; errors: number; synced: number } {
    const cs = this.conns.get(id);
    if (!cs) return { queued: 0, errors: 0, synced: 0 };
    return { queued: cs.dirty.size + cs.out.length + cs.inbox.length, errors: cs.errors.size, synced: cs.pairs.size };
  }

  // ---- marking work items dirty ------------------------------------------------------------------------------

  private dirtyOps(cs: ConnSync, workItemId: number, changedDate?: string): StoreOp[] {
    const d: DirtyEntry = { workItemId, order: cs.state.order + 1, createdAt: this.ctx.nowIso(), blocked: null };
    const state: SyncState = { ...cs.state, order: d.order };
    if (changedDate !== undefined && (cs.state.seen === undefined || changedDate > cs.state.seen)) state.seen = changedDate;
    return [
      { c: 'sync', k: keys.dirty(cs.id, workItemId), v: d },
      { c: 'sync', k: keys.state(cs.id), v: state },
    ];
  }

  /** Commits dirty-entry ops (from {@link dirtyOps}) and applies them in memory. */
  private commitDirty(ops: StoreOp[]): void {
    this.ctx.store.commit(ops);
    for (const op of ops) this.applyOp(op);
  }

  /** Mirrors a committed op in memory. */
  private applyOp(op: StoreOp): void {
    const [id, kind, rest] = op.k.split('|');
    const cs = this.cs(id);
    if (op.v !== undefined) {
      if (kind === 'o' || kind === 'i') {
        // Replaces the entry of that seq, or inserts it in seq order (usually at the end).
        const list: Array<{ seq: number }> = kind === 'o' ? cs.out : cs.inbox;
        const v = op.v as OutMessage & InEntry;
        const at = list.findIndex((m) => m.seq >= v.seq);
        if (at === -1) list.push(v);
        else if (list[at].seq === v.seq) list[at] = v;
        else list.splice(at, 0, v);
        return;
      }
      if (kind === 'p') {
        const p = op.v as Pair;
        const old = cs.pairs.get(p.localId);
        if (old && old.remoteId !== p.remoteId) cs.byRemote.delete(old.remoteId);
      }
      if (kind === 'd') {
        // A re-marked entry keeps its place in the queue order (Map insertion order).
        const d = op.v as DirtyEntry;
        if (cs.dirty.has(d.workItemId)) {
          cs.dirty.set(d.workItemId, d);
          return;
        }
      }
      this.loadRecord(op.k, op.v);
      return;
    }
    switch (kind) {
      case 'd':
        cs.dirty.delete(Number(rest));
        break;
      case 'o': {
        const seq = Number(rest);
        cs.out = cs.out.filter((m) => m.seq !== seq);
        break;
      }
      case 'i': {
        const seq = Number(rest);
        cs.inbox = cs.inbox.filter((m) => m.seq !== seq);
        break;
      }
      case 'e':
        cs.errors.delete(rest);
        break;
      case 'p': {
        const p = cs.pairs.get(Number(rest));
        if (p) {
          cs.pairs.delete(p.localId);
          if (cs.byRemote.get(p.remoteId) === p.localId) cs.byRemote.delete(p.remoteId);
        }
        break;
      }
      case 't':
        cs.triggers = [];
        break;
      case 's':
        cs.sent.delete(Number(rest));
        break;
      case 'f':
        cs.filesSent.delete(Number(rest));
        break;
    }
  }

  private commit(ops: StoreOp[]): void {
    if (ops.length === 0) return;
    this.ctx.store.commit(ops);
    for (const op of ops) this.applyOp(op);
  }

  /**
   * Emulator change listener. A change to a work item under sync on a connection (its twin link, or an active
   * trigger's query) is marked here and queued durably right after, one commit for all changes of one event-loop
   * turn. A crash between the write's answer and that commit loses no change: on start, twins with a newer revision
   * and trigger matches changed after the last queued one are queued again (see {@link attach}).
   */
  private onChange(c: WorkItemChange): void {
    if (this.stopped) return;
    for (const rec of this.index.ordered) {
      if (!rec.accepted || rec.demo) continue;
      if (c.origin !== null && c.origin.startsWith(`sync:${rec.id}:`)) continue; // caused by this connection's sync
      const cs = this.conns.get(rec.id);
      if (cs?.dirty.has(c.id)) continue;
      let pending = this.marks.get(rec.id);
      const marked = pending?.get(c.id);
      if (marked !== undefined) {
        if (marked !== null && c.changedDate > marked) pending!.set(c.id, c.changedDate);
        continue;
      }
      // Under sync: linked, or sent and waiting for the link notice.
      const paired = (cs?.pairs.has(c.id) || cs?.sent.has(c.id)) ?? false;
      if (!paired && !this.matchesTrigger(rec, cs, c)) continue;
      if (!pending) this.marks.set(rec.id, (pending = new Map()));
      pending.set(c.id, paired ? null : c.changedDate);
    }
    if (this.marks.size > 0 && !this.flushing) this.flushing = setImmediate(() => this.flushMarks());
  }

  /** Commits the marked changes as queue entries, one commit per connection. */
  private flushMarks(): void {
    this.flushing = null;
    for (const [id, items] of [...this.marks]) {
      this.marks.delete(id);
      if (!this.index.conns.has(id)) continue;
      const cs = this.cs(id);
      let state = cs.state;
      const ops: StoreOp[] = [];
      const now = this.ctx.nowIso();
      for (const [wid, changed] of items) {
        if (cs.dirty.has(wid)) continue;
        state = { ...state, order: state.order + 1 };
        if (changed !== null && (state.seen === undefined || changed > state.seen)) state.seen = changed;
        ops.push({ c: 'sync', k: keys.dirty(id, wid), v: { workItemId: wid, order: state.order, createdAt: now, blocked: null } satisfies DirtyEntry });
      }
      if (ops.length === 0) continue;
      ops.push({ c: 'sync', k: keys.state(id), v: state });
      try {
        this.commit(ops);
      } catch (e) {
        // Kept for another try (and found again on start if the node stops first).
        this.ctx.opts.log(`sync: could not queue ${items.size} changed work items (${(e as Error).message}); trying again`);
        const again = this.marks.get(id) ?? new Map<number, string | null>();
        for (const [wid, changed] of items) if (!again.has(wid)) again.set(wid, changed);
        this.marks.set(id, again);
        if (!this.stopped) setTimeout(() => this.flushMarks(), 1_000).unref();
      }
    }
    this.kick();
  }

  private matchesTrigger(rec: ConnRecord, cs: ConnSync | undefined, c: WorkItemChange): boolean {
    if (!cs || cs.triggers.length === 0 || c.projectName.toLowerCase() !== rec.project.toLowerCase()) return false;
    for (const t of cs.triggers) {
      if (!t.active) continue;
      try {
        if (this.em.queryWiql(rec.project, narrowToWorkItem(t.query, c.id)).includes(c.id)) return true;
      } catch (e) {
        this.ctx.opts.log(`sync: trigger ${t.id} of "${rec.name}" failed (${(e as Error).message})`);
      }
    }
    return false;
  }

  // ---- Node API ------------------------------------------------------------------------------------------------

  private activeRecord(id: string): ConnRecord {
    const rec = this.index.record(id);
    if (!this.runnable(rec)) {
      throw new ApiError(409, 'conflict', `Connection "${rec.name}" is not active; activate it (on both sides) to sync work items`);
    }
    return rec;
  }

  requestSync(id: string, body: unknown): SyncAccepted {
    const rec = this.index.record(id);
    const req = parse(SyncRequestSchema, body);
    const w = this.em.getWorkItem(req.workItemId);
    if (!w || String(w.fields['System.TeamProject'] ?? '').toLowerCase() !== rec.project.toLowerCase()) {
      throw notFound(`Work item ${req.workItemId} in project "${rec.project}"`);
    }
    this.activeRecord(id);
    const cs = this.cs(id);
    if (!cs.dirty.has(req.workItemId)) this.commitDirty(this.dirtyOps(cs, req.workItemId));
    this.kick();
    return { workItemId: req.workItemId, queued: true };
  }

  listSynced(id: string, limitRaw: string | null, cursorRaw: string | null): SyncedPage {
    const rec = this.index.record(id);
    let limit = DEFAULT_PAGE_LIMIT;
    if (limitRaw !== null) {
      if (!/^\d{1,6}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > MAX_PAGE_LIMIT) {
        throw new ApiError(400, 'bad_request', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, { limit: `Must be an integer from 1 to ${MAX_PAGE_LIMIT}` });
      }
      limit = Number(limitRaw);
    }
    let after = 0;
    if (cursorRaw !== null && cursorRaw !== '') {
      const m = /^p(\d{1,15})$/.exec(Buffer.from(cursorRaw, 'base64url').toString('latin1'));
      if (!m) throw new ApiError(400, 'bad_request', 'cursor is not one this node issued', { cursor: 'Unknown cursor' });
      after = Number(m[1]);
    }
    const all = this.cs(id).pairsInOrder().filter((p) => p.order > after);
    const slice = all.slice(0, limit);
    const last = slice[slice.length - 1];
    return {
      items: slice.map((p) => {
        const w = this.emulator?.getWorkItem(p.localId);
        const title = w?.fields['System.Title'];
        return {
          localId: p.localId,
          remoteId: p.remoteId,
          urn: `urn:exalate:${rec.remoteShortName}:${p.remoteId}`,
          localTitle: typeof title === 'string' ? title : null,
          remoteTitle: p.remoteTitle,
          lastSyncAt: p.lastSyncAt,
          lastReplicaAt: this.ctx.store.get<LastReplica>('sync', keys.lastReplica(id, p.remoteId))?.receivedAt ?? null,
        };
      }),
      nextCursor: all.length > limit && last ? Buffer.from(`p${last.order}`, 'latin1').toString('base64url') : null,
    };
  }

  /** The last replica received for the partner's work item `remoteId`, and its twin here (404 when none came). */
  lastReplica(id: string, remoteId: string): ReceivedReplica {
    this.index.record(id);
    const r = /^\d{1,10}$/.test(remoteId) ? this.ctx.store.get<LastReplica>('sync', keys.lastReplica(id, remoteId)) : undefined;
    if (!r) throw new ApiError(404, 'not_found', `No replica was received for the partner's work item ${remoteId} on this connection`);
    let replica: unknown;
    try {
      replica = JSON.parse(r.replica);
    } catch {
      replica = null;
    }
    const cs = this.cs(id);
    const twin = cs.byRemote.get(remoteId);
    return {
      remoteId,
      localId: twin !== undefined && cs.pairs.has(twin) ? twin : null,
      receivedAt: r.receivedAt,
      replica: replica !== null && typeof replica === 'object' && !Array.isArray(replica) ? (replica as Record<string, unknown>) : {},
    };
  }

  queue(id: string): SyncQueue {
    this.index.record(id);
    const cs = this.cs(id);
    const items: SyncQueue['items'] = [];
    for (const d of [...cs.dirty.values()].sort((a, b) => a.order - b.order)) {
      items.push({
        id: `d-${d.workItemId}`,
        workItemId: d.workItemId,
        remoteId: cs.pairs.get(d.workItemId)?.remoteId ?? null,
        direction: 'outgoing',
        state: d.blocked ? 'blocked' : 'pending',
        attempts: cs.attempts.get(`d-${d.workItemId}`) ?? 0,
        createdAt: d.createdAt,
      });
    }
    for (const m of cs.out) {
      items.push({
        id: m.id,
        workItemId: m.workItemId,
        remoteId: m.yourId === null ? null : String(m.yourId),
        direction: 'outgoing',
        state: 'pending',
        attempts: cs.attempts.get(m.id) ?? 0,
        createdAt: m.createdAt,
      });
    }
    for (const m of cs.inbox) {
      items.push({
        id: m.id,
        workItemId: cs.byRemote.get(m.remoteId) ?? m.yourId,
        remoteId: m.remoteId,
        direction: 'incoming',
        state: m.blocked ? 'blocked' : 'pending',
        attempts: cs.attempts.get(m.id) ?? 0,
        createdAt: m.createdAt,
      });
    }
    items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    return { items };
  }

  errors(id: string): SyncErrorList {
    this.index.record(id);
    const list = [...this.cs(id).errors.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return {
      items: list.map((e) => ({ id: e.id, workItemId: e.workItemId, remoteId: e.remoteId, direction: e.direction, message: e.message, line: e.line, column: e.column, at: e.at })),
    };
  }

  private errorOf(id: string, errorId: string): ErrorRecord {
    this.index.record(id);
    const e = this.cs(id).errors.get(errorId);
    if (!e) throw notFound(`Sync error ${errorId}`);
    return e;
  }

  /** Unblocks the entry of an error: it runs again with the rule active then. */
  retry(id: string, errorId: string): Record<string, never> {
    const e = this.errorOf(id, errorId);
    const ops: StoreOp[] = [{ c: 'sync', k: keys.error(id, e.id) }];
    const entry = this.ctx.store.get<DirtyEntry | InEntry>('sync', e.ref);
    if (entry) ops.push({ c: 'sync', k: e.ref, v: { ...entry, blocked: null } });
    this.commit(ops);
    this.kick();
    return {};
  }

  /**
   * Drops the entry of an error; the work item's queue moves on. Attachment bytes a dropped incoming message carried
   * are kept for the partner work item's next message (the partner sends them only once).
   */
  resolve(id: string, errorId: string): void {
    const e = this.errorOf(id, errorId);
    const ops: StoreOp[] = [{ c: 'sync', k: keys.error(id, e.id) }];
    const entry = this.ctx.store.get<DirtyEntry | InEntry>('sync', e.ref);
    if (entry !== undefined) ops.push({ c: 'sync', k: e.ref });
    if (entry && 'remoteId' in entry && entry.files && Object.keys(entry.files).length) {
      const old = this.ctx.store.get<WaitingFiles>('sync', keys.waiting(id, entry.remoteId));
      ops.push({ c: 'sync', k: keys.waiting(id, entry.remoteId), v: { remoteId: entry.remoteId, files: { ...old?.files, ...entry.files } } satisfies WaitingFiles });
    }
    this.commit(ops);
    this.kick();
  }

  getTriggers(id: string): SyncTriggerList {
    this.index.record(id);
    return { items: this.cs(id).triggers.map((t) => ({ ...t })) };
  }

  putTriggers(id: string, body: unknown): SyncTriggerList {
    const rec = this.index.record(id);
    const req = parse(PutTriggersRequestSchema, body);
    const fields: Record<string, string> = {};
    req.items.forEach((t, i) => {
      try {
        this.em.queryWiql(rec.project, t.query);
      } catch (e) {
        fields[`items.${i}.query`] = (e as Error).message;
      }
    });
    const bad = Object.entries(fields)[0];
    if (bad) throw new ApiError(400, 'validation_failed', `Invalid request: ${bad[0]}: ${bad[1]}`, fields);
    const list: Trigger[] = req.items.map((t) => ({ id: t.id ?? randomUUID(), query: t.query, active: t.active }));
    this.commit([{ c: 'sync', k: keys.triggers(id), v: list }]);
    return { items: list.map((t) => ({ ...t })) };
  }

  bulk(id: string, triggerId: string): BulkExalateResponse {
    const rec = this.index.record(id);
    const cs = this.cs(id);
    const t = cs.triggers.find((x) => x.id === triggerId);
    if (!t) throw notFound(`Trigger ${triggerId}`);
    this.activeRecord(id);
    let ids: number[];
    try {
      ids = this.em.queryWiql(rec.project, t.query);
    } catch (e) {
      throw new ApiError(400, 'validation_failed', `Invalid request: query: ${(e as Error).message}`, { query: (e as Error).message });
    }
    const ops: StoreOp[] = [];
    let order = cs.state.order;
    const now = this.ctx.nowIso();
    for (const wid of ids) {
      if (cs.dirty.has(wid)) continue;
      order++;
      ops.push({ c: 'sync', k: keys.dirty(id, wid), v: { workItemId: wid, order, createdAt: now, blocked: null } satisfies DirtyEntry });
    }
    if (ops.length) ops.push({ c: 'sync', k: keys.state(id), v: { ...cs.state, order } });
    this.commit(ops);
    this.kick();
    return { queued: ids.length };
  }

  /** Store ops that delete every sync record of a connection. */
  deleteOps(id: string): StoreOp[] {
    const ops: StoreOp[] = [];
    const prefix = `${id}|`;
    for (const [k] of this.ctx.store.entries('sync')) if (k.startsWith(prefix)) ops.push({ c: 'sync', k });
    return ops;
  }

  forget(id: string): void {
    this.conns.delete(id);
  }

  // ---- receiving (the transport hands messages over; storing them is the acknowledgement) ----------------------

  /**
   * Stores the partner's messages that continue its sequence (`seq` = last stored + 1; repeats are skipped, a gap
   * stops) in one commit; link notices are applied right here. Returns the new acknowledgement (last stored seq).
   */
  receive(id: string, messages: OutMessage[]): number {
    const cs = this.cs(id);
    let inSeq = cs.state.inSeq;
    const ops: StoreOp[] = [];
    let order = cs.state.order;
    const now = this.ctx.nowIso();
    const pairs = new Map<number, Pair>();
    const dirtied = new Set<number>();
    const lastReplicas = new Map<string, LastReplica>();
    for (const m of messages) {
      if (m.seq <= inSeq) continue;
      if (m.seq !== inSeq + 1) break;
      inSeq = m.seq;
      if (m.type === 'link') {
        // The partner created (or found) the twin of our work item `yourId`: record the link.
        if (m.yourId === null) continue;
        const old = pairs.get(m.yourId) ?? cs.pairs.get(m.yourId);
        const sentRev = cs.sent.get(m.yourId);
        const rev = this.emulator?.getWorkItem(m.yourId)?.rev ?? null;
        const p: Pair = old
          ? { ...old, remoteId: String(m.workItemId), lastSyncAt: now }
          : { localId: m.yourId, remoteId: String(m.workItemId), order: ++order, lastSyncAt: now, remoteTitle: null, localRev: sentRev ?? rev, imported: {} };
        pairs.set(p.localId, p);
        if (sentRev !== undefined) {
          ops.push({ c: 'sync', k: keys.sent(id, m.yourId) });
          // Changed after its replica was built, and not queued (a crash lost the mark): send it again.
          if (rev !== null && rev > sentRev && !cs.dirty.has(m.yourId) && !dirtied.has(m.yourId)) {
            dirtied.add(m.yourId);
            ops.push({ c: 'sync', k: keys.dirty(id, m.yourId), v: { workItemId: m.yourId, order: ++order, createdAt: now, blocked: null } satisfies DirtyEntry });
          }
        }
        continue;
      }
      const entry: InEntry = {
        id: m.id,
        seq: m.seq,
        remoteId: String(m.workItemId),
        yourId: m.yourId,
        replica: m.replica ?? '{}',
        images: m.images ?? {},
        ...(m.fileImages && Object.keys(m.fileImages).length ? { fileImages: m.fileImages } : {}),
        ...(m.files && Object.keys(m.files).length ? { files: m.files } : {}),
        createdAt: now,
        blocked: null,
      };
      ops.push({ c: 'sync', k: keys.in(id, m.seq), v: entry });
      lastReplicas.set(entry.remoteId, { remoteId: entry.remoteId, messageId: m.id, replica: entry.replica, receivedAt: now });
    }
    for (const r of lastReplicas.values()) ops.push({ c: 'sync', k: keys.lastReplica(id, r.remoteId), v: r });
    if (inSeq === cs.state.inSeq) return inSeq;
    for (const p of pairs.values()) ops.push({ c: 'sync', k: keys.pair(id, p.localId), v: p });
    ops.push({ c: 'sync', k: keys.state(id), v: { ...cs.state, inSeq, order } });
    this.commit(ops);
    this.kick();
    return inSeq;
  }

  /** Drops outbox messages the partner acknowledged (every seq up to `ack`). */
  acknowledge(id: string, ack: number): void {
    const cs = this.conns.get(id);
    if (!cs) return;
    const done = cs.out.filter((m) => m.seq <= ack);
    if (done.length === 0) return;
    this.commit(done.map((m) => ({ c: 'sync' as const, k: keys.out(id, m.seq) })));
    for (const m of done) cs.attempts.delete(m.id);
  }

  /** Outbox messages after `ack`, oldest first, as one batch within the size limits. */
  pending(id: string, ack: number, maxChars: number, maxMessages: number): OutMessage[] {
    const cs = this.conns.get(id);
    if (!cs) return [];
    const batch: OutMessage[] = [];
    let size = 0;
    for (const m of cs.out) {
      if (m.seq <= ack) continue;
      let s = (m.replica?.length ?? 0) + 256;
      for (const f of Object.values(m.files ?? {})) s += f.content.length + 128;
      if (batch.length > 0 && (size + s > maxChars || batch.length >= maxMessages)) break;
      batch.push(m);
      size += s;
      cs.attempts.set(m.id, (cs.attempts.get(m.id) ?? 0) + 1);
    }
    return batch;
  }

  // ---- the worker ----------------------------------------------------------------------------------------------

  /** Runs the worker soon (one at a time; a kick while it runs makes it look again). */
  kick(): void {
    if (this.stopped || !this.emulator) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = (async () => {
      do {
        this.again = false;
        await new Promise((r) => setImmediate(r));
        // One unit of work per connection per step, and the event loop runs between steps (requests are served).
        while (!this.stopped && (await this.step())) await new Promise((r) => setImmediate(r));
      } while (this.again && !this.stopped);
    })()
      .catch((e: unknown) => this.ctx.opts.log(`sync worker failed: ${(e as Error)?.stack ?? String(e)}`))
      .finally(() => {
        this.working = null;
      });
  }

  /** Waits until the worker is idle (tests, stop). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  /** Does one unit of work on each connection that has some; false when there was nothing to do. */
  private async step(): Promise<boolean> {
    let did = false;
    for (const cs of [...this.conns.values()]) {
      if (this.stopped) return false;
      const rec = this.index.conns.get(cs.id);
      if (!rec || !this.runnable(rec)) continue;
      const inEntry = this.nextIncoming(cs);
      if (inEntry) {
        did = true;
        await this.guard(rec, cs, keys.in(cs.id, inEntry.seq), inEntry, { direction: 'incoming', workItemId: cs.byRemote.get(inEntry.remoteId) ?? null, remoteId: inEntry.remoteId }, () =>
          this.applyIncoming(rec, cs, inEntry),
        );
      }
      const ready: DirtyEntry[] = [];
      for (const d of cs.dirty.values()) {
        if (d.blocked) continue;
        ready.push(d);
        if (ready.length >= OUT_BATCH) break;
      }
      if (ready.length) {
        did = true;
        this.runOutgoingBatch(rec, cs, ready);
      }
    }
    return did;
  }

  /**
   * Storage failures stop the worker for now (it tries again 5 s later); any other exception (a replica that is not
   * JSON, a helper that threw outside the script) becomes a sync error on the entry, so the worker never spins on it.
   */
  private async guard(
    rec: ConnRecord,
    cs: ConnSync,
    ref: string,
    entry: DirtyEntry | InEntry,
    where: Pick<ErrorRecord, 'direction' | 'workItemId' | 'remoteId'>,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (e instanceof StoreError) {
        this.ctx.opts.log(`sync: "${rec.name}": could not save (${e.message}); retrying later`);
        if (!this.stopped) setTimeout(() => this.kick(), 5_000).unref();
        throw e;
      }
      if (this.gone(cs) || this.ctx.store.get('sync', ref) === undefined) return;
      this.commit(this.errorOps(rec, cs, ref, entry, { ...where, message: (e as Error)?.message ?? String(e), line: null, column: null }));
    }
  }

  /** The first inbox entry that is not behind an earlier (blocked or pending) entry of the same partner work item. */
  private nextIncoming(cs: ConnSync): InEntry | undefined {
    const seen = new Set<string>();
    for (const e of cs.inbox) {
      if (seen.has(e.remoteId)) continue;
      seen.add(e.remoteId);
      if (!e.blocked) return e;
    }
    return undefined;
  }

  /** The connection was deleted (its records are gone) while the engine awaited something. */
  private gone(cs: ConnSync): boolean {
    return !this.index.conns.has(cs.id) || this.conns.get(cs.id) !== cs;
  }

  private ast(source: string): Script | undefined {
    const hit = this.asts.get(source);
    if (hit) return hit;
    const parsed = parseGroovy(source);
    if (parsed.diagnostics.length) return undefined; // the run reports the syntax error
    if (this.asts.size >= AST_CACHE_SIZE) this.asts.delete(this.asts.keys().next().value as string);
    this.asts.set(source, parsed.ast);
    return parsed.ast;
  }

  private runtimeContext(rec: ConnRecord, cs: ConnSync, actions?: RuntimeContext['actions']): RuntimeContext {
    const links: Record<string, { id: number; key: string }> = {};
    for (const p of cs.pairs.values()) links[p.remoteId] = { id: p.localId, key: String(p.localId) };
    return { links, connectionName: rec.name, actions };
  }

  private errorOps(rec: ConnRecord, cs: ConnSync, ref: string, entry: DirtyEntry | InEntry, info: Omit<ErrorRecord, 'id' | 'ref' | 'at'>): StoreOp[] {
    const e: ErrorRecord = { id: randomUUID(), ref, at: this.ctx.nowIso(), ...info };
    this.ctx.opts.log(`sync error on "${rec.name}" (${e.direction}, work item ${e.workItemId ?? `remote ${e.remoteId}`}): ${e.message}${e.line ? ` at line ${e.line}` : ''}`);
    return [
      { c: 'sync', k: keys.error(cs.id, e.id), v: e },
      { c: 'sync', k: ref, v: { ...entry, blocked: e.id } },
    ];
  }

  /**
   * The store ops for one outgoing run (the caller commits a batch of them at once): the outgoing script on the work
   * item's current state → an outbox message with the next sequence number of `state`; a script error → a sync
   * error blocking the entry; a work item that is gone → the entry is dropped.
   */
  private outgoingOps(rec: ConnRecord, cs: ConnSync, d: DirtyEntry, state: SyncState): { ops: StoreOp[]; state: SyncState; sent: boolean } {
    const ref = keys.dirty(cs.id, d.workItemId);
    cs.attempts.set(`d-${d.workItemId}`, (cs.attempts.get(`d-${d.workItemId}`) ?? 0) + 1);
    const w = this.em.getWorkItem(d.workItemId);
    if (!w) {
      this.ctx.opts.log(`sync: work item ${d.workItemId} no longer exists; not sent over "${rec.name}"`);
      return { ops: [{ c: 'sync', k: ref }], state, sent: false };
    }
    const pair = cs.pairs.get(d.workItemId);
    const rule = this.rules.activeRule(rec.id, 'outgoing');
    const wi = scriptWorkItem(w, pair?.imported ?? {}, pair?.files ?? {});
    const res = runOutgoing(rule.script, JSON.stringify(wi), { ast: this.ast(rule.script), context: this.runtimeContext(rec, cs) });
    const base = { direction: 'outgoing' as const, workItemId: d.workItemId, remoteId: pair?.remoteId ?? null };
    if (res.error || res.json === null) {
      const err = res.error;
      return { ops: this.errorOps(rec, cs, ref, d, { ...base, message: err?.message ?? 'the outgoing script produced no replica', line: err?.line ?? null, column: err?.column ?? null }), state, sent: false };
    }
    if (res.json.length > MAX_REPLICA_CHARS) {
      return { ops: this.errorOps(rec, cs, ref, d, { ...base, message: `The replica is larger than ${MAX_REPLICA_CHARS / 1024} KiB; send less (e.g. fewer or shorter comments)`, line: null, column: null }), state, sent: false };
    }
    const files = this.outgoingFiles(cs, d.workItemId, res.replica, pair);
    if ('error' in files) return { ops: this.errorOps(rec, cs, ref, d, { ...base, message: files.error, line: null, column: null }), state, sent: false };
    const seq = state.outSeq + 1;
    const msg: OutMessage = {
      type: 'replica',
      id: randomUUID(),
      seq,
      workItemId: d.workItemId,
      yourId: pair && /^\d{1,10}$/.test(pair.remoteId) ? Number(pair.remoteId) : null,
      replica: res.json,
      images: pair?.imported ?? {},
      createdAt: this.ctx.nowIso(),
    };
    if (pair?.files && Object.keys(pair.files).length) msg.fileImages = pair.files;
    const ids = Object.keys(files.files);
    if (ids.length) msg.files = files.files;
    const ops: StoreOp[] = [
      { c: 'sync', k: keys.out(cs.id, seq), v: msg },
      { c: 'sync', k: ref },
    ];
    if (ids.length) {
      const all = [...(cs.filesSent.get(d.workItemId) ?? []), ...ids];
      ops.push({ c: 'sync', k: keys.files(cs.id, d.workItemId), v: { workItemId: d.workItemId, ids: all } satisfies FilesSent });
    }
    if (files.deferred) {
      // More new attachments than one message carries: the rest goes with the work item's next message.
      state = { ...state, order: state.order + 1 };
      ops.push({ c: 'sync', k: ref, v: { workItemId: d.workItemId, order: state.order, createdAt: this.ctx.nowIso(), blocked: null } satisfies DirtyEntry });
    }
    if (pair) ops.push({ c: 'sync', k: keys.pair(cs.id, pair.localId), v: { ...pair, localRev: w.rev } });
    else ops.push({ c: 'sync', k: keys.sent(cs.id, d.workItemId), v: { workItemId: d.workItemId, rev: w.rev } satisfies SentRecord });
    return { ops, state: { ...state, outSeq: seq }, sent: true };
  }

  /**
   * The bytes of the replica's attachments the partner does not have: not copies of its own attachments, not sent
   * before; at most {@link MAX_MESSAGE_FILE_CHARS} of base64 per message (`deferred`: more are waiting). An attachment
   * over {@link MAX_SYNC_ATTACHMENT_BYTES} is an error (the script can leave it out of `replica.attachments`).
   */
  private outgoingFiles(cs: ConnSync, workItemId: number, replica: Value, pair: Pair | undefined): { files: Record<string, WireFile>; deferred: boolean } | { error: string } {
    const files: Record<string, WireFile> = {};
    let deferred = false;
    const list = replica instanceof GMap ? replica.get('attachments') : null;
    if (!Array.isArray(list)) return { files, deferred };
    const copies = pair?.files ?? {};
    const sent = cs.filesSent.get(workItemId);
    let chars = 0;
    for (const a of list) {
      if (!(a instanceof GMap)) continue;
      const raw = a.get('id');
      if (raw === null || raw === undefined) continue;
      const id = toGroovyString(raw);
      if (copies[id] !== undefined || sent?.has(id) || files[id]) continue;
      const file = this.em.getAttachment(id);
      if (!file) continue; // not an attachment of this organization
      if (file.content.length > MAX_SYNC_ATTACHMENT_BYTES) {
        return {
          error: `Attachment "${file.fileName}" is ${file.content.length} bytes; at most ${MAX_SYNC_ATTACHMENT_BYTES / 1024} KiB per attachment travel to the partner (leave it out of replica.attachments in the outgoing script)`,
        };
      }
      const content = file.content.toString('base64');
      if (chars + content.length > MAX_MESSAGE_FILE_CHARS) {
        deferred = true;
        continue;
      }
      files[id] = { name: file.fileName, content };
      chars += content.length;
    }
    return { files, deferred };
  }

  /**
   * Runs the outgoing script of up to {@link OUT_BATCH} queued work items and commits the results together (one
   * fsync for the batch). No await between reading the entries and the commit, so nothing changes them meanwhile.
   */
  private runOutgoingBatch(rec: ConnRecord, cs: ConnSync, ready: DirtyEntry[]): void {
    let state = cs.state;
    const ops: StoreOp[] = [];
    let sent = false;
    for (const d of ready) {
      try {
        const r = this.outgoingOps(rec, cs, d, state);
        ops.push(...r.ops);
        state = r.state;
        sent ||= r.sent;
      } catch (e) {
        // Not the script (its errors are results): e.g. a helper that threw outside it. Recorded, never a spin.
        const where = { direction: 'outgoing' as const, workItemId: d.workItemId, remoteId: cs.pairs.get(d.workItemId)?.remoteId ?? null };
        ops.push(...this.errorOps(rec, cs, keys.dirty(cs.id, d.workItemId), d, { ...where, message: (e as Error)?.message ?? String(e), line: null, column: null }));
      }
    }
    if (state !== cs.state) ops.push({ c: 'sync', k: keys.state(cs.id), v: state });
    try {
      this.commit(ops);
    } catch (e) {
      if (e instanceof StoreError) {
        this.ctx.opts.log(`sync: "${rec.name}": could not save (${e.message}); retrying later`);
        if (!this.stopped) setTimeout(() => this.kick(), 5_000).unref();
      }
      throw e;
    }
    for (const d of ready) if (!cs.dirty.has(d.workItemId)) cs.attempts.delete(`d-${d.workItemId}`);
    if (sent) this.events.outboxChanged(cs.id);
  }

  private async applyIncoming(rec: ConnRecord, cs: ConnSync, entry: InEntry): Promise<void> {
    const em = this.em;
    const ref = keys.in(cs.id, entry.seq);
    cs.attempts.set(entry.id, (cs.attempts.get(entry.id) ?? 0) + 1);
    const origin = `sync:${cs.id}:${entry.id}`;
    const pairId = cs.byRemote.get(entry.remoteId);
    let pair = pairId === undefined ? undefined : cs.pairs.get(pairId);
    let localId = pair?.localId;
    if (localId === undefined && entry.yourId !== null && em.getWorkItem(entry.yourId)) localId = entry.yourId;
    const firstSync = localId === undefined;
    // A replay after a crash: the work item this message created is found by its origin tag.
    if (localId === undefined) localId = em.findByOrigin(origin)?.id;
    let current = localId === undefined ? undefined : em.getWorkItem(localId);
    if (localId !== undefined && !current) {
      // The twin was deleted here: the partner's item is synced as new.
      pair = undefined;
      localId = undefined;
    }
    const imported = { ...(pair?.imported ?? {}) };
    const files = { ...(pair?.files ?? {}) };
    const waiting = this.ctx.store.get<WaitingFiles>('sync', keys.waiting(cs.id, entry.remoteId));
    // The partner's copies of our own comments and attachments are not new ones here.
    const replica = entityData(entry.replica);
    const comments = replica.get('comments');
    if (Array.isArray(comments) && Object.keys(entry.images).length) {
      replica.set('comments', comments.filter((c: Value) => !(c instanceof GMap && entry.images[toGroovyString(c.get('id'))] !== undefined)));
    }
    const fileImages = entry.fileImages ?? {};
    const attachments = replica.get('attachments');
    if (Array.isArray(attachments) && Object.keys(fileImages).length) {
      replica.set('attachments', attachments.filter((a: Value) => !(a instanceof GMap && fileImages[toGroovyString(a.get('id'))] !== undefined)));
    }
    let syncBack = false;
    let unExalate = false;
    const rule = this.rules.activeRule(rec.id, 'incoming');
    const wiJson = current ? JSON.stringify(scriptWorkItem(current, imported, files)) : null;
    const res = runIncoming(rule.script, replica, wiJson, firstSync, {
      ast: this.ast(rule.script),
      context: this.runtimeContext(rec, cs, { syncBack: () => (syncBack = true), unExalate: () => (unExalate = true) }),
    });
    const base = { direction: 'incoming' as const, workItemId: localId ?? null, remoteId: entry.remoteId };
    if (res.error || res.json === null) {
      const err = res.error;
      this.commit(this.errorOps(rec, cs, ref, entry, { ...base, message: err?.message ?? 'the incoming script failed', line: err?.line ?? null, column: err?.column ?? null }));
      return;
    }
    const after = (JSON.parse(res.json) as { workItem: Record<string, unknown> }).workItem;
    const writes = incomingWrites(res.changes, after);
    try {
      if (localId === undefined) {
        const project = writes.project ?? rec.project;
        const created = await em.createWorkItem(project, writes.type ?? 'Task', writes.patch, { origin });
        localId = created.id;
      } else if (writes.patch.length && !em.findByOrigin(origin)) {
        await em.updateWorkItem(localId, writes.patch, { origin });
      }
      let n = 0;
      for (const c of writes.comments) {
        const corigin = `${origin}:c${n++}`;
        const html = commentHtml(c.body);
        let commentId: number | undefined;
        const done = em.findByOrigin(corigin);
        if (done) {
          // Written before a crash: the comment that write created.
          commentId = done.commentId;
          if (commentId === undefined) {
            current = em.getWorkItem(localId);
            const known = new Set(Object.keys(imported));
            commentId = current?.comments.filter((x) => x.text === html && !known.has(String(x.id))).pop()?.id;
          }
        } else {
          commentId = (await em.addComment(localId, html, { origin: corigin })).id;
        }
        if (c.remoteId !== null && commentId !== undefined) imported[String(commentId)] = c.remoteId;
      }
      await this.applyCommentChanges(em, localId, origin, imported, new Set(Object.keys(pair?.imported ?? {})), writes.commentTexts);
      await this.applyAttachments(em, localId, origin, entry.remoteId, { ...waiting?.files, ...entry.files }, files, writes.attachments);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      if (this.gone(cs)) return;
      this.commit(this.errorOps(rec, cs, ref, entry, { ...base, workItemId: localId ?? null, message: `Azure DevOps refused the change: ${(e as Error)?.message ?? String(e)}`, line: null, column: null }));
      return;
    }
    if (this.gone(cs)) return; // deleted while Azure DevOps was written: nothing of it may come back
    const now = this.ctx.nowIso();
    const rev = em.getWorkItem(localId)?.rev ?? null;
    const summary = replica.get('summary');
    const ops: StoreOp[] = [{ c: 'sync', k: ref }];
    if (waiting) {
      // Bytes kept from a dropped message: forget the ones now on the twin.
      const have = new Set(Object.values(files));
      const left = Object.fromEntries(Object.entries(waiting.files).filter(([rid]) => !have.has(rid)));
      if (Object.keys(left).length !== Object.keys(waiting.files).length) {
        ops.push(Object.keys(left).length ? { c: 'sync', k: keys.waiting(cs.id, entry.remoteId), v: { ...waiting, files: left } } : { c: 'sync', k: keys.waiting(cs.id, entry.remoteId) });
      }
    }
    let state = cs.state;
    if (unExalate) {
      if (pair) ops.push({ c: 'sync', k: keys.pair(cs.id, pair.localId) });
    } else {
      const next: Pair = {
        localId,
        remoteId: entry.remoteId,
        order: pair?.order ?? (state = { ...state, order: state.order + 1 }).order,
        lastSyncAt: now,
        remoteTitle: summary === null || summary === undefined ? null : toGroovyString(summary),
        localRev: rev,
        imported,
        ...(Object.keys(files).length ? { files } : {}),
      };
      ops.push({ c: 'sync', k: keys.pair(cs.id, localId), v: next });
      if (!pair) {
        // Tell the partner which work item is the twin of its item.
        const seq = state.outSeq + 1;
        state = { ...state, outSeq: seq };
        const link: OutMessage = { type: 'link', id: randomUUID(), seq, workItemId: localId, yourId: Number(entry.remoteId), createdAt: now };
        ops.push({ c: 'sync', k: keys.out(cs.id, seq), v: link });
      }
    }
    if (syncBack && !cs.dirty.has(localId)) {
      state = { ...state, order: state.order + 1 };
      ops.push({ c: 'sync', k: keys.dirty(cs.id, localId), v: { workItemId: localId, order: state.order, createdAt: now, blocked: null } satisfies DirtyEntry });
    }
    if (state !== cs.state) ops.push({ c: 'sync', k: keys.state(cs.id), v: state });
    this.commit(ops);
    cs.attempts.delete(entry.id);
    if (!pair) this.events.outboxChanged(cs.id);
  }

  /**
   * Edits and deletions of comments copied from the partner, as the incoming script left them: a copy whose text the
   * script changed is updated, a copy the script dropped (`commentHelper.mergeComments` drops the copies of deleted
   * partner comments) is deleted and forgotten. The user's own comments are never touched. Replays find the work
   * already done (the text is the same, the comment is gone).
   */
  private async applyCommentChanges(
    em: SyncEmulator,
    localId: number,
    origin: string,
    imported: Record<string, string>,
    before: Set<string>,
    texts: Array<{ id: string; body: string }>,
  ): Promise<void> {
    if (before.size === 0) return;
    const w = em.getWorkItem(localId);
    if (!w) return;
    const kept = new Map(texts.map((t) => [t.id, t.body]));
    for (const c of w.comments) {
      const id = String(c.id);
      // Only copies the script saw (not the ones this message just added).
      if (imported[id] === undefined || !before.has(id)) continue;
      if ((c as { isDeleted?: boolean }).isDeleted) {
        delete imported[id];
        continue;
      }
      const body = kept.get(id);
      if (body === undefined) {
        await em.deleteComment(localId, c.id, { origin: `${origin}:d${id}` });
        delete imported[id];
      } else if (body !== c.text && commentHtml(body) !== c.text) {
        await em.updateComment(localId, c.id, commentHtml(body), { origin: `${origin}:e${id}` });
      }
    }
  }

  /**
   * The partner's attachments the incoming script added (`attachmentHelper.mergeAttachments`): each is uploaded and
   * linked (`AttachedFile`) with origin `…:a<partner attachment id>`; a replay finds the link by that origin and
   * takes the attachment of that name and size. `bytes`: the message's files and those kept from a resolved message;
   * one whose bytes are in neither (they follow with a later message) is skipped. `files` (local → partner attachment id) gets the new ones.
   */
  private async applyAttachments(
    em: SyncEmulator,
    localId: number,
    origin: string,
    remoteId: string,
    bytes: Record<string, WireFile>,
    files: Record<string, string>,
    added: NewAttachment[],
  ): Promise<void> {
    const have = new Set(Object.values(files));
    for (const a of added) {
      if (have.has(a.remoteId)) continue;
      const file = bytes[a.remoteId];
      if (!file) {
        this.ctx.opts.log(`sync: attachment ${a.remoteId} of remote work item ${remoteId} came without its content (a later message brings it); not added to ${localId} yet`);
        continue;
      }
      const name = a.filename ?? file.name;
      const content = Buffer.from(file.content, 'base64');
      const aorigin = `${origin}:a${a.remoteId}`;
      let localAtt: string | undefined;
      if (em.findByOrigin(aorigin)) {
        const known = new Set(Object.keys(files));
        localAtt = em
          .getWorkItem(localId)
          ?.relations.filter((r) => r.rel === 'AttachedFile' && r.attachmentId !== undefined && !known.has(r.attachmentId) && r.attributes.name === name && r.attributes.resourceSize === content.length)
          .pop()?.attachmentId;
      } else {
        const project = String(em.getWorkItem(localId)?.fields['System.TeamProject'] ?? '');
        const up = await em.createAttachment(project, name, content);
        await em.updateWorkItem(localId, [{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: em.attachmentUrl(up.id) } }], { origin: aorigin });
        localAtt = up.id;
      }
      if (localAtt !== undefined) {
        files[localAtt] = a.remoteId;
        have.add(a.remoteId);
      }
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.flushing) {
      clearImmediate(this.flushing);
      this.flushMarks();
    }
    this.stopped = true;
    await this.idle();
  }
}
