// Work item sync of one connection as the Connections view shows it: the queue, the errors and the synced items,
// each a list loaded from the node (the synced items page by page), plus how each row is shown and the trigger
// list edits. Pure TypeScript (no `vscode` import): the strings go through a `Translate` function, which the
// extension sets to `vscode.l10n.t` and the unit tests leave as plain `{0}` substitution.
//
// One load in flight per list: a refresh asked for while a load runs is queued (several asks coalesce into one) and
// runs when the current load ends, so a refresh after a command never shows data read before it. A refresh reloads as
// many items as were shown (at least one page) and swaps them in at once.
import type { ExalateClient, TriggerInput } from '../exalate/client';
import { ExalateError, InvalidError } from '../exalate/errors';
import type { SyncDirection, SyncError, SyncQueueItem, SyncTrigger, SyncedItem } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { MAX_PAGE_LIMIT } from '../shared/validation';

/** Synced items fetched per request; "Load more…" appears past the first page. */
export const SYNCED_PAGE_SIZE = MAX_PAGE_LIMIT;

import { plainTranslate, type Translate } from '../shared/l10n';
export { plainTranslate, type Translate };

export type ListState = { kind: 'idle' } | { kind: 'loaded' } | { kind: 'error'; error: Error };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Loads one page; `cursor` null for the first. */
export type PageLoader<T> = (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>;

/** A list loaded from the node, page by page when the node pages it. */
export class RemoteList<T> {
  items: T[] = [];
  nextCursor: string | null = null;
  state: ListState = { kind: 'idle' };
  /** Failure of the last "Load more…" (the loaded items stay). */
  moreError: Error | undefined;
  /** Requests made (tests). */
  requests = 0;

  private current: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly load: PageLoader<T>,
    /** Called after every change of state or content. */
    private readonly onChange: () => void,
    /** Keys items so a page that overlaps the previous one adds nothing twice. */
    private readonly keyOf: (item: T) => string,
  ) {}

  get loading(): boolean {
    return this.current !== undefined;
  }

  get loaded(): boolean {
    return this.state.kind !== 'idle';
  }

  /** Reloads from the first page (as many items as were shown). Queued behind a load in flight. */
  refresh(): Promise<void> {
    if (this.current) {
      this.queued ??= this.current.then(() => {
        this.queued = undefined;
        return this.start(() => this.doRefresh());
      });
      return this.queued;
    }
    return this.start(() => this.doRefresh());
  }

  /** Loads the first page unless it was loaded (or is loading) already. */
  ensureLoaded(): Promise<void> {
    if (this.state.kind !== 'idle') return Promise.resolve();
    return this.current ?? this.start(() => this.doRefresh());
  }

  /** The next page; ignored while loading or when there is none. */
  loadMore(): Promise<void> {
    if (this.current) return this.current;
    if (!this.nextCursor || this.state.kind !== 'loaded') return Promise.resolve();
    return this.start(() => this.doMore());
  }

  dispose(): void {
    this.abort.abort();
  }

  private start(run: () => Promise<void>): Promise<void> {
    const promise = run().finally(() => {
      this.current = undefined;
      if (!this.abort.signal.aborted) this.onChange();
    });
    this.current = promise;
    this.onChange();
    return promise;
  }

  private async doRefresh(): Promise<void> {
    const want = Math.max(this.items.length, 1);
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    try {
      do {
        this.requests++;
        const page: Page<T> = await this.load(cursor, this.abort.signal);
        for (const item of page.items) {
          const k = this.keyOf(item);
          if (!seen.has(k)) {
            seen.add(k);
            items.push(item);
          }
        }
        cursor = page.nextCursor;
      } while (cursor && items.length < want);
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.state = { kind: 'error', error: asError(e) };
      this.items = [];
      this.nextCursor = null;
      this.moreError = undefined;
      return;
    }
    this.items = items;
    this.nextCursor = cursor;
    this.state = { kind: 'loaded' };
    this.moreError = undefined;
  }

  private async doMore(): Promise<void> {
    try {
      this.requests++;
      const page = await this.load(this.nextCursor, this.abort.signal);
      const known = new Set(this.items.map(this.keyOf));
      this.items = [...this.items, ...page.items.filter((i) => !known.has(this.keyOf(i)))];
      this.nextCursor = page.nextCursor;
      this.moreError = undefined;
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.moreError = asError(e);
    }
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** What the sync lists need from a node's client (the ExalateClient methods of docs/node-api.md "Work item sync"). */
export type SyncClient = Pick<ExalateClient, 'getSyncQueue' | 'listSyncErrors' | 'listSynced'>;

/** The queue, errors and synced items of one connection on one node. */
export class ConnectionSync {
  readonly queue: RemoteList<SyncQueueItem>;
  readonly errors: RemoteList<SyncError>;
  readonly synced: RemoteList<SyncedItem>;

  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    getClient: () => Promise<SyncClient>,
    onChange: (section: SyncSection) => void,
    /** Synced items per request (read at each request). */
    pageSize: () => number = () => SYNCED_PAGE_SIZE,
  ) {
    this.queue = new RemoteList(
      async (_cursor, signal) => ({ items: await (await getClient()).getSyncQueue(connectionId, { signal }), nextCursor: null }),
      () => onChange('queue'),
      (q) => q.id,
    );
    this.errors = new RemoteList(
      async (_cursor, signal) => ({ items: await (await getClient()).listSyncErrors(connectionId, { signal }), nextCursor: null }),
      () => onChange('errors'),
      (e) => e.id,
    );
    this.synced = new RemoteList(
      async (cursor, signal) => (await getClient()).listSynced(connectionId, { limit: pageSize(), cursor, signal }),
      () => onChange('synced'),
      (s) => `${s.localId}|${s.remoteId}`,
    );
  }

  list(section: SyncSection): RemoteList<SyncQueueItem> | RemoteList<SyncError> | RemoteList<SyncedItem> {
    return section === 'queue' ? this.queue : section === 'errors' ? this.errors : this.synced;
  }

  /** Reloads the lists that were loaded (shown) before; the others load when they are shown. */
  async refreshLoaded(): Promise<void> {
    await Promise.all([this.queue, this.errors, this.synced].filter((l) => l.loaded).map((l) => l.refresh()));
  }

  dispose(): void {
    this.queue.dispose();
    this.errors.dispose();
    this.synced.dispose();
  }
}

export type SyncSection = 'queue' | 'errors' | 'synced';
export const SYNC_SECTIONS: readonly SyncSection[] = ['queue', 'errors', 'synced'];

// ---- presentation --------------------------------------------------------------------------------------------

export interface Row {
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  /** Codicon id. */
  icon: string;
  /** Theme color id, if any. */
  color?: string;
  contextValue: string;
}

/** Counts known before a section is loaded: the connection's `sync` summary (older nodes: none). */
export interface SyncCounts {
  queued: number;
  errors: number;
  synced: number;
}

export interface QueueCounts {
  pending: number;
  blocked: number;
}

export function queueCounts(items: readonly SyncQueueItem[], direction: SyncDirection): QueueCounts {
  let pending = 0;
  let blocked = 0;
  for (const q of items) {
    if (q.direction !== direction) continue;
    if (q.state === 'blocked') blocked++;
    else pending++;
  }
  return { pending, blocked };
}

/** A section row under a connection: its title and count (from the loaded list when there is one, else the summary). */
export function presentSection(section: SyncSection, loaded: { count: number; more: boolean } | undefined, summary: SyncCounts | undefined, t: Translate = plainTranslate): Row {
  const n = loaded?.count ?? (section === 'queue' ? summary?.queued : section === 'errors' ? summary?.errors : summary?.synced);
  const count = n === undefined ? '' : `${n}${loaded?.more ? '+' : ''}`;
  switch (section) {
    case 'queue':
      return {
        label: t('Sync queue'),
        description: n === undefined ? '' : n === 0 ? t('empty') : t('{0} waiting', count),
        tooltip: t('Sync messages waiting on this node, per direction: outgoing ones are sent to the partner, incoming ones are applied here.'),
        icon: 'inbox',
        contextValue: 'syncSection.queue',
      };
    case 'errors':
      return {
        label: t('Errors'),
        description: n === undefined ? '' : n === 0 ? t('none') : count,
        tooltip: t('Sync errors: each one blocks its work item until it is retried (after a script fix) or resolved (dropped).'),
        icon: n ? 'error' : 'pass',
        ...(n ? { color: 'errorForeground' } : {}),
        contextValue: n ? 'syncSection.errors.some' : 'syncSection.errors',
      };
    case 'synced':
      return {
        label: t('Synced items'),
        description: n === undefined ? '' : n === 0 ? t('none yet') : count,
        tooltip: t('Work items synced over this connection: the local work item and its twin on the other side.'),
        icon: 'arrow-swap',
        contextValue: 'syncSection.synced',
      };
  }
}

export function presentQueueDirection(direction: SyncDirection, items: readonly SyncQueueItem[], t: Translate = plainTranslate): Row {
  const c = queueCounts(items, direction);
  const outgoing = direction === 'outgoing';
  const parts = [t('{0} pending', c.pending)];
  if (c.blocked) parts.push(t('{0} blocked', c.blocked));
  return {
    label: outgoing ? t('Outgoing') : t('Incoming'),
    description: parts.join(' · '),
    tooltip: outgoing
      ? t('Changes of local work items waiting to be sent to the partner. Blocked ones wait behind a sync error.')
      : t('Changes from the partner waiting to be applied here. Blocked ones wait behind a sync error.'),
    icon: outgoing ? 'arrow-up' : 'arrow-down',
    ...(c.blocked ? { color: 'list.warningForeground' } : {}),
    contextValue: `syncQueue.${direction}`,
  };
}

/** `#12`, `remote 7` or `#12 ↔ remote 7`: which work item a message or error is about. */
export function workItemRef(workItemId: number | null, remoteId: string | null, t: Translate = plainTranslate): string {
  const local = workItemId === null ? undefined : `#${workItemId}`;
  const remote = remoteId === null ? undefined : t('remote {0}', remoteId);
  if (local && remote) return `${local} ↔ ${remote}`;
  return local ?? remote ?? t('a new work item');
}

export function presentQueueItem(q: SyncQueueItem, now: number, t: Translate = plainTranslate): Row {
  const blocked = q.state === 'blocked';
  const attempts = q.attempts === 1 ? t('1 attempt') : t('{0} attempts', q.attempts);
  return {
    label: workItemRef(q.workItemId, q.remoteId, t),
    description: [blocked ? t('blocked') : t('pending'), q.attempts > 0 ? attempts : undefined].filter(Boolean).join(' · '),
    tooltip: [
      `**${md(workItemRef(q.workItemId, q.remoteId, t))}**`,
      '',
      blocked ? t('Blocked behind a sync error of this work item (retry or resolve it under Errors).') : t('Pending: it is sent or applied next.'),
      '',
      t('Queued: {0}', when(q.createdAt, now, t)),
      '',
      attempts,
    ].join('\n'),
    icon: blocked ? 'debug-pause' : 'clock',
    ...(blocked ? { color: 'list.warningForeground' } : {}),
    contextValue: `syncQueueItem.${q.state}`,
  };
}

/** The first line of a message, at most `max` characters. */
export function firstLine(text: string, max = 120): string {
  const line = text.split(/\r?\n/, 1)[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function presentSyncError(e: SyncError, now: number, t: Translate = plainTranslate): Row {
  const where = e.line === null ? undefined : e.column === null ? t('line {0}', e.line) : t('line {0}:{1}', e.line, e.column);
  const script = e.direction === 'outgoing' ? t('outgoing script') : t('incoming script');
  return {
    label: firstLine(e.message) || t('Sync error'),
    description: [where, e.direction === 'outgoing' ? t('outgoing') : t('incoming'), workItemRef(e.workItemId, e.remoteId, t)].filter(Boolean).join(' · '),
    tooltip: [
      `**${md(workItemRef(e.workItemId, e.remoteId, t))}** · ${md(e.direction === 'outgoing' ? t('outgoing') : t('incoming'))}`,
      '',
      '```',
      e.message.replace(/```/g, '` ` `'),
      '```',
      '',
      where ? t('In the {0} at {1}.', script, where) : t('Not in a script line (for example Azure DevOps refused the change).'),
      '',
      t('At: {0}', when(e.at, now, t)),
      '',
      t('Retry runs the message again with the active script; Resolve drops it so the work item\'s queue moves on.'),
    ].join('\n'),
    icon: 'error',
    color: 'errorForeground',
    // `syncError.line`: Open Script at Line applies.
    contextValue: e.line === null ? 'syncError' : 'syncError.line',
  };
}

export function presentSyncedItem(s: SyncedItem, now: number, t: Translate = plainTranslate): Row {
  const local = s.localTitle ?? t('(no title)');
  const remote = s.remoteTitle ?? t('(no title)');
  return {
    label: `#${s.localId} ↔ ${s.remoteId}`,
    // The remote title is known once a replica came back from the other side; until then the local one alone.
    description: s.remoteTitle === null || s.localTitle === s.remoteTitle ? local : `${local} ↔ ${remote}`,
    tooltip: [
      t('Local: **#{0}** {1}', s.localId, md(local)),
      '',
      t('Remote: **{0}** {1}', md(s.remoteId), md(remote)),
      '',
      `\`${md(s.urn)}\``,
      '',
      t('Last sync: {0}', when(s.lastSyncAt, now, t)),
    ].join('\n'),
    icon: 'arrow-swap',
    contextValue: 'syncedItem',
  };
}

/** Where an error points in its script, 0-based for an editor; undefined when it is not in a script line. */
export function scriptPosition(e: Pick<SyncError, 'line' | 'column'>): { line: number; character: number } | undefined {
  if (e.line === null) return undefined;
  return { line: e.line - 1, character: e.column === null ? 0 : e.column - 1 };
}

/** The short, specific title of a list that could not be loaded. */
export function loadErrorTitle(section: SyncSection, t: Translate = plainTranslate): string {
  switch (section) {
    case 'queue':
      return t('Could not load the sync queue');
    case 'errors':
      return t('Could not load the sync errors');
    case 'synced':
      return t('Could not load the synced items');
  }
}

// ---- triggers ------------------------------------------------------------------------------------------------

export type TriggerEdit =
  | { kind: 'add'; query: string }
  | { kind: 'query'; id: string; query: string }
  | { kind: 'active'; id: string; active: boolean }
  | { kind: 'delete'; id: string };

/** The whole list to PUT after one edit; throws when the edit names a trigger that is not in the list. */
export function applyTriggerEdit(list: readonly SyncTrigger[], edit: TriggerEdit): TriggerInput[] {
  const out: TriggerInput[] = list.map((x) => ({ id: x.id, query: x.query, active: x.active }));
  if (edit.kind === 'add') return [...out, { query: edit.query.trim(), active: true }];
  const i = out.findIndex((x) => x.id === edit.id);
  if (i < 0) throw new Error(`The trigger ${edit.id} is not on the node any more.`);
  if (edit.kind === 'delete') out.splice(i, 1);
  else if (edit.kind === 'query') out[i] = { ...out[i], query: edit.query.trim() };
  else out[i] = { ...out[i], active: edit.active };
  return out;
}

/**
 * The message to show in the query box when the node refused a trigger list: Azure DevOps' own message for the
 * query (`fields["items.N.query"]`), else any field message, else the error's message. Undefined for errors that are
 * not about the input (the caller reports those).
 */
export function triggerQueryProblem(e: unknown, index?: number): string | undefined {
  if (!(e instanceof InvalidError)) return undefined;
  const fields = e.fields;
  if (index !== undefined && fields[`items.${index}.query`]) return fields[`items.${index}.query`];
  const queryField = Object.keys(fields).find((k) => /^items\.\d+\.query$/.test(k));
  if (queryField) return fields[queryField];
  const any = Object.values(fields)[0];
  return any ?? e.message;
}

export function presentTrigger(x: SyncTrigger, t: Translate = plainTranslate): { label: string; description: string; detail: string } {
  return {
    label: `${x.active ? '$(pass-filled)' : '$(circle-slash)'} ${firstLine(x.query, 80)}`,
    description: x.active ? t('active') : t('inactive'),
    detail: x.query.replace(/\s+/g, ' ').trim(),
  };
}

// ---- shared helpers ------------------------------------------------------------------------------------------

/** Escapes Markdown so text from the node renders as text. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~$#]/g, (ch) => `\\${ch}`);
}

/** The one date format (src/shared/format.ts) plus how long ago. */
export function when(iso: string, now: number, t: Translate = plainTranslate): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return md(iso);
  return `${md(formatDateTime(at))} (${ago(now - at, t)})`;
}

export function ago(ms: number, t: Translate = plainTranslate): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return t('just now');
  const m = Math.round(s / 60);
  if (m < 60) return t('{0} min ago', m);
  const h = Math.round(m / 60);
  if (h < 48) return t('{0} h ago', h);
  return t('{0} days ago', Math.round(h / 24));
}

/** The user-facing text of a failure (the client's errors say what to do next). */
export function describeError(e: unknown): string {
  if (e instanceof ExalateError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
