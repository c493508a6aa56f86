// The items src/sync adds under each connection of the Connections view: *Sync queue* (per direction, then the
// messages), *Errors* (Retry, Resolve, Open Script at Line) and *Synced items* (paged). The Connections tree hosts
// them through its `ConnectionChildren` seam (wired in src/extension.ts); the data lives in ConnectionSync models
// (./model.ts), one per connection that was shown.
import * as vscode from 'vscode';
import type { Connection, SyncDirection, SyncError, SyncQueueItem, SyncedItem } from '../shared/api';
import { Commands } from '../shared/commands';
import {
  ConnectionSync,
  SYNCED_PAGE_SIZE,
  SYNC_SECTIONS,
  describeError,
  loadErrorTitle,
  md,
  presentQueueDirection,
  presentQueueItem,
  presentSection,
  presentSyncError,
  presentSyncedItem,
  type Row,
  type SyncClient,
  type SyncSection,
} from './model';

const t = (message: string, ...args: Array<string | number | boolean>) => vscode.l10n.t(message, ...args);

interface Base {
  readonly nodeUrl: string;
  readonly connectionId: string;
}

export class SyncSectionElement implements Base {
  readonly kind = 'syncSection';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly section: SyncSection,
  ) {}
}
export class QueueDirectionElement implements Base {
  readonly kind = 'syncQueueDirection';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly direction: SyncDirection,
  ) {}
}
export class QueueItemElement implements Base {
  readonly kind = 'syncQueueItem';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly item: SyncQueueItem,
  ) {}
}
export class SyncErrorElement implements Base {
  readonly kind = 'syncError';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly error: SyncError,
  ) {}
}
export class SyncedItemElement implements Base {
  readonly kind = 'syncedItem';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly item: SyncedItem,
  ) {}
}
/** "Load more…" under Synced items, or a list that could not be loaded / loaded more (`problem`). */
export class SyncNoticeElement implements Base {
  readonly kind = 'syncNotice';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly section: SyncSection,
    readonly notice: 'loadMore' | 'loadError' | 'moreError',
  ) {}
}

export type SyncElement = SyncSectionElement | QueueDirectionElement | QueueItemElement | SyncErrorElement | SyncedItemElement | SyncNoticeElement;

export function isSyncElement(x: unknown): x is SyncElement {
  return (
    x instanceof SyncSectionElement ||
    x instanceof QueueDirectionElement ||
    x instanceof QueueItemElement ||
    x instanceof SyncErrorElement ||
    x instanceof SyncedItemElement ||
    x instanceof SyncNoticeElement
  );
}

const key = (nodeUrl: string, connectionId: string) => `${nodeUrl}#${connectionId}`;

