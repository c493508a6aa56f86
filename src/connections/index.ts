// The Connections view: the tree, its badge and auto-refresh, and the connection commands (the node commands are in
// src/nodes/commands.ts, registered from here because they share the tree's refresh and the local sandbox).
// Commands take an optional argument: the tree element they were invoked on, or a plain object (validated with
// zod) so other capabilities and tests can call them; without one they ask (quick pick / input box).
import * as vscode from 'vscode';
import { l10nT } from '../ui/l10n';
import * as z from 'zod';
import { ContextKeys, setContextKey } from '../contextKeys';
import type { ExalateClient } from '../exalate/client';
import { ExalateError } from '../exalate/errors';
import { refuseRejected as checkNotRejected, resolveNode as resolveNodeArg } from '../nodes/picker';
import { BadArgument, commandKit, parseArg, withProgress } from '../ui/commandKit';
import { nodeDisplayName, type NodeConfig } from '../nodes/registry';
import { formatDateTime } from '../shared/format';
import { connectionNameSchema, descriptionSchema } from '../shared/validation';
import type { Connection, RuleDirection } from '../shared/api';
import { Commands } from '../shared/commands';
import type { Services } from '../services';
import { LocalSandbox } from '../nodes/localSandbox';
import { registerNodeCommands } from '../nodes/commands';
import { badgeCount, presentConnection } from './model';
import { windowPrompter, type Prompter } from './prompter';
import { ConnectionsTree, VIEW_ID, isElement, type Element } from './tree';

export const AUTO_REFRESH_SETTING = 'autoRefreshSeconds';

/** What the integration tests reach through the extension's test API. */
export interface ConnectionsTestApi {
  readonly tree: ConnectionsTree;
  readonly view: vscode.TreeView<Element>;
  readonly sandbox: LocalSandbox;
  /** True while the auto-refresh timer runs. */
  readonly autoRefreshActive: boolean;
}

// ---- argument schemas ------------------------------------------------------------------------------------------

const NodeArgSchema = z.object({ nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1) });
const ConnectionArgSchema = z.object({
  nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1),
  // Connection ids are UUIDs; anything else never reaches a request path or a folder name.
  connectionId: z.uuid({
    error: (iss) => (iss.input === undefined || iss.input === '' ? 'connectionId is required' : 'connectionId must be a connection id (a UUID)'),
  }),
});
const EditArgSchema = ConnectionArgSchema.extend({ name: z.string().optional(), description: z.string().optional() });

// ---- registration ----------------------------------------------------------------------------------------------

