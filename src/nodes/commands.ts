// The node commands (issue 13: they lived in src/connections): Add Node, Remove Node, Sign In Again, Set Azure
// DevOps Organization, Start Local Sandbox. Each takes an optional argument — a tree element or a plain object
// validated with zod — and asks (through the user-input seam) for what it lacks.
import * as vscode from 'vscode';
import * as z from 'zod';
import { Commands } from '../shared/commands';
import type { Services } from '../services';
import { BadArgument, parseArg, withProgress, type CommandKit } from '../ui/commandKit';
import type { LocalSandbox } from './localSandbox';
import { askAdoPat, MIN_PAT_LENGTH } from './pat';
import { refuseRejected, resolveNode as resolveNodeArg } from './picker';
import { nodeDisplayName, nodeUrlProblem, normalizeNodeUrl } from './registry';
import { adoOrgUrlProblem } from './settings';
import { nodeOwnAdoUrl } from './urls';

const NodeArgSchema = z.object({ nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1) });
const AddNodeArgSchema = z.strictObject({
  url: z.string({ error: 'url is required' }),
  token: z.string({ error: 'token is required' }).trim().min(1, { error: 'token must not be empty' }),
  label: z.string().trim().min(1).optional(),
  adoOrgUrl: z.url({ protocol: /^https?$/, error: 'adoOrgUrl must be an http(s) URL' }).optional(),
  adoPat: z.string().trim().min(MIN_PAT_LENGTH, { error: `adoPat must be the whole token (at least ${MIN_PAT_LENGTH} characters)` }).optional(),
});
const AdoArgSchema = z.strictObject({
  nodeUrl: z.string({ error: 'nodeUrl is required' }).min(1),
  adoOrgUrl: z.string({ error: 'adoOrgUrl is required' }),
  adoPat: z.string().trim().min(MIN_PAT_LENGTH, { error: `adoPat must be the whole token (at least ${MIN_PAT_LENGTH} characters)` }).optional(),
});
const SignInArgSchema = NodeArgSchema.extend({ token: z.string().trim().min(1).optional() });

export interface NodeCommandDeps {
  readonly kit: CommandKit;
  readonly sandbox: LocalSandbox;
  /** Reloads a node's connections in the view. */
  refresh(nodeUrl: string): Promise<unknown>;
  /** Whether an argument is an element of the Connections tree (it names its node). */
  isElement(arg: unknown): arg is { nodeUrl: string };
}