export class SyncTree implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SyncElement | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly models = new Map<string, ConnectionSync>();
  private readonly sections = new Map<string, SyncSectionElement>();
  private readonly directions = new Map<string, QueueDirectionElement>();
  /** Synced items per request ("Load more…" past it); the tests make it small. */
  pageSize = SYNCED_PAGE_SIZE;
  /** The connection summaries last shown (for section counts before a list is loaded). */
  private readonly summaries = new Map<string, Connection['sync']>();

  constructor(
    private readonly getClient: (nodeUrl: string) => Promise<SyncClient>,
    private readonly warn: (message: string) => void,
  ) {}

  // ---- models ------------------------------------------------------------------------------------------------

  model(nodeUrl: string, connectionId: string): ConnectionSync {
    const k = key(nodeUrl, connectionId);
    let m = this.models.get(k);
    if (!m) {
      m = new ConnectionSync(
        nodeUrl,
        connectionId,
        () => this.getClient(nodeUrl),
        (section) => this.onListChange(nodeUrl, connectionId, section),
        () => this.pageSize,
      );
      this.models.set(k, m);
    }
    return m;
  }

  /** Reloads what was shown (of one node, or of all): the tree's refresh and auto-refresh call this. */
  async refresh(nodeUrl?: string): Promise<void> {
    await Promise.all([...this.models.values()].filter((m) => nodeUrl === undefined || m.nodeUrl === nodeUrl).map((m) => m.refreshLoaded()));
  }

  /** Reloads one connection's lists (after a command changed them), loading at least the errors and the queue. */
  async refreshConnection(nodeUrl: string, connectionId: string): Promise<void> {
    const m = this.model(nodeUrl, connectionId);
    await Promise.all([m.queue.refresh(), m.errors.refresh(), m.synced.loaded ? m.synced.refresh() : Promise.resolve()]);
  }

  /** Drops the lists of connections that are gone (deleted, or their node removed), so nothing reloads them. */
  retain(nodeUrl: string, connectionIds: ReadonlySet<string>): void {
    for (const [k, m] of this.models) {
      if (m.nodeUrl === nodeUrl && !connectionIds.has(m.connectionId)) {
        m.dispose();
        this.models.delete(k);
        this.summaries.delete(k);
        for (const s of SYNC_SECTIONS) this.sections.delete(`${k}#${s}`);
        this.directions.delete(`${k}#outgoing`);
        this.directions.delete(`${k}#incoming`);
      }
    }
  }

  /** Lists kept (tests: they must not only grow). */
  get modelCount(): number {
    return this.models.size;
  }

  private onListChange(nodeUrl: string, connectionId: string, section: SyncSection): void {
    const m = this.models.get(key(nodeUrl, connectionId));
    const list = m?.list(section);
    if (list && list.state.kind === 'error' && !list.loading) this.warn(`Loading the ${section} of connection ${connectionId} on ${nodeUrl} failed: ${describeError(list.state.error)}`);
    if (list?.moreError && !list.loading) this.warn(`Loading more ${section} of connection ${connectionId} on ${nodeUrl} failed: ${describeError(list.moreError)}`);
    this.changed.fire(this.sectionElement(nodeUrl, connectionId, section));
  }

  // ---- elements (the ConnectionChildren seam of the Connections tree) -----------------------------------------

  owns(element: object): element is SyncElement {
    return isSyncElement(element);
  }

  sectionElement(nodeUrl: string, connectionId: string, section: SyncSection): SyncSectionElement {
    const k = `${key(nodeUrl, connectionId)}#${section}`;
    let e = this.sections.get(k);
    if (!e) this.sections.set(k, (e = new SyncSectionElement(nodeUrl, connectionId, section)));
    return e;
  }

  private directionElement(nodeUrl: string, connectionId: string, direction: SyncDirection): QueueDirectionElement {
    const k = `${key(nodeUrl, connectionId)}#${direction}`;
    let e = this.directions.get(k);
    if (!e) this.directions.set(k, (e = new QueueDirectionElement(nodeUrl, connectionId, direction)));
    return e;
  }

  childrenOf(nodeUrl: string, connection: Connection): SyncElement[] {
    this.summaries.set(key(nodeUrl, connection.id), connection.sync);
    return SYNC_SECTIONS.map((s) => this.sectionElement(nodeUrl, connection.id, s));
  }

  async getChildren(element: SyncElement): Promise<SyncElement[]> {
    const { nodeUrl, connectionId } = element;
    if (element instanceof SyncSectionElement) {
      const m = this.model(nodeUrl, connectionId);
      const list = m.list(element.section);
      if (!list.loaded) await list.ensureLoaded();
      if (list.state.kind === 'error') return [new SyncNoticeElement(nodeUrl, connectionId, element.section, 'loadError')];
      switch (element.section) {
        case 'queue':
          return [this.directionElement(nodeUrl, connectionId, 'outgoing'), this.directionElement(nodeUrl, connectionId, 'incoming')];
        case 'errors':
          return m.errors.items.map((e) => new SyncErrorElement(nodeUrl, connectionId, e));
        case 'synced': {
          const out: SyncElement[] = m.synced.items.map((s) => new SyncedItemElement(nodeUrl, connectionId, s));
          if (m.synced.moreError) out.push(new SyncNoticeElement(nodeUrl, connectionId, 'synced', 'moreError'));
          else if (m.synced.nextCursor) out.push(new SyncNoticeElement(nodeUrl, connectionId, 'synced', 'loadMore'));
          return out;
        }
      }
    }
    if (element instanceof QueueDirectionElement) {
      const m = this.model(nodeUrl, connectionId);
      return m.queue.items.filter((q) => q.direction === element.direction).map((q) => new QueueItemElement(nodeUrl, connectionId, q));
    }
    return [];
  }

  getParent(element: SyncElement): SyncElement | undefined {
    if (element instanceof SyncSectionElement) return undefined;
    if (element instanceof QueueItemElement) return this.directionElement(element.nodeUrl, element.connectionId, element.item.direction);
    if (element instanceof QueueDirectionElement) return this.sectionElement(element.nodeUrl, element.connectionId, 'queue');
    if (element instanceof SyncErrorElement) return this.sectionElement(element.nodeUrl, element.connectionId, 'errors');
    if (element instanceof SyncedItemElement) return this.sectionElement(element.nodeUrl, element.connectionId, 'synced');
    return this.sectionElement(element.nodeUrl, element.connectionId, element.section);
  }

  getTreeItem(element: SyncElement): vscode.TreeItem {
    const now = Date.now();
    const { nodeUrl, connectionId } = element;
    const base = `${key(nodeUrl, connectionId)}#sync`;
    const m = this.models.get(key(nodeUrl, connectionId));
    if (element instanceof SyncSectionElement) {
      const list = m?.list(element.section);
      const loaded = list?.state.kind === 'loaded' ? { count: list.items.length, more: list.nextCursor !== null } : undefined;
      const row = presentSection(element.section, loaded, this.summaries.get(key(nodeUrl, connectionId)), t);
      const hasErrors = element.section === 'errors' && row.contextValue.endsWith('.some');
      const item = this.item(row, `${base}#${element.section}`, hasErrors ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      if (list?.loading) item.iconPath = new vscode.ThemeIcon('loading~spin');
      return item;
    }
    if (element instanceof QueueDirectionElement) {
      const items = m?.queue.items ?? [];
      const row = presentQueueDirection(element.direction, items, t);
      const any = items.some((q) => q.direction === element.direction);
      return this.item(row, `${base}#queue#${element.direction}`, any ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    }
    if (element instanceof QueueItemElement) {
      return this.item(presentQueueItem(element.item, now, t), `${base}#queue#${element.item.direction}#${element.item.id}`);
    }
    if (element instanceof SyncErrorElement) {
      const row = presentSyncError(element.error, now, t);
      const item = this.item(row, `${base}#error#${element.error.id}`);
      if (element.error.line !== null) {
        item.command = { command: Commands.openSyncErrorScript, title: t('Open Script at Line'), arguments: [element] };
      }
      return item;
    }
    if (element instanceof SyncedItemElement) {
      return this.item(presentSyncedItem(element.item, now, t), `${base}#synced#${element.item.localId}|${element.item.remoteId}`);
    }
    return this.noticeItem(element, base, m);
  }

  private item(row: Row, id: string, state = vscode.TreeItemCollapsibleState.None): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, state);
    item.id = id;
    item.description = row.description;
    item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
    item.tooltip = new vscode.MarkdownString(row.tooltip, true);
    item.contextValue = row.contextValue;
    item.accessibilityInformation = { label: row.description ? `${row.label}, ${row.description}` : row.label };
    return item;
  }

  private noticeItem(element: SyncNoticeElement, base: string, m: ConnectionSync | undefined): vscode.TreeItem {
    const list = m?.list(element.section);
    const args = [{ nodeUrl: element.nodeUrl, connectionId: element.connectionId }];
    if (element.notice === 'loadMore') {
      const item = new vscode.TreeItem(t('Load more…'), vscode.TreeItemCollapsibleState.None);
      item.id = `${base}#${element.section}#loadMore`;
      item.iconPath = new vscode.ThemeIcon(list?.loading ? 'loading~spin' : 'ellipsis');
      item.description = t('{0} shown', list?.items.length ?? 0);
      item.tooltip = t('Load the next page of synced items');
      item.contextValue = 'syncLoadMore';
      item.command = { command: Commands.loadMoreSyncedItems, title: t('Load More'), arguments: args };
      return item;
    }
    const err = element.notice === 'moreError' ? list?.moreError : list?.state.kind === 'error' ? list.state.error : undefined;
    const title = element.notice === 'moreError' ? t('Could not load more synced items') : loadErrorTitle(element.section, t);
    const item = new vscode.TreeItem(title, vscode.TreeItemCollapsibleState.None);
    item.id = `${base}#${element.section}#${element.notice}`;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('errorForeground'));
    item.description = t('Retry');
    item.tooltip = new vscode.MarkdownString(`**${md(title)}**\n\n${md(err ? describeError(err) : '')}\n\n${md(t('Click to retry. Details are in the Exalate output channel.'))}`);
    item.contextValue = 'syncLoadError';
    item.command =
      element.notice === 'moreError'
        ? { command: Commands.loadMoreSyncedItems, title: t('Retry'), arguments: args }
        : { command: Commands.refresh, title: t('Retry'), arguments: [{ nodeUrl: element.nodeUrl }] };
    return item;
  }

  dispose(): void {
    for (const m of this.models.values()) m.dispose();
    this.changed.dispose();
  }
}
