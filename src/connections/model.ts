// The connection list of one node, loaded page by page, and how each connection is shown. Pure TypeScript (no
// `vscode` import) so the benchmark (bench/tree.ts) can measure exactly what the view does to show a page.
//
// One load in flight per node: a refresh asked for while a load runs is queued (coalesced) and runs once the
// current load ends, so a refresh after a mutation never returns data read before the mutation; "Load more…"
// while something is loading is ignored. A refresh reloads as many connections as were shown (at least one page)
// and swaps them in at once, so the tree keeps its items and expansion while it refreshes.
import { formatDateTime } from '../shared/format';
import type { ExalateClient } from '../exalate/client';
import { ExalateError } from '../exalate/errors';
import type { Connection, ConnectionStatus } from '../shared/api';
import { plainTranslate, type Translate } from '../shared/l10n';
import { MAX_PAGE_LIMIT } from '../shared/validation';

/** Connections fetched per request; "Load more…" appears past the first page. */
export const PAGE_SIZE = MAX_PAGE_LIMIT;
/** A private connection whose partner has not polled for this long is shown as stale. */
export const STALE_AFTER_MS = 5 * 60_000;

export type LoadState =
  | { kind: 'idle' } // never loaded
  | { kind: 'loaded' }
  | { kind: 'noToken' } // no API token stored: the user must sign in
  | { kind: 'error'; error: Error };

export class NodeConnections {
  connections: Connection[] = [];
  nextCursor: string | null = null;
  state: LoadState = { kind: 'idle' };
  /** Failure of the last "Load more…" (the loaded connections stay). */
  moreError: Error | undefined;
  /** When the last successful refresh ended (ms since epoch), 0 before the first. */
  loadedAt = 0;
  /** Requests made, for tests and the benchmark. */
  requests = 0;

