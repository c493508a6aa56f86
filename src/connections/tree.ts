// The `exalate.connections` tree: with one node its connections at the root, with several the nodes at the root.
// The remote data lives in NodeConnections models (./model.ts, one per node); this provider only turns them into
// TreeItems. Errors are items (with Retry / Sign In), never exceptions, so one broken node leaves the rest usable.
import * as vscode from 'vscode';
import { l10nT } from '../ui/l10n';
import { ExalateError } from '../exalate/errors';
import type { Logger } from '../log';
import { nodeDisplayName, type NodeConfig, type NodeRegistry, type RejectedNode } from '../nodes/registry';
import type { Connection, RuleDirection } from '../shared/api';
import { Commands } from '../shared/commands';
import { NodeConnections, errorTitle, md, presentConnection } from './model';

export const VIEW_ID = 'exalate.connections';

export class NodeElement {
  readonly kind = 'node';
  constructor(readonly nodeUrl: string) {}
}
export class ConnectionElement {
  readonly kind = 'connection';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
  ) {}
}
export class RulesElement {
  readonly kind = 'rules';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly direction: RuleDirection,
  ) {}
}
export class DetailElement {
  readonly kind = 'detail';
  constructor(
    readonly nodeUrl: string,
    readonly connectionId: string,
    readonly index: number,
  ) {}
}
export class LoadMoreElement {
  readonly kind = 'loadMore';
  constructor(readonly nodeUrl: string) {}
}
export class ErrorElement {
  readonly kind = 'error';
  constructor(
    readonly nodeUrl: string,
    /** `load`: the list could not be loaded; `more`: "Load more…" failed; `noToken`: no token stored. */
    readonly reason: 'load' | 'more' | 'noToken',
  ) {}
}
export class EmptyElement {
  readonly kind = 'empty';
  constructor(readonly nodeUrl: string) {}
}
/** An `exalate.nodes` entry the extension refuses to use (e.g. plain http to another machine). */
export class RejectedNodeElement {
  readonly kind = 'rejected';
  constructor(
    readonly nodeUrl: string,
    readonly label: string | undefined,
    readonly problem: string,
  ) {}
}

/**
 * Items another capability shows under each connection (after its rules and details), e.g. the sync queue, errors
 * and synced items of src/sync. Wired by src/extension.ts through `ConnectionsTree.addConnectionChildren`; this
 * folder never imports the contributor. Elements carry the connection they belong to.
 */
export interface ContributedElement {
  readonly kind: string;
  readonly nodeUrl: string;
  readonly connectionId: string;
}

export interface ConnectionChildren<T extends ContributedElement = ContributedElement> {
  /** Whether an element is one of this contributor's. */
  owns(element: object): element is T;
  /** Top-level items under a connection (called whenever VS Code asks for the connection's children). */
  childrenOf(nodeUrl: string, connection: Connection): T[];
  getChildren(element: T): T[] | Promise<T[]>;
  getTreeItem(element: T): vscode.TreeItem;
  /** The parent element, or undefined when the parent is the connection itself. */
  getParent(element: T): T | undefined;
  /** The node's list was reloaded (or the node removed: an empty set): drop what belongs to other connections. */
  retain(nodeUrl: string, connectionIds: ReadonlySet<string>): void;
  /** The tree reloads a node (or every node): reload what was shown of it. */
  refresh(nodeUrl?: string): Promise<void>;
  /** Fires with an element (or undefined for the whole tree) whose items changed. */
  readonly onDidChange: vscode.Event<T | undefined>;
}

export type Element =
  | ContributedElement
  | NodeElement
  | ConnectionElement
  | RulesElement
  | DetailElement
  | LoadMoreElement
  | ErrorElement
  | EmptyElement
  | RejectedNodeElement;

export function isElement(x: unknown): x is Element {
  return (
    x instanceof NodeElement ||
    x instanceof ConnectionElement ||
    x instanceof RulesElement ||
    x instanceof DetailElement ||
    x instanceof LoadMoreElement ||
    x instanceof ErrorElement ||
    x instanceof EmptyElement ||
    x instanceof RejectedNodeElement
  );
}