export function registerConnections(services: Services): ConnectionsTestApi {
  const { context, nodes, log } = services;
  const sandbox = new LocalSandbox(context, nodes, log);
  const tree = new ConnectionsTree(nodes, log, async (node) => {
    if (sandbox.url !== node.url) await sandbox.start();
  });
  const view = vscode.window.createTreeView<Element>(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  // Questions and messages go through the extension's one user input (tests replace it: services.ui.use).
  const prompter: Prompter = windowPrompter(services.ui);
  const ui = () => prompter;

  // Badge: pending + error connections among those loaded, once every listed node's list has arrived.
  const updateBadge = () => {
    const listed = new Set(nodes.list().map((n) => n.url));
    const badge = badgeCount(tree.allModels(), listed, l10nT);
    if (badge !== 'wait') view.badge = badge;
    // Palette entries of connection commands show only where they can work (package.json `when`).
    const shown = tree.allModels().filter((m) => listed.has(m.nodeUrl));
    setContextKey(ContextKeys.hasConnections, shown.some((m) => m.connections.length > 0));
    setContextKey(ContextKeys.hasPendingInvitations, shown.some((m) => m.connections.some((c) => c.status === 'pending' && c.role === 'initiator')));
  };

  const autoRefresh = new AutoRefresh(view, () => void tree.refresh());

  // ---- helpers ---------------------------------------------------------------------------------------------

  const kit = commandKit(services, (nodeUrl) => tree.refresh(nodeUrl));
  const { fail, command } = kit;

  const refuseRejected = (nodeUrl: string, command: string) => checkNotRejected(services, nodeUrl, command);

  /** The model of a configured node; a clear error for any other URL (no model is created for it). */
  const knownModel = (nodeUrl: string, command: string) => {
    refuseRejected(nodeUrl, command);
    if (!nodes.get(nodeUrl)) throw new BadArgument(vscode.l10n.t('{0}: no Exalate node {1} is configured.', command, nodeUrl));
    return tree.model(nodeUrl);
  };

  const requireClient = async (nodeUrl: string): Promise<ExalateClient> => {
    refuseRejected(nodeUrl, 'Exalate');
    const node = nodes.get(nodeUrl);
    if (!node) throw new Error(`No Exalate node ${nodeUrl} is configured. Add it with Exalate: Add Node….`);
    if (node.sandbox && sandbox.url !== nodeUrl) await sandbox.start();
    const client = await nodes.client(nodeUrl);
    if (!client) {
      void vscode.commands.executeCommand(Commands.signIn, { nodeUrl });
      throw new Error(`No API token is stored for ${nodeUrl}. Sign in first.`);
    }
    return client;
  };

  /** The node a command is about: from its argument (a tree element or `{ nodeUrl }`), else the only node, else a pick. */
  const resolveNode = (arg: unknown, command: string): Promise<NodeConfig | undefined> =>
    resolveNodeArg(services, isElement(arg) ? { nodeUrl: arg.nodeUrl } : arg, command);

  /** The connection a command is about: from its argument, else a quick pick of loaded connections. */
  const resolveConnection = async (
    arg: unknown,
    command: string,
    fits: (c: Connection) => boolean,
  ): Promise<{ nodeUrl: string; connection: Connection } | undefined> => {
    if (arg !== undefined && arg !== null) {
      const { nodeUrl, connectionId } = parseArg(ConnectionArgSchema, arg, command);
      const known = knownModel(nodeUrl, command).find(connectionId);
      if (known) return { nodeUrl, connection: known };
      const client = await requireClient(nodeUrl);
      return { nodeUrl, connection: await client.getConnection(connectionId) };
    }
    const list = nodes.list();
    if (list.length === 0) {
      await resolveNode(undefined, command); // explains and offers the next step
      return undefined;
    }
    await Promise.all(list.map((n) => tree.model(n.url).ensureLoaded()));
    const items = list.flatMap((n) =>
      tree
        .model(n.url)
        .connections.filter(fits)
        .map((c) => ({
          label: c.name,
          description: `${presentConnection(c, Date.now(), l10nT).description}${list.length > 1 ? ` · ${nodeDisplayName(n)}` : ''}`,
          nodeUrl: n.url,
          connection: c,
        })),
    );
    if (items.length === 0) {
      void ui().info(vscode.l10n.t('{0}: no loaded connection fits this command.', command));
      return undefined;
    }
    const pick = await ui().quickPick(items, { title: command, placeHolder: vscode.l10n.t('Choose a connection'), matchOnDescription: true });
    return pick && { nodeUrl: pick.nodeUrl, connection: pick.connection };
  };

  // ---- connection commands ---------------------------------------------------------------------------------

  const afterMutation = async (nodeUrl: string) => {
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.refresh(nodeUrl));
  };

  const copyInvitationCode = async (arg?: unknown) => {
    const t = await resolveConnection(arg, vscode.l10n.t('Copy Invitation Code'), (c) => c.status === 'pending' && c.role === 'initiator');
    if (!t) return undefined;
    const run = async (): Promise<string | undefined> => {
      try {
        const client = await requireClient(t.nodeUrl);
        const res = await withProgress(vscode.l10n.t('Getting the invitation code of "{0}"…', t.connection.name), (signal) =>
          client.getInvitationCode(t.connection.id, { signal }),
        );
        await vscode.env.clipboard.writeText(res.invitationCode);
        log.info(`Copied the invitation code of ${t.connection.id} on ${t.nodeUrl}`);
        void ui().info(
          vscode.l10n.t('Invitation code of "{0}" copied. Send it to {1}; it expires {2}.', t.connection.name, t.connection.remoteShortName, formatDateTime(res.expiresAt)),
        );
        return res.invitationCode;
      } catch (e) {
        fail(vscode.l10n.t('Could not copy the invitation code of "{0}"', t.connection.name), e, run, t.nodeUrl);
        if (e instanceof ExalateError && (e.kind === 'conflict' || e.kind === 'notFound')) void afterMutation(t.nodeUrl);
        return undefined;
      }
    };
    return run();
  };

  const setStatus = (status: 'active' | 'deactivated') => async (arg?: unknown) => {
    const verb = status === 'active' ? 'Activate' : 'Deactivate';
    const fits = (c: Connection) =>
      status === 'active' ? c.status === 'deactivated' && c.deactivatedBy !== 'remote' : c.status !== 'deactivated' || c.deactivatedBy === 'remote';
    const t = await resolveConnection(arg, status === 'active' ? vscode.l10n.t('Activate Connection') : vscode.l10n.t('Deactivate Connection'), fits);
    if (!t) return undefined;
    const run = async (): Promise<Connection | undefined> => {
      try {
        const client = await requireClient(t.nodeUrl);
        const updated = await withProgress(status === 'active' ? vscode.l10n.t('Activating "{0}"…', t.connection.name) : vscode.l10n.t('Deactivating "{0}"…', t.connection.name), (signal) =>
          client.patchConnection(t.connection.id, { status }, { signal }),
        );
        log.info(`${verb}d ${t.connection.id} on ${t.nodeUrl}: now ${updated.status}`);
        tree.model(t.nodeUrl).replace(updated);
        await afterMutation(t.nodeUrl);
        return updated;
      } catch (e) {
        fail(status === 'active' ? vscode.l10n.t('Could not activate "{0}"', t.connection.name) : vscode.l10n.t('Could not deactivate "{0}"', t.connection.name), e, run, t.nodeUrl);
        return undefined;
      }
    };
    return run();
  };

  const deleteConnection = async (arg?: unknown) => {
    const t = await resolveConnection(arg, vscode.l10n.t('Delete Connection'), () => true);
    if (!t) return false;
    const c = t.connection;
    const node = nodes.get(t.nodeUrl);
    const ok = await ui().confirm(
      vscode.l10n.t('Delete the connection "{0}"?', c.name),
      vscode.l10n.t('It is deleted on {0} together with its sync rules and their history; {1} can no longer sync through it. This cannot be undone.', node ? nodeDisplayName(node) : t.nodeUrl, c.remoteShortName),
      vscode.l10n.t('Delete'),
    );
    if (!ok) return false;
    const run = async (): Promise<boolean> => {
      try {
        const client = await requireClient(t.nodeUrl);
        await withProgress(vscode.l10n.t('Deleting "{0}"…', c.name), (signal) => client.deleteConnection(c.id, { signal }));
        log.info(`Deleted ${c.id} ("${c.name}") on ${t.nodeUrl}`);
        tree.model(t.nodeUrl).remove(c.id);
        await afterMutation(t.nodeUrl);
        return true;
      } catch (e) {
        fail(vscode.l10n.t('Could not delete "{0}"', c.name), e, run, t.nodeUrl);
        return false;
      }
    };
    return run();
  };

  /**
   * Rename Connection… / Edit Connection Description…: from the tree, the palette (a pick), or `{ nodeUrl,
   * connectionId, name | description }` (validated like the input box). The node's own rules decide (a name it
   * already has answers 409, shown with what to do); nothing changes on a refused value.
   */
  const editConnection = (field: 'name' | 'description') => async (arg?: unknown) => {
    const title = field === 'name' ? vscode.l10n.t('Rename Connection') : vscode.l10n.t('Edit Connection Description');
    const schema = field === 'name' ? connectionNameSchema : descriptionSchema;
    const given = arg !== undefined && arg !== null && !isElement(arg) ? parseArg(EditArgSchema, arg, title) : undefined;
    const t = await resolveConnection(given ? { nodeUrl: given.nodeUrl, connectionId: given.connectionId } : arg, title, () => true);
    if (!t) return undefined;
    const c = t.connection;
    const current = field === 'name' ? c.name : c.description;
    const problem = (v: string): string | undefined => {
      const r = schema.safeParse(v);
      return r.success ? undefined : r.error.issues[0].message;
    };
    let value = given?.[field];
    if (value !== undefined) {
      const p = problem(value);
      if (p) throw new BadArgument(`${title}: ${p}`);
    } else {
      value = await ui().inputBox({
        title: field === 'name' ? vscode.l10n.t('Rename “{0}”', c.name) : vscode.l10n.t('Description of “{0}”', c.name),
        prompt:
          field === 'name'
            ? vscode.l10n.t('New name of the connection on this node (the partner keeps its own name for it)')
            : vscode.l10n.t('What the connection is for; leave empty to remove the description'),
        value: current,
        valueSelection: [0, current.length],
        validateInput: (v) => problem(v),
      });
      if (value === undefined) return undefined;
    }
    const next = value.trim();
    if (next === current.trim()) return c;
    const run = async (): Promise<Connection | undefined> => {
      try {
        const client = await requireClient(t.nodeUrl);
        const updated = await withProgress(vscode.l10n.t('Saving “{0}”…', c.name), (signal) => client.patchConnection(c.id, { [field]: next }, { signal }));
        log.info(`${title}: ${c.id} on ${t.nodeUrl} ${field === 'name' ? `renamed to "${updated.name}"` : 'description changed'}`);
        tree.model(t.nodeUrl).replace(updated);
        await afterMutation(t.nodeUrl);
        return updated;
      } catch (e) {
        if (e instanceof ExalateError && e.kind === 'conflict' && field === 'name') {
          log.error(`${title}: ${e.toLogString()}`);
          void ui().error(vscode.l10n.t('A connection named “{0}” already exists on this node. Choose another name.', next));
          return undefined;
        }
        fail(field === 'name' ? vscode.l10n.t('Could not rename “{0}”', c.name) : vscode.l10n.t('Could not change the description of “{0}”', c.name), e, run, t.nodeUrl);
        return undefined;
      }
    };
    return run();
  };

  const openRules = (direction: RuleDirection) => async (arg?: unknown) => {
    const t = await resolveConnection(arg, direction === 'outgoing' ? vscode.l10n.t('Open Outgoing Sync Rules') : vscode.l10n.t('Open Incoming Sync Rules'), () => true);
    if (!t) return undefined;
    return ui().executeCommand(Commands.openSyncRules, { nodeUrl: t.nodeUrl, connectionId: t.connection.id, direction });
  };

  const revealConnection = async (arg?: unknown) => {
    const { nodeUrl, connectionId } = parseArg(ConnectionArgSchema, arg, vscode.l10n.t('Reveal Connection'));
    const m = knownModel(nodeUrl, vscode.l10n.t('Reveal Connection'));
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, async () => {
      await m.refresh();
      while (!m.find(connectionId) && m.nextCursor && !m.moreError && m.state.kind === 'loaded') await m.loadMore();
    });
    if (m.state.kind === 'error') throw m.state.error;
    if (!m.find(connectionId)) {
      throw new Error(vscode.l10n.t('Connection {0} is not on the node {1} (any more). Refresh the Connections view.', connectionId, nodeUrl));
    }
    const element = tree.connectionElement(nodeUrl, connectionId);
    await view.reveal(element, { select: true, focus: true, expand: false });
    return true;
  };

  const onNodesChanged = () => {
    tree.syncNodes();
    updateBadge();
    // A new token may fix a node that failed to sign in.
    for (const m of tree.allModels()) {
      const s = m.state;
      if (s.kind === 'noToken' || (s.kind === 'error' && s.error instanceof ExalateError && s.error.kind === 'unauthorized')) void m.refresh();
    }
  };

  registerNodeCommands(services, { kit, sandbox, refresh: (nodeUrl) => tree.refresh(nodeUrl), isElement });

  context.subscriptions.push(
    sandbox,
    tree,
    view,
    autoRefresh,
    tree.onDidChangeModels(updateBadge),
    nodes.onDidChange(onNodesChanged),
    vscode.commands.registerCommand(
      Commands.refresh,
      command(vscode.l10n.t('Refresh'), async (arg?: unknown) => {
        const nodeUrl = arg ? (isElement(arg) ? arg.nodeUrl : parseArg(NodeArgSchema, arg, vscode.l10n.t('Refresh')).nodeUrl) : undefined;
        if (nodeUrl) knownModel(nodeUrl, vscode.l10n.t('Refresh'));
        else tree.syncNodes();
        await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.refresh(nodeUrl));
      }),
    ),
    vscode.commands.registerCommand(
      Commands.retryNode,
      command(vscode.l10n.t('Retry'), async (arg?: unknown) => {
        const node = await resolveNode(arg, vscode.l10n.t('Retry'));
        if (node) await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.refresh(node.url));
      }),
    ),
    vscode.commands.registerCommand(
      Commands.loadMoreConnections,
      command(vscode.l10n.t('Load More'), async (arg?: unknown) => {
        const node = await resolveNode(arg, vscode.l10n.t('Load More'));
        if (node) await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.model(node.url).loadMore());
      }),
    ),
    vscode.commands.registerCommand(Commands.copyInvitationCode, command(vscode.l10n.t('Copy Invitation Code'), copyInvitationCode)),
    vscode.commands.registerCommand(Commands.activateConnection, command(vscode.l10n.t('Activate Connection'), setStatus('active'))),
    vscode.commands.registerCommand(Commands.deactivateConnection, command(vscode.l10n.t('Deactivate Connection'), setStatus('deactivated'))),
    vscode.commands.registerCommand(Commands.deleteConnection, command(vscode.l10n.t('Delete Connection'), deleteConnection)),
    vscode.commands.registerCommand(Commands.openOutgoingSyncRules, command(vscode.l10n.t('Open Outgoing Sync Rules'), openRules('outgoing'))),
    vscode.commands.registerCommand(Commands.openIncomingSyncRules, command(vscode.l10n.t('Open Incoming Sync Rules'), openRules('incoming'))),
    vscode.commands.registerCommand(Commands.renameConnection, command(vscode.l10n.t('Rename Connection'), editConnection('name'))),
    vscode.commands.registerCommand(Commands.editConnectionDescription, command(vscode.l10n.t('Edit Connection Description'), editConnection('description'))),
    vscode.commands.registerCommand(Commands.revealConnection, command(vscode.l10n.t('Could not show the connection'), revealConnection)),
  );

  return {
    tree,
    view,
    sandbox,
    get autoRefreshActive() {
      return autoRefresh.active;
    },
  };
}

/** Refreshes on the `exalate.autoRefreshSeconds` interval while the view is visible (0 = off). */
class AutoRefresh implements vscode.Disposable {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastTick = Date.now();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly view: vscode.TreeView<Element>,
    private readonly tick: () => void,
  ) {
    this.subs = [
      view.onDidChangeVisibility(() => this.update(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`exalate.${AUTO_REFRESH_SETTING}`)) this.update(false);
      }),
    ];
    this.update(false);
  }

  get active(): boolean {
    return this.timer !== undefined;
  }

  private seconds(): number {
    const v = vscode.workspace.getConfiguration('exalate').get<number>(AUTO_REFRESH_SETTING, 30);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(1, v) : 0;
  }

  private update(visibilityChanged: boolean): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const secs = this.seconds();
    if (secs === 0 || !this.view.visible) return;
    const run = () => {
      this.lastTick = Date.now();
      this.tick();
    };
    // Shown again after a pause longer than the interval: bring it up to date at once.
    if (visibilityChanged && Date.now() - this.lastTick >= secs * 1000) run();
    this.timer = setInterval(run, secs * 1000);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
