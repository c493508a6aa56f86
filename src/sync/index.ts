// Work item sync in VS Code: the Sync queue / Errors / Synced items under each connection (./tree.ts), and the
// commands Sync Work Item…, Retry, Resolve, Open Script at Line, Load More (synced items) and Edit Sync Triggers….
// Commands take an optional argument: the tree element they were invoked on, or a plain object (validated with zod)
// so tests and other capabilities can call them; without one they ask (quick picks). Wired by src/extension.ts only.
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ExalateClient } from '../exalate/client';
import { ExalateError, isExalateError } from '../exalate/errors';
import { nodeDisplayName } from '../nodes/registry';
import type { Services } from '../services';
import { WiqlSchema, WorkItemIdSchema, type Connection, type SyncDirection, type SyncError, type SyncTrigger } from '../shared/api';
import { Commands } from '../shared/commands';
import { nodeUrlSchema } from '../shared/validation';
import { loadAdo } from '../ado/load';
import { syncRuleUriComponents } from '../syncRules/uri';
import { applyTriggerEdit, describeError, firstLine, presentTrigger, scriptPosition, triggerQueryProblem, workItemRef, type TriggerEdit } from './model';
import { SyncErrorElement, SyncTree, type SyncElement } from './tree';
import { syncUi, type SyncUi } from './ui';

const t = (message: string, ...args: Array<string | number | boolean>) => vscode.l10n.t(message, ...args);

/** What src/sync needs from the Connections view (src/extension.ts adapts the connections capability to it). */
export interface SyncHost {
  /** The connections of a node as the view has them (the first page is loaded when needed). */
  connections(nodeUrl: string): Promise<Connection[]>;
  /** Reloads one node's connection list (the counts on the connection rows). */
  refreshNode(nodeUrl: string): Promise<void>;
  /** Shows the sync items under every connection of the Connections tree. */
  addConnectionChildren(children: SyncTree): vscode.Disposable;
}

/** What the integration tests reach through the extension's test API. */
export interface SyncTestApi {
  readonly tree: SyncTree;
  /** Follow-up reports of Sync Work Item / Retry still watching the node (tests wait for them). */
  readonly watching: number;
}

/** How long Sync Work Item and Retry watch the node for the outcome before they stop reporting it. */
const WATCH_MS = 60_000;
const WATCH_EVERY_MS = 750;

// ---- argument schemas ------------------------------------------------------------------------------------------

const connectionIdSchema = z.uuid({
  error: (iss) => (iss.input === undefined || iss.input === '' ? 'connectionId is required' : 'connectionId must be a connection id (a UUID)'),
});
const ConnectionArgSchema = z.object({ nodeUrl: nodeUrlSchema, connectionId: connectionIdSchema });
const SyncWorkItemArgSchema = ConnectionArgSchema.extend({ workItemId: WorkItemIdSchema.optional() });
const ErrorArgSchema = ConnectionArgSchema.extend({ errorId: z.string({ error: 'errorId is required' }).min(1, { error: 'errorId is required' }) });

class BadArgument extends Error {}
/** The user cancelled a step; the command ends quietly. */
class Cancelled extends Error {}

function parseArg<T>(schema: z.ZodType<T>, arg: unknown, command: string): T {
  const r = schema.safeParse(arg);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BadArgument(t('{0} was called with an invalid argument: {1}: {2}', command, issue.path.join('.') || 'argument', issue.message));
  }
  return r.data;
}

const withProgress = <T>(title: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
  Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      return fn(ac.signal).finally(() => sub.dispose());
    }),
  );

// ---- registration ----------------------------------------------------------------------------------------------