export class ConnectionsTree implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Element | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly models = new Map<string, NodeConnections>();
  private readonly nodeElements = new Map<string, NodeElement>();
  /** Connection elements per node, kept stable for reveal(); pruned when connections or nodes go away. */
  private readonly connElements = new Map<string, Map<string, ConnectionElement>>();
  private readonly modelChanged = new vscode.EventEmitter<void>();
  /** Fires after any node's list changed (for the badge). */
  readonly onDidChangeModels = this.modelChanged.event;
  private readonly contributors: ConnectionChildren[] = [];
  private readonly contributorSubs: vscode.Disposable[] = [];
  /** Nodes whose connections contributors were told about (told again with none when the node goes). */
  private readonly contributedNodes = new Set<string>();

  constructor(
    private readonly nodes: NodeRegistry,
    private readonly log: Logger,
    /** Makes sure a sandbox node listed in the settings runs before it is loaded (after a restart). */
    private readonly ensureSandbox: (node: NodeConfig) => Promise<void>,
  ) {}

  /** Adds another capability's items under every connection (src/extension.ts wires it). */
  addConnectionChildren<T extends ContributedElement>(contributor: ConnectionChildren<T>): vscode.Disposable {
    const c = contributor as unknown as ConnectionChildren;
    this.contributors.push(c);
    const sub = c.onDidChange((e) => this.changed.fire(e));
    this.contributorSubs.push(sub);
    this.changed.fire(undefined);
    return new vscode.Disposable(() => {
      sub.dispose();
      const i = this.contributors.indexOf(c);
      if (i >= 0) this.contributors.splice(i, 1);
      this.changed.fire(undefined);
    });
  }

  /** The contributor that owns an element, with the element as its type. */
  private contributed(element: object): { by: ConnectionChildren; element: ContributedElement } | undefined {
    for (const by of this.contributors) if (by.owns(element)) return { by, element };
    return undefined;
  }

  // ---- models ------------------------------------------------------------------------------------------------

  model(nodeUrl: string): NodeConnections {
    let m = this.models.get(nodeUrl);
    if (!m) {
      const node = () => this.nodes.get(nodeUrl);
      m = new NodeConnections(
        nodeUrl,
        async () => {
          const n = node();
          if (n?.sandbox) await this.ensureSandbox(n);
          return this.nodes.client(nodeUrl);
        },
        () => this.onModelChange(nodeUrl),
      );
      this.models.set(nodeUrl, m);
    }
    return m;
  }

  allModels(): NodeConnections[] {
    return [...this.models.values()];
  }

  /** Drops models of nodes that are no longer configured and redraws. */
  syncNodes(): void {
    const urls = new Set(this.nodes.list().map((n) => n.url));
    for (const [url, m] of this.models) {
      if (!urls.has(url)) {
        m.dispose();
        this.models.delete(url);
        this.nodeElements.delete(url);
      }
    }
    for (const url of this.connElements.keys()) if (!urls.has(url)) this.connElements.delete(url);
    for (const url of this.contributedNodes) {
      if (urls.has(url)) continue;
      for (const c of this.contributors) c.retain(url, new Set());
      this.contributedNodes.delete(url);
    }
    this.changed.fire(undefined);
    this.modelChanged.fire();
  }

  /** Reloads one node, or every node that was shown already. */
  async refresh(nodeUrl?: string): Promise<void> {
    const contributed = this.contributors.map((c) =>
      c.refresh(nodeUrl).catch((e: unknown) => this.log.warn(`Refreshing the items under connections failed: ${e instanceof Error ? e.message : String(e)}`)),
    );
    if (nodeUrl) {
      await Promise.all([this.model(nodeUrl).refresh(), ...contributed]);
      return;
    }
    const urls = new Set(this.nodes.list().map((n) => n.url));
    await Promise.all([...this.allModels().filter((m) => urls.has(m.nodeUrl)).map((m) => m.refresh()), ...contributed]);
  }

  /** With several entries (usable or refused) the root shows one folder per node. */
  private foldered(): boolean {
    return this.nodes.list().length + this.nodes.rejected().length > 1;
  }

  private onModelChange(nodeUrl: string): void {
    const m = this.models.get(nodeUrl);
    const elements = this.connElements.get(nodeUrl);
    if (m && elements && !m.loading) {
      const present = new Set(m.connections.map((c) => c.id));
      for (const id of elements.keys()) if (!present.has(id)) elements.delete(id);
    }
    if (m && m.state.kind === 'loaded' && !m.loading) {
      const present = new Set(m.connections.map((c) => c.id));
      this.contributedNodes.add(nodeUrl);
      for (const c of this.contributors) c.retain(nodeUrl, present);
    }
    if (m?.state.kind === 'error') this.log.warn(`Loading connections of ${nodeUrl} failed: ${describe(m.state.error)}`);
    if (m?.moreError) this.log.warn(`Loading more connections of ${nodeUrl} failed: ${describe(m.moreError)}`);
    this.changed.fire(this.foldered() ? this.nodeElement(nodeUrl) : undefined);
    this.modelChanged.fire();
  }

  // ---- elements ----------------------------------------------------------------------------------------------

  nodeElement(nodeUrl: string): NodeElement {
    let e = this.nodeElements.get(nodeUrl);
    if (!e) this.nodeElements.set(nodeUrl, (e = new NodeElement(nodeUrl)));
    return e;
  }

  connectionElement(nodeUrl: string, id: string): ConnectionElement {
    let perNode = this.connElements.get(nodeUrl);
    if (!perNode) this.connElements.set(nodeUrl, (perNode = new Map()));
    let e = perNode.get(id);
    if (!e) perNode.set(id, (e = new ConnectionElement(nodeUrl, id)));
    return e;
  }

  /** How many connection elements are kept (for tests: the maps must not only grow). */
  get elementCount(): number {
    let n = 0;
    for (const m of this.connElements.values()) n += m.size;
    return n;
  }

  connection(e: { nodeUrl: string; connectionId: string }): Connection | undefined {
    return this.models.get(e.nodeUrl)?.find(e.connectionId);
  }

  async getChildren(element?: Element): Promise<Element[]> {
    if (!element) {
      const list = this.nodes.list();
      const rejected = this.nodes.rejected().map((r: RejectedNode) => new RejectedNodeElement(r.url, r.label, r.problem));
      if (list.length === 1 && rejected.length === 0) return this.nodeChildren(list[0].url);
      return [...list.map((n) => this.nodeElement(n.url)), ...rejected];
    }
    if (element instanceof NodeElement) return this.nodeChildren(element.nodeUrl);
    if (element instanceof ConnectionElement) {
      const c = this.connection(element);
      if (!c) return [];
      const details = presentConnection(c, Date.now(), l10nT).details;
      return [
        new RulesElement(element.nodeUrl, element.connectionId, 'outgoing'),
        new RulesElement(element.nodeUrl, element.connectionId, 'incoming'),
        ...details.map((_, i) => new DetailElement(element.nodeUrl, element.connectionId, i)),
        ...this.contributors.flatMap((k) => k.childrenOf(element.nodeUrl, c)),
      ];
    }
    const contributed = this.contributed(element);
    if (contributed) return contributed.by.getChildren(contributed.element);
    return [];
  }

  private async nodeChildren(nodeUrl: string): Promise<Element[]> {
    const m = this.model(nodeUrl);
    if (m.state.kind === 'idle') {
      await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => m.ensureLoaded());
    }
    switch (m.state.kind) {
      case 'noToken':
        return [new ErrorElement(nodeUrl, 'noToken')];
      case 'error':
        return [new ErrorElement(nodeUrl, 'load')];
      case 'idle':
        return [];
    }
    const out: Element[] = m.connections.map((c) => this.connectionElement(nodeUrl, c.id));
    if (m.moreError) out.push(new ErrorElement(nodeUrl, 'more'));
    else if (m.nextCursor) out.push(new LoadMoreElement(nodeUrl));
    if (m.connections.length === 0) out.push(new EmptyElement(nodeUrl));
    return out;
  }

  getParent(element: Element): Element | undefined {
    if (element instanceof NodeElement || element instanceof RejectedNodeElement) return undefined;
    const contributed = this.contributed(element);
    if (contributed) {
      const e = contributed.element;
      return contributed.by.getParent(e) ?? this.connectionElement(e.nodeUrl, e.connectionId);
    }
    if (element instanceof RulesElement || element instanceof DetailElement) {
      return this.connectionElement(element.nodeUrl, element.connectionId);
    }
    return this.foldered() ? this.nodeElement(element.nodeUrl) : undefined;
  }

  getTreeItem(element: Element): vscode.TreeItem {
    if (element instanceof NodeElement) return this.nodeItem(element);
    if (element instanceof ConnectionElement) return this.connectionItem(element);
    if (element instanceof RulesElement) {
      const outgoing = element.direction === 'outgoing';
      const item = new vscode.TreeItem(outgoing ? vscode.l10n.t('Outgoing sync') : vscode.l10n.t('Incoming sync'), vscode.TreeItemCollapsibleState.None);
      item.id = `${element.nodeUrl}#${element.connectionId}#${element.direction}`;
      item.iconPath = new vscode.ThemeIcon(outgoing ? 'arrow-up' : 'arrow-down');
      item.description = outgoing ? vscode.l10n.t('what we send') : vscode.l10n.t('what we apply');
      item.tooltip = outgoing ? vscode.l10n.t('Open the outgoing sync rules (Groovy) of this connection') : vscode.l10n.t('Open the incoming sync rules (Groovy) of this connection');
      item.contextValue = `rules.${element.direction}`;
      item.command = {
        command: Commands.openSyncRules,
        title: vscode.l10n.t('Open Sync Rules'),
        arguments: [{ nodeUrl: element.nodeUrl, connectionId: element.connectionId, direction: element.direction }],
      };
      return item;
    }
    if (element instanceof DetailElement) {
      const c = this.connection(element);
      const text = c ? (presentConnection(c, Date.now(), l10nT).details[element.index] ?? '') : '';
      const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
      item.id = `${element.nodeUrl}#${element.connectionId}#detail${element.index}`;
      item.iconPath = new vscode.ThemeIcon(element.index === 0 ? 'link' : 'info');
      item.tooltip = text;
      item.contextValue = 'detail';
      return item;
    }
    if (element instanceof LoadMoreElement) {
      const m = this.model(element.nodeUrl);
      const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
      item.id = `${element.nodeUrl}#loadMore`;
      item.iconPath = new vscode.ThemeIcon(m.loading ? 'loading~spin' : 'ellipsis');
      item.description = vscode.l10n.t('{0} shown', m.connections.length);
      item.tooltip = vscode.l10n.t('Load the next page of connections');
      item.contextValue = 'loadMore';
      item.command = { command: Commands.loadMoreConnections, title: vscode.l10n.t('Load More'), arguments: [{ nodeUrl: element.nodeUrl }] };
      return item;
    }
    if (element instanceof ErrorElement) return this.errorItem(element);
    if (element instanceof RejectedNodeElement) return this.rejectedItem(element);
    const contributed = this.contributed(element);
    if (contributed) return contributed.by.getTreeItem(contributed.element);
    const item = new vscode.TreeItem(vscode.l10n.t('No connections yet'), vscode.TreeItemCollapsibleState.None);
    item.id = `${element.nodeUrl}#empty`;
    item.iconPath = new vscode.ThemeIcon('info');
    item.description = vscode.l10n.t('Initiate a connection or accept an invitation');
    item.tooltip = vscode.l10n.t('This node has no connections. Use Initiate Connection or Accept Invitation in the view title.');
    item.contextValue = 'empty';
    item.command = { command: Commands.initiateConnection, title: vscode.l10n.t('Initiate Connection'), arguments: [{ nodeUrl: element.nodeUrl }] };
    return item;
  }

  private nodeItem(element: NodeElement): vscode.TreeItem {
    const node = this.nodes.get(element.nodeUrl);
    const m = this.models.get(element.nodeUrl);
    const item = new vscode.TreeItem(node ? nodeDisplayName(node) : element.nodeUrl, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `node:${element.nodeUrl}`;
    const failed = m?.state.kind === 'error' || m?.state.kind === 'noToken';
    item.iconPath = new vscode.ThemeIcon(
      node?.sandbox ? 'beaker' : 'server',
      failed ? new vscode.ThemeColor('errorForeground') : undefined,
    );
    const count = m?.state.kind === 'loaded' ? (m.nextCursor ? vscode.l10n.t('{0}+ connections', m.connections.length) : vscode.l10n.t('{0} connections', m.connections.length)) : undefined;
    item.description = [hostOf(element.nodeUrl), failed ? vscode.l10n.t('needs attention') : count].filter(Boolean).join(' · ');
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${md(node ? nodeDisplayName(node) : element.nodeUrl)}**${node?.sandbox ? ` ${vscode.l10n.t('(local sandbox)')}` : ''}\n\n`);
    tip.appendMarkdown(`${vscode.l10n.t('Node URL: {0}', md(element.nodeUrl))}\n\n`);
    tip.appendMarkdown(`${vscode.l10n.t('Azure DevOps: {0}', node?.adoOrgUrl ? md(node.adoOrgUrl) : `_${vscode.l10n.t('not set')}_`)}\n\n`);
    if (m?.loadedAt) tip.appendMarkdown(vscode.l10n.t('Loaded: {0}', new Date(m.loadedAt).toLocaleTimeString()));
    item.tooltip = tip;
    item.contextValue = node?.sandbox ? 'node.sandbox' : 'node';
    return item;
  }

  private connectionItem(element: ConnectionElement): vscode.TreeItem {
    const c = this.connection(element);
    if (!c) {
      const gone = new vscode.TreeItem(vscode.l10n.t('(removed)'), vscode.TreeItemCollapsibleState.None);
      gone.id = `${element.nodeUrl}#${element.connectionId}`;
      return gone;
    }
    const p = presentConnection(c, Date.now(), l10nT);
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${element.nodeUrl}#${element.connectionId}`;
    item.description = p.description;
    item.iconPath = new vscode.ThemeIcon(p.icon, new vscode.ThemeColor(p.color));
    const tip = new vscode.MarkdownString(p.tooltip, true);
    item.tooltip = tip;
    item.contextValue = p.contextValue;
    item.accessibilityInformation = { label: `${c.name}, ${p.description}` };
    return item;
  }

  private errorItem(element: ErrorElement): vscode.TreeItem {
    const m = this.model(element.nodeUrl);
    const node = this.nodes.get(element.nodeUrl);
    const name = node ? nodeDisplayName(node) : element.nodeUrl;
    let label: string;
    let message: string;
    let unauthorized = false;
    if (element.reason === 'noToken') {
      label = vscode.l10n.t('Sign in to see connections');
      message = vscode.l10n.t('No API token is stored for {0}. Sign in with an API token of this node.', element.nodeUrl);
      unauthorized = true;
    } else {
      const err = (element.reason === 'more' ? m.moreError : m.state.kind === 'error' ? m.state.error : undefined) ?? new Error(vscode.l10n.t('Unknown error'));
      label = element.reason === 'more' ? vscode.l10n.t('Could not load more: {0}', errorTitle(err, l10nT)) : errorTitle(err, l10nT);
      message = err.message;
      unauthorized = err instanceof ExalateError && err.kind === 'unauthorized';
    }
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `${element.nodeUrl}#error-${element.reason}`;
    item.description = unauthorized ? vscode.l10n.t('Sign In') : vscode.l10n.t('Retry');
    item.iconPath = new vscode.ThemeIcon(unauthorized ? 'key' : 'warning', new vscode.ThemeColor(unauthorized ? 'list.warningForeground' : 'errorForeground'));
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${md(name)}**: ${md(label)}\n\n`);
    tip.appendMarkdown(md(message));
    tip.appendMarkdown(`\n\n${unauthorized ? vscode.l10n.t('Click to sign in again.') : vscode.l10n.t('Click to retry. Details are in the Exalate output channel.')}`);
    item.tooltip = tip;
    item.contextValue = unauthorized ? 'error.signIn' : element.reason === 'more' ? 'error.loadMore' : 'error.retry';
    item.command = unauthorized
      ? { command: Commands.signIn, title: vscode.l10n.t('Sign In Again'), arguments: [{ nodeUrl: element.nodeUrl }] }
      : element.reason === 'more'
        ? { command: Commands.loadMoreConnections, title: vscode.l10n.t('Retry'), arguments: [{ nodeUrl: element.nodeUrl }] }
        : { command: Commands.retryNode, title: vscode.l10n.t('Retry'), arguments: [{ nodeUrl: element.nodeUrl }] };
    return item;
  }

  private rejectedItem(element: RejectedNodeElement): vscode.TreeItem {
    const https = /use https:\/\//i.test(element.problem);
    const item = new vscode.TreeItem(vscode.l10n.t('{0}: not used', element.label ?? hostOf(element.nodeUrl)), vscode.TreeItemCollapsibleState.None);
    item.id = `rejected:${element.nodeUrl}`;
    item.description = https ? vscode.l10n.t('use https') : vscode.l10n.t('invalid URL');
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`${vscode.l10n.t('{0} is in the {1} setting but is not used.', `**${md(element.nodeUrl)}**`, '`exalate.nodes`')}\n\n`);
    tip.appendMarkdown(`${md(element.problem)}\n\n${vscode.l10n.t('No token is sent to it. Click to edit the setting.')}`);
    item.tooltip = tip;
    item.contextValue = 'rejectedNode';
    item.accessibilityInformation = { label: vscode.l10n.t('{0} is not used: {1}', element.nodeUrl, element.problem) };
    item.command = { command: 'workbench.action.openSettingsJson', title: vscode.l10n.t('Open Settings (JSON)') };
    return item;
  }

  dispose(): void {
    for (const s of this.contributorSubs) s.dispose();
    for (const m of this.models.values()) m.dispose();
    this.changed.dispose();
    this.modelChanged.dispose();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function describe(e: Error): string {
  return e instanceof ExalateError ? e.toLogString() : `${e.name}: ${e.message}`;
}
