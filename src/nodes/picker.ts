// The one "choose a node" of the extension (issue 13): the only node, else a quick pick through the user-input
// seam (so tests script it); with none configured, says so and offers the next step.
import * as vscode from 'vscode';
import * as z from 'zod';
import { Commands } from '../shared/commands';
import type { Services } from '../services';
import { BadArgument, parseArg } from '../ui/commandKit';
import { nodeDisplayName, type NodeConfig } from './registry';

export interface PickNodeOptions {
  /** The quick pick's title (the command's name). */
  title: string;
  placeHolder?: string;
  /** Replaces the default "No Exalate node is configured yet" message. */
  onNone?: () => void;
}

export async function pickNode(services: Services, options: PickNodeOptions): Promise<NodeConfig | undefined> {
  const nodes = services.nodes.list();
  if (nodes.length === 0) {
    if (options.onNone) options.onNone();
    else reportNoNodes(services);
    return undefined;
  }
  if (nodes.length === 1) return nodes[0];
  const picked = await services.ui.showQuickPick(
    nodes.map((n) => ({ label: `$(server) ${nodeDisplayName(n)}`, description: n.url, node: n })),
    { title: options.title, placeHolder: options.placeHolder ?? vscode.l10n.t('Choose the Exalate node'), ignoreFocusOut: true },
  );
  return picked?.node;
}

/** "No node yet" with the two ways to get one; not awaited by the caller (the command ends first). */
export function reportNoNodes(services: Services): void {
  const start = vscode.l10n.t('Start Local Sandbox');
  const add = vscode.l10n.t('Add Node…');
  void Promise.resolve(services.ui.showErrorMessage(vscode.l10n.t('No Exalate node is configured yet.'), start, add)).then((c) => {
    if (c === start) void vscode.commands.executeCommand(Commands.startSandbox);
    else if (c === add) void vscode.commands.executeCommand(Commands.addNode);
  });
}

const NodeArgSchema = z.object({ nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1) });

/** Refuses a node the settings name but this extension will not use (e.g. plain http to another machine). */
export function refuseRejected(services: Services, nodeUrl: string, command: string): void {
  const rejected = services.nodes.rejected().find((r) => r.url === nodeUrl);
  if (rejected) throw new BadArgument(vscode.l10n.t('{0}: the node {1} is not used. {2}', command, nodeUrl, rejected.problem));
}

/** The node a command is about: from its argument (`{ nodeUrl }`), else the only node, else a quick pick. */
export async function resolveNode(services: Services, arg: unknown, command: string): Promise<NodeConfig | undefined> {
  if (arg !== undefined && arg !== null) {
    const { nodeUrl } = parseArg(NodeArgSchema, arg, command);
    refuseRejected(services, nodeUrl, command);
    const node = services.nodes.get(nodeUrl);
    if (!node) throw new BadArgument(vscode.l10n.t('{0}: no Exalate node {1} is configured.', command, nodeUrl));
    return node;
  }
  return pickNode(services, { title: command });
}