export function registerSync(services: Services, host: SyncHost): SyncTestApi {
  const { context, nodes, log } = services;
  const ui = syncUi(services.ui);
  let watching = 0;

  const clientOf = async (nodeUrl: string): Promise<ExalateClient> => {
    const rejected = nodes.rejected().find((r) => r.url === nodeUrl);
    if (rejected) throw new BadArgument(t('The node {0} is not used. {1}', nodeUrl, rejected.problem));
    if (!nodes.get(nodeUrl)) throw new BadArgument(t('No Exalate node {0} is configured.', nodeUrl));
    const client = await nodes.client(nodeUrl);
    if (!client) {
      void vscode.commands.executeCommand(Commands.signIn, { nodeUrl });
      throw new Error(t('No API token is stored for {0}. Sign in first.', nodeUrl));
    }
    return client;
  };

  const tree = new SyncTree(clientOf, (m) => log.warn(m));
  const hosted = host.addConnectionChildren(tree);

  /** Shows a failure with the next step; never awaited inline. */
  const fail = (what: string, e: unknown) => {
    if (e instanceof Cancelled || isExalateError(e, 'cancelled')) return;
    const message = describeError(e);
    log.error(`${what}: ${e instanceof ExalateError ? e.toLogString() : message}`);
    void ui.error(`${what}: ${message}`, t('Show Log')).then((c) => {
      if (c === t('Show Log')) log.show();
    });
  };

  const command =
    (title: string, fn: (arg?: unknown) => Promise<unknown>) =>
    async (arg?: unknown): Promise<unknown> => {
      try {
        return await fn(arg);
      } catch (e) {
        if (e instanceof BadArgument) {
          log.error(e.message);
          void ui.error(e.message);
        } else fail(title, e);
        return undefined;
      }
    };

  /** The connection a command is about: from its argument (an element or `{ nodeUrl, connectionId }`), else a pick. */
  const resolveConnection = async (arg: unknown, title: string, fits: (c: Connection) => boolean): Promise<{ nodeUrl: string; connection: Connection }> => {
    if (arg !== undefined && arg !== null) {
      const { nodeUrl, connectionId } = parseArg(ConnectionArgSchema, arg, title);
      // Asked fresh: the view's copy may be older than the connection's status on the node.
      const client = await clientOf(nodeUrl);
      return { nodeUrl, connection: await client.getConnection(connectionId) };
    }
    const list = nodes.list();
    if (list.length === 0) throw new BadArgument(t('No Exalate node is configured yet. Start the local sandbox or add a node first.'));
    type Item = vscode.QuickPickItem & { nodeUrl: string; connection: Connection };
    const items: Item[] = [];
    for (const n of list) {
      let connections: Connection[];
      try {
        connections = await host.connections(n.url);
      } catch (e) {
        log.warn(`${title}: the connections of ${n.url} could not be listed: ${describeError(e)}`);
        continue;
      }
      for (const c of connections.filter(fits)) {
        items.push({
          label: c.name,
          description: [c.status, c.project, list.length > 1 ? nodeDisplayName(n) : undefined].filter(Boolean).join(' · '),
          nodeUrl: n.url,
          connection: c,
        });
      }
    }
    if (items.length === 0) throw new BadArgument(t('{0}: no loaded connection fits this command.', title));
    const pick = await ui.quickPick(items, { title, placeHolder: t('Choose a connection'), matchOnDescription: true });
    if (!pick) throw new Cancelled();
    return { nodeUrl: pick.nodeUrl, connection: pick.connection };
  };

  /** The error a command is about: the tree element, or `{ nodeUrl, connectionId, errorId }` looked up on the node. */
  const resolveError = async (arg: unknown, title: string): Promise<{ nodeUrl: string; connectionId: string; error: SyncError }> => {
    if (arg instanceof SyncErrorElement) return { nodeUrl: arg.nodeUrl, connectionId: arg.connectionId, error: arg.error };
    const { nodeUrl, connectionId, errorId } = parseArg(ErrorArgSchema, arg, title);
    const list = tree.model(nodeUrl, connectionId).errors;
    await list.refresh();
    if (list.state.kind === 'error') throw list.state.error;
    const error = list.items.find((e) => e.id === errorId);
    if (!error) throw new BadArgument(t('{0}: the sync error {1} is not on the node (any more). Refresh the Connections view.', title, errorId));
    return { nodeUrl, connectionId, error };
  };

  const refreshAfter = async (nodeUrl: string, connectionId: string) => {
    await Promise.all([tree.refreshConnection(nodeUrl, connectionId), host.refreshNode(nodeUrl)]);
  };

  /**
   * Watches one message of a work item in the background until it leaves the queue (reported as done) or a new
   * sync error names it (reported with its line and Open Script at Line), for at most WATCH_MS.
   */
  const watchOutcome = (
    client: ExalateClient,
    nodeUrl: string,
    connection: Connection,
    match: { direction: SyncDirection; workItemId: number | null; remoteId: string | null },
    knownErrors: ReadonlySet<string>,
    done: string,
  ) => {
    watching++;
    const same = (x: { direction: SyncDirection; workItemId: number | null; remoteId: string | null }) =>
      x.direction === match.direction && ((match.workItemId !== null && x.workItemId === match.workItemId) || (match.remoteId !== null && x.remoteId === match.remoteId));
    const end = Date.now() + WATCH_MS;
    const step = async (): Promise<void> => {
      const errors = await client.listSyncErrors(connection.id);
      const failed = errors.find((e) => !knownErrors.has(e.id) && same(e));
      if (failed) {
        await refreshAfter(nodeUrl, connection.id);
        const where = failed.line === null ? '' : ` (${t('line {0}', failed.line)})`;
        const open = t('Open Script at Line');
        const actions = failed.line === null ? [] : [open];
        void ui.error(t('Sync of {0} over “{1}” failed: {2}', workItemRef(failed.workItemId, failed.remoteId, t), connection.name, firstLine(failed.message, 300)) + where, ...actions).then((c) => {
          if (c === open) void vscode.commands.executeCommand(Commands.openSyncErrorScript, { nodeUrl, connectionId: connection.id, errorId: failed.id });
        });
        return;
      }
      const queue = await client.getSyncQueue(connection.id);
      if (!queue.some(same)) {
        await refreshAfter(nodeUrl, connection.id);
        void ui.info(done);
        return;
      }
      if (Date.now() > end) {
        log.info(`Stopped watching ${workItemRef(match.workItemId, match.remoteId)} on ${connection.id}: still queued after ${WATCH_MS / 1000} s`);
        return;
      }
      await new Promise((r) => setTimeout(r, WATCH_EVERY_MS));
      return step();
    };
    void step()
      .catch((e: unknown) => log.warn(`Watching the sync of ${workItemRef(match.workItemId, match.remoteId)} on ${connection.id} failed: ${describeError(e)}`))
      .finally(() => watching--);
  };

  // ---- Sync Work Item… -------------------------------------------------------------------------------------

  const pickWorkItem = async (nodeUrl: string, client: ExalateClient, connection: Connection): Promise<number> => {
    const node = nodes.get(nodeUrl);
    const orgUrl = node?.adoOrgUrl ?? (await client.getNodeInfo()).adoUrl ?? undefined;
    const pat = await nodes.getAdoPat(nodeUrl);
    if (!orgUrl || !pat) {
      throw new BadArgument(
        t('Sync Work Item lists the work items of {0} in Azure DevOps: set the organization and a PAT for {1} (Exalate: Set Azure DevOps Organization…).', connection.project, node ? nodeDisplayName(node) : nodeUrl),
      );
    }
    const items = await withProgress(t('Listing the work items of {0}…', connection.project), () => loadAdo(context.extensionPath).listWorkItems(orgUrl, pat, connection.project));
    if (items.length === 0) throw new BadArgument(t('The Azure DevOps project “{0}” has no work items to sync.', connection.project));
    const pick = await ui.quickPick(
      items.map((w) => ({ id: w.id, label: `#${w.id} ${w.title}`, description: [w.type, w.state].filter(Boolean).join(' · ') })),
      { title: t('Sync a work item over “{0}”', connection.name), placeHolder: t('Work items of {0} (type an id or words of the title)', connection.project), matchOnDescription: true },
    );
    if (!pick) throw new Cancelled();
    return pick.id;
  };

  const syncWorkItem = async (arg?: unknown) => {
    const title = t('Sync Work Item');
    const given = arg !== undefined && arg !== null && !(typeof arg === 'object' && 'kind' in arg) ? parseArg(SyncWorkItemArgSchema, arg, title) : undefined;
    const target = await resolveConnection(given ?? arg, title, (c) => c.status === 'active');
    const { nodeUrl, connection } = target;
    if (connection.status !== 'active') {
      throw new BadArgument(t('“{0}” is {1}: only an active connection syncs work items. Activate it first.', connection.name, connection.status));
    }
    const client = await clientOf(nodeUrl);
    const workItemId = given?.workItemId ?? (await pickWorkItem(nodeUrl, client, connection));
    const before = new Set((await client.listSyncErrors(connection.id)).map((e) => e.id));
    const accepted = await withProgress(t('Queuing work item #{0} for sync…', workItemId), (signal) => client.syncWorkItem(connection.id, workItemId, { signal }));
    log.info(`Queued work item #${workItemId} for sync over ${connection.id} on ${nodeUrl}`);
    void ui.info(t('Work item #{0} is queued for sync over “{1}”.', workItemId, connection.name));
    await refreshAfter(nodeUrl, connection.id);
    watchOutcome(client, nodeUrl, connection, { direction: 'outgoing', workItemId, remoteId: null }, before, t('Work item #{0} was sent to {1} over “{2}”.', workItemId, connection.remoteShortName, connection.name));
    return accepted;
  };

  // ---- errors ----------------------------------------------------------------------------------------------

  const retryError = async (arg?: unknown) => {
    const title = t('Retry Sync');
    const { nodeUrl, connectionId, error } = await resolveError(arg, title);
    const client = await clientOf(nodeUrl);
    const connection = await client.getConnection(connectionId);
    const others = new Set((await client.listSyncErrors(connectionId)).map((e) => e.id));
    await withProgress(t('Retrying the sync of {0}…', workItemRef(error.workItemId, error.remoteId, t)), (signal) => client.retrySyncError(connectionId, error.id, { signal }));
    log.info(`Retried sync error ${error.id} of ${connectionId} on ${nodeUrl}`);
    await refreshAfter(nodeUrl, connectionId);
    watchOutcome(client, nodeUrl, connection, error, others, t('{0} synced over “{1}” after the retry.', workItemRef(error.workItemId, error.remoteId, t), connection.name));
    return true;
  };

  const resolveError_ = async (arg?: unknown) => {
    const title = t('Resolve Sync Error');
    const { nodeUrl, connectionId, error } = await resolveError(arg, title);
    const ok = await ui.confirm(
      t('Resolve the sync error of {0}?', workItemRef(error.workItemId, error.remoteId, t)),
      t('The blocked {0} change is dropped (it is not synced) and the work item\'s queue moves on. Error: {1}', error.direction === 'outgoing' ? t('outgoing') : t('incoming'), firstLine(error.message, 300)),
      t('Resolve'),
    );
    if (!ok) return false;
    const client = await clientOf(nodeUrl);
    await withProgress(t('Resolving the sync error of {0}…', workItemRef(error.workItemId, error.remoteId, t)), (signal) => client.resolveSyncError(connectionId, error.id, { signal }));
    log.info(`Resolved sync error ${error.id} of ${connectionId} on ${nodeUrl}`);
    await refreshAfter(nodeUrl, connectionId);
    return true;
  };

  const openErrorScript = async (arg?: unknown) => {
    const { nodeUrl, connectionId, error } = await resolveError(arg, t('Open Script at Line'));
    const pos = scriptPosition(error);
    if (!pos) throw new BadArgument(t('This sync error is not in a script line: {0}', firstLine(error.message, 300)));
    // The error is in the version the node runs. When a newer draft is what the editor holds, its lines may differ:
    // show the active version (read-only) at the line instead, and say where to fix it.
    const client = await clientOf(nodeUrl);
    const active = await client.getSyncRule(connectionId, error.direction);
    const latest = await client.getLatestSyncRule(connectionId, error.direction).catch((e: unknown) => {
      if (isExalateError(e, 'notFound')) return active; // a node from before drafts: the current rule is the active one
      throw e;
    });
    let editor: vscode.TextEditor | undefined;
    if (latest.version !== active.version) {
      const name = (await host.connections(nodeUrl)).find((c) => c.id === connectionId)?.name;
      let doc = await vscode.workspace.openTextDocument(
        vscode.Uri.from(syncRuleUriComponents({ nodeUrl, connectionId, direction: error.direction, connectionName: name, version: active.version })),
      );
      if (doc.languageId !== 'groovy') doc = await vscode.languages.setTextDocumentLanguage(doc, 'groovy');
      editor = await vscode.window.showTextDocument(doc, { preview: false });
      void ui.info(
        t('The error is in the active version v{0}, shown read-only at its line. The editable script is the draft v{1}: fix it there, publish, then Retry.', active.version, latest.version),
      );
    } else {
      const editors = (await vscode.commands.executeCommand(Commands.openSyncRules, { nodeUrl, connectionId, direction: error.direction })) as vscode.TextEditor[] | undefined;
      editor = editors?.[0];
      if (!editor) return undefined; // Open Sync Rules reported why
    }
    const doc = editor.document;
    const line = Math.min(pos.line, Math.max(doc.lineCount - 1, 0));
    const character = Math.min(pos.character, doc.lineAt(line).text.length);
    const at = new vscode.Position(line, character);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { uri: doc.uri.toString(), line, character };
  };

  const loadMoreSynced = async (arg?: unknown) => {
    const { nodeUrl, connectionId } = parseArg(ConnectionArgSchema, arg, t('Load More'));
    await clientOf(nodeUrl);
    await tree.model(nodeUrl, connectionId).synced.loadMore();
  };

  // ---- triggers --------------------------------------------------------------------------------------------

  const editTriggers = async (arg?: unknown) => {
    const title = t('Edit Sync Triggers');
    const { nodeUrl, connection } = await resolveConnection(arg, title, () => true);
    const client = await clientOf(nodeUrl);
    let triggers: SyncTrigger[] = await withProgress(t('Loading the sync triggers of “{0}”…', connection.name), (signal) => client.getTriggers(connection.id, { signal }));
    const boxTitle = t('Sync trigger of “{0}” (WIQL)', connection.name);
    const validate = (v: string) => {
      const r = WiqlSchema.safeParse(v);
      return r.success ? undefined : r.error.issues[0].message;
    };
    /** PUTs the list after one edit; the node's message for a refused query comes back for the input box. */
    const store = async (edit: TriggerEdit): Promise<string | undefined> => {
      const items = applyTriggerEdit(triggers, edit);
      const index = edit.kind === 'add' ? items.length - 1 : items.findIndex((x) => 'id' in edit && x.id === edit.id);
      try {
        triggers = await client.putTriggers(connection.id, items);
        log.info(`Stored ${triggers.length} sync trigger(s) of ${connection.id} on ${nodeUrl} (${edit.kind})`);
        return undefined;
      } catch (e) {
        const problem = triggerQueryProblem(e, index);
        if (problem !== undefined) return problem;
        throw e;
      }
    };
    const editQuery = (value: string, edit: (query: string) => TriggerEdit) =>
      ui.queryInput({
        title: boxTitle,
        prompt: t('Work items of {0} that match this WIQL query are synced when they change.', connection.project),
        placeHolder: `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = '${connection.project.replace(/'/g, "''")}' AND [System.WorkItemType] = 'Bug'`,
        value,
        validate,
        submit: (query) => store(edit(query)),
      });

    type Pick = vscode.QuickPickItem & { trigger?: SyncTrigger; add?: true };
    for (;;) {
      const picks: Pick[] = [
        ...triggers.map((x) => ({ ...presentTrigger(x, t), trigger: x })),
        { label: `$(add) ${t('Add a trigger…')}`, description: t('a WIQL query'), add: true as const },
      ];
      const pick = await ui.quickPick(picks, {
        title: t('Sync triggers of “{0}”', connection.name),
        placeHolder: triggers.length === 0 ? t('No triggers yet: add one') : t('Choose a trigger to change it, or add one'),
        matchOnDetail: true,
      });
      if (!pick) break;
      if (pick.add) {
        await editQuery('', (query) => ({ kind: 'add', query }));
        continue;
      }
      const trigger = pick.trigger!;
      type Action = vscode.QuickPickItem & { action: 'query' | 'toggle' | 'bulk' | 'delete' };
      const action = await ui.quickPick<Action>(
        [
          { label: `$(edit) ${t('Edit Query…')}`, action: 'query' },
          trigger.active ? { label: `$(circle-slash) ${t('Deactivate')}`, description: t('stop syncing matches automatically'), action: 'toggle' } : { label: `$(pass-filled) ${t('Activate')}`, description: t('sync matches when they change'), action: 'toggle' },
          { label: `$(sync) ${t('Bulk Exalate')}`, description: t('sync everything the query matches now'), action: 'bulk' },
          { label: `$(trash) ${t('Delete')}`, action: 'delete' },
        ],
        { title: firstLine(trigger.query, 100), placeHolder: t('What to do with this trigger') },
      );
      if (!action) continue;
      try {
        if (action.action === 'query') await editQuery(trigger.query, (query) => ({ kind: 'query', id: trigger.id, query }));
        else if (action.action === 'toggle') {
          const problem = await withProgress(trigger.active ? t('Deactivating the trigger…') : t('Activating the trigger…'), () => store({ kind: 'active', id: trigger.id, active: !trigger.active }));
          if (problem) void ui.error(t('The node refused the trigger: {0}', problem));
        } else if (action.action === 'delete') {
          if (await ui.confirm(t('Delete this sync trigger of “{0}”?', connection.name), trigger.query, t('Delete'))) {
            const problem = await withProgress(t('Deleting the trigger…'), () => store({ kind: 'delete', id: trigger.id }));
            if (problem) void ui.error(t('The node refused the trigger list: {0}', problem));
          }
        } else {
          if (connection.status !== 'active') {
            void ui.error(t('“{0}” is {1}: only an active connection syncs work items. Activate it first.', connection.name, connection.status));
            continue;
          }
          if (await ui.confirm(t('Sync every work item this query matches now?'), trigger.query, t('Bulk Exalate'))) {
            const queued = await withProgress(t('Queuing the matching work items…'), (signal) => client.bulkExalate(connection.id, trigger.id, { signal }));
            log.info(`Bulk exalate of trigger ${trigger.id} on ${connection.id}: ${queued} queued`);
            void ui.info(queued === 1 ? t('1 work item is queued for sync over “{0}”.', connection.name) : t('{0} work items are queued for sync over “{1}”.', queued, connection.name));
            await refreshAfter(nodeUrl, connection.id);
          }
        }
      } catch (e) {
        fail(t('Could not change the trigger'), e);
        // The list may have changed meanwhile (another window, a deleted trigger): show what the node has.
        triggers = await client.getTriggers(connection.id);
      }
    }
    return triggers;
  };

  context.subscriptions.push(
    tree,
    hosted,
    vscode.commands.registerCommand(Commands.syncWorkItem, command(t('Could not sync the work item'), syncWorkItem)),
    vscode.commands.registerCommand(Commands.retrySyncError, command(t('Could not retry the sync'), retryError)),
    vscode.commands.registerCommand(Commands.resolveSyncError, command(t('Could not resolve the sync error'), resolveError_)),
    vscode.commands.registerCommand(Commands.openSyncErrorScript, command(t('Could not open the script'), openErrorScript)),
    vscode.commands.registerCommand(Commands.loadMoreSyncedItems, command(t('Could not load more synced items'), loadMoreSynced)),
    vscode.commands.registerCommand(Commands.editSyncTriggers, command(t('Could not edit the sync triggers'), editTriggers)),
  );

  return {
    tree,
    get watching() {
      return watching;
    },
  };
}

export type { SyncElement, SyncUi };
