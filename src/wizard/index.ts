// The wizard capability: "Exalate: Initiate Connection" (a webview wizard, ./panel.ts over ./machine.ts),
// "Exalate: Accept Invitation" (./accept.ts) and the serializer that restores a wizard after a reload.
import { pickNode } from '../nodes/picker';
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ExalateClient } from '../exalate/client';
import { newIdempotencyKey } from '../exalate/client';
import { nodeDisplayName, type NodeConfig } from '../nodes/registry';
import type { Services } from '../services';
import { Commands } from '../shared/commands';
import { PersistedWizardSchema, WIZARD_VIEW_TYPE, type PersistedWizard } from '../shared/wizardProtocol';
import { acceptInvitation, AcceptArgsSchema, type AcceptOutcome } from './accept';
import { errorText, type WizardInit } from './machine';
import { createWizardWebviewPanel, savedRun, WizardPanel } from './panel';
import { windowPrompter, type WizardPrompter } from './prompter';

/** What the integration tests reach through the extension's test API. */
export interface WizardTestApi {
  /** Open wizard panels, oldest first. */
  readonly panels: readonly WizardPanel[];
}

/** Arguments of "Initiate Connection": a node URL, or a tree item that carries one. */
const NodeArgSchema = z.looseObject({ nodeUrl: z.string().min(1).max(2048) });

export function registerWizard(services: Services): WizardTestApi {
  // Questions and messages go through the extension's one user input (tests replace it: services.ui.use).
  const prompter = windowPrompter(services.ui);
  const panels: WizardPanel[] = [];
  const track = (p: WizardPanel) => {
    panels.push(p);
    p.panel.onDidDispose(() => panels.splice(panels.indexOf(p), 1));
    return p;
  };

  services.context.subscriptions.push(
    vscode.commands.registerCommand(Commands.initiateConnection, async (arg?: unknown) => {
      const target = await chooseNode(services, prompter, arg, vscode.l10n.t('Initiate a connection from which node?'));
      if (!target) return undefined;
      const init = await wizardInit(services, prompter, target.node, target.client);
      if (!init) return undefined;
      const panel = createWizardWebviewPanel(services.context.extensionUri, init.node.label);
      return track(new WizardPanel(panel, services, target.client, prompter, init)).state;
    }),
    vscode.commands.registerCommand(Commands.acceptInvitation, async (arg?: unknown): Promise<AcceptOutcome | undefined> => {
      const args = AcceptArgsSchema.safeParse(arg ?? {});
      const target = await chooseNode(services, prompter, arg, vscode.l10n.t('Accept the invitation on which node?'));
      if (!target) return undefined;
      return acceptInvitation(services, prompter, target.node, target.client, args.success ? args.data : {});
    }),
    vscode.window.registerWebviewPanelSerializer(WIZARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, saved: unknown) => {
        const restored = await restore(services, prompter, panel, saved);
        if (restored) track(restored);
      },
    }),
  );

  return {
    get panels() {
      return panels;
    },
  };
}

/** How long a restored wizard waits for its node's settings entry and token after a window reload. */
const TOKEN_WAIT_MS = 10_000;

/** Re-checks `get` on every change of the node registry until it answers, or undefined after `ms`. */
function untilRegistryGives<T>(services: Services, get: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: T | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), ms);
    const sub = services.nodes.onDidChange(() => {
      void get().then((v) => {
        if (v !== undefined) finish(v);
      });
    });
    // A change between the first look and the subscription: look once more.
    void get().then((v) => {
      if (v !== undefined) finish(v);
    });
  });
}

async function restore(services: Services, prompter: WizardPrompter, panel: vscode.WebviewPanel, saved: unknown): Promise<WizardPanel | undefined> {
  const parsed = PersistedWizardSchema.safeParse(saved);
  if (!parsed.success) {
    services.log.warn('Initiate Connection: the saved wizard state is not usable; closing the restored panel.');
    panel.dispose();
    return undefined;
  }
  let p: PersistedWizard = parsed.data;
  const hostCopy = PersistedWizardSchema.safeParse(savedRun(services.context.workspaceState, p.idempotencyKey));
  if (hostCopy.success) p = hostCopy.data;
  // Right after a window reload the settings or the secret storage may answer late: wait for the registry to change
  // (it fires on both), for at most TOKEN_WAIT_MS.
  const usable = async () => {
    const n = services.nodes.get(p.nodeUrl);
    const c = n && (await services.nodes.client(n.url));
    return n && c ? { node: n, client: c } : undefined;
  };
  const found = (await usable()) ?? (await untilRegistryGives(services, usable, TOKEN_WAIT_MS));
  const node = found?.node;
  const client = found?.client;
  if (!node || !client) {
    services.log.warn(`Initiate Connection: node ${p.nodeUrl} is ${node ? 'missing its API token' : 'no longer configured'}; closing the restored wizard.`);
    panel.dispose();
    return undefined;
  }
  let info: { shortName: string; modes: WizardInit['localModes'] } = { shortName: p.localShortName, modes: ['script', 'visual', 'basic'] };
  try {
    info = await client.getNodeInfo();
  } catch (e) {
    services.log.warn(`Initiate Connection: could not read node info of ${node.url} while restoring: ${errorText(e)}`);
  }
  const init: WizardInit = {
    node: { url: node.url, label: nodeDisplayName(node) },
    localModes: info.modes,
    localShortName: info.shortName,
    idempotencyKey: p.idempotencyKey,
  };
  return new WizardPanel(panel, services, client, prompter, init, p);
}

async function wizardInit(services: Services, prompter: WizardPrompter, node: NodeConfig, client: ExalateClient): Promise<WizardInit | undefined> {
  const label = nodeDisplayName(node);
  for (;;) {
    try {
      const info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exalate: connecting to {0}…', label) },
        () => client.getNodeInfo(),
      );
      return { node: { url: node.url, label }, localModes: info.modes, localShortName: info.shortName, idempotencyKey: newIdempotencyKey() };
    } catch (e) {
      services.log.error(`Initiate Connection: ${errorText(e)}`);
      const retry = vscode.l10n.t('Retry');
      if ((await prompter.error(errorText(e), retry)) !== retry) return undefined;
    }
  }
}

/** The node to work on: from the argument, the only configured node, or a quick pick. */
export async function chooseNode(
  services: Services,
  prompter: WizardPrompter,
  arg: unknown,
  title: string,
): Promise<{ node: NodeConfig; client: ExalateClient } | undefined> {
  const nodes = services.nodes.list();
  let node: NodeConfig | undefined;
  // A node item (or `{ nodeUrl }`) names the node; a connection item (it has a connectionId, e.g. the tree's
  // selection handed to a title-bar action) does not: then ask like the palette does.
  const isConnection = !!arg && typeof arg === 'object' && 'connectionId' in arg;
  const wanted = isConnection ? NodeArgSchema.safeParse(undefined) : NodeArgSchema.safeParse(arg);
  if (wanted.success) {
    node = nodes.find((n) => n.url === wanted.data.nodeUrl.replace(/\/+$/, ''));
    if (!node) {
      void prompter.error(vscode.l10n.t('{0} is not a configured Exalate node. Add it first with "Exalate: Add Node…".', wanted.data.nodeUrl));
      return undefined;
    }
  } else {
    node = await pickNode(services, { title });
  }
  if (!node) return undefined;
  const client = await services.nodes.client(node.url);
  if (!client) {
    void prompter.error(vscode.l10n.t('No API token is stored for {0}. Add the node again with its API token.', nodeDisplayName(node)));
    return undefined;
  }
  return { node, client };
}