  private current: { kind: 'refresh' | 'more'; promise: Promise<void> } | undefined;
  private queued: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly nodeUrl: string,
    private readonly getClient: () => Promise<ExalateClient | undefined>,
    /** Called after every change of state or content. */
    private readonly onChange: () => void,
    private readonly pageSize = PAGE_SIZE,
  ) {}

  get loading(): boolean {
    return this.current !== undefined;
  }

  /** Reloads from the first page. Queued behind a load in flight (several asks coalesce into one). */
  refresh(): Promise<void> {
    if (this.current) {
      this.queued ??= this.current.promise.then(() => {
        this.queued = undefined;
        return this.start('refresh');
      });
      return this.queued;
    }
    return this.start('refresh');
  }

  /** Loads the first page unless it was loaded (or is loading) already. */
  ensureLoaded(): Promise<void> {
    if (this.state.kind !== 'idle') return Promise.resolve();
    return this.current ? this.current.promise : this.start('refresh');
  }

  /** Loads the next page; ignored while a load is in flight or when there is no next page. */
  loadMore(): Promise<void> {
    if (this.current) return this.current.promise;
    if (!this.nextCursor || this.state.kind !== 'loaded') return Promise.resolve();
    return this.start('more');
  }

  find(id: string): Connection | undefined {
    return this.connections.find((c) => c.id === id);
  }

  /** Replaces one connection after a mutation answered it (keeps its place). */
  replace(conn: Connection): void {
    const i = this.connections.findIndex((c) => c.id === conn.id);
    if (i >= 0) {
      this.connections = [...this.connections.slice(0, i), conn, ...this.connections.slice(i + 1)];
      this.onChange();
    }
  }

  remove(id: string): void {
    const before = this.connections.length;
    this.connections = this.connections.filter((c) => c.id !== id);
    if (this.connections.length !== before) this.onChange();
  }

  /** Stops loading for good (the node was removed). */
  dispose(): void {
    this.abort.abort();
  }

  private start(kind: 'refresh' | 'more'): Promise<void> {
    const promise = (kind === 'refresh' ? this.doRefresh() : this.doMore()).finally(() => {
      this.current = undefined;
      if (!this.abort.signal.aborted) this.onChange();
    });
    this.current = { kind, promise };
    this.onChange();
    return promise;
  }

  private async doRefresh(): Promise<void> {
    const want = Math.max(this.connections.length, 1);
    const items: Connection[] = [];
    let cursor: string | null = null;
    try {
      const client = await this.getClient();
      if (!client) {
        this.state = { kind: 'noToken' };
        this.connections = [];
        this.nextCursor = null;
        return;
      }
      do {
        this.requests++;
        const page = await client.listConnections({ limit: this.pageSize, cursor, signal: this.abort.signal });
        for (const c of page.items) items.push(c);
        cursor = page.nextCursor;
      } while (cursor && items.length < want);
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.state = { kind: 'error', error: asError(e) };
      this.connections = [];
      this.nextCursor = null;
      this.moreError = undefined;
      return;
    }
    this.connections = items;
    this.nextCursor = cursor;
    this.state = { kind: 'loaded' };
    this.moreError = undefined;
    this.loadedAt = Date.now();
  }

  private async doMore(): Promise<void> {
    try {
      const client = await this.getClient();
      if (!client) {
        this.state = { kind: 'noToken' };
        return;
      }
      this.requests++;
      const page = await client.listConnections({ limit: this.pageSize, cursor: this.nextCursor, signal: this.abort.signal });
      const known = new Set(this.connections.map((c) => c.id));
      this.connections = [...this.connections, ...page.items.filter((c) => !known.has(c.id))];
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

// ---- presentation --------------------------------------------------------------------------------------------

export interface ConnectionPresentation {
  label: string;
  description: string;
  /** Codicon id. */
  icon: string;
  /** Theme color id. */
  color: string;
  /** Markdown (theme icons allowed). */
  tooltip: string;
  contextValue: string;
  stale: boolean;
  /** One or two short lines shown as children under the connection. */
  details: string[];
}

/** Mode names, translated where shown. */
function modeName(mode: string, t: Translate): string {
  return mode === 'script' ? t('Script') : mode === 'visual' ? t('Visual') : mode === 'basic' ? t('Basic') : mode;
}

export const STATUS_ICONS: Record<ConnectionStatus, { icon: string; color: string }> = {
  pending: { icon: 'watch', color: 'charts.yellow' },
  active: { icon: 'pass-filled', color: 'charts.green' },
  deactivated: { icon: 'circle-slash', color: 'disabledForeground' },
  error: { icon: 'error', color: 'errorForeground' },
};

/** The status as the description shows it (lower case) and the tooltip (capitalized). */
function statusLabel(status: ConnectionStatus, t: Translate, capital: boolean): string {
  switch (status) {
    case 'pending':
      return capital ? t('Pending') : t('pending');
    case 'active':
      return capital ? t('Active') : t('active');
    case 'deactivated':
      return capital ? t('Deactivated') : t('deactivated');
    default:
      return capital ? t('Error') : t('error');
  }
}

/** `connection.<status>`, and for deactivated ones who did it: `connection.deactivated.local|remote`. */
export function connectionContextValue(c: Connection): string {
  if (c.status === 'deactivated') return `connection.deactivated.${c.deactivatedBy === 'remote' ? 'remote' : 'local'}`;
  return `connection.${c.status}`;
}

/** A private connection we initiated (the partner polls us) whose partner stopped polling. */
export function isStale(c: Connection, now: number): boolean {
  if (c.type !== 'private' || c.role !== 'initiator' || c.status === 'pending') return false;
  if (!c.lastContactAt) return true;
  const t = Date.parse(c.lastContactAt);
  return Number.isFinite(t) && now - t > STALE_AFTER_MS;
}

export function presentConnection(c: Connection, now = Date.now(), t: Translate = plainTranslate): ConnectionPresentation {
  const s = STATUS_ICONS[c.status];
  const unknownRemote = c.remoteUrl === null;
  const stale = isStale(c, now);
  // "· private" on both sides of a private connection (the acceptor knows the initiator's URL, the type is the same).
  const syncErrors = c.sync?.errors ?? 0;
  const description = [
    statusLabel(c.status, t, false),
    ...(c.type === 'private' ? [t('private')] : []),
    ...(stale ? [t('stale')] : []),
    ...(syncErrors ? [syncErrors === 1 ? t('1 sync error') : t('{0} sync errors', syncErrors)] : []),
  ].join(' · ');
  const remote = c.remoteUrl ? md(c.remoteUrl) : `_${t('unknown (private side)')}_`;
  const lines = [
    `**${md(c.name)}**`,
    '',
    `$(${s.icon}) ${statusLabel(c.status, t, true)}${c.statusReason ? ` — ${md(c.statusReason)}` : ''}`,
    '',
    t('Local: {0} · Remote: {1}', `\`${c.localShortName}\``, `\`${c.remoteShortName}\``),
    '',
    t('Remote URL: {0}', remote),
    '',
    t('Mode: {0} · {1} · {2}', modeName(c.mode, t), c.type === 'private' ? t('Private') : t('Public'), c.role === 'initiator' ? t('we initiated') : t('we accepted')),
    '',
    t('Project: {0}', md(c.project)),
    '',
    t('Created: {0}', when(c.createdAt, now, t)),
    '',
    t('Last contact: {0}', c.lastContactAt ? when(c.lastContactAt, now, t) : t('never')),
  ];
  if (c.sync) {
    lines.push(
      '',
      c.sync.errors === 1
        ? t('Sync: {0} synced · {1} queued · {2} error', c.sync.synced, c.sync.queued, c.sync.errors)
        : t('Sync: {0} synced · {1} queued · {2} errors', c.sync.synced, c.sync.queued, c.sync.errors),
    );
    if (syncErrors) {
      lines.push(
        '',
        `$(error) ${
          syncErrors === 1
            ? t('**1 sync error blocks work items:** see Errors under the connection (Retry, Resolve, Open Script at Line).')
            : t('**{0} sync errors block work items:** see Errors under the connection (Retry, Resolve, Open Script at Line).', syncErrors)
        }`,
      );
    }
  }
  if (stale) {
    lines.push(
      '',
      `$(warning) ${
        c.lastContactAt
          ? t('**Stale:** {0} (the private side) has not polled since {1}. Check that their node is running.', md(c.remoteShortName), when(c.lastContactAt, now, t))
          : t('**Stale:** {0} (the private side) has not polled yet. Check that their node is running.', md(c.remoteShortName))
      }`,
    );
  }
  if (c.description) lines.push('', '---', '', md(c.description));
  const details = [
    `${c.localShortName} → ${c.remoteShortName} · ${unknownRemote ? t('remote unknown (private side)') : c.remoteUrl}`,
    `${t('{0} mode · project {1}', modeName(c.mode, t), c.project)}${c.statusReason ? ` · ${c.statusReason}` : ''}`,
  ];
  return {
    label: c.name,
    description,
    icon: s.icon,
    color: s.color,
    tooltip: lines.join('\n'),
    contextValue: connectionContextValue(c),
    stale,
    details,
  };
}

/** Escapes Markdown so names and reasons from the node render as text. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|~$#]/g, (ch) => `\\${ch}`);
}

/** `Nov 27, 2026, 11:42 PM (5 min ago)`: the one date format (src/shared/format.ts) plus how long ago. */
export function when(iso: string, now: number, t: Translate = plainTranslate): string {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return md(iso);
  return `${md(formatDateTime(at))} (${ago(now - at, t)})`;
}

export function ago(ms: number, t: Translate = plainTranslate): string {
  if (ms < 0) return t('just now');
  const s = Math.round(ms / 1000);
  if (s < 60) return t('just now');
  const m = Math.round(s / 60);
  if (m < 60) return t('{0} min ago', m);
  const h = Math.round(m / 60);
  if (h < 48) return t('{0} h ago', h);
  return t('{0} days ago', Math.round(h / 24));
}

/** The short, specific title of an error item. */
export function errorTitle(e: Error, t: Translate = plainTranslate): string {
  if (e instanceof ExalateError) {
    switch (e.kind) {
      case 'unauthorized':
        return t('Sign-in failed: the node rejected the API token');
      case 'unreachable':
        return t('Cannot reach the node');
      case 'badResponse':
        return t('The node sent an answer this extension does not understand');
      case 'server':
        return t('The node failed to list connections');
      case 'notFound':
        return t('The node has no connection list at this URL');
      default:
        return t('Could not load connections');
    }
  }
  return t('Could not load connections');
}

/** The view badge: pending and failed connections of the listed nodes. */
export interface BadgeCount {
  value: number;
  tooltip: string;
}

/**
 * The badge for the listed nodes' lists, or `'wait'` while one of them is loading: the badge then keeps its value,
 * so it moves once per refresh round instead of once per node (VS Code keeps an open hover on the activity bar while
 * the number under it changes, which showed "4" under "1 pending, 1 in error").
 */
export function badgeCount(models: readonly NodeConnections[], listed: ReadonlySet<string>, t: Translate = plainTranslate): BadgeCount | undefined | 'wait' {
  let pending = 0;
  let errors = 0;
  for (const m of models) {
    if (!listed.has(m.nodeUrl)) continue;
    if (m.loading) return 'wait';
    for (const c of m.connections) {
      if (c.status === 'pending') pending++;
      else if (c.status === 'error') errors++;
    }
  }
  const value = pending + errors;
  return value > 0 ? { value, tooltip: t('{0} pending, {1} in error', pending, errors) } : undefined;
}
