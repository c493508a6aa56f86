// The Connections view: nodes, sign-in, the local sandbox, connections and their operations.
// Commands take an optional argument: the tree element they were invoked on, or a plain object (validated with
// zod) so other capabilities and tests can call them; without one they ask (quick pick / input box).
import * as vscode from 'vscode';
import * as z from 'zod';
import { ContextKeys, setContextKey } from '../contextKeys';
import type { ExalateClient } from '../exalate/client';
import { ExalateError } from '../exalate/errors';
import { nodeDisplayName, nodeUrlProblem, normalizeNodeUrl, type NodeConfig } from '../nodes/registry';
import { adoOrgUrlProblem } from '../nodes/settings';
import { connectionNameSchema, descriptionSchema } from '../shared/validation';
import { formatDateTime } from '../shared/format';
import type { Connection, RuleDirection } from '../shared/api';
import { Commands } from '../shared/commands';
import type { Services } from '../services';
import { LocalSandbox } from './localSandbox';
import { presentConnection } from './model';
import { windowPrompter, type Prompter } from './prompter';
import { nodeOwnAdoUrl } from './urls';
import { ConnectionsTree, VIEW_ID, isElement, type Element } from './tree';

export const AUTO_REFRESH_SETTING = 'autoRefreshSeconds';

/** What the integration tests reach through the extension's test API. */
export interface ConnectionsTestApi {
  readonly tree: ConnectionsTree;
  readonly view: vscode.TreeView<Element>;
  readonly sandbox: LocalSandbox;
  /** Replaces the prompts (input boxes, quick picks, modal confirmations, messages); undefined restores them. */
  setPrompter(p: Prompter | undefined): void;
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
const AddNodeArgSchema = z.strictObject({
  url: z.string({ error: 'url is required' }),
  token: z.string({ error: 'token is required' }).trim().min(1, { error: 'token must not be empty' }),
  label: z.string().trim().min(1).optional(),
  adoOrgUrl: z.url({ protocol: /^https?$/, error: 'adoOrgUrl must be an http(s) URL' }).optional(),
  adoPat: z.string().min(1).optional(),
});
const AdoArgSchema = z.strictObject({
  nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1),
  adoOrgUrl: z.string({ error: 'adoOrgUrl is required' }),
  adoPat: z.string().trim().min(1).optional(),
});

/** Why a string cannot be an Azure DevOps organization URL (plain http only on this machine), or undefined. */
const SignInArgSchema = NodeArgSchema.extend({ token: z.string().trim().min(1).optional() });

const EditArgSchema = ConnectionArgSchema.extend({ name: z.string().optional(), description: z.string().optional() });

class BadArgument extends Error {}

function parseArg<T>(schema: z.ZodType<T>, arg: unknown, command: string): T {
  const r = schema.safeParse(arg);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BadArgument(`${command} was called with an invalid argument: ${issue.path.join('.') || 'argument'}: ${issue.message}`);
  }
  return r.data;
}

// ---- registration ----------------------------------------------------------------------------------------------