export function registerNodeCommands(services: Services, deps: NodeCommandDeps): void {
  const { context, nodes, log, ui } = services;
  const { kit, sandbox, refresh } = deps;
  const resolveNode = (arg: unknown, command: string) => resolveNodeArg(services, deps.isElement(arg) ? { nodeUrl: arg.nodeUrl } : arg, command);
  /** A modal warning with one action button (plus Cancel); true when the action was chosen. */
  const confirm = async (message: string, detail: string, action: string) => (await ui.showWarningMessage(message, { modal: true, detail }, action)) === action;

  const addNode = async (arg?: unknown): Promise<string | undefined> => {
    let input: z.infer<typeof AddNodeArgSchema>;
    if (arg !== undefined && arg !== null) {
      input = parseArg(AddNodeArgSchema, arg, vscode.l10n.t('Add Node'));
      const problem = nodeUrlProblem(input.url);
      if (problem) throw new BadArgument(`${vscode.l10n.t('Add Node')}: ${problem}`);
      const orgProblem = input.adoOrgUrl === undefined ? undefined : adoOrgUrlProblem(input.adoOrgUrl);
      if (orgProblem) throw new BadArgument(`${vscode.l10n.t('Add Node')}: adoOrgUrl: ${orgProblem}`);
    } else {
      const url = await ui.showInputBox({
        title: vscode.l10n.t('Add Exalate Node (1/2)'),
        prompt: vscode.l10n.t("URL of the node's Node API"),
        placeHolder: 'https://exalate.example.com', // a URL, not text
        validateInput: (v) => (v.trim() ? nodeUrlProblem(v) : vscode.l10n.t('Enter the node URL')),
      });
      if (url === undefined) return undefined;
      const problem = nodeUrlProblem(url);
      if (problem) throw new BadArgument(problem);
      const token = await ui.showInputBox({
        title: vscode.l10n.t('Add Exalate Node (2/2)'),
        prompt: vscode.l10n.t("API token for {0} (kept in VS Code's secret storage)", normalizeNodeUrl(url)),
        password: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the API token')),
      });
      if (token === undefined) return undefined;
      input = { url, token: token.trim() };
    }
    const url = normalizeNodeUrl(input.url);
    log.addSecret(input.token);
    log.addSecret(input.adoPat);
    let info;
    try {
      info = await withProgress(vscode.l10n.t('Checking the Exalate node at {0}…', url), (signal) => nodes.probeClient(url, input.token).getNodeInfo({ signal }));
    } catch (e) {
      kit.fail(vscode.l10n.t('Could not add the node {0}', url), e, () => vscode.commands.executeCommand(Commands.addNode, arg ?? undefined));
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
    await refresh(url);
    void ui.showInformationMessage(vscode.l10n.t('Exalate node "{0}" added ({1}).', input.label ?? info.shortName, url));
    return url;
  };

  const removeNode = async (arg?: unknown) => {
    const rejectedUrl = arg !== undefined && arg !== null ? (arg as { nodeUrl?: unknown }).nodeUrl : undefined;
    const rejected = typeof rejectedUrl === 'string' ? nodes.rejected().find((r) => r.url === rejectedUrl) : undefined;
    if (rejected) {
      if (!(await confirm(vscode.l10n.t('Remove {0} from the {1} setting?', rejected.url, 'exalate.nodes'), rejected.problem, vscode.l10n.t('Remove')))) return false;
      await nodes.remove(rejected.url);
      log.info(`Removed the unused node entry ${rejected.url}`);
      return true;
    }
    const node = await resolveNode(arg, vscode.l10n.t('Remove Node'));
    if (!node) return false;
    const name = nodeDisplayName(node);
    const ok = await confirm(
      vscode.l10n.t('Remove the Exalate node "{0}" from VS Code?', name),
      `${node.url}\n\n${vscode.l10n.t('Its API token and Azure DevOps PAT are deleted from this machine. The connections on the node are not changed.')}${node.sandbox ? ` ${vscode.l10n.t('The local sandbox stops; its data is kept for the next Start Local Sandbox.')}` : ''}`,
      vscode.l10n.t('Remove'),
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
    if (arg !== undefined && arg !== null && !deps.isElement(arg)) {
      const a = parseArg(SignInArgSchema, arg, vscode.l10n.t('Sign In Again'));
      nodeUrl = a.nodeUrl;
      token = a.token;
      refuseRejected(services, nodeUrl, 'Sign In Again');
      if (!nodes.get(nodeUrl)) throw new BadArgument(vscode.l10n.t('{0}: no Exalate node {1} is configured.', vscode.l10n.t('Sign In Again'), nodeUrl));
    } else {
      const node = await resolveNode(arg, vscode.l10n.t('Sign In Again'));
      if (!node) return false;
      nodeUrl = node.url;
    }
    if (token === undefined) {
      token = (
        await ui.showInputBox({
          title: vscode.l10n.t('Sign In to {0}', nodeUrl),
          prompt: vscode.l10n.t("API token for {0} (kept in VS Code's secret storage)", nodeUrl),
          password: true,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the API token')),
        })
      )?.trim();
      if (!token) return false;
    }
    const t = token;
    log.addSecret(t);
    try {
      await withProgress(vscode.l10n.t('Signing in to {0}…', nodeUrl), (signal) => nodes.probeClient(nodeUrl, t).getNodeInfo({ signal }));
    } catch (e) {
      kit.fail(vscode.l10n.t('Could not sign in to {0}', nodeUrl), e, () => vscode.commands.executeCommand(Commands.signIn, { nodeUrl }));
      return false;
    }
    await nodes.setToken(nodeUrl, t);
    log.info(`Signed in to ${nodeUrl}`);
    await refresh(nodeUrl);
    void ui.showInformationMessage(vscode.l10n.t('Signed in to {0}.', nodeUrl));
    return true;
  };

  const startSandbox = async () => {
    const r = await withProgress(vscode.l10n.t('Starting the local Exalate sandbox…'), () => sandbox.start());
    await refresh(r.url);
    void ui.showInformationMessage(
      r.started ? vscode.l10n.t('Local sandbox running at {0} with example connections.', r.url) : vscode.l10n.t('The local sandbox is already running at {0}.', r.url),
    );
    return r.url;
  };

  const setAzureDevOps = async (arg?: unknown) => {
    let nodeUrl: string;
    let orgUrl: string | undefined;
    let pat: string | undefined;
    if (arg !== undefined && arg !== null && !deps.isElement(arg)) {
      const a = parseArg(AdoArgSchema, arg, vscode.l10n.t('Set Azure DevOps Organization'));
      if (!nodes.get(a.nodeUrl)) throw new BadArgument(vscode.l10n.t('{0}: no Exalate node {1} is configured.', vscode.l10n.t('Set Azure DevOps Organization'), a.nodeUrl));
      nodeUrl = a.nodeUrl;
      orgUrl = a.adoOrgUrl;
      pat = a.adoPat;
    } else {
      const node = await resolveNode(arg, vscode.l10n.t('Set Azure DevOps Organization'));
      if (!node) return false;
      nodeUrl = node.url;
      orgUrl = await ui.showInputBox({
        title: vscode.l10n.t('Azure DevOps for {0} (1/2)', nodeDisplayName(node)),
        prompt: vscode.l10n.t('Azure DevOps organization URL, used to list projects for this node'),
        placeHolder: 'https://dev.azure.com/contoso', // a URL, not text
        value: node.adoOrgUrl,
        validateInput: (v) => adoOrgUrlProblem(v),
      });
      if (orgUrl === undefined) return false;
      pat = await askAdoPat(services, nodeUrl, { orgUrl, title: vscode.l10n.t('Azure DevOps for {0} (2/2)', nodeDisplayName(node)), keepStored: true });
      if (pat === undefined) return false;
      pat = pat || undefined;
    }
    const problem = adoOrgUrlProblem(orgUrl);
    if (problem) throw new BadArgument(`${vscode.l10n.t('Set Azure DevOps Organization')}: ${problem}`);
    log.addSecret(pat);
    await nodes.upsert({ url: nodeUrl, adoOrgUrl: orgUrl.trim().replace(/\/+$/, '') }, undefined, pat);
    log.info(`Azure DevOps organization of ${nodeUrl} set to ${orgUrl.trim()}${pat ? ' (PAT updated)' : ''}`);
    void ui.showInformationMessage(pat ? vscode.l10n.t('Azure DevOps organization for {0} saved with its PAT (in secret storage).', nodeUrl) : vscode.l10n.t('Azure DevOps organization for {0} saved.', nodeUrl));
    return true;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.addNode, kit.command(vscode.l10n.t('Add Node'), addNode)),
    vscode.commands.registerCommand(Commands.removeNode, kit.command(vscode.l10n.t('Remove Node'), removeNode)),
    vscode.commands.registerCommand(Commands.signIn, kit.command(vscode.l10n.t('Sign In Again'), signIn)),
    vscode.commands.registerCommand(Commands.setAzureDevOps, kit.command(vscode.l10n.t('Set Azure DevOps Organization'), setAzureDevOps)),
    vscode.commands.registerCommand(Commands.startSandbox, kit.command(vscode.l10n.t('Could not start the local sandbox'), startSandbox)),
  );
}