export function registerConnections(services: Services): ConnectionsTestApi {
  const { context, nodes, log } = services;
  const sandbox = new LocalSandbox(context, nodes, log);
  const tree = new ConnectionsTree(nodes, log, async (node) => {
    if (sandbox.url !== node.url) await sandbox.start();
  });
  const view = vscode.window.createTreeView<Element>(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  let prompter: Prompter = windowPrompter;
  const ui = () => prompter;

  // Badge: pending + error connections among those loaded.
  const updateBadge = () => {
    let pending = 0;
    let errors = 0;
    let listedConnections = 0;
    let pendingInvitations = 0;
    const listed = new Set(nodes.list().map((n) => n.url));
    for (const m of tree.allModels()) {
      if (!listed.has(m.nodeUrl)) continue;
      listedConnections += m.connections.length;
      for (const c of m.connections) {
        if (c.status === 'pending' && c.role === 'initiator') pendingInvitations++;
        if (c.status === 'pending') pending++;
        else if (c.status === 'error') errors++;
      }
    }
    const n = pending + errors;
    // Palette entries of connection commands show only where they can work (package.json `when`).
    setContextKey(ContextKeys.hasConnections, listedConnections > 0);
    setContextKey(ContextKeys.hasPendingInvitations, pendingInvitations > 0);
    view.badge = n > 0 ? { value: n, tooltip: `${pending} pending, ${errors} in error` } : undefined;
  };

  const autoRefresh = new AutoRefresh(view, () => void tree.refresh());

  // ---- helpers ---------------------------------------------------------------------------------------------

  const showLog = () => log.show();

  /** Shows a failure with the next step as buttons; never awaited inline (the command finishes first). */
  const fail = (what: string, e: unknown, retry?: () => unknown, nodeUrl?: string) => {
    const err = e instanceof Error ? e : new Error(String(e));
    log.error(`${what}: ${err instanceof ExalateError ? err.toLogString() : err.message}`);
    if (err instanceof ExalateError && err.kind === 'cancelled') return;
    const actions: string[] = [];
    if (err instanceof ExalateError && err.kind === 'unauthorized' && nodeUrl) actions.push('Sign In Again');
    if (err instanceof ExalateError && (err.kind === 'notFound' || err.kind === 'conflict')) actions.push('Refresh');
    else if (retry) actions.push('Retry');
    actions.push('Show Log');
    void ui()
      .error(`${what}: ${err.message}`, ...actions)
      .then((choice) => {
        if (choice === 'Sign In Again') void vscode.commands.executeCommand(Commands.signIn, { nodeUrl });
        else if (choice === 'Refresh') void tree.refresh(nodeUrl);
        else if (choice === 'Retry') void retry?.();
        else if (choice === 'Show Log') showLog();
      });
  };

  /** A network operation with a cancellable progress notification. */
  const withProgress = <T>(title: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        return fn(ac.signal).finally(() => sub.dispose());
      }),
    );

  /** Refuses a node the settings name but this extension will not use (e.g. plain http to another machine). */
  const refuseRejected = (nodeUrl: string, command: string) => {
    const rejected = nodes.rejected().find((r) => r.url === nodeUrl);
    if (rejected) throw new BadArgument(`${command}: the node ${nodeUrl} is not used. ${rejected.problem}`);
  };

  /** The model of a configured node; a clear error for any other URL (no model is created for it). */
  const knownModel = (nodeUrl: string, command: string) => {
    refuseRejected(nodeUrl, command);
    if (!nodes.get(nodeUrl)) throw new BadArgument(`${command}: no Exalate node ${nodeUrl} is configured.`);
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

  /** The node a command is about: from its argument, else the only node, else a quick pick. */
  const resolveNode = async (arg: unknown, command: string): Promise<NodeConfig | undefined> => {
    const list = nodes.list();
    if (arg !== undefined && arg !== null) {
      const { nodeUrl } = isElement(arg) ? arg : parseArg(NodeArgSchema, arg, command);
      refuseRejected(nodeUrl, command);
      const node = nodes.get(nodeUrl);
      if (!node) throw new BadArgument(`${command}: no Exalate node ${nodeUrl} is configured.`);
      return node;
    }
    if (list.length === 0) {
      void ui()
        .error('No Exalate node is configured yet.', 'Start Local Sandbox', 'Add Node…')
        .then((c) => {
          if (c === 'Start Local Sandbox') void vscode.commands.executeCommand(Commands.startSandbox);
          else if (c === 'Add Node…') void vscode.commands.executeCommand(Commands.addNode);
        });
      return undefined;
    }
    if (list.length === 1) return list[0];
    const pick = await ui().quickPick(
      list.map((n) => ({ label: nodeDisplayName(n), description: n.url, node: n })),
      { title: command, placeHolder: 'Choose an Exalate node' },
    );
    return pick?.node;
  };

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
          description: `${presentConnection(c).description}${list.length > 1 ? ` · ${nodeDisplayName(n)}` : ''}`,
          nodeUrl: n.url,
          connection: c,
        })),
    );
    if (items.length === 0) {
      void ui().info(`${command}: no loaded connection fits this command.`);
      return undefined;
    }
    const pick = await ui().quickPick(items, { title: command, placeHolder: 'Choose a connection', matchOnDescription: true });
    return pick && { nodeUrl: pick.nodeUrl, connection: pick.connection };
  };

  /** Wraps a command: argument errors and unexpected failures become messages, never unhandled rejections. */
  const command =
    (title: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        if (e instanceof BadArgument) {
          log.error(e.message);
          void ui().error(e.message);
        } else fail(title, e);
        return undefined;
      }
    };

  // ---- node commands ---------------------------------------------------------------------------------------

  const addNode = async (arg?: unknown): Promise<string | undefined> => {
    let input: z.infer<typeof AddNodeArgSchema>;
    if (arg !== undefined && arg !== null) {
      input = parseArg(AddNodeArgSchema, arg, 'Add Node');
      const problem = nodeUrlProblem(input.url);
      if (problem) throw new BadArgument(`Add Node: ${problem}`);
      const orgProblem = input.adoOrgUrl === undefined ? undefined : adoOrgUrlProblem(input.adoOrgUrl);
      if (orgProblem) throw new BadArgument(`Add Node: adoOrgUrl: ${orgProblem}`);
    } else {
      const url = await ui().inputBox({
        title: 'Add Exalate Node (1/2)',
        prompt: 'URL of the node\'s Node API',
        placeHolder: 'https://exalate.example.com',
        validateInput: (v) => (v.trim() ? nodeUrlProblem(v) : 'Enter the node URL'),
      });
      if (url === undefined) return undefined;
      const problem = nodeUrlProblem(url);
      if (problem) throw new BadArgument(problem);
      const token = await ui().inputBox({
        title: 'Add Exalate Node (2/2)',
        prompt: `API token for ${normalizeNodeUrl(url)} (kept in VS Code's secret storage)`,
        password: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter the API token'),
      });
      if (token === undefined) return undefined;
      input = { url, token: token.trim() };
    }
    const url = normalizeNodeUrl(input.url);
    log.addSecret(input.token);
    log.addSecret(input.adoPat);
    let info;
    try {
      info = await withProgress(`Checking the Exalate node at ${url}…`, (signal) => nodes.probeClient(url, input.token).getNodeInfo({ signal }));
    } catch (e) {
      fail(`Could not add the node ${url}`, e, () => vscode.commands.executeCommand(Commands.addNode, arg ?? undefined));
      return undefined;
    }
    const existing = nodes.get(url);
    // The node's own emulator (same origin as the node, a valid org URL) is the only place its token may go as a PAT.
    let reportedAdo = info.adoUrl ?? undefined;
    const reportedProblem = reportedAdo === undefined ? undefined : adoOrgUrlProblem(reportedAdo);
    if (reportedProblem) {
      log.warn(`Add Node: ignoring the Azure DevOps URL reported by ${url}: ${reportedProblem}`);
      reportedAdo = undefined;
    }
    const selfAdo = nodeOwnAdoUrl(url, reportedAdo);
    if (reportedAdo && !selfAdo) log.info(`Add Node: ${url} reports Azure DevOps at another origin (${reportedAdo}); set its PAT with Set Azure DevOps Organization…`);
    await nodes.upsert(
      {
        url,
        label: input.label ?? existing?.label ?? info.shortName,
        // Another origin the node reports is not recorded here: the first project listing shows it and asks.
        adoOrgUrl: input.adoOrgUrl ?? existing?.adoOrgUrl ?? selfAdo,
      },
      input.token,
      // The node's own Azure DevOps emulator accepts the node token as PAT.
      input.adoPat ?? (selfAdo && !existing ? input.token : undefined),
    );
    log.info(`Added node ${url} (${info.shortName}, ${info.platform}, Node API ${info.apiVersion})`);
    await tree.refresh(url);
    void ui().info(`Exalate node "${input.label ?? info.shortName}" added (${url}).`);
    return url;
  };

  const removeNode = async (arg?: unknown) => {
    const rejectedUrl = arg !== undefined && arg !== null ? (arg as { nodeUrl?: unknown }).nodeUrl : undefined;
    const rejected = typeof rejectedUrl === 'string' ? nodes.rejected().find((r) => r.url === rejectedUrl) : undefined;
    if (rejected) {
      if (!(await ui().confirm(`Remove ${rejected.url} from the exalate.nodes setting?`, rejected.problem, 'Remove'))) return false;
      await nodes.remove(rejected.url);
      log.info(`Removed the unused node entry ${rejected.url}`);
      return true;
    }
    const node = await resolveNode(arg, 'Remove Node');
    if (!node) return false;
    const name = nodeDisplayName(node);
    const ok = await ui().confirm(
      `Remove the Exalate node "${name}" from VS Code?`,
      `${node.url}\n\nIts API token and Azure DevOps PAT are deleted from this machine. The connections on the node are not changed.${node.sandbox ? ' The local sandbox stops; its data is kept for the next Start Local Sandbox.' : ''}`,
      'Remove',
    );
    if (!ok) return false;
    if (node.sandbox && sandbox.url === node.url) await sandbox.stop();
    await nodes.remove(node.url);
    log.info(`Removed node ${node.url}`);
    return true;
  };

  const signIn = async (arg?: unknown) => {
    let nodeUrl: string;
    let token: string | undefined;
    if (arg !== undefined && arg !== null && !isElement(arg)) {
      const a = parseArg(SignInArgSchema, arg, 'Sign In Again');
      nodeUrl = a.nodeUrl;
      token = a.token;
      refuseRejected(nodeUrl, 'Sign In Again');
      if (!nodes.get(nodeUrl)) throw new BadArgument(`Sign In Again: no Exalate node ${nodeUrl} is configured.`);
    } else {
      const node = await resolveNode(arg, 'Sign In Again');
      if (!node) return false;
      nodeUrl = node.url;
    }
    if (token === undefined) {
      token = (
        await ui().inputBox({
          title: `Sign In to ${nodeUrl}`,
          prompt: `API token for ${nodeUrl} (kept in VS Code's secret storage)`,
          password: true,
          validateInput: (v) => (v.trim() ? undefined : 'Enter the API token'),
        })
      )?.trim();
      if (!token) return false;
    }
    const t = token;
    log.addSecret(t);
    try {
      await withProgress(`Signing in to ${nodeUrl}…`, (signal) => nodes.probeClient(nodeUrl, t).getNodeInfo({ signal }));
    } catch (e) {
      fail(`Could not sign in to ${nodeUrl}`, e, () => vscode.commands.executeCommand(Commands.signIn, { nodeUrl }));
      return false;
    }
    await nodes.setToken(nodeUrl, t);
    log.info(`Signed in to ${nodeUrl}`);
    await tree.refresh(nodeUrl);
    void ui().info(`Signed in to ${nodeUrl}.`);
    return true;
  };

  const startSandbox = async () => {
    const r = await withProgress('Starting the local Exalate sandbox…', () => sandbox.start());
    await tree.refresh(r.url);
    void ui().info(
      r.started ? `Local sandbox running at ${r.url} with example connections.` : `The local sandbox is already running at ${r.url}.`,
    );
    return r.url;
  };

  const setAzureDevOps = async (arg?: unknown) => {
    let nodeUrl: string;
    let orgUrl: string | undefined;
    let pat: string | undefined;
    if (arg !== undefined && arg !== null && !isElement(arg)) {
      const a = parseArg(AdoArgSchema, arg, 'Set Azure DevOps Organization');
      if (!nodes.get(a.nodeUrl)) throw new BadArgument(`Set Azure DevOps Organization: no Exalate node ${a.nodeUrl} is configured.`);
      nodeUrl = a.nodeUrl;
      orgUrl = a.adoOrgUrl;
      pat = a.adoPat;
    } else {
      const node = await resolveNode(arg, 'Set Azure DevOps Organization');
      if (!node) return false;
      nodeUrl = node.url;
      orgUrl = await ui().inputBox({
        title: `Azure DevOps for ${nodeDisplayName(node)} (1/2)`,
        prompt: 'Azure DevOps organization URL, used to list projects for this node',
        placeHolder: 'https://dev.azure.com/contoso',
        value: node.adoOrgUrl,
        validateInput: (v) => adoOrgUrlProblem(v),
      });
      if (orgUrl === undefined) return false;
      pat = await ui().inputBox({
        title: `Azure DevOps for ${nodeDisplayName(node)} (2/2)`,
        prompt: 'Personal access token with Project (read) scope; leave empty to keep the stored one',
        password: true,
      });
      if (pat === undefined) return false;
      pat = pat.trim() || undefined;
    }
    const problem = adoOrgUrlProblem(orgUrl);
    if (problem) throw new BadArgument(`Set Azure DevOps Organization: ${problem}`);
    log.addSecret(pat);
    await nodes.upsert({ url: nodeUrl, adoOrgUrl: orgUrl.trim().replace(/\/+$/, '') }, undefined, pat);
    log.info(`Azure DevOps organization of ${nodeUrl} set to ${orgUrl.trim()}${pat ? ' (PAT updated)' : ''}`);
    void ui().info(`Azure DevOps organization for ${nodeUrl} saved${pat ? ' with its PAT (in secret storage)' : ''}.`);
    return true;
  };

  // ---- connection commands ---------------------------------------------------------------------------------

  const afterMutation = async (nodeUrl: string) => {
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.refresh(nodeUrl));
  };

  const copyInvitationCode = async (arg?: unknown) => {
    const t = await resolveConnection(arg, 'Copy Invitation Code', (c) => c.status === 'pending' && c.role === 'initiator');
    if (!t) return undefined;
    const run = async (): Promise<string | undefined> => {
      try {
        const client = await requireClient(t.nodeUrl);
        const res = await withProgress(`Getting the invitation code of "${t.connection.name}"…`, (signal) =>
          client.getInvitationCode(t.connection.id, { signal }),
        );
        await vscode.env.clipboard.writeText(res.invitationCode);
        log.info(`Copied the invitation code of ${t.connection.id} on ${t.nodeUrl}`);
        void ui().info(
          `Invitation code of "${t.connection.name}" copied. Send it to ${t.connection.remoteShortName}; it expires ${formatDateTime(res.expiresAt)}.`,
        );
        return res.invitationCode;
      } catch (e) {
        fail(`Could not copy the invitation code of "${t.connection.name}"`, e, run, t.nodeUrl);
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
    const t = await resolveConnection(arg, `${verb} Connection`, fits);
    if (!t) return undefined;
    const run = async (): Promise<Connection | undefined> => {
      try {
        const client = await requireClient(t.nodeUrl);
        const updated = await withProgress(`${status === 'active' ? 'Activating' : 'Deactivating'} "${t.connection.name}"…`, (signal) =>
          client.patchConnection(t.connection.id, { status }, { signal }),
        );
        log.info(`${verb}d ${t.connection.id} on ${t.nodeUrl}: now ${updated.status}`);
        tree.model(t.nodeUrl).replace(updated);
        await afterMutation(t.nodeUrl);
        return updated;
      } catch (e) {
        fail(`Could not ${verb.toLowerCase()} "${t.connection.name}"`, e, run, t.nodeUrl);
        return undefined;
      }
    };
    return run();
  };

  const deleteConnection = async (arg?: unknown) => {
    const t = await resolveConnection(arg, 'Delete Connection', () => true);
    if (!t) return false;
    const c = t.connection;
    const node = nodes.get(t.nodeUrl);
    const ok = await ui().confirm(
      `Delete the connection "${c.name}"?`,
      `It is deleted on ${node ? nodeDisplayName(node) : t.nodeUrl} together with its sync rules and their history; ${c.remoteShortName} can no longer sync through it. This cannot be undone.`,
      'Delete',
    );
    if (!ok) return false;
    const run = async (): Promise<boolean> => {
      try {
        const client = await requireClient(t.nodeUrl);
        await withProgress(`Deleting "${c.name}"…`, (signal) => client.deleteConnection(c.id, { signal }));
        log.info(`Deleted ${c.id} ("${c.name}") on ${t.nodeUrl}`);
        tree.model(t.nodeUrl).remove(c.id);
        await afterMutation(t.nodeUrl);
        return true;
      } catch (e) {
        fail(`Could not delete "${c.name}"`, e, run, t.nodeUrl);
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
    const t = await resolveConnection(arg, `Open ${direction === 'outgoing' ? 'Outgoing' : 'Incoming'} Sync Rules`, () => true);
    if (!t) return undefined;
    return ui().executeCommand(Commands.openSyncRules, { nodeUrl: t.nodeUrl, connectionId: t.connection.id, direction });
  };

  const revealConnection = async (arg?: unknown) => {
    const { nodeUrl, connectionId } = parseArg(ConnectionArgSchema, arg, 'Reveal Connection');
    const m = knownModel(nodeUrl, 'Reveal Connection');
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, async () => {
      await m.refresh();
      while (!m.find(connectionId) && m.nextCursor && !m.moreError && m.state.kind === 'loaded') await m.loadMore();
    });
    if (m.state.kind === 'error') throw m.state.error;
    if (!m.find(connectionId)) {
      throw new Error(`Connection ${connectionId} is not on the node ${nodeUrl} (any more). Refresh the Connections view.`);
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

  context.subscriptions.push(
    sandbox,
    tree,
    view,
    autoRefresh,
    tree.onDidChangeModels(updateBadge),
    nodes.onDidChange(onNodesChanged),
    vscode.commands.registerCommand(
      Commands.refresh,
      command('Refresh', async (arg?: unknown) => {
        const nodeUrl = arg ? (isElement(arg) ? arg.nodeUrl : parseArg(NodeArgSchema, arg, 'Refresh').nodeUrl) : undefined;
        if (nodeUrl) knownModel(nodeUrl, 'Refresh');
        else tree.syncNodes();
        await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.refresh(nodeUrl));
      }),
    ),
    vscode.commands.registerCommand(
      Commands.retryNode,
      command('Retry', async (arg?: unknown) => {
        const node = await resolveNode(arg, 'Retry');
        if (node) await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.refresh(node.url));
      }),
    ),
    vscode.commands.registerCommand(
      Commands.loadMoreConnections,
      command('Load More', async (arg?: unknown) => {
        const node = await resolveNode(arg, 'Load More');
        if (node) await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => tree.model(node.url).loadMore());
      }),
    ),
    vscode.commands.registerCommand(Commands.addNode, command('Add Node', addNode)),
    vscode.commands.registerCommand(Commands.removeNode, command('Remove Node', removeNode)),
    vscode.commands.registerCommand(Commands.signIn, command('Sign In Again', signIn)),
    vscode.commands.registerCommand(Commands.setAzureDevOps, command('Set Azure DevOps Organization', setAzureDevOps)),
    vscode.commands.registerCommand(Commands.startSandbox, command('Could not start the local sandbox', startSandbox)),
    vscode.commands.registerCommand(Commands.copyInvitationCode, command('Copy Invitation Code', copyInvitationCode)),
    vscode.commands.registerCommand(Commands.activateConnection, command('Activate Connection', setStatus('active'))),
    vscode.commands.registerCommand(Commands.deactivateConnection, command('Deactivate Connection', setStatus('deactivated'))),
    vscode.commands.registerCommand(Commands.deleteConnection, command('Delete Connection', deleteConnection)),
    vscode.commands.registerCommand(Commands.openOutgoingSyncRules, command('Open Outgoing Sync Rules', openRules('outgoing'))),
    vscode.commands.registerCommand(Commands.openIncomingSyncRules, command('Open Incoming Sync Rules', openRules('incoming'))),
    vscode.commands.registerCommand(Commands.renameConnection, command(vscode.l10n.t('Rename Connection'), editConnection('name'))),
    vscode.commands.registerCommand(Commands.editConnectionDescription, command(vscode.l10n.t('Edit Connection Description'), editConnection('description'))),
    vscode.commands.registerCommand(Commands.revealConnection, command('Could not show the connection', revealConnection)),
  );

  return {
    tree,
    view,
    sandbox,
    setPrompter: (p) => {
      prompter = p ?? windowPrompter;
    },
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
